"""The kube-proxy DaemonSet's controller, reduced to the one DaemonSet a kubeadm cluster has.

Models pkg/controller/daemon/daemon_controller.go for `kube-system/kube-proxy`: every node
runs exactly one kube-proxy pod (created with the node-name affinity the controller sets, so
the scheduler binds it; events `SuccessfulCreate` "Created pod: kube-proxy-x7k2p" are recorded
against the DaemonSet in the real cluster — here the timeline says it), a deleted one comes
back, and a node that joins later gets its own.

Simplified: there is no DaemonSet object (the kind is not simulated); the pods' controller
ownerReference names the DaemonSet by a fixed uid, which is what `kubectl drain` looks at.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import ApiError
from ..objects import get_path
from .base import Controller
from .endpoints_util import mark_pass, nothing_changed

if TYPE_CHECKING:
    from ..cluster import Cluster

NAME = "daemonset-controller"
MARK = "kubeproxy.pass"
# ResourceQuota/LimitRange: a create they refused is retried when they change (the real
# controller retries with a backoff)
WATCHED = frozenset({"Pod", "Node", "ServiceAccount", "ResourceQuota", "LimitRange"})
WATCHED_NAMESPACES = frozenset({"kube-system", ""})  # its pods and account; Nodes have none


def _target_node(pod: dict) -> str | None:
    return get_path(pod, "spec", "affinity", "nodeAffinity",
                    "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms", 0,
                    "matchFields", 0, "values", 0) or get_path(pod, "spec", "nodeName")


class KubeProxyDaemonSet(Controller):
    name = NAME

    def reconcile(self, cluster: Cluster) -> None:
        # what to create depends only on kube-system Pods, Nodes and the ServiceAccount: when
        # none was written since the last full pass (its own creations included), nothing to do
        if nothing_changed(cluster, MARK, WATCHED, WATCHED_NAMESPACES):
            return
        self.sync(cluster)
        mark_pass(cluster, MARK)

    def sync(self, cluster: Cluster) -> None:
        from ..system import PROXY_DS_UID, kube_proxy_pod

        store = cluster.store
        if store.get("ServiceAccount", "kube-system", "kube-proxy") is None:
            return  # not a kubeadm cluster (or kube-proxy was removed on purpose)
        have = set()
        for pod in store.list("Pod", "kube-system"):
            refs = pod["metadata"].get("ownerReferences") or ()
            if any(r.get("uid") == PROXY_DS_UID for r in refs) and not pod["metadata"].get(
                    "deletionTimestamp"):
                have.add(_target_node(pod))
        for node in store.list("Node"):
            name = node["metadata"]["name"]
            if name in have:
                continue
            try:
                pod = cluster.api.create(kube_proxy_pod(name), actor=NAME)
            except ApiError as err:  # e.g. a ResourceQuota in kube-system: retried later
                ds = store.get("DaemonSet", "kube-system", "kube-proxy")
                if ds is not None:
                    cluster.event(ds, "Warning", "FailedCreate", f"Error creating: {err.message}",
                                  component=NAME)
                continue
            cluster.record(NAME, pod, f"node {name} has no kube-proxy pod: created "
                           f"{pod['metadata']['name']}")


CONTROLLERS = [KubeProxyDaemonSet]
