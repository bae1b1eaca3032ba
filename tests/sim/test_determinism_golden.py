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
    "changes": "f9ef75021c162523efd53e1a8a34ae84f3245e58918f2fdc14440a643264ed9b",
    "clock": "d9f071219d9ef10992c4c4b6e50381d0412b908483f2aa0e21973cda0e645fe0",
    "meta": "9c3d0d18b6535f86d7bbd30fb1adf3d667945d4d8d2b6e214053f2b6865b249b",
    "objects/ConfigMap": "7b2067b448aedb96842a608c5ac06507d3028108d184c3febd899273cccddaa3",
    "objects/ControllerRevision": (
        "cc88193b20a6d6b8fec52512fd254094ef74629d9251bd7fea5f013f74f441fe"
    ),
    "objects/Deployment": "a565eb8ab35c4bf55589d8b6d417b56b6e38e881586362a756e7cc032480983d",
    "objects/EndpointSlice": "02baeb2144dbcb172053550643dd531ba3a05c79ebf14b38b499f038d7565d37",
    "objects/Endpoints": "f6564257a6aa4afedcbcbf614942028b09db25116228140594088d051297bf88",
    "objects/Event": "dba9b585c0e0ffd66bb9eedbe43e52306ac5a7d41e23cc0bfc755791adbe4e8f",
    "objects/IPAddress": "54ed1ee8fde41a1163ac453a96899b50c98cc439bbe302fd0f369414bb77a316",
    "objects/KubeletState": "097d22716f7f9c16af0c20e36fc63a27a8e2cf415181d9eabc945cd755f10fe1",
    "objects/Lease": "775591bd671cb99c1dcb98b7720ff5de9317f5132ff5be1e61f5d61c6477ea60",
    "objects/Namespace": "4ffbee499dd9ccd748a8ee90d21d9899e8123b950f0a483cd5f3af5a40f6f343",
    "objects/Node": "e93c448fc05f0ced3e2567e0abff918f61f05fcb2fdb75450fad8b83ad074475",
    "objects/PersistentVolume": "2856c1b1d98f89b30322970e280ef2ac9cda3186524da1a8f5874f9b991526de",
    "objects/PersistentVolumeClaim": (
        "eca710b1f42799159cf2d2fc577f6386b19dfd58108c9126ce7dd596829a6122"
    ),
    "objects/Pod": "1b82f2dfd9974686dc4dbd05ace221704dfb395df5717ea5464d0b9ab648729e",
    "objects/PodRuntime": "ea88886602430f6bb08c4f532bc07b0c22d5bd7ae21970d0b9cdcbab139a050b",
    "objects/ReplicaSet": "aaaa9bc1727bdf4c12f29b8399505336767f3a05afb8146a0acf30c5e84209a1",
    "objects/ResourceQuota": "fc9b40ad051f68989c0f3fa4857e5c260cbc4bec1cc197478bbec548075ce4a3",
    "objects/Service": "8f53bad67bde7b12766b2dc9369d4cce0387fa6e7a7e058a0ce322945cd26115",
    "objects/ServiceAccount": "8448f9161828b4249f9eca54bb9e80d5e78cb23fd9f97167a897c2e4df58ff4f",
    "objects/ServiceCIDR": "4938bf9bfe34d7764572150c5febe05e131d962260d773dcd82b69e0ff0c4fb4",
    "objects/StatefulSet": "a16132a34c056907c2f98e2b8c46f2e6478965efba24f85b437a8f85561a9be1",
    "objects/StorageClass": "71b9d42ccc78f0bc6c96e39eeca07c5fc15590c8de435821e33232260acf37cc",
    "objects/TaintEvictionState": (
        "d583699c53a4e99a950407961e1694e3fde0398c701648d7506bdc34c1d591b4"
    ),
    "timeline": "52ffd2a393ed1b0f6d766b3a430d54635c03d361231f982487adcddcbecb33da",
}


def test_rich_scenario_ends_in_the_golden_state():
    got = fingerprint(run_scenario())
    drift = sorted(k for k in set(GOLDEN) | set(got) if GOLDEN.get(k) != got.get(k))
    assert drift == []


if __name__ == "__main__":
    print(json.dumps(fingerprint(run_scenario()), indent=4, sort_keys=True))
