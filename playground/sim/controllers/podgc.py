"""PodGC: force-deletes pods no kubelet will ever finish.

Models pkg/controller/podgc/gc_controller.go: gcOrphaned (pods bound to a Node that no longer
exists, after a 40 s quarantine, are marked Failed with condition DisruptionTarget /
DeletionByPodGC "PodGC: node no longer exists" and deleted with grace 0), gcUnscheduledTerminating
(terminating pods never bound to a node) and gcTerminating (terminating pods on a NotReady node
tainted node.kubernetes.io/out-of-service:NoExecute).

Simplified: the terminated-pod threshold (12,500) is not modelled; the quarantine start is kept
in the PodGCState internal object instead of the controller's delaying queue.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..kinds.internal import internal_object
from ..objects import clone, get_path
from ..scheduling import OUT_OF_SERVICE, node_ready_status, taints_of
from . import pass_memo
from .base import Controller
from .pod_subsets import PodSubsets
from .scheduler import set_condition

if TYPE_CHECKING:
    from ..cluster import Cluster

NAME = "pod-garbage-collector"
QUARANTINE_SECONDS = 40.0
STATE_NAME = "podgc"


class PodGCController(Controller):
    name = NAME

    def reconcile(self, cluster: Cluster) -> None:
        if pass_memo.can_skip(cluster, self.name):
            return
        self.full_pass(cluster)
        pass_memo.remember(cluster, self.name, self.next_wakeup(cluster))

    def full_pass(self, cluster: Cluster) -> None:
        nodes = {n["metadata"]["name"]: n for n in cluster.store.list("Node")}
        missing: dict[str, list[dict]] = {}
        # only pods being deleted or bound to a node that is gone can need anything; the
        # index hands exactly those back, in the order a scan of every pod would see them
        index = PodSubsets.of(cluster, NAME, _podgc_tags)
        candidates: dict[tuple[str, str], dict] = {}
        for tag in index.present_tags():
            kind, node_name = tag
            if (kind == "node" and node_name not in nodes) or (kind == "deleting" and (
                    node_name not in nodes or out_of_service(nodes[node_name]))):
                for pod in index.subsets[tag].values():
                    meta = pod["metadata"]
                    candidates[(meta.get("namespace", ""), meta["name"])] = pod
        for pod in index.in_store_order(candidates):
            node_name = (pod.get("spec") or {}).get("nodeName")
            if not node_name:
                if pod["metadata"].get("deletionTimestamp"):
                    self.force_delete(cluster, pod, None, "pod was never scheduled")
                continue
            node = nodes.get(node_name)
            if node is None:
                missing.setdefault(node_name, []).append(pod)
            elif pod["metadata"].get("deletionTimestamp") and out_of_service(node):
                self.force_delete(cluster, pod, None,
                                  f"node {node_name} is out of service")
        self.gc_orphaned(cluster, missing)

    def next_wakeup(self, cluster: Cluster) -> float | None:
        state = cluster.store.get("PodGCState", "", STATE_NAME)
        seen = (state or {}).get("missingSince") or {}
        return min(seen.values()) + QUARANTINE_SECONDS if seen else None

    def gc_orphaned(self, cluster: Cluster, missing: dict[str, list[dict]]) -> None:
        now = cluster.clock.now
        state = cluster.store.get("PodGCState", "", STATE_NAME)
        seen = dict((state or {}).get("missingSince") or {})
        wanted = {n: seen.get(n, now) for n in missing}
        for node_name, pods in missing.items():
            if now < wanted[node_name] + QUARANTINE_SECONDS:
                continue
            for pod in pods:
                self.force_delete(cluster, pod, "PodGC: node no longer exists",
                                  f"its node {node_name} no longer exists")
            wanted.pop(node_name)
        if wanted == seen:
            return
        if state is None:
            cluster.api.create(internal_object("PodGCState", STATE_NAME, missingSince=wanted),
                               actor=NAME)
        else:
            cluster.api.update({**clone(state), "missingSince": wanted}, actor=NAME)

    def force_delete(self, cluster: Cluster, pod: dict, condition: str | None, why: str) -> None:
        meta = pod["metadata"]
        if condition and get_path(pod, "status", "phase") not in ("Succeeded", "Failed"):
            updated = clone(pod)
            set_condition(updated, {"type": "DisruptionTarget", "status": "True",
                                    "reason": "DeletionByPodGC", "message": condition},
                          cluster.clock.now)
            updated["status"]["phase"] = "Failed"
            pod = cluster.api.update(updated, subresource="status", actor=NAME)
        cluster.api.delete("Pod", meta["name"], namespace=meta.get("namespace"),
                           grace_period_seconds=0, actor=NAME)
        cluster.record(NAME, pod, f"force-deleted pod {meta['name']}: {why}")


def _podgc_tags(pod: dict) -> list:
    tags: list = []
    node_name = (pod.get("spec") or {}).get("nodeName")
    if node_name:
        tags.append(("node", node_name))
    if pod["metadata"].get("deletionTimestamp"):
        tags.append(("deleting", node_name or ""))
    return tags


def out_of_service(node: dict) -> bool:
    return node_ready_status(node) != "True" and any(
        t.get("key") == OUT_OF_SERVICE and t.get("effect") == "NoExecute" for t in taints_of(node))


CONTROLLERS = [PodGCController]
