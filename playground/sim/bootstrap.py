"""The default cluster a learner starts with, as `kubeadm init` + `kubeadm join` leave it.

A tainted control-plane node `cp-1` and workers `worker-1..N`; the four system
namespaces; pod CIDR 10.244.0.0/16 with one /24 per node; cluster domain
cluster.local; Kubernetes v1.33. Other modules (system pods, the `kubernetes`
and `kube-dns` Services) extend `bootstrap` through BOOTSTRAP_STEPS.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .cluster import Cluster

ACTOR = "kubeadm"
KUBERNETES_VERSION = "v1.33.1"
CLUSTER_DOMAIN = "cluster.local"
POD_CIDR = "10.244.0.0/16"
SERVICE_CIDR = "10.96.0.0/12"
CLUSTER_DNS_IP = "10.96.0.10"
NODE_IP_BASE = "172.18.0."  # node N gets 172.18.0.(N+2), like a kind/kubeadm lab network
NODE_CPU = "2"
NODE_MEMORY_KI = 4026512  # about 3.8 GiB, as a 4 GiB VM reports it
SYSTEM_NAMESPACES = ("default", "kube-node-lease", "kube-public", "kube-system")

#: extra setup steps, run in order after namespaces and nodes: (order, fn(cluster))
BOOTSTRAP_STEPS: list[tuple[int, Callable[[Cluster], None]]] = []


def add_step(order: int, fn: Callable[[Cluster], None]) -> None:
    if all(f is not fn for _, f in BOOTSTRAP_STEPS):
        BOOTSTRAP_STEPS.append((order, fn))
        BOOTSTRAP_STEPS.sort(key=lambda s: s[0])


def bootstrap(cluster: Cluster, *, workers: int = 2) -> None:
    for ns in SYSTEM_NAMESPACES:
        cluster.api.create(
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}, actor=ACTOR
        )
    cluster.store.meta["nodeCount"] = 0
    add_node(cluster, "cp-1", control_plane=True)
    _import_extensions()
    # steps with order < 0 belong to `kubeadm init` and run before the workers join
    for order, step in list(BOOTSTRAP_STEPS):
        if order < 0:
            step(cluster)
    for i in range(1, workers + 1):
        add_node(cluster, f"worker-{i}")
    for order, step in list(BOOTSTRAP_STEPS):
        if order >= 0:
            step(cluster)
    cluster.reconcile()


def _import_extensions() -> None:
    """Modules that register bootstrap steps (system pods, built-in Services)."""
    from importlib import import_module

    for name in ("system", "networking_bootstrap", "cluster_info"):
        import_module(f"{__package__}.{name}")


def node_manifest(cluster: Cluster, name: str, index: int, *, control_plane: bool) -> dict:
    from .objects import format_time

    now = format_time(cluster.clock.now)
    labels = {
        "beta.kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
    }
    spec: dict = {
        "podCIDR": f"10.244.{index}.0/24",
        "podCIDRs": [f"10.244.{index}.0/24"],
    }
    if control_plane:
        labels["node-role.kubernetes.io/control-plane"] = ""
        labels["node.kubernetes.io/exclude-from-external-load-balancers"] = ""
        spec["taints"] = [
            {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}
        ]
    resources = {
        "cpu": NODE_CPU,
        "ephemeral-storage": "61202244Ki",
        "hugepages-1Gi": "0",
        "hugepages-2Mi": "0",
        "memory": f"{NODE_MEMORY_KI}Ki",
        "pods": "110",
    }
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "labels": labels,
            "annotations": {
                "kubeadm.alpha.kubernetes.io/cri-socket": "unix:///var/run/containerd/containerd.sock",
                "node.alpha.kubernetes.io/ttl": "0",
                "volumes.kubernetes.io/controller-managed-attach-detach": "true",
            },
        },
        "spec": spec,
        "status": {
            "capacity": dict(resources),
            "allocatable": dict(resources),
            "conditions": _ready_conditions(now),
            "addresses": [
                {"type": "InternalIP", "address": f"{NODE_IP_BASE}{index + 2}"},
                {"type": "Hostname", "address": name},
            ],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "architecture": "amd64",
                "bootID": cluster.rand.uuid(),
                "containerRuntimeVersion": "containerd://2.0.5",
                "kernelVersion": "6.8.0-60-generic",
                "kubeProxyVersion": KUBERNETES_VERSION,
                "kubeletVersion": KUBERNETES_VERSION,
                "machineID": cluster.rand.uuid().replace("-", ""),
                "operatingSystem": "linux",
                "osImage": "Ubuntu 24.04.2 LTS",
                "systemUUID": cluster.rand.uuid(),
            },
        },
    }


def _ready_conditions(now: str) -> list[dict]:
    def cond(type_: str, status: str, reason: str, message: str) -> dict:
        return {"type": type_, "status": status, "lastHeartbeatTime": now,
                "lastTransitionTime": now, "reason": reason, "message": message}

    return [
        cond("MemoryPressure", "False", "KubeletHasSufficientMemory",
             "kubelet has sufficient memory available"),
        cond("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
        cond("PIDPressure", "False", "KubeletHasSufficientPID",
             "kubelet has sufficient PID available"),
        cond("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
    ]


def add_node(cluster: Cluster, name: str, *, control_plane: bool = False) -> dict:
    index = int(cluster.store.meta.get("nodeCount", 0))
    cluster.store.meta["nodeCount"] = index + 1
    return cluster.api.create(node_manifest(cluster, name, index, control_plane=control_plane),
                              actor=ACTOR)
