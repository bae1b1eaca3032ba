"""Pod IPs from the node's range, the way the host-local IPAM plugin hands them out.

Models containernetworking/plugins host-local (allocator.go): addresses are given in order
from .2 of the node's /24 (.0 is the network, .1 the bridge gateway, .255 broadcast), the
last one handed out is remembered, and the next allocation continues after it, wrapping
round to reuse freed addresses only once the end of the range is reached. The cursor lives
in the node's KubeletState (the plugin keeps it in /var/lib/cni/networks/<net>/last_reserved_ip).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..objects import get_path
from ..scheduling import is_terminal
from .pod_subsets import runtimes_on_node

if TYPE_CHECKING:
    from ..cluster import Cluster


def _prefix(node: dict) -> str:
    cidr = get_path(node, "spec", "podCIDR", default="10.244.0.0/24")
    return cidr.split("/")[0].rsplit(".", 1)[0]


def ips_in_use(cluster: Cluster, node: dict) -> set[str]:
    """Addresses held by this node's pods that still run (or are still being deleted)."""
    name, prefix = node["metadata"]["name"], _prefix(node) + "."
    used = set()
    for rt in runtimes_on_node(cluster, name):
        st = rt["state"]
        if st.get("podIP", "").startswith(prefix):
            ns, _, pod_name = rt["metadata"]["name"].partition("/")
            pod = cluster.store.get("Pod", ns, pod_name)
            if pod is not None and not is_terminal(pod):
                used.add(st["podIP"])
    return used


def next_ip(node: dict, state: dict, used: set[str]) -> str:
    """The next free address after the last one handed out ("" when the range is full)."""
    prefix = _prefix(node)
    last = int(state.get("ipamLast", 1))
    for step in range(1, 254):
        host = (last - 2 + step) % 253 + 2
        ip = f"{prefix}.{host}"
        if ip not in used:
            state["ipamLast"] = host
            used.add(ip)
            return ip
    return ""  # the /24 is full: the real CNI fails the sandbox
