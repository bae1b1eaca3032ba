"""The kubelet's own admission: a pod bound to this node that cannot run here is rejected.

Models pkg/kubelet/lifecycle/predicate.go (predicateAdmitHandler with generalFilter:
node affinity/selector, host ports, resources) and kubelet.go rejectPod: the pod turns
Failed with `reason` NodeAffinity / NodePorts / OutOfcpu / OutOfmemory / OutOfpods and
`message` "Pod was rejected: ...", plus a Warning event with the same reason. This is what
happens when `spec.nodeName` bypasses the scheduler.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..scheduling import is_terminal, pod_requests
from .pod_subsets import pods_on_node

if TYPE_CHECKING:
    from ..cluster import Cluster


def admission_failure(cluster: Cluster, node: dict, pod: dict) -> tuple[str, str] | None:
    """(reason, message) of the first failing predicate, or None when the pod may run."""
    from .scheduler import ERR_AFFINITY, ERR_PORTS, NodeInfo, host_ports, matches_node_affinity

    if not matches_node_affinity(pod, node):
        return "NodeAffinity", f"Predicate NodeAffinity failed: {ERR_AFFINITY}"
    info = NodeInfo(node)
    name, uid = node["metadata"]["name"], pod["metadata"].get("uid")
    for other in pods_on_node(cluster, name):  # in store order, as a scan of all pods
        if (other["metadata"].get("uid") != uid
                and not is_terminal(other) and _admitted(cluster, other)):
            info.add(other)
    if host_ports(pod) & info.host_ports:
        return "NodePorts", f"Predicate NodePorts failed: {ERR_PORTS}"
    req = pod_requests(pod)
    checks = [
        ("pods", 1, info.pods, info.alloc_pods),
        ("cpu", int(round(req.get("cpu", 0.0) * 1000)), info.milli_cpu, info.alloc_milli_cpu),
        ("memory", int(req.get("memory", 0.0)), int(info.memory), int(info.alloc_memory)),
    ]
    for resource, wanted, used, capacity in checks:
        if wanted > 0 and wanted > capacity - used:
            return f"OutOf{resource}", (f"Node didn't have enough resource: {resource}, "
                                        f"requested: {wanted}, used: {used}, capacity: {capacity}")
    return None


def _admitted(cluster: Cluster, pod: dict) -> bool:
    meta = pod["metadata"]
    rt = cluster.store.get("PodRuntime", "", f"{meta.get('namespace', 'default')}/{meta['name']}")
    return rt is not None and rt["state"].get("podUID") == meta.get("uid")
