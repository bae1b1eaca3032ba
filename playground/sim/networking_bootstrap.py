"""The Services a fresh kubeadm cluster has: `default/kubernetes` and `kube-system/kube-dns`.

Models pkg/controlplane/controller/kubernetesservice/controller.go (the `kubernetes`
Service at the first IP of the service range, port 443 `https` -> the apiserver's 6443,
selector-less, its Endpoints and EndpointSlice written by the apiserver itself, see
pkg/controlplane/reconcilers) and cmd/kubeadm/app/phases/addons/dns/manifests.go (the
`kube-dns` Service at 10.96.0.10 selecting the CoreDNS pods).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .bootstrap import ACTOR, CLUSTER_DNS_IP, add_step
from .bootstrap import SERVICE_CIDR as SERVICE_CIDR  # re-exported for the apiserver controller

if TYPE_CHECKING:
    from .cluster import Cluster

KUBERNETES_SERVICE_IP = "10.96.0.1"
APISERVER_PORT = 6443
APISERVER_ACTOR = "kube-apiserver"
SKIP_MIRROR = "endpointslice.kubernetes.io/skip-mirror"


def kubernetes_service() -> dict:
    return {
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "kubernetes", "namespace": "default",
                     "labels": {"component": "apiserver", "provider": "kubernetes"}},
        "spec": {"clusterIP": KUBERNETES_SERVICE_IP, "type": "ClusterIP",
                 "sessionAffinity": "None",
                 "ports": [{"name": "https", "port": 443, "protocol": "TCP",
                            "targetPort": APISERVER_PORT}]},
    }


def kube_dns_service() -> dict:
    return {
        "apiVersion": "v1", "kind": "Service",
        "metadata": {
            "name": "kube-dns", "namespace": "kube-system",
            "labels": {"k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true",
                       "kubernetes.io/name": "CoreDNS"},
            "annotations": {"prometheus.io/port": "9153", "prometheus.io/scrape": "true"},
        },
        "spec": {
            "clusterIP": CLUSTER_DNS_IP,
            "selector": {"k8s-app": "kube-dns"},
            "ports": [
                {"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
                {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53},
                {"name": "metrics", "port": 9153, "protocol": "TCP", "targetPort": 9153},
            ],
        },
    }


def apiserver_ip(cluster: Cluster) -> str | None:
    """The advertise address: the first control-plane node's InternalIP."""
    for node in sorted(cluster.store.list("Node"), key=lambda n: n["metadata"]["name"]):
        if "node-role.kubernetes.io/control-plane" in (node["metadata"].get("labels") or {}):
            for addr in node.get("status", {}).get("addresses") or ():
                if addr.get("type") == "InternalIP":
                    return addr["address"]
    return None


def kubernetes_endpoints(ip: str) -> dict:
    return {
        "apiVersion": "v1", "kind": "Endpoints",
        "metadata": {"name": "kubernetes", "namespace": "default",
                     "labels": {SKIP_MIRROR: "true"}},
        "subsets": [{"addresses": [{"ip": ip}],
                     "ports": [{"name": "https", "port": APISERVER_PORT, "protocol": "TCP"}]}],
    }


def kubernetes_endpointslice(ip: str) -> dict:
    return {
        "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
        "metadata": {"name": "kubernetes", "namespace": "default",
                     "labels": {"kubernetes.io/service-name": "kubernetes"}},
        "addressType": "IPv4",
        "endpoints": [{"addresses": [ip], "conditions": {"ready": True}}],
        "ports": [{"name": "https", "port": APISERVER_PORT, "protocol": "TCP"}],
    }


def create_builtin_services(cluster: Cluster) -> None:
    """Idempotent: the apiserver's controller may already have written its own objects
    if another bootstrap step reconciled earlier."""
    _create_missing(cluster, kubernetes_service(), APISERVER_ACTOR)
    ip = apiserver_ip(cluster)
    if ip:
        _create_missing(cluster, kubernetes_endpoints(ip), APISERVER_ACTOR)
        _create_missing(cluster, kubernetes_endpointslice(ip), APISERVER_ACTOR)
    _create_missing(cluster, kube_dns_service(), ACTOR)


def _create_missing(cluster: Cluster, obj: dict, actor: str) -> None:
    meta = obj["metadata"]
    if cluster.store.get(obj["kind"], meta["namespace"], meta["name"]) is None:
        cluster.api.create(obj, actor=actor)


add_step(20, create_builtin_services)
