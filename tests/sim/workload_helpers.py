"""Test helpers for the Deployment and ReplicaSet tests: drive pods by hand.

The unit tests run only the workload controllers (plus the garbage collector when present),
so pod status is whatever these helpers write: `make_ready` plays scheduler + kubelet,
`finish_terminating` plays the kubelet ending a graceful deletion.
"""

from __future__ import annotations

from playground.sim import Cluster
from playground.sim.errors import NotFound
from playground.sim.objects import clone, controller_ref, format_time

WORKLOAD_CONTROLLERS = (
    "deployment-controller",
    "replicaset-controller",
    "garbagecollector",
    "garbage-collector",
    "generic-garbage-collector",
)


def workload_cluster(seed: int = 0, workers: int = 2) -> Cluster:
    """A default cluster whose only controllers are the workload ones (and the GC)."""
    c = Cluster.new(seed=seed, workers=workers)
    c.controllers = [ctl for ctl in c.controllers if ctl.name in WORKLOAD_CONTROLLERS]
    return c


def deployment(name: str = "web", replicas: int = 3, image: str = "nginx:1.25", **spec) -> dict:
    labels = {"app": name}
    body = {
        "replicas": replicas,
        "selector": {"matchLabels": dict(labels)},
        "template": {
            "metadata": {"labels": dict(labels)},
            "spec": {"containers": [{"name": "nginx", "image": image}]},
        },
    }
    body.update(spec)
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name}, "spec": body}


def replicaset(name: str = "web", replicas: int = 3, labels: dict | None = None, **spec) -> dict:
    labels = labels or {"app": name}
    body = {
        "replicas": replicas,
        "selector": {"matchLabels": dict(labels)},
        "template": {
            "metadata": {"labels": dict(labels)},
            "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25"}]},
        },
    }
    body.update(spec)
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": name}, "spec": body}


def pods(c: Cluster, owner: str | None = None, *, active_only: bool = True) -> list[dict]:
    out = []
    for p in c.api.list("pods", "default"):
        if active_only and p["metadata"].get("deletionTimestamp"):
            continue
        ref = controller_ref(p)
        if owner is None or (ref and ref["name"] == owner):
            out.append(p)
    return out


def make_ready(c: Cluster, pod: dict, node: str = "worker-1", ready: bool = True) -> dict:
    """Schedule the pod on `node` and report it Running (Ready or not) as of now."""
    name = pod["metadata"]["name"]
    live = c.api.get("pods", name, "default")
    if not live["spec"].get("nodeName"):
        live["spec"]["nodeName"] = node
        try:
            live = clone(c.api.update(live, subresource="binding", actor="default-scheduler"))
        except NotFound:  # an API server without pods/binding
            live = clone(c.api.update(live, actor="default-scheduler"))
    now = format_time(c.clock.now)
    status = "True" if ready else "False"
    live["status"] = {
        "phase": "Running",
        "conditions": [
            {
                "type": t,
                "status": status if t in ("Ready", "ContainersReady") else "True",
                "lastProbeTime": None,
                "lastTransitionTime": now,
            }
            for t in (
                "PodReadyToStartContainers",
                "Initialized",
                "Ready",
                "ContainersReady",
                "PodScheduled",
            )
        ],
        "hostIP": "172.18.0.3",
        "podIP": f"10.244.1.{2 + len(name) % 200}",
        "startTime": now,
        "containerStatuses": [
            {
                "name": "nginx",
                "ready": ready,
                "restartCount": 0,
                "image": "nginx",
                "started": True,
                "state": {"running": {"startedAt": now}},
            }
        ],
    }
    return clone(c.api.update(live, subresource="status", actor="test"))


def ready_all(c: Cluster, owner: str | None = None) -> int:
    """Make every active, not yet ready pod Ready; returns how many changed."""
    n = 0
    for p in pods(c, owner):
        conds = {x["type"]: x["status"] for x in p.get("status", {}).get("conditions") or []}
        if conds.get("Ready") != "True":
            make_ready(c, p)
            n += 1
    return n


def finish_terminating(c: Cluster) -> int:
    """Remove every pod carrying a deletionTimestamp (what the kubelet does after the grace)."""
    n = 0
    for p in c.api.list("pods", "default"):
        if p["metadata"].get("deletionTimestamp"):
            c.api.delete(
                "pods",
                p["metadata"]["name"],
                namespace="default",
                grace_period_seconds=0,
                actor="test",
            )
            n += 1
    return n


def scaling_events(c: Cluster, name: str = "web") -> list[str]:
    evs = [
        e
        for e in c.api.list("events", "default")
        if e["reason"] == "ScalingReplicaSet" and e["involvedObject"]["name"] == name
    ]
    evs.sort(key=lambda e: int(e["metadata"]["resourceVersion"]))
    return [e["message"] for e in evs]


def rs_of(c: Cluster, name: str = "web") -> list[dict]:
    """The Deployment's ReplicaSets, oldest revision first."""
    out = [
        rs for rs in c.api.list("rs", "default") if (controller_ref(rs) or {}).get("name") == name
    ]
    out.sort(
        key=lambda rs: int(
            rs["metadata"].get("annotations", {}).get("deployment.kubernetes.io/revision", 0)
        )
    )
    return out
