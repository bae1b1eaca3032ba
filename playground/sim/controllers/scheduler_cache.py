"""The scheduler's cache: what it knows of each node (NodeInfo) at the start of a cycle.

Models pkg/scheduler/backend/cache (the snapshot of NodeInfos the scheduling cycle reads):
rather than re-adding every bound pod to its node on every pass with pods to place, a node's
NodeInfo is kept while neither the Node nor the pods bound to it changed (pod_subsets tells,
from the store's change log). A bind adds the pod to the NodeInfo only after writing it, which
moves the node's version, so a kept NodeInfo is always the one a fresh build would give. A
derived cache in cluster.cache, never the truth.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..scheduling import is_terminal
from .pod_subsets import PodSubsets, node_tag

if TYPE_CHECKING:
    from ..cluster import Cluster
    from .scheduler import NodeInfo

#: pod_requests of stored pods by uid and resourceVersion (scheduling.stored_pod_requests)
REQUESTS_MEMO = "scheduler.pod-requests"
NODE_INFOS = "scheduler.node-infos"


def build_node_infos(cluster: Cluster) -> list[NodeInfo]:
    from .scheduler import NodeInfo

    memo = cluster.cache.setdefault(REQUESTS_MEMO, {})
    by_node = PodSubsets.of(cluster, "by-node", node_tag)
    # a node's info is a function of the Node and its pods: kept while neither changed (a bind
    # adds to it only after writing the pod, which moves the node's version)
    kept = cluster.cache.setdefault(NODE_INFOS, {})
    infos = {}
    for n in cluster.store.list("Node"):
        name = n["metadata"]["name"]
        version = (n["metadata"].get("resourceVersion"), by_node, by_node.versions.get(name))
        found = kept.get(name)
        if found is None or found[0] != version or found[1].node is not n:
            info = NodeInfo(n, memo)
            for pod in by_node.members(name):  # in store order, as a full scan adds them
                if not is_terminal(pod):
                    info.add(pod)
            found = kept[name] = (version, info)
        infos[name] = found[1]
    for name in [k for k in kept if k not in infos]:
        del kept[name]
    return [infos[k] for k in sorted(infos)]
