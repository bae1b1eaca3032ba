"""ClusterIP and NodePort allocation for Services, with the real allocators' strategy.

Models pkg/registry/core/service/ipallocator (the v1.33 default MultiCIDRServiceAllocator
and the bitmap allocator share `randomScanStrategyWithOffset`): a dynamic value is drawn
at random from the *upper* band and scanned forward to the first free one; the lower
band (`min(max(16, size/16), 256)` IPs, `min(max(16, size/32), 128)` ports) is kept for
explicit requests and used only when the upper band is full
(pkg/registry/core/service/allocator/bitmap.go, portallocator/allocator.go).

Simplification: what is allocated is derived from the Services in the store (the truth),
not from IPAddress objects or a bitmap kept in a process; v1.33 would also create one
cluster-scoped `IPAddress` per allocated IP, which the playground does not show.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from ..errors import GoValue, InternalError, Invalid, invalid

if TYPE_CHECKING:
    from ..cluster import Cluster

SERVICE_CIDR = ipaddress.ip_network("10.96.0.0/12")
NODE_PORT_BASE = 30000
NODE_PORT_SIZE = 2768  # 30000-32767
NODE_PORT_RANGE = f"{NODE_PORT_BASE}-{NODE_PORT_BASE + NODE_PORT_SIZE - 1}"

# ipallocator.ErrAllocated / ErrMismatchedNetwork (the MultiCIDR meta allocator's text, v1.31+)
ERR_IP_ALLOCATED = "provided IP is already allocated"
ERR_IP_NETWORK = "the provided network does not match the current range"
ERR_PORT_ALLOCATED = "provided port is already allocated"
ERR_PORT_RANGE = (
    f"provided port is not in the valid range. The range of valid ports is {NODE_PORT_RANGE}"
)


def range_offset(size: int, divisor: int, cap: int) -> int:
    """calculateRangeOffset: how many low values are kept for explicit requests."""
    return min(max(16, size // divisor), cap)


def random_scan(cluster: Cluster, size: int, offset: int, taken) -> int | None:
    """randomScanStrategyWithOffset.AllocateBit over indices [0, size)."""
    upper = size - offset
    if upper > 0:
        start = cluster.rand.randint(0, upper - 1)
        for i in range(upper):
            at = offset + (start + i) % upper
            if not taken(at):
                return at
    if offset > 0:
        start = cluster.rand.randint(0, offset - 1)
        for i in range(offset):
            at = (start + i) % offset
            if not taken(at):
                return at
    return None


def go_strings(values: list[str]) -> GoValue:
    return GoValue("[]string{" + ", ".join(f'"{v}"' for v in values) + "}")


# ---- what is in use -------------------------------------------------------------------------


IPALLOCATOR = "ipallocator.k8s.io"


def used_cluster_ips(cluster: Cluster, skip: dict | None = None) -> set[str]:
    """IPs held by other Services, plus IPAddress objects someone made by hand (the ones the
    allocator manages mirror Services and are counted through them)."""
    used = {
        ip
        for svc in cluster.store.list("Service")
        if not _same(svc, skip)
        for ip in (svc.get("spec", {}).get("clusterIPs") or [])
        if ip and ip != "None"
    }
    for addr in cluster.store.list("IPAddress"):
        labels = addr["metadata"].get("labels") or {}
        if labels.get("ipaddress.kubernetes.io/managed-by") != IPALLOCATOR:
            used.add(addr["metadata"]["name"])
    return used


def used_node_ports(cluster: Cluster, skip: dict | None = None) -> set[int]:
    used = set()
    for svc in cluster.store.list("Service"):
        if _same(svc, skip):
            continue
        spec = svc.get("spec", {})
        for port in spec.get("ports") or ():
            if port.get("nodePort"):
                used.add(int(port["nodePort"]))
        if spec.get("healthCheckNodePort"):
            used.add(int(spec["healthCheckNodePort"]))
    return used


def _same(svc: dict, other: dict | None) -> bool:
    if other is None:
        return False
    a, b = svc["metadata"], other["metadata"]
    return a.get("namespace") == b.get("namespace") and a["name"] == b["name"]


# ---- cluster IPs ----------------------------------------------------------------------------


def _ip_index(ip: str) -> int | None:
    """Index into the usable range (10.96.0.1 is 0); None when outside the range."""
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return None
    if addr not in SERVICE_CIDR or addr in (SERVICE_CIDR.network_address,
                                            SERVICE_CIDR.broadcast_address):
        return None
    return int(addr) - int(SERVICE_CIDR.network_address) - 1


def allocate_cluster_ip(cluster: Cluster, svc: dict, used: set[str]) -> str:
    """A requested IP is checked; an empty one is drawn at random (upper band first)."""
    spec = svc["spec"]
    name = svc["metadata"]["name"]
    requested = spec.get("clusterIP") or ""
    if requested:
        reason = None
        if _ip_index(requested) is None:
            reason = ERR_IP_NETWORK
        elif requested in used:
            reason = ERR_IP_ALLOCATED
        if reason:
            raise Invalid("Service", name, [invalid(
                "spec.clusterIPs", go_strings(spec.get("clusterIPs") or [requested]),
                f"failed to allocate IP {requested}: {reason}")])
        return requested
    size = SERVICE_CIDR.num_addresses - 2
    base = int(SERVICE_CIDR.network_address) + 1
    at = random_scan(cluster, size, range_offset(size, 16, 256),
                     lambda i: str(ipaddress.ip_address(base + i)) in used)
    if at is None:
        raise InternalError("failed to allocate a serviceIP: range is full")
    return str(ipaddress.ip_address(base + at))


# ---- node ports -----------------------------------------------------------------------------


def allocate_node_ports(cluster: Cluster, svc: dict, used: set[int]) -> None:
    """initNodePorts: one node port per distinct service port number (protocols share it);
    explicit ports first, then dynamic ones."""
    name = svc["metadata"]["name"]
    ports = svc["spec"].get("ports") or []
    by_number: dict[int, int] = {}
    taken = set(used)
    for i, port in enumerate(ports):
        np = port.get("nodePort")
        if not np:
            continue
        np = int(np)
        if by_number.get(port.get("port")) == np:
            continue
        reason = None
        if not NODE_PORT_BASE <= np < NODE_PORT_BASE + NODE_PORT_SIZE:
            reason = ERR_PORT_RANGE
        elif np in taken:
            reason = ERR_PORT_ALLOCATED
        if reason:
            raise Invalid("Service", name, [invalid(f"spec.ports[{i}].nodePort", np, reason)])
        taken.add(np)
        by_number[port.get("port")] = np
    for port in ports:
        if port.get("nodePort"):
            continue
        if port.get("port") in by_number:
            port["nodePort"] = by_number[port["port"]]
            continue
        np = next_node_port(cluster, taken)
        taken.add(np)
        by_number[port.get("port")] = np
        port["nodePort"] = np


def next_node_port(cluster: Cluster, taken: set[int]) -> int:
    at = random_scan(cluster, NODE_PORT_SIZE, range_offset(NODE_PORT_SIZE, 32, 128),
                     lambda i: NODE_PORT_BASE + i in taken)
    if at is None:
        raise InternalError("failed to allocate a nodePort: range is full")
    return NODE_PORT_BASE + at
