"""Load balancers for `type: LoadBalancer` Services, and the apiserver's own `kubernetes` Service.

ServiceController models the cloud provider's service controller
(k8s.io/cloud-provider/controllers/service/controller.go: events EnsuringLoadBalancer /
EnsuredLoadBalancer / DeletingLoadBalancer / DeletedLoadBalancer from `service-controller`,
status written through the status subresource). SIM: the "cloud" is a pool of addresses
on the nodes' lab network, 172.18.255.200-172.18.255.250, as MetalLB or
cloud-provider-kind hand out on a kind cluster; the lowest free address is used and each
ingress gets `ipMode: VIP` (v1.30+). The load balancer is ready in the same instant.

KubernetesServiceController models pkg/controlplane/controller/kubernetesservice and the
endpoint reconciler of pkg/controlplane/reconcilers: the `default/kubernetes` Service,
its Endpoints and its EndpointSlice come back when deleted or changed.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from .. import networking_bootstrap as nb
from ..errors import ApiError
from ..kinds.service_alloc import IPALLOCATOR
from ..objects import clone, format_time, get_path
from .base import Controller
from .endpoints_util import mark_pass, nothing_changed

if TYPE_CHECKING:
    from ..cluster import Cluster

LB_POOL_FIRST = ipaddress.ip_address("172.18.255.200")
LB_POOL_LAST = ipaddress.ip_address("172.18.255.250")
COMPONENT = "service-controller"
MANAGED_BY_LABEL = "ipaddress.kubernetes.io/managed-by"


def lb_ips(svc: dict) -> list[str]:
    return [i["ip"] for i in get_path(svc, "status", "loadBalancer", "ingress", default=[])
            if i.get("ip")]


class ServiceController(Controller):
    name = "service-controller"

    def reconcile(self, cluster: Cluster) -> None:
        if nothing_changed(cluster, "net.pass.service", frozenset({"Service"})):
            return
        self.sync_all(cluster)
        mark_pass(cluster, "net.pass.service")

    def sync_all(self, cluster: Cluster) -> None:
        services = sorted(cluster.store.list("Service"),
                          key=lambda s: s["metadata"]["creationTimestamp"])
        used = {ip for s in services if s["spec"].get("type") == "LoadBalancer"
                for ip in lb_ips(s)}
        for svc in services:
            is_lb = svc["spec"].get("type") == "LoadBalancer"
            if is_lb and not lb_ips(svc):
                self.ensure(cluster, svc, used)
            elif not is_lb and get_path(svc, "status", "loadBalancer", "ingress"):
                self.remove(cluster, svc)

    def ensure(self, cluster: Cluster, svc: dict, used: set[str]) -> None:
        ip = _next_free(used)
        cluster.event(svc, "Normal", "EnsuringLoadBalancer", "Ensuring load balancer",
                      component=COMPONENT)
        if ip is None:
            cluster.event(svc, "Warning", "SyncLoadBalancerFailed",
                          "Error syncing load balancer: failed to ensure load balancer: "
                          "no available IPs in the load balancer pool", component=COMPONENT)
            return
        obj = clone(svc)
        obj["status"] = {"loadBalancer": {"ingress": [{"ip": ip, "ipMode": "VIP"}]}}
        try:
            cluster.api.update(obj, subresource="status", actor=self.name)
        except ApiError:
            return
        used.add(ip)
        cluster.event(svc, "Normal", "EnsuredLoadBalancer", "Ensured load balancer",
                      component=COMPONENT)
        cluster.record(self.name, svc, f"gave LoadBalancer Service {svc['metadata']['name']} "
                       f"the external IP {ip} from the simulated load-balancer pool")

    def remove(self, cluster: Cluster, svc: dict) -> None:
        cluster.event(svc, "Normal", "DeletingLoadBalancer", "Deleting load balancer",
                      component=COMPONENT)
        obj = clone(svc)
        obj["status"] = {"loadBalancer": {}}
        try:
            cluster.api.update(obj, subresource="status", actor=self.name)
        except ApiError:
            return
        cluster.event(svc, "Normal", "DeletedLoadBalancer", "Deleted load balancer",
                      component=COMPONENT)
        cluster.record(self.name, svc, f"released the load balancer of Service "
                       f"{svc['metadata']['name']}: it is no longer of type LoadBalancer")


def _next_free(used: set[str]) -> str | None:
    for n in range(int(LB_POOL_FIRST), int(LB_POOL_LAST) + 1):
        ip = str(ipaddress.ip_address(n))
        if ip not in used:
            return ip
    return None


class KubernetesServiceController(Controller):
    name = nb.APISERVER_ACTOR

    def reconcile(self, cluster: Cluster) -> None:
        if cluster.store.get("Namespace", "", "default") is None:
            return
        svc = cluster.store.get("Service", "default", "kubernetes")
        if svc is None:
            self._create(cluster, nb.kubernetes_service())
        ip = nb.apiserver_ip(cluster)
        if not ip:
            return
        self._ensure(cluster, "Endpoints", nb.kubernetes_endpoints(ip),
                     lambda cur, want: cur.get("subsets") == want["subsets"])
        self._ensure(cluster, "EndpointSlice", nb.kubernetes_endpointslice(ip),
                     lambda cur, want: cur.get("endpoints") == want["endpoints"]
                     and cur.get("ports") == want["ports"])

    def _ensure(self, cluster: Cluster, kind: str, want: dict, same) -> None:
        cur = cluster.store.get(kind, "default", "kubernetes")
        if cur is None:
            self._create(cluster, want)
        elif not same(cur, want):
            want["metadata"] = {**clone(cur["metadata"]), "labels": want["metadata"]["labels"]}
            try:
                cluster.api.update(want, actor=self.name)
            except ApiError:
                return
            cluster.record(self.name, cur, f"restored {kind} kubernetes to the apiserver's "
                           "address")

    def _create(self, cluster: Cluster, obj: dict) -> None:
        try:
            created = cluster.api.create(obj, actor=self.name)
        except ApiError:
            return
        cluster.record(self.name, created, f"recreated {obj['kind']} kubernetes: the apiserver "
                       "keeps it in place")


class IPAddressController(Controller):
    """The MultiCIDRServiceAllocator's objects: the `kubernetes` ServiceCIDR and one IPAddress
    per allocated ClusterIP (pkg/registry/core/service/ipallocator/ipallocator.go writes
    them with the Service; the simulation keeps them in step right after)."""

    name = nb.APISERVER_ACTOR

    def reconcile(self, cluster: Cluster) -> None:
        if nothing_changed(cluster, "net.pass.ipaddress", frozenset({"Service", "IPAddress",
                                                                     "ServiceCIDR"})):
            return
        self.ensure_service_cidr(cluster)
        self.sync_addresses(cluster)
        mark_pass(cluster, "net.pass.ipaddress")

    def ensure_service_cidr(self, cluster: Cluster) -> None:
        if cluster.store.get("ServiceCIDR", "", "kubernetes") is not None:
            return
        try:
            cidr = cluster.api.create({
                "apiVersion": "networking.k8s.io/v1", "kind": "ServiceCIDR",
                "metadata": {"name": "kubernetes",
                             "finalizers": ["networking.k8s.io/service-cidr-finalizer"]},
                "spec": {"cidrs": [nb.SERVICE_CIDR]}}, actor=self.name)
            cidr = {**cidr, "status": {"conditions": [{
                "type": "Ready", "status": "True", "reason": "",
                "message": "Kubernetes Service CIDR is ready",
                "lastTransitionTime": format_time(cluster.clock.now)}]}}
            cluster.api.update(cidr, subresource="status", actor=self.name)
        except ApiError:
            return

    def sync_addresses(self, cluster: Cluster) -> None:
        wanted: dict[str, dict] = {}
        for svc in cluster.store.list("Service"):
            for ip in svc["spec"].get("clusterIPs") or ():
                if ip and ip != "None":
                    wanted[ip] = svc
        for addr in cluster.store.list("IPAddress"):
            labels = addr["metadata"].get("labels") or {}
            if labels.get(MANAGED_BY_LABEL) != IPALLOCATOR:
                continue
            svc = wanted.get(addr["metadata"]["name"])
            if svc is None or addr["spec"]["parentRef"] != _parent_ref(svc):
                try:
                    cluster.api.delete("IPAddress", addr["metadata"]["name"], actor=self.name)
                except ApiError:
                    continue
        for ip, svc in wanted.items():
            if cluster.store.get("IPAddress", "", ip) is None:
                try:
                    cluster.api.create({
                        "apiVersion": "networking.k8s.io/v1", "kind": "IPAddress",
                        "metadata": {"name": ip, "labels": {
                            "ipaddress.kubernetes.io/ip-family": "IPv4",
                            MANAGED_BY_LABEL: IPALLOCATOR}},
                        "spec": {"parentRef": _parent_ref(svc)}}, actor=self.name)
                except ApiError:
                    continue


def _parent_ref(svc: dict) -> dict:
    meta = svc["metadata"]
    return {"group": "", "resource": "services", "namespace": meta["namespace"],
            "name": meta["name"]}


CONTROLLERS = [ServiceController, KubernetesServiceController, IPAddressController]
