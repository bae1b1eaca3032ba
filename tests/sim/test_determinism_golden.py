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
    "changes": "7b7412f6291cf81d6500090e5adf9f8e68d269ae65f1146d86e92c4abf3a5d35",
    "clock": "51b07d62211365c4880f624d5c0333014cf74c95ec87a3674799a06118927f34",
    "meta": "ac403ffff78084a0b65b0d3a05137897304a63c39afa5816e0361881671c3d5d",
    "objects/ConfigMap": (
        "c95644c5231975446d952f0acaa37445f596fd3e72bae16c685132d0f34390d1"
    ),
    "objects/ControllerRevision": (
        "3f3e5e9ea9e789e59a0965199595707cd0657653c6b7d08f009102bf1fc91e53"
    ),
    "objects/Deployment": (
        "d8aa51ae6ae37f4fecaf7124644b7b93a95cb400b74b007440defa0d1e52a1eb"
    ),
    "objects/EndpointSlice": (
        "e1124c552649b8457a4fcd206821b05b132701ee6a03c01edb345ef40854e69e"
    ),
    "objects/Endpoints": (
        "a3d09d005fa1868df1bdb0df4ad7b1206617ee9bf4de37235522aa0ddfd96cbf"
    ),
    "objects/Event": "893840a36997adc803aac7ac18d86ada9f86982c91c8cfb8baffa1e56271c266",
    "objects/IPAddress": (
        "d588290aff85a908159cde0c91c6ef6f6b3ce70265a345669c49b517e36b24cd"
    ),
    "objects/KubeletState": (
        "e9edccd6e83f0f362d0625e9c4d7c552c9a4889b1e195d01663d7e141f5346c7"
    ),
    "objects/Namespace": (
        "4ffbee499dd9ccd748a8ee90d21d9899e8123b950f0a483cd5f3af5a40f6f343"
    ),
    "objects/Node": "86dcf1e0300af66fbc5816cf4f7c91500534294616742fdfe2c8f87815a6fca9",
    "objects/PersistentVolume": (
        "a6fae006c64aae0913b20b4c1f3c705ac6c409c7129e6528400e2927989cc9e5"
    ),
    "objects/PersistentVolumeClaim": (
        "e49d560144fdff35232f3a01abe2a030c6a623dbd5277904326874267d91439c"
    ),
    "objects/Pod": "61bd892c5ba7bab5e0ed74bc273f90fb09775524fa1d41b2979e4095242b27c0",
    "objects/PodRuntime": (
        "8bd54a3bab1372f04e297946fcaf66fc566f40d650ed991d570d5fbe796c0c28"
    ),
    "objects/ReplicaSet": (
        "90a70de761b3f7407b0772fc81bb097f44391262048a0ea9e80fde9308be8993"
    ),
    "objects/ResourceQuota": (
        "1d732428dfcdf5e14af85de64983bb9236345df118b3c9929a601277f5960978"
    ),
    "objects/Service": "532c0fc284c5faa150a511e244a7e19d396bafbacd95202032809d539fdff008",
    "objects/ServiceAccount": (
        "c44b3bf2e2448ff9c86a091629c5c21fc666d795d37cb484917ccdf6f12b5fe7"
    ),
    "objects/ServiceCIDR": (
        "16e13747918a099c41fc1a596ca8f02c25fe3dd2bb54da7077370c55a6282bc0"
    ),
    "objects/StatefulSet": (
        "b55becdae2f5c2bd7af5e1f608f92673e1a9367381e30659e15652a92a6c54a5"
    ),
    "objects/StorageClass": (
        "1970c7f6565c14fe81f92df7df0cbe8301cf08fef5f4e3f40373980326cef7dc"
    ),
    "objects/TaintEvictionState": (
        "6f367f8ffb7546a757fe3e9ef915839d280ee0fdcc46ff5c417039da11cad98b"
    ),
    "timeline": "27b6d072350a45b33bafd1b96a0f492367a644a452d89b43ea46f3384d2cca5b",
}


def test_rich_scenario_ends_in_the_golden_state():
    got = fingerprint(run_scenario())
    drift = sorted(k for k in set(GOLDEN) | set(got) if GOLDEN.get(k) != got.get(k))
    assert drift == []


if __name__ == "__main__":
    print(json.dumps(fingerprint(run_scenario()), indent=4, sort_keys=True))
