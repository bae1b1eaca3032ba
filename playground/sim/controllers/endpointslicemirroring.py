"""The EndpointSlice mirroring controller: slices for Endpoints that users write by hand.

Models pkg/controller/endpointslicemirroring (endpointslicemirroring_controller.go,
reconciler.go, utils.go): for a Service *without* a selector, the Endpoints object of the
same name (unless labelled `endpointslice.kubernetes.io/skip-mirror: "true"`, as the
apiserver's own `kubernetes` Endpoints is) is mirrored into EndpointSlices named from
generateName `<name>-`, owned by the Endpoints, labelled `kubernetes.io/service-name` and
`endpointslice.kubernetes.io/managed-by: endpointslicemirroring-controller.k8s.io`; one
slice set per subset, `addresses` ready and `notReadyAddresses` not ready. This is what
lets kube-proxy and CoreDNS (which read slices) use a selector-less Service.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import ApiError
from ..objects import owner_reference
from .base import Controller
from .endpoints_util import mark_pass, nothing_changed

if TYPE_CHECKING:
    from ..cluster import Cluster

SERVICE_NAME = "kubernetes.io/service-name"
MANAGED_BY = "endpointslice.kubernetes.io/managed-by"
CONTROLLER_NAME = "endpointslicemirroring-controller.k8s.io"
SKIP_MIRROR = "endpointslice.kubernetes.io/skip-mirror"
MAX_ENDPOINTS = 100


class EndpointSliceMirroringController(Controller):
    name = "endpointslicemirroring-controller"

    def reconcile(self, cluster: Cluster) -> None:
        if nothing_changed(cluster, "net.pass.mirroring"):
            return
        self.sync_all(cluster)
        mark_pass(cluster, "net.pass.mirroring")

    def sync_all(self, cluster: Cluster) -> None:
        owned: dict[tuple[str, str], list[dict]] = {}
        for s in cluster.store.list("EndpointSlice"):
            labels = s["metadata"].get("labels") or {}
            if labels.get(MANAGED_BY) == CONTROLLER_NAME:
                owned.setdefault((s["metadata"]["namespace"], labels.get(SERVICE_NAME, "")),
                                 []).append(s)
        wanted: set[tuple[str, str]] = set()
        for ep in cluster.store.list("Endpoints"):
            meta = ep["metadata"]
            key = (meta["namespace"], meta["name"])
            if should_mirror(cluster, ep):
                wanted.add(key)
                self.sync(cluster, ep, owned.get(key, []))
        for key, slices in owned.items():
            if key not in wanted:
                for s in slices:
                    self.delete(cluster, s)

    def sync(self, cluster: Cluster, ep: dict, existing: list[dict]) -> None:
        desired = desired_slices(ep)
        unused = sorted(existing, key=lambda s: s["metadata"]["name"])
        for ports, endpoints in desired:
            match = next((s for s in unused if (s.get("ports") or None) == ports), None)
            if match is not None:
                unused.remove(match)
            self.write(cluster, ep, ports, endpoints, match)
        for s in unused:
            self.delete(cluster, s)

    def write(self, cluster, ep, ports, endpoints, current) -> None:
        meta = ep["metadata"]
        labels = {k: v for k, v in (meta.get("labels") or {}).items()}
        labels.update({SERVICE_NAME: meta["name"], MANAGED_BY: CONTROLLER_NAME})
        body = {"addressType": "IPv4", "endpoints": endpoints}
        if ports:
            body["ports"] = ports
        if current is not None and {"addressType": current.get("addressType"),
                                    "endpoints": current.get("endpoints") or [],
                                    **({"ports": current["ports"]} if current.get("ports")
                                       else {})} == body and (
                current["metadata"].get("labels") == labels):
            return
        obj = {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
               "metadata": {"generateName": f"{meta['name']}-", "namespace": meta["namespace"],
                            "labels": labels, "ownerReferences": [owner_reference(ep)]},
               **body}
        try:
            if current is None:
                result = cluster.api.create(obj, actor=self.name)
            else:
                obj["metadata"]["name"] = current["metadata"]["name"]
                obj["metadata"]["resourceVersion"] = current["metadata"]["resourceVersion"]
                result = cluster.api.update(obj, actor=self.name)
        except ApiError:
            return
        cluster.record(self.name, result, f"mirrored Endpoints {meta['name']} into EndpointSlice "
                       f"{result['metadata']['name']} ({len(endpoints)} endpoints)")

    def delete(self, cluster: Cluster, s: dict) -> None:
        try:
            cluster.api.delete("EndpointSlice", s["metadata"]["name"],
                               namespace=s["metadata"]["namespace"], actor=self.name)
        except ApiError:
            return


def should_mirror(cluster: Cluster, ep: dict) -> bool:
    meta = ep["metadata"]
    if (meta.get("labels") or {}).get(SKIP_MIRROR) == "true":
        return False
    svc = cluster.store.get("Service", meta["namespace"], meta["name"])
    return svc is not None and not (svc.get("spec") or {}).get("selector")


def desired_slices(ep: dict) -> list[tuple]:
    out = []
    for subset in ep.get("subsets") or ():
        ports = [{"name": p.get("name", ""), "port": p["port"],
                  "protocol": p.get("protocol", "TCP")} for p in subset.get("ports") or ()]
        endpoints = [_endpoint(a, True) for a in subset.get("addresses") or ()]
        endpoints += [_endpoint(a, False) for a in subset.get("notReadyAddresses") or ()]
        for i in range(0, len(endpoints), MAX_ENDPOINTS):
            out.append((ports or None, endpoints[i:i + MAX_ENDPOINTS]))
    return out


def _endpoint(address: dict, ready: bool) -> dict:
    ep: dict = {"addresses": [address["ip"]], "conditions": {"ready": ready}}
    for key in ("hostname", "nodeName", "targetRef"):
        if address.get(key):
            ep[key] = address[key]
    return ep


CONTROLLERS = [EndpointSliceMirroringController]
