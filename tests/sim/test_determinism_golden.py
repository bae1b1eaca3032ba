"""Determinism golden test: a rich scripted scenario must end in exactly the same cluster.

The hashes below were produced by the code BEFORE the performance work (indexes, skip memos,
cheaper API writes), so any optimisation that changes observable behaviour -- an object's
content, a resourceVersion (i.e. the order of writes), a timeline sentence, an event, a
change-log entry -- fails here. The scenario covers workloads (create, rolling update, a
stuck rollout and its rollback, scale), services with endpoints and slices, a StatefulSet
with volumes, a crashing pod, a node stopped and started again (eviction), cascading
deletion, namespace deletion, a Cluster rebuilt over its loaded store and the change log
cleared in place (what the Django store does after each save).

If a deliberate behaviour change (not an optimisation) moves these hashes, regenerate them
with `python -m tests.sim.test_determinism_golden` and say why in the commit message.
"""

from __future__ import annotations

import hashlib
import json

from playground.sim import Cluster
from playground.sim.nodes import start_node, stop_node


def _deployment(name: str, replicas: int, image: str = "nginx:1.25") -> dict:
    labels = {"app": name}
    return {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": dict(labels)},
            "template": {
                "metadata": {"labels": dict(labels)},
                "spec": {"containers": [{"name": "app", "image": image,
                                         "ports": [{"containerPort": 80}]}]},
            },
        },
    }


def _service(name: str, app: str) -> dict:
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name},
            "spec": {"selector": {"app": app}, "ports": [{"port": 80, "targetPort": 80}]}}


def _statefulset() -> dict:
    return {
        "apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db"},
        "spec": {
            "serviceName": "db", "replicas": 2,
            "selector": {"matchLabels": {"app": "db"}},
            "template": {"metadata": {"labels": {"app": "db"}},
                         "spec": {"containers": [{"name": "db", "image": "nginx:1.25"}]}},
            "volumeClaimTemplates": [{
                "metadata": {"name": "data"},
                "spec": {"accessModes": ["ReadWriteOnce"],
                         "resources": {"requests": {"storage": "1Gi"}}},
            }],
        },
    }


def _set_image(c: Cluster, name: str, image: str) -> None:
    d = c.api.get("deployments", name, "default")
    d["spec"]["template"]["spec"]["containers"][0]["image"] = image
    c.api.update(d)


def _scale(c: Cluster, name: str, replicas: int) -> None:
    d = c.api.get("deployments", name, "default")
    d["spec"]["replicas"] = replicas
    c.api.update(d)


def run_scenario() -> Cluster:
    c = Cluster.new(seed=11, workers=3)
    c.api.create(_deployment("web", 12))
    c.api.create(_service("web", "web"))
    c.advance(2)
    c.api.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "crash"},
                  "spec": {"containers": [{"name": "c", "image": "busybox:1.36",
                                           "command": ["sh", "-c", "exit 3"]}]}})
    c.api.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"},
                  "data": {"k": "v"}})
    c.settle()
    _set_image(c, "web", "nginx:1.26")
    c.advance(3)
    _scale(c, "web", 9)  # scaled in the middle of the rollout
    c.settle()
    c.api.create(_statefulset())
    c.api.create({**_service("db", "db"), "metadata": {"name": "db"},
                  "spec": {"clusterIP": "None", "selector": {"app": "db"},
                           "ports": [{"port": 80}]}})
    c.advance(20)
    # the Django store's pattern: a new Cluster over the loaded store, change log cleared
    c = Cluster(c.store)
    c.store.changes.clear()
    _set_image(c, "web", "nginx:does-not-exist")  # a stuck rollout
    c.advance(40)
    _set_image(c, "web", "nginx:1.26")  # rolled back by hand
    c.settle()
    stop_node(c, "worker-2")
    c.advance(400)  # NotReady, taints, evictions
    start_node(c, "worker-2")
    c.settle()
    c.store.changes.clear()
    c.api.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team"}})
    c.api.create({**_deployment("api", 3), "metadata": {"name": "api", "namespace": "team"}})
    c.advance(30)
    c.api.delete("deployments", "web", namespace="default")
    c.api.delete("namespaces", "team")
    c.settle()
    return c


def fingerprint(c: Cluster) -> dict[str, str]:
    """sha256 per part of the final state, so a drift names where it happened."""
    store = c.store
    parts: dict[str, object] = {}
    for kind in sorted(store.objects):
        objs = sorted(store.list(kind), key=lambda o: (o["metadata"].get("namespace", ""),
                                                       o["metadata"]["name"]))
        parts[f"objects/{kind}"] = objs
    parts["timeline"] = store.timeline
    parts["meta"] = {k: v for k, v in store.meta.items()}
    parts["changes"] = [(ch.type, ch.kind, ch.namespace, ch.name, ch.resource_version, ch.object)
                        for ch in store.changes]
    parts["clock"] = c.clock.now
    return {
        name: hashlib.sha256(json.dumps(value, sort_keys=True, default=repr).encode()).hexdigest()
        for name, value in parts.items()
    }


