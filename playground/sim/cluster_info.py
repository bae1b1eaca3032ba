"""`kube-public/cluster-info`: the ConfigMap `kubeadm init` publishes for joining nodes, and
what `kubectl cluster-info` prints.

Models cmd/kubeadm/app/phases/bootstraptoken/clusterinfo/clusterinfo.go (a kubeconfig holding
only the unnamed cluster: the apiserver URL and the CA) and
staging/src/k8s.io/kubectl/pkg/cmd/clusterinfo/clusterinfo.go (the control plane URL, then
every kube-system Service labelled kubernetes.io/cluster-service=true as
`<kubernetes.io/name label or name> is running at <server>/api/v1/namespaces/kube-system/
services/[https:]<name>:<first port name>/proxy`). Simplified: no `jws-kubeconfig-<token-id>`
key (the bootstrap-signer's signature for the 24 h join token is not modelled).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .bootstrap import ACTOR, add_step

if TYPE_CHECKING:
    from .cluster import Cluster

NAMESPACE = "kube-public"
NAME = "cluster-info"


def server_url(cluster: Cluster) -> str:
    from .networking_bootstrap import APISERVER_PORT, apiserver_ip

    return f"https://{apiserver_ip(cluster) or '172.18.0.2'}:{APISERVER_PORT}"


def cluster_info_configmap(cluster: Cluster) -> dict:
    import base64

    from .controllers.namespace import CA_CERT

    ca = base64.b64encode(CA_CERT.encode()).decode()
    kubeconfig = (
        "apiVersion: v1\nclusters:\n- cluster:\n"
        f"    certificate-authority-data: {ca}\n"
        f"    server: {server_url(cluster)}\n"
        '  name: ""\ncontexts: null\ncurrent-context: ""\nkind: Config\npreferences: {}\n'
        "users: null\n")
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": NAME, "namespace": NAMESPACE},
            "data": {"kubeconfig": kubeconfig}}


def create_cluster_info(cluster: Cluster) -> None:
    if cluster.store.get("ConfigMap", NAMESPACE, NAME) is None:
        cluster.api.create(cluster_info_configmap(cluster), actor=ACTOR)


def server_from_configmap(cluster: Cluster) -> str:
    cm = cluster.store.get("ConfigMap", NAMESPACE, NAME)
    for line in ((cm or {}).get("data") or {}).get("kubeconfig", "").splitlines():
        if line.strip().startswith("server:"):
            return line.split(":", 1)[1].strip()
    return server_url(cluster)


def cluster_info_lines(cluster: Cluster) -> list[str]:
    """clusterinfo.go Run: the control plane, then the cluster services, sorted by name."""
    server = server_from_configmap(cluster)
    lines = [f"Kubernetes control plane is running at {server}"]
    for svc in sorted(cluster.store.list("Service", "kube-system"),
                      key=lambda s: s["metadata"]["name"]):
        labels = svc["metadata"].get("labels") or {}
        if labels.get("kubernetes.io/cluster-service") != "true":
            continue
        ingress = ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
        ports = (svc.get("spec") or {}).get("ports") or []
        if ingress:
            ip = ingress[0].get("ip") or ingress[0].get("hostname", "")
            link = "".join(f"http://{ip}:{p.get('port')} " for p in ports)
        else:
            name = svc["metadata"]["name"]
            if ports:
                name = join_scheme_name_port(ports[0], name)
            link = f"{server}/api/v1/namespaces/kube-system/services/{name}/proxy"
        lines.append(f"{labels.get('kubernetes.io/name') or svc['metadata']['name']} "
                     f"is running at {link}")
    return lines


def join_scheme_name_port(port: dict, name: str) -> str:
    """utilnet.JoinSchemeNamePort, guessing https from the port's name or number."""
    scheme = "https" if port.get("name") == "https" or port.get("port") == 443 else ""
    if scheme:
        return f"{scheme}:{name}:{port.get('name', '')}"
    return f"{name}:{port['name']}" if port.get("name") else name


add_step(-5, create_cluster_info)  # kubeadm init's bootstrap-token phase, before the joins
