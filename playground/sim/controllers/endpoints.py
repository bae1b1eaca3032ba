"""The Endpoints controller: one v1 Endpoints object per Service with a selector.

Models pkg/controller/endpoint/endpoints_controller.go (syncService, addEndpointSubset)
and pkg/api/v1/endpoints.RepackSubsets: same name as the Service, its labels plus
`endpoints.kubernetes.io/managed-by: endpoint-controller` (v1.33) and
`service.kubernetes.io/headless` for headless Services; ready pods in `addresses`,
unready ones in `notReadyAddresses`, terminating pods left out unless
`publishNotReadyAddresses`; a pod lacking a named targetPort is left out of that port.
Selector-less Services are not touched (users may write their own Endpoints).

Simplifies: subsets and ports keep the Service's port order (the real controller sorts
them by a hash); the 1000-address truncation is modelled; the trigger-time annotation is
the time the controller wrote the change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import ApiError
from ..objects import format_time
from . import endpoints_util as util
from .base import Controller

if TYPE_CHECKING:
    from ..cluster import Cluster

MANAGED_BY = "endpoints.kubernetes.io/managed-by"
CONTROLLER_NAME = "endpoint-controller"
MAX_CAPACITY = 1000
OVER_CAPACITY = "endpoints.kubernetes.io/over-capacity"


class EndpointsController(Controller):
    name = "endpoint-controller"

    def reconcile(self, cluster: Cluster) -> None:
        if util.nothing_changed(cluster, "net.pass.endpoints"):
            return
        self.sync_all(cluster)
        util.mark_pass(cluster, "net.pass.endpoints")

    def sync_all(self, cluster: Cluster) -> None:
        services = {}
        for svc in cluster.store.list("Service"):
            meta = svc["metadata"]
            services[(meta["namespace"], meta["name"])] = svc
            if util.manages(svc):
                self.sync_service(cluster, svc)
        self.delete_leftovers(cluster, services)

    def sync_service(self, cluster: Cluster, svc: dict) -> None:
        meta = svc["metadata"]
        current = cluster.store.get("Endpoints", meta["namespace"], meta["name"])
        quick = util.quick_key(cluster, svc, (current or {}).get("metadata", {}).get(
            "resourceVersion"))
        quick_cache = cluster.cache.setdefault("net.endpoints.quick", {})
        if quick_cache.get((meta["namespace"], meta["name"])) == quick:
            return
        pods = util.selected_pods(cluster, svc)
        key = util.fingerprint(svc, pods, (current or {}).get("metadata", {}).get(
            "resourceVersion"))
        cache = cluster.cache.setdefault("net.endpoints", {})
        if cache.get((meta["namespace"], meta["name"])) == key:
            quick_cache[(meta["namespace"], meta["name"])] = quick
            return
        subsets, total = desired_subsets(svc, pods)
        labels = util.service_labels(svc, {MANAGED_BY: CONTROLLER_NAME})
        written = self.write(cluster, svc, current, subsets, labels, total)
        if written is not None:
            key = util.fingerprint(svc, pods, written["metadata"]["resourceVersion"])
        cache[(meta["namespace"], meta["name"])] = key
        quick_cache[(meta["namespace"], meta["name"])] = util.quick_key(
            cluster, svc, key[2])

    def write(self, cluster, svc, current, subsets, labels, total) -> dict | None:
        meta = svc["metadata"]
        annotations = dict((current or {}).get("metadata", {}).get("annotations") or {})
        if total > MAX_CAPACITY:
            annotations[OVER_CAPACITY] = "truncated"
        else:
            annotations.pop(OVER_CAPACITY, None)
        if current is not None and current.get("subsets") == (subsets or None) and (
                current["metadata"].get("labels") == labels) and (
                current["metadata"].get("annotations") or {}) == annotations:
            return current
        annotations[util.LAST_CHANGE] = format_time(cluster.clock.now)
        obj = {"apiVersion": "v1", "kind": "Endpoints",
               "metadata": {"name": meta["name"], "namespace": meta["namespace"],
                            "labels": labels, "annotations": annotations}}
        if subsets:
            obj["subsets"] = subsets
        try:
            if current is None:
                result = cluster.api.create(obj, actor=self.name)
                verb = "created"
            else:
                obj["metadata"]["resourceVersion"] = current["metadata"]["resourceVersion"]
                result = cluster.api.update(obj, actor=self.name)
                verb = "updated"
        except ApiError:
            return None  # e.g. the namespace is terminating; the next pass retries
        cluster.record(self.name, result, f"{verb} Endpoints {meta['name']}: "
                       f"{describe(subsets)}")
        return result

    def delete_leftovers(self, cluster: Cluster, services: dict) -> None:
        """Endpoints the controller wrote for a Service that is gone (or no longer selects)."""
        for ep in cluster.store.list("Endpoints"):
            meta = ep["metadata"]
            if (meta.get("labels") or {}).get(MANAGED_BY) != CONTROLLER_NAME:
                continue
            svc = services.get((meta["namespace"], meta["name"]))
            if svc is not None:
                continue
            try:
                cluster.api.delete("Endpoints", meta["name"], namespace=meta["namespace"],
                                   actor=self.name)
            except ApiError:
                continue
            cluster.record(self.name, ep, f"deleted Endpoints {meta['name']}: its Service is gone")


def desired_subsets(svc: dict, pods: list[dict]) -> tuple[list[dict], int]:
    """syncService's loop over pods + RepackSubsets; returns (subsets, address count)."""
    spec = svc["spec"]
    tolerate = bool(spec.get("publishNotReadyAddresses"))
    ports = spec.get("ports") or []
    groups: dict[tuple, dict[str, list[dict]]] = {}
    total = 0
    for pod in pods:
        if not util.should_pod_be_in_endpoints(pod, tolerate):
            continue
        address = endpoint_address(pod, svc)
        ready = tolerate or util.is_pod_ready(pod)
        pod_ports = []
        for sp in ports:
            num = util.find_port(pod, sp)
            if num is None:
                continue
            port = {"port": num, "protocol": sp.get("protocol", "TCP")}
            if sp.get("name"):
                port = {"name": sp["name"], **port}
            if sp.get("appProtocol"):
                port["appProtocol"] = sp["appProtocol"]
            pod_ports.append(port)
        if ports and not pod_ports:
            continue
        key = tuple(tuple(sorted(p.items())) for p in pod_ports)
        group = groups.setdefault(key, {"addresses": [], "notReadyAddresses": [],
                                        "ports": pod_ports})
        group["addresses" if ready else "notReadyAddresses"].append(address)
        total += 1
    return [_subset(g) for g in groups.values()], total


def _subset(group: dict) -> dict:
    subset: dict = {}
    for key in ("addresses", "notReadyAddresses"):
        if group[key]:
            subset[key] = sorted(group[key], key=lambda a: a["ip"])[:MAX_CAPACITY]
    if group["ports"]:
        subset["ports"] = group["ports"]
    return subset


def endpoint_address(pod: dict, svc: dict) -> dict:
    address = {"ip": pod["status"]["podIP"]}
    if util.should_set_hostname(pod, svc):
        address["hostname"] = pod["spec"]["hostname"]
    if pod.get("spec", {}).get("nodeName"):
        address["nodeName"] = pod["spec"]["nodeName"]
    address["targetRef"] = util.target_ref(pod)
    return address


def describe(subsets: list[dict]) -> str:
    ready = sum(len(s.get("addresses") or ()) for s in subsets)
    unready = sum(len(s.get("notReadyAddresses") or ()) for s in subsets)
    if not ready and not unready:
        return "no pods match, no addresses"
    return f"{ready} ready and {unready} not-ready addresses"


CONTROLLERS = [EndpointsController]