GOLDEN: dict[str, str] = {
    "changes": "7c7f85c656f51c52fb3023c3ba8fb7cdce53ead6e4bac0d12bbf78d21ee3889a",
    "clock": "51b07d62211365c4880f624d5c0333014cf74c95ec87a3674799a06118927f34",
    "meta": "1fba2f228981b76311414dd24cc9c881dba722addb6ccf84ed4d17af394d319d",
    "objects/ConfigMap": "1fd3c424598bad22a5d68220a69c3c55da62cbec0749fab3c4a0f5754033b865",
    "objects/ControllerRevision": (
        "98f681a4e9d7de09a3707add7289fdfd3205ade77c799c534143b81c70d4a194"
    ),
    "objects/Deployment": "a565eb8ab35c4bf55589d8b6d417b56b6e38e881586362a756e7cc032480983d",
    "objects/EndpointSlice": "3dc1a4903912a9a64ac71fcaf0e7125deaf854a6a500b9bdb6e6c2735b73a654",
    "objects/Endpoints": "dfe338d92e4b6d11088e1480dbab2e3b455f2188e91144d80386b879407964cf",
    "objects/Event": "33c5a5b5d5c49f15ca5e3c46a36a031dd1e5aceeb7748f0b9a66b13bbfe5625f",
    "objects/IPAddress": "daaf297c5e0a52ccc8d9fef4961420ebf6dba7e93c25e70178b3d4683a624018",
    "objects/KubeletState": "4f842d836a7dd5d0a7b6cdc15320f85feb788cf8a197c7be277dea5b979d8cd8",
    "objects/Lease": "3e1a5ab9d8d4d56c7ac7db80340b07838a25f15dcb285b6b75ec390cb8c30bc3",
    "objects/Namespace": "4ffbee499dd9ccd748a8ee90d21d9899e8123b950f0a483cd5f3af5a40f6f343",
    "objects/Node": "e17abe5abd3f35c169dc39b07cd9362c6ca7cdf1e954895f11dcaa7310812672",
    "objects/PersistentVolume": "5309482ef332a0565edd1c4de2becad54d3fdf874a34feffe2f987390c93d923",
    "objects/PersistentVolumeClaim": (
        "62344f9b1ee14894f9437fafdbbff1302219cacb898b587706d931ac75c3d113"
    ),
    "objects/Pod": "69ac3edbd8aafa946cbbc22aa44e6ce829a27ebb880f69ba9fd59ef95d69f9fb",
    "objects/PodRuntime": "b5cac2c0cfe85cfee1b740c387dbd7a2e2d66a43d7d41e1c7ec574e005439128",
    "objects/ReplicaSet": "aaaa9bc1727bdf4c12f29b8399505336767f3a05afb8146a0acf30c5e84209a1",
    "objects/ResourceQuota": "432a6addcb2658e1f5c358affa80ecda37fb280570a2249f8f36a6eecc725edd",
    "objects/Service": "e644729b440070cdcde743e267a90d564ef67439034853cf587401582906c6c8",
    "objects/ServiceAccount": "8448f9161828b4249f9eca54bb9e80d5e78cb23fd9f97167a897c2e4df58ff4f",
    "objects/ServiceCIDR": "4938bf9bfe34d7764572150c5febe05e131d962260d773dcd82b69e0ff0c4fb4",
    "objects/StatefulSet": "3fd9d5070fea89f8d9d4a330c72498644ca8dbffccfda9ec99cd0f07f48d0c95",
    "objects/StorageClass": "71b9d42ccc78f0bc6c96e39eeca07c5fc15590c8de435821e33232260acf37cc",
    "objects/TaintEvictionState": (
        "9c9581c3cfd1492cf7c3a221aa9b59b1d1b981601dc37b19c4eeaa96748d6a72"
    ),
    "timeline": "e29d31f4bde86e7aaf79fc141c1a1bc9ebfd4d92373d3ac4e76b5f4dcfc31cc5",
}


def test_rich_scenario_ends_in_the_golden_state():
    got = fingerprint(run_scenario())
    drift = sorted(k for k in set(GOLDEN) | set(got) if GOLDEN.get(k) != got.get(k))
    assert drift == []


if __name__ == "__main__":
    print(json.dumps(fingerprint(run_scenario()), indent=4, sort_keys=True))
