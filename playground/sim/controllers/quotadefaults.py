"""The sandbox's own per-namespace limits: ResourceQuota `default-quota` in every namespace
the learner uses (`default` and each one they create; never kube-system, kube-public or
kube-node-lease).

Not an upstream controller: on a real cluster an administrator (or a policy engine) puts
a ResourceQuota in each tenant namespace; this plays that administrator, the way the
namespace controller publishes kube-root-ca.crt. A deleted `default-quota` comes back; an
edited one is left as the learner made it (the site caps in limits.py still bound the
sandbox).

Sizing: `pods` is what the worker nodes can run (the sum of their allocatable pods, 110
each on kubeadm); `services` 100 and `persistentvolumeclaims` 50, counts a learner will
not reach by accident (the sandbox-wide object cap in limits.py stays the real bound). Compute
resources (requests.cpu / requests.memory) are NOT quota'd by default: a quota on them
makes the API server refuse every pod that does not state its requests (`failed quota:
default-quota: must specify requests.cpu for: nginx`), and defaulting them with a
LimitRange would change every pod learners compare with a real cluster (QoS class
BestEffort -> Burstable). The scheduler already bounds compute by node capacity. An
operator who wants compute quotas sets `limits["quota_compute"] = True`: the quota then
also holds requests.cpu / requests.memory sized to the workers, and a LimitRange
`default-limits` gives containers default requests (100m CPU, 128Mi memory), as real
multi-tenant clusters do. `limits["default_quota"]` replaces the hard limits outright
(`False`: no default quota at all, the cluster then looks exactly like kubeadm's).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from .. import limits, quota
from ..errors import ApiError
from ..objects import get_path
from .base import Controller

if TYPE_CHECKING:
    from ..cluster import Cluster

NAME = "sandbox-quota"
QUOTA_NAME = "default-quota"
LIMITRANGE_NAME = "default-limits"
SYSTEM_NAMESPACES = ("kube-system", "kube-public", "kube-node-lease")
MANAGED_BY = {"app.kubernetes.io/managed-by": "playground"}
OBJECT_COUNTS = {"services": "100", "persistentvolumeclaims": "50"}
DEFAULT_REQUESTS = {"cpu": "100m", "memory": "128Mi"}


def _workers(cluster: Cluster) -> list[dict]:
    nodes = cluster.store.list("Node")
    workers = [n for n in nodes if "node-role.kubernetes.io/control-plane"
               not in (n["metadata"].get("labels") or {})]
    return workers or nodes


def _sum(nodes: list[dict], resource: str) -> quota.Qty:
    total = quota.Qty(Decimal(0), resource == "memory")
    for n in nodes:
        q = quota.parse(get_path(n, "status", "allocatable", resource))
        if q is not None:
            total = total + q
    return total


def default_hard(cluster: Cluster) -> dict[str, str]:
    caps = limits.get(cluster)
    if isinstance(caps.default_quota, dict) and caps.default_quota:
        return {str(k): str(v) for k, v in caps.default_quota.items()}
    workers = _workers(cluster)
    pods = _sum(workers, "pods")
    hard = {"pods": str(pods) if pods.value > 0 else "110", **OBJECT_COUNTS}
    if caps.quota_compute:
        hard["requests.cpu"] = str(_sum(workers, "cpu"))
        hard["requests.memory"] = str(_sum(workers, "memory"))
    return hard


def quota_object(namespace: str, hard: dict[str, str]) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "ResourceQuota",
        "metadata": {"name": QUOTA_NAME, "namespace": namespace, "labels": dict(MANAGED_BY)},
        "spec": {"hard": hard},
    }


def limitrange_object(namespace: str) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "LimitRange",
        "metadata": {"name": LIMITRANGE_NAME, "namespace": namespace,
                     "labels": dict(MANAGED_BY)},
        "spec": {"limits": [{"type": "Container", "defaultRequest": dict(DEFAULT_REQUESTS)}]},
    }


class SandboxQuotaController(Controller):
    name = NAME

    def reconcile(self, cluster: Cluster) -> None:
        caps = limits.get(cluster)
        if caps.default_quota is False:  # the operator turned the sandbox quota off
            return
        compute = caps.quota_compute
        hard = None
        for ns in cluster.store.list("Namespace"):
            name = ns["metadata"]["name"]
            if name in SYSTEM_NAMESPACES or get_path(ns, "status", "phase") == "Terminating":
                continue
            if cluster.store.get("ResourceQuota", name, QUOTA_NAME) is None:
                hard = hard or default_hard(cluster)
                self._create(cluster, quota_object(name, hard),
                             f"namespace {name} gets the sandbox's limits: created "
                             f"ResourceQuota {QUOTA_NAME}")
            if compute and cluster.store.get("LimitRange", name, LIMITRANGE_NAME) is None:
                self._create(cluster, limitrange_object(name),
                             f"namespace {name} gets default container requests: created "
                             f"LimitRange {LIMITRANGE_NAME}")

    def _create(self, cluster: Cluster, obj: dict, sentence: str) -> None:
        try:
            created = cluster.api.create(obj, actor=NAME)
        except ApiError:
            return  # e.g. the sandbox's object cap: nothing to add, nothing to retry now
        cluster.record(NAME, created, sentence)


CONTROLLERS = [SandboxQuotaController]
