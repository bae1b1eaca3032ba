"""The EndpointSlice controller: discovery.k8s.io/v1 slices for Services with a selector.

Models pkg/controller/endpointslice/endpointslice_controller.go and the shared library
k8s.io/endpointslice (reconciler.go, utils.go podToEndpoint/newEndpointSlice):
slices named from generateName `<service>-`, owned by the Service (controller ref),
labelled `kubernetes.io/service-name` and `endpointslice.kubernetes.io/managed-by`,
grouped by port mapping (a pod whose named targetPort is missing goes to a slice
without that port), at most 100 endpoints per slice, terminating pods included with
conditions ready/serving/terminating, a placeholder slice with no endpoints when no pod
matches, pods on a Node object that no longer exists skipped.

Simplifies: slices of one port mapping are refilled in name order (the real reconciler
packs by minimising writes); topology hints are not set.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import ApiError
from ..objects import format_time, get_path, owner_reference
from . import endpoints_util as util
from .base import Controller

if TYPE_CHECKING:
    from ..cluster import Cluster

SERVICE_NAME = "kubernetes.io/service-name"
MANAGED_BY = "endpointslice.kubernetes.io/managed-by"
CONTROLLER_NAME = "endpointslice-controller.k8s.io"
MAX_ENDPOINTS = 100
ZONE = "topology.kubernetes.io/zone"


class EndpointSliceController(Controller):
    name = "endpointslice-controller"

    def reconcile(self, cluster: Cluster) -> None:
        if util.nothing_changed(cluster, "net.pass.endpointslice"):
            return
        self.sync_all(cluster)
        util.mark_pass(cluster, "net.pass.endpointslice")

    def sync_all(self, cluster: Cluster) -> None:
        owned = self.owned_slices(cluster)
        nodes = {n["metadata"]["name"]: n for n in cluster.store.list("Node")}
        node_key = tuple(sorted((name, (n["metadata"].get("labels") or {}).get(ZONE, ""))
                                for name, n in nodes.items()))
        live = set()
        for svc in cluster.store.list("Service"):
            key = (svc["metadata"]["namespace"], svc["metadata"]["name"])
            if util.manages(svc):
                live.add(key)
                self.sync_service(cluster, svc, owned.get(key, []), nodes, node_key)
        for key, slices in owned.items():
            if key not in live:
                for s in slices:
                    self.delete(cluster, s, "its Service no longer selects pods")

    def owned_slices(self, cluster: Cluster) -> dict[tuple[str, str], list[dict]]:
        owned: dict[tuple[str, str], list[dict]] = {}
        for s in cluster.store.list("EndpointSlice"):
            labels = s["metadata"].get("labels") or {}
            if labels.get(MANAGED_BY) == CONTROLLER_NAME and SERVICE_NAME in labels:
                owned.setdefault((s["metadata"]["namespace"], labels[SERVICE_NAME]), []).append(s)
        return owned

    def sync_service(self, cluster: Cluster, svc: dict, existing: list[dict], nodes: dict,
                     node_key: tuple) -> None:
        meta = svc["metadata"]
        inputs = (node_key, tuple(sorted(
            (s["metadata"]["name"], s["metadata"]["resourceVersion"]) for s in existing)))
        quick_cache = cluster.cache.setdefault("net.endpointslices.quick", {})
        if quick_cache.get((meta["namespace"], meta["name"])) == util.quick_key(
                cluster, svc, inputs):
            return
        pods = util.selected_pods(cluster, svc)
        key = util.fingerprint(svc, pods, inputs)
        cache = cluster.cache.setdefault("net.endpointslices", {})
        if cache.get((meta["namespace"], meta["name"])) == key:
            quick_cache[(meta["namespace"], meta["name"])] = util.quick_key(cluster, svc, inputs)
            return
        desired = desired_slices(svc, pods, nodes)
        existing = [s for s in existing if _owned_by(s, svc)] + [
            s for s in existing if not _owned_by(s, svc)]
        self.apply(cluster, svc, desired, existing)
        after = self.owned_slices(cluster).get((meta["namespace"], meta["name"]), [])
        after_inputs = (node_key, tuple(sorted(
            (s["metadata"]["name"], s["metadata"]["resourceVersion"]) for s in after)))
        cache[(meta["namespace"], meta["name"])] = util.fingerprint(svc, pods, after_inputs)
        quick_cache[(meta["namespace"], meta["name"])] = util.quick_key(cluster, svc,
                                                                        after_inputs)

    def apply(self, cluster: Cluster, svc: dict, desired: list[tuple], existing: list[dict]):
        """Match desired (ports, endpoints) chunks to existing slices with the same ports."""
        unused = sorted((s for s in existing if _owned_by(s, svc)),
                        key=lambda s: s["metadata"]["name"])
        for s in existing:
            if not _owned_by(s, svc):
                self.delete(cluster, s, "it belongs to an older Service of that name")
        plan = []
        for ports, endpoints in desired:
            match = next((s for s in unused if (s.get("ports") or None) == ports), None)
            if match is not None:
                unused.remove(match)
            plan.append((ports, endpoints, match))
        # reconciler.go finalize(): a slice that would be deleted is instead updated to hold
        # what would be created, so its name survives (placeholder <-> endpoints)
        creates = [i for i, (_, _, match) in enumerate(plan) if match is None]
        while creates and unused:
            i = creates.pop()
            ports, endpoints, _ = plan[i]
            plan[i] = (ports, endpoints, unused.pop(0))
        for s in unused:
            self.delete(cluster, s, "no endpoints left for its port mapping")
        for ports, endpoints, match in plan:
            self.write(cluster, svc, ports, endpoints, match)

    def write(self, cluster, svc, ports, endpoints, current) -> None:
        labels = util.service_labels(svc, {SERVICE_NAME: svc["metadata"]["name"],
                                           MANAGED_BY: CONTROLLER_NAME})
        body = {"addressType": "IPv4", "endpoints": endpoints}
        if ports:
            body["ports"] = ports
        if current is not None and _body(current) == body and (
                current["metadata"].get("labels") == labels):
            return
        meta = {"generateName": f"{svc['metadata']['name']}-",
                "namespace": svc["metadata"]["namespace"], "labels": labels,
                "ownerReferences": [owner_reference(svc)]}
        if endpoints:
            meta["annotations"] = {util.LAST_CHANGE: format_time(cluster.clock.now)}
        obj = {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "metadata": meta,
               **body}
        try:
            if current is None:
                result = cluster.api.create(obj, actor=self.name)
                verb = "created"
            else:
                meta["name"] = current["metadata"]["name"]
                meta["resourceVersion"] = current["metadata"]["resourceVersion"]
                if not endpoints and current["metadata"].get("annotations"):
                    meta["annotations"] = current["metadata"]["annotations"]
                result = cluster.api.update(obj, actor=self.name)
                verb = "updated"
        except ApiError:
            return
        ready = sum(1 for e in endpoints if e["conditions"]["ready"])
        cluster.record(self.name, result, f"{verb} EndpointSlice {result['metadata']['name']} "
                       f"for Service {svc['metadata']['name']}: {len(endpoints)} endpoints, "
                       f"{ready} ready")

    def delete(self, cluster: Cluster, s: dict, why: str) -> None:
        meta = s["metadata"]
        try:
            cluster.api.delete("EndpointSlice", meta["name"], namespace=meta["namespace"],
                               actor=self.name)
        except ApiError:
            return
        cluster.record(self.name, s, f"deleted EndpointSlice {meta['name']}: {why}")


def _owned_by(s: dict, svc: dict) -> bool:
    return any(r.get("uid") == svc["metadata"]["uid"]
               for r in s["metadata"].get("ownerReferences") or ())


def _body(s: dict) -> dict:
    body = {"addressType": s.get("addressType"), "endpoints": s.get("endpoints") or []}
    if s.get("ports"):
        body["ports"] = s["ports"]
    return body


def desired_slices(svc: dict, pods: list[dict], nodes: dict) -> list[tuple]:
    """[(ports or None, endpoints)] chunks of at most 100 endpoints per port mapping;
    one placeholder (None, []) when there is nothing to publish."""
    spec = svc["spec"]
    publish = bool(spec.get("publishNotReadyAddresses"))
    groups: dict[tuple, tuple[list, list]] = {}
    for pod in sorted(pods, key=lambda p: p["metadata"]["name"]):
        if not util.should_pod_be_in_endpoints(pod, True):
            continue
        node = get_path(pod, "spec", "nodeName")
        if node and node not in nodes and not publish:
            continue
        ports = slice_ports(pod, spec.get("ports") or [])
        key = tuple(tuple(sorted(p.items())) for p in ports)
        groups.setdefault(key, (ports, []))[1].append(pod_to_endpoint(pod, svc, nodes))
    out = []
    for ports, endpoints in groups.values():
        for i in range(0, len(endpoints), MAX_ENDPOINTS):
            out.append((ports or None, endpoints[i:i + MAX_ENDPOINTS]))
    return out or [(None, [])]


def slice_ports(pod: dict, service_ports: list[dict]) -> list[dict]:
    ports = []
    for sp in service_ports:
        num = util.find_port(pod, sp)
        if num is None:
            continue
        port = {"name": sp.get("name", ""), "port": num, "protocol": sp.get("protocol", "TCP")}
        if sp.get("appProtocol"):
            port["appProtocol"] = sp["appProtocol"]
        ports.append(port)
    return ports


def pod_to_endpoint(pod: dict, svc: dict, nodes: dict) -> dict:
    """utils.go podToEndpoint."""
    serving = util.is_pod_ready(pod)
    terminating = bool(pod["metadata"].get("deletionTimestamp"))
    ready = bool(svc["spec"].get("publishNotReadyAddresses")) or (serving and not terminating)
    ep: dict = {"addresses": [pod["status"]["podIP"]],
                "conditions": {"ready": ready, "serving": serving, "terminating": terminating}}
    if util.should_set_hostname(pod, svc):
        ep["hostname"] = pod["spec"]["hostname"]
    node_name = get_path(pod, "spec", "nodeName")
    if node_name:
        ep["nodeName"] = node_name
    ep["targetRef"] = util.target_ref(pod)
    zone = (nodes.get(node_name, {}).get("metadata", {}).get("labels") or {}).get(ZONE)
    if zone:
        ep["zone"] = zone
    return ep


CONTROLLERS = [EndpointSliceController]
