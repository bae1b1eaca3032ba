"""Node lifecycle: node health from heartbeats, condition taints, and taint-based eviction.

Models pkg/controller/nodelifecycle/node_lifecycle_controller.go (monitorNodeHealth: a node
whose kubelet has not posted status for node-monitor-grace-period (50 s since v1.32) gets all
conditions Unknown with reason NodeStatusUnknown / "Kubelet stopped posting node status.",
event NodeNotReady, and its pods marked not Ready with a NodeNotReady event each
(controller/util/node MarkPodsNotReady); TaintNodesByCondition: node.kubernetes.io/
unreachable or not-ready NoSchedule and NoExecute taints, node.kubernetes.io/unschedulable for
cordoned nodes) and pkg/controller/tainteviction/taint_eviction.go (a pod on a node with
NoExecute taints is deleted at once if it does not tolerate one, else after the smallest
tolerationSeconds of the matching tolerations; condition DisruptionTarget /
DeletionByTaintManager, event TaintManagerEviction).

Simplified: the last heartbeat is derived from the KubeletState internal object (running:
now; stopped at S: S) instead of a Lease renewed every 10 s; the eviction clock starts at the
NoExecute taint's timeAdded; no rate limiting of evictions per zone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..kinds.internal import internal_object
from ..objects import clone, format_time, get_path, is_deleting, parse_time
from ..scheduling import (
    NOT_READY,
    UNREACHABLE,
    UNSCHEDULABLE,
    is_terminal,
    node_ready_status,
    taints_of,
    tolerates,
    tolerations_of,
)
from . import pass_memo
from .base import Controller
from .scheduler import set_condition

if TYPE_CHECKING:
    from ..cluster import Cluster

NODE_MONITOR_GRACE_PERIOD = 50.0
EVICTION_STATE = "taint-eviction"
NODE_CONTROLLER = "node-controller"
TAINT_EVICTION = "taint-eviction-controller"
CONDITION_TYPES = ("MemoryPressure", "DiskPressure", "PIDPressure", "Ready")
MANAGED_TAINTS = (NOT_READY, UNREACHABLE, UNSCHEDULABLE)


def stopped_at(cluster: Cluster, node_name: str) -> float | None:
    state = cluster.store.get("KubeletState", "", node_name)
    if state is None or state.get("running", True):
        return None
    return float(state.get("stoppedAt") or 0.0)


def pods_by_node(cluster: Cluster) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for pod in cluster.store.list("Pod"):
        node = get_path(pod, "spec", "nodeName")
        if node:
            out.setdefault(node, []).append(pod)
    return out


class NodeLifecycleController(Controller):
    name = NODE_CONTROLLER

    def reconcile(self, cluster: Cluster) -> None:
        if pass_memo.can_skip(cluster, self.name):
            return
        self.full_pass(cluster)
        pass_memo.remember(cluster, self.name, self.next_wakeup(cluster))

    def full_pass(self, cluster: Cluster) -> None:
        pods: dict[str, list[dict]] | None = None
        nodes = cluster.store.list("Node")
        for node in nodes:
            if not get_path(node, "spec", "podCIDR"):
                allocate_pod_cidr(cluster, node, nodes)
        for node in cluster.store.list("Node"):
            node = self.monitor_node_health(cluster, node)
            self.sync_taints(cluster, node)
            if node_ready_status(node) != "True":
                if pods is None:
                    pods = pods_by_node(cluster)
                self.mark_pods_not_ready(cluster, node, pods.get(node["metadata"]["name"], []))

    def next_wakeup(self, cluster: Cluster) -> float | None:
        times = []
        for node in cluster.store.list("Node"):
            since = stopped_at(cluster, node["metadata"]["name"])
            if since is not None and node_ready_status(node) != "Unknown":
                times.append(since + NODE_MONITOR_GRACE_PERIOD)
        return min(times) if times else None

    def monitor_node_health(self, cluster: Cluster, node: dict) -> dict:
        name = node["metadata"]["name"]
        since = stopped_at(cluster, name)
        now = cluster.clock.now
        if since is None or now < since + NODE_MONITOR_GRACE_PERIOD:
            return node
        if node_ready_status(node) == "Unknown":
            return node
        was_ready = node_ready_status(node) == "True"
        updated = clone(node)
        updated["status"]["conditions"] = unknown_conditions(node, since, now)
        node = cluster.api.update(updated, subresource="status", actor=self.name)
        if was_ready:
            cluster.event(node, "Normal", "NodeNotReady",
                          f"Node {name} status is now: NodeNotReady", component=self.name)
        cluster.record(self.name, node, (
            f"node {name} has not posted status for {int(now - since)}s (grace period "
            f"{int(NODE_MONITOR_GRACE_PERIOD)}s): conditions Unknown, node NotReady"))
        return node

    def sync_taints(self, cluster: Cluster, node: dict) -> None:
        ready = node_ready_status(node)
        spec = node.get("spec") or {}
        if ready == "True" and not spec.get("unschedulable") and not any(
                t.get("key") in MANAGED_TAINTS for t in spec.get("taints") or ()):
            return  # the common case: a healthy, schedulable node
        now = format_time(cluster.clock.now)
        condition_key = {"Unknown": UNREACHABLE, "False": NOT_READY}.get(ready)
        wanted: list[dict] = []
        if condition_key:
            wanted += [{"effect": "NoSchedule", "key": condition_key},
                       {"effect": "NoExecute", "key": condition_key}]
        if get_path(node, "spec", "unschedulable"):
            wanted.append({"effect": "NoSchedule", "key": UNSCHEDULABLE})
        current = taints_of(node)
        kept = [t for t in current if t.get("key") not in MANAGED_TAINTS or _same_taint(t, wanted)]
        added = [dict(w, timeAdded=now) for w in wanted
                 if not any(_same_taint(t, [w]) for t in current)]
        if not added and len(kept) == len(current):
            return
        updated = clone(node)
        updated["spec"]["taints"] = kept + added
        if not updated["spec"]["taints"]:
            updated["spec"].pop("taints")
        cluster.api.update(updated, actor=self.name)
        name = node["metadata"]["name"]
        for t in added:
            cluster.record(self.name, node, f"tainted node {name} {t['key']}:{t['effect']}")
        for t in current:
            if t not in kept:
                cluster.record(self.name, node,
                               f"removed taint {t['key']}:{t['effect']} from node {name}")

    def mark_pods_not_ready(self, cluster: Cluster, node: dict, pods: list[dict]) -> None:
        """MarkPodsNotReady: only the Ready condition flips; containerStatuses stay."""
        if stopped_at(cluster, node["metadata"]["name"]) is None:
            return  # the node's own kubelet reports NotReady itself and owns its pods
        for pod in pods:
            ready = next((c for c in get_path(pod, "status", "conditions", default=[]) or []
                          if c.get("type") == "Ready"), None)
            if ready is None or ready.get("status") == "False":
                continue
            updated = clone(pod)
            cond = {k: v for k, v in ready.items() if k not in ("lastProbeTime",
                                                                 "lastTransitionTime")}
            cond["status"] = "False"
            set_condition(updated, cond, cluster.clock.now)
            pod = cluster.api.update(updated, subresource="status", actor=self.name)
            cluster.event(pod, "Warning", "NodeNotReady", "Node is not ready",
                          component=self.name)
            cluster.record(self.name, pod, f"node {node['metadata']['name']} is not ready: "
                           f"pod {pod['metadata']['name']} marked not Ready")


def allocate_pod_cidr(cluster: Cluster, node: dict, nodes: list[dict]) -> None:
    """node-ipam-controller's range allocator: the lowest free /24 of 10.244.0.0/16
    (pkg/controller/nodeipam/ipam/range_allocator.go)."""
    used = {get_path(n, "spec", "podCIDR") for n in nodes}
    for index in range(256):
        cidr = f"10.244.{index}.0/24"
        if cidr not in used:
            break
    else:
        cluster.event(node, "Normal", "CIDRNotAvailable",
                      f"Node {node['metadata']['name']} status is now: CIDRNotAvailable",
                      component="cidrAllocator")
        return
    updated = clone(node)
    updated.setdefault("spec", {}).update(podCIDR=cidr, podCIDRs=[cidr])
    cluster.api.update(updated, actor="node-ipam-controller")
    cluster.record("node-ipam-controller", node, f"gave node {node['metadata']['name']} the pod "
                   f"range {cidr}")


def unknown_conditions(node: dict, since: float, now: float) -> list[dict]:
    out = []
    for type_ in CONDITION_TYPES:
        out.append({
            # the kubelet's last word: derived from when it stopped (no 10 s lease writes)
            "lastHeartbeatTime": format_time(since),
            "lastTransitionTime": format_time(now),
            "message": "Kubelet stopped posting node status.",
            "reason": "NodeStatusUnknown",
            "status": "Unknown",
            "type": type_,
        })
    return out


def _same_taint(taint: dict, candidates: list[dict]) -> bool:
    return any(taint.get("key") == c["key"] and taint.get("effect") == c["effect"]
               for c in candidates)


# ---- taint-based eviction -----------------------------------------------------------------

def eviction_time(pod: dict, node: dict) -> float | None:
    """When the pod must go (taint_eviction.go processPodOnNode), or None (tolerated forever)."""
    taints = [t for t in taints_of(node) if t.get("effect") == "NoExecute"]
    if not taints:
        return None
    tolerations = tolerations_of(pod)
    since = max(parse_time(t["timeAdded"]) if t.get("timeAdded") else 0.0 for t in taints)
    shortest: float | None = None
    for taint in taints:
        used = [t for t in tolerations if tolerates(t, taint)]
        if not used:
            return since
        for t in used:
            secs = t.get("tolerationSeconds")
            if secs is not None:
                secs = max(float(secs), 0.0)
                shortest = secs if shortest is None else min(shortest, secs)
    return None if shortest is None else since + shortest


class TaintEvictionController(Controller):
    name = TAINT_EVICTION

    def reconcile(self, cluster: Cluster) -> None:
        if pass_memo.can_skip(cluster, self.name):
            return
        self.full_pass(cluster)
        pass_memo.remember(cluster, self.name, self.next_wakeup(cluster))

    def full_pass(self, cluster: Cluster) -> None:
        now = cluster.clock.now
        scheduled: dict[str, list[str]] = {}
        for node, pod, when in self._candidates(cluster):
            if when <= now:
                self.evict(cluster, pod, node)
            else:
                meta = pod["metadata"]
                scheduled[meta["uid"]] = [meta["namespace"], meta["name"]]
        self.cancel_unscheduled(cluster, scheduled)

    def cancel_unscheduled(self, cluster: Cluster, scheduled: dict[str, list[str]]) -> None:
        """A taint removed (or tolerated) before its time: the queued eviction is dropped."""
        state = cluster.store.get("TaintEvictionState", "", EVICTION_STATE)
        before = (state or {}).get("scheduled") or {}
        for uid, (ns, name) in before.items():
            pod = cluster.store.get("Pod", ns, name)
            if uid in scheduled or pod is None or pod["metadata"].get("uid") != uid or (
                    is_deleting(pod)):
                continue
            cluster.event(pod, "Normal", "TaintManagerEviction",
                          f"Cancelling deletion of Pod {ns}/{name}", component=self.name)
            cluster.record(self.name, pod, f"the NoExecute taint on node "
                           f"{pod['spec'].get('nodeName')} is gone: {name} stays")
        if scheduled == before:
            return
        if state is None:
            cluster.api.create(internal_object("TaintEvictionState", EVICTION_STATE,
                                               scheduled=scheduled), actor=self.name)
        else:
            cluster.api.update({**clone(state), "scheduled": scheduled}, actor=self.name)

    def next_wakeup(self, cluster: Cluster) -> float | None:
        times = [when for _, _, when in self._candidates(cluster)]
        return min(times) if times else None

    def _candidates(self, cluster: Cluster):
        tainted = {n["metadata"]["name"]: n for n in cluster.store.list("Node")
                   if any(t.get("effect") == "NoExecute" for t in taints_of(n))}
        if not tainted:
            return []
        out = []
        for pod in cluster.store.list("Pod"):
            node = tainted.get(get_path(pod, "spec", "nodeName"))
            if node is None or is_deleting(pod) or is_terminal(pod):
                continue
            when = eviction_time(pod, node)
            if when is not None:
                out.append((node, pod, when))
        return out

    def evict(self, cluster: Cluster, pod: dict, node: dict) -> None:
        meta = pod["metadata"]
        updated = clone(pod)
        set_condition(updated, {"type": "DisruptionTarget", "status": "True",
                                "reason": "DeletionByTaintManager",
                                "message": "Taint manager: deleting due to NoExecute taint"},
                      cluster.clock.now)
        pod = cluster.api.update(updated, subresource="status", actor=self.name)
        cluster.event(pod, "Normal", "TaintManagerEviction",
                      f"Marking for deletion Pod {meta['namespace']}/{meta['name']}",
                      component=self.name)
        cluster.api.delete("Pod", meta["name"], namespace=meta["namespace"], actor=self.name)
        cluster.record(self.name, pod, (
            f"node {node['metadata']['name']} has a NoExecute taint that pod {meta['name']} no "
            "longer tolerates: deleting it"))


CONTROLLERS = [NodeLifecycleController, TaintEvictionController]
