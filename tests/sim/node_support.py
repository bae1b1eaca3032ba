"""Helpers for the scheduler, kubelet and node lifecycle tests."""

from __future__ import annotations

from playground.sim import Cluster


def pod_manifest(name: str, image: str = "nginx:1.25", *, command=None, args=None,
                 requests=None, ns: str = "default", container: str = "app", **spec) -> dict:
    c: dict = {"name": container, "image": image}
    if command is not None:
        c["command"] = command
    if args is not None:
        c["args"] = args
    if requests:
        c["resources"] = {"requests": requests}
    for key in ("readinessProbe", "livenessProbe", "startupProbe", "ports", "env",
                "imagePullPolicy"):
        if key in spec:
            c[key] = spec.pop(key)
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": ns, "labels": {"app": name}},
            "spec": {"containers": [c], **spec}}


def make_pod(c: Cluster, name: str, image: str = "nginx:1.25", **kw) -> dict:
    return c.api.create(pod_manifest(name, image, **kw))


def deployment(name: str, replicas: int = 3, image: str = "nginx:1.25", **spec) -> dict:
    return {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                 "template": {"metadata": {"labels": {"app": name}},
                              "spec": {"containers": [{"name": "nginx", "image": image}],
                                       **spec}}},
    }


def pod(c: Cluster, name: str, ns: str = "default") -> dict:
    return c.api.get("pods", name, namespace=ns)


def state(p: dict, i: int = 0) -> tuple[str, str | None]:
    """(state key, reason) of a container status: ("waiting", "ContainerCreating")."""
    st = p["status"]["containerStatuses"][i]["state"]
    key = next(iter(st))
    return key, st[key].get("reason")


def events(c: Cluster, name: str, ns: str = "default") -> list[tuple[str, str, int]]:
    evs = [e for e in c.store.list("Event", ns) if e["involvedObject"]["name"] == name]
    evs.sort(key=lambda e: int(e["metadata"]["resourceVersion"]))
    return [(e["reason"], e["message"], e["count"]) for e in evs]


def reasons(c: Cluster, name: str, ns: str = "default") -> list[str]:
    return [r for r, _, _ in events(c, name, ns)]


def condition(obj: dict, type_: str) -> dict | None:
    return next((x for x in obj["status"].get("conditions", []) if x["type"] == type_), None)


def user_pods(c: Cluster, ns: str = "default") -> list[dict]:
    return sorted(c.store.list("Pod", ns), key=lambda p: p["metadata"]["name"])


def idle(c: Cluster) -> bool:
    """A reconcile pass that writes nothing."""
    rv = c.store.meta["resourceVersion"]
    c.reconcile()
    return c.store.meta["resourceVersion"] == rv
