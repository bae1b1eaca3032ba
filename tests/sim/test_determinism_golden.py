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
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": dict(labels)},
            "template": {
                "metadata": {"labels": dict(labels)},
                "spec": {
                    "containers": [
                        {"name": "app", "image": image, "ports": [{"containerPort": 80}]}
                    ]
                },
            },
        },
    }


def _service(name: str, app: str) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name},
        "spec": {"selector": {"app": app}, "ports": [{"port": 80, "targetPort": 80}]},
    }


def _statefulset() -> dict:
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": "db"},
        "spec": {
            "serviceName": "db",
            "replicas": 2,
            "selector": {"matchLabels": {"app": "db"}},
            "template": {
                "metadata": {"labels": {"app": "db"}},
                "spec": {"containers": [{"name": "db", "image": "nginx:1.25"}]},
            },
            "volumeClaimTemplates": [
                {
                    "metadata": {"name": "data"},
                    "spec": {
                        "accessModes": ["ReadWriteOnce"],
                        "resources": {"requests": {"storage": "1Gi"}},
                    },
                }
            ],
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
    c.api.create(
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "crash"},
            "spec": {
                "containers": [
                    {"name": "c", "image": "busybox:1.36", "command": ["sh", "-c", "exit 3"]}
                ]
            },
        }
    )
    c.api.create(
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"}, "data": {"k": "v"}}
    )
    c.settle()
    _set_image(c, "web", "nginx:1.26")
    c.advance(3)
    _scale(c, "web", 9)  # scaled in the middle of the rollout
    c.settle()
    c.api.create(_statefulset())
    c.api.create(
        {
            **_service("db", "db"),
            "metadata": {"name": "db"},
            "spec": {"clusterIP": "None", "selector": {"app": "db"}, "ports": [{"port": 80}]},
        }
    )
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
        objs = sorted(
            store.list(kind),
            key=lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"]),
        )
        parts[f"objects/{kind}"] = objs
    parts["timeline"] = store.timeline
    parts["meta"] = {k: v for k, v in store.meta.items()}
    parts["changes"] = [
        (ch.type, ch.kind, ch.namespace, ch.name, ch.resource_version, ch.object)
        for ch in store.changes
    ]
    parts["clock"] = c.clock.now
    return {
        name: hashlib.sha256(json.dumps(value, sort_keys=True, default=repr).encode()).hexdigest()
        for name, value in parts.items()
    }


GOLDEN: dict[str, str] = {
    "changes": "451c78fc46893b2dbf7f73c0930a9afc5a18a7d3f77af412f280515344c44620",
    "clock": "51b07d62211365c4880f624d5c0333014cf74c95ec87a3674799a06118927f34",
    "meta": "f1acdc4df05e714e8a05d37bd05094a3724267e85bbc8a68083109d9b738c287",
    "objects/ConfigMap": "1fd3c424598bad22a5d68220a69c3c55da62cbec0749fab3c4a0f5754033b865",
    "objects/ControllerRevision": (
        "dd23b775850c036882e60d9b50484be9dfbfc57771e398782b6b368516f56672"
    ),
    "objects/Deployment": "a565eb8ab35c4bf55589d8b6d417b56b6e38e881586362a756e7cc032480983d",
    "objects/EndpointSlice": "9906bea2410ca86753c48c67b8d6e76a2ab69f9ecfac432dd055b9ba8a886c14",
    "objects/Endpoints": "2d88933923bf21e4cff0b6a704e57de2a4232cd6c7abf2bf9697c7e90f7cf50a",
    "objects/Event": "16e0d6d3884c2a5275a965d1484951e666f0717e21606c271c9741093fde1451",
    "objects/IPAddress": "daaf297c5e0a52ccc8d9fef4961420ebf6dba7e93c25e70178b3d4683a624018",
    "objects/KubeletState": "76504a916db793dbca054e6c72cebbe949eeaa768ca9c34cdaf56e29e671ba1d",
    "objects/Lease": "3abcfa481bf59e8f026941acb706f5ffc1593a137c35ff8321c6a84a15a74ea5",
    "objects/Namespace": "4ffbee499dd9ccd748a8ee90d21d9899e8123b950f0a483cd5f3af5a40f6f343",
    "objects/Node": "c211fa4d6934d4db0806b45f634bdf67db5d6698deaa4506e94945ed414721e0",
    "objects/PersistentVolume": "f9d93191de014329ba88c3fe780456c18ebf2cc82e68cca92875590a67e406e9",
    "objects/PersistentVolumeClaim": (
        "71df5501847fa867beddf7aef859f5a62aefa958d4588dc865272097dbcc3a5a"
    ),
    "objects/Pod": "01232169fddafc0a07b345d956cbaa900beefae06438383dcbd9ba6ee6a30c91",
    "objects/PodRuntime": "82c42b5099b8a1115a3a4a3df83807bc45c0942fe222e149a67fd6a63f306bac",
    "objects/ReplicaSet": "aaaa9bc1727bdf4c12f29b8399505336767f3a05afb8146a0acf30c5e84209a1",
    "objects/ResourceQuota": "773d76b2d354282c9f9180e6afd6e9133914f4c406c1654c0b8ffb83c76185ec",
    "objects/Service": "b3307f67ec6a7eef8504137a31b012429a35c6b561fcc8e921ade8abd710142e",
    "objects/ServiceAccount": "8448f9161828b4249f9eca54bb9e80d5e78cb23fd9f97167a897c2e4df58ff4f",
    "objects/ServiceCIDR": "4938bf9bfe34d7764572150c5febe05e131d962260d773dcd82b69e0ff0c4fb4",
    "objects/StatefulSet": "939ce5edc8aac73777198d49d3e9f73475d7392e46ea8e42cd839a80f7d161aa",
    "objects/StorageClass": "71b9d42ccc78f0bc6c96e39eeca07c5fc15590c8de435821e33232260acf37cc",
    "objects/TaintEvictionState": (
        "33e1b596880821acd85ec06d5c044d56e2dd2f07282721dcafa751e8c51a7e71"
    ),
    "timeline": "f5a164ec64cb913f9312c3e96e5f6be1fa010b4a800dc283a792060ec4ab8b97",
}


def test_rich_scenario_ends_in_the_golden_state():
    got = fingerprint(run_scenario())
    drift = sorted(k for k in set(GOLDEN) | set(got) if GOLDEN.get(k) != got.get(k))
    assert drift == []


if __name__ == "__main__":
    print(json.dumps(fingerprint(run_scenario()), indent=4, sort_keys=True))
