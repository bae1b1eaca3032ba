"""Shared fixtures for the StatefulSet and storage tests: manifests and a hand-driven kubelet.

Unit tests run a cluster with only the controllers under test (plus garbage collection when it
exists) and move pods through their phases by hand, so they do not depend on the scheduler and
kubelet being present.
"""

from __future__ import annotations

from playground.sim import Cluster
from playground.sim.controllers.statefulset import StatefulSetController
from playground.sim.errors import NotFound
from playground.sim.objects import clone, format_time


def sts_manifest(name="web", replicas=3, *, image="nginx:1.25", policy=None, claims=True,
                 service="nginx", **spec_extra) -> dict:
    spec = {
        "serviceName": service,
        "replicas": replicas,
        "selector": {"matchLabels": {"app": name}},
        "template": {
            "metadata": {"labels": {"app": name}},
            "spec": {"containers": [{"name": "nginx", "image": image,
                                     "ports": [{"containerPort": 80, "name": "web"}]}]},
        },
    }
    if claims:
        spec["volumeClaimTemplates"] = [{
            "metadata": {"name": "www"},
            "spec": {"accessModes": ["ReadWriteOnce"],
                     "resources": {"requests": {"storage": "1Gi"}}},
        }]
    if policy:
        spec["podManagementPolicy"] = policy
    spec.update(spec_extra)
    return {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": name},
            "spec": spec}


def controller_cluster(*extra) -> Cluster:
    """A default cluster whose only control loops are the StatefulSet controller (+ extra)."""
    c = Cluster.new()
    c.controllers = [StatefulSetController(), *extra]
    gc = _optional_gc()
    if gc is not None:
        c.controllers.append(gc)
    return c


def _optional_gc():
    try:
        from playground.sim.controllers.garbagecollector import CONTROLLERS
    except ImportError:
        return None
    return CONTROLLERS[0]()


def pod_names(c: Cluster, ns: str = "default") -> list[str]:
    return sorted(p["metadata"]["name"] for p in c.store.list("Pod", ns))


def set_pod_state(c: Cluster, name: str, phase: str = "Running", ready: bool = True,
                  ns: str = "default") -> None:
    """Play kubelet: set phase and the Ready condition."""
    pod = clone(c.store.get("Pod", ns, name))
    if not pod["spec"].get("nodeName"):
        pod["spec"]["nodeName"] = "worker-1"
        try:
            pod = clone(c.api.update(pod, subresource="binding", actor="default-scheduler"))
        except NotFound:  # an API server without pods/binding yet
            pod = clone(c.api.update(pod, actor="default-scheduler"))
    now = format_time(c.clock.now)
    pod["status"] = {
        "phase": phase,
        "conditions": [{"type": "Ready", "status": "True" if ready else "False",
                        "lastTransitionTime": now}],
    }
    c.api.update(pod, subresource="status", actor="kubelet")


def make_ready(c: Cluster, *names: str) -> None:
    for name in names:
        set_pod_state(c, name)
    c.reconcile()


def finish_deletions(c: Cluster, ns: str = "default") -> None:
    """Play kubelet for graceful deletions: remove pods that carry a deletionTimestamp."""
    for pod in list(c.store.list("Pod", ns)):
        if pod["metadata"].get("deletionTimestamp") and not pod["metadata"].get("finalizers"):
            c.api.delete("Pod", pod["metadata"]["name"], namespace=ns, grace_period_seconds=0,
                         actor="kubelet")
    c.reconcile()


def roll_until_stable(c: Cluster, limit: int = 50) -> None:
    """Make every live pod Running+Ready and finish deletions until nothing changes."""
    for _ in range(limit):
        before = c.store.meta["resourceVersion"]
        for pod in list(c.store.list("Pod", "default")):
            if pod["metadata"].get("deletionTimestamp"):
                continue
            if pod.get("status", {}).get("phase") != "Running":
                set_pod_state(c, pod["metadata"]["name"])
        finish_deletions(c)
        c.reconcile()
        if c.store.meta["resourceVersion"] == before:
            return
    raise AssertionError("did not stabilise")
