"""Hypothesis strategies and invariants shared by tests/sim/test_fuzz_*.py.

Generation is structure-aware: valid manifests of every kind the playground serves, then a
few mutations (a field set to a random value of a random type, a field removed, the kind
or apiVersion changed), plus fully random JSON-like documents; console lines from the
kubectl grammar with random flags, names, selectors, output formats and garbage.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

from playground.sim.cluster import Cluster
from playground.sim.errors import ApiError
from playground.sim.store import MemoryStore

FUZZ_SETTINGS = settings(deadline=None, derandomize=True, database=None, print_blob=True,
                         suppress_health_check=list(HealthCheck))
# a seed expands to a whole batch: shrinking it only finds another seed, so do not
SEEDED_SETTINGS = settings(FUZZ_SETTINGS, phases=[Phase.explicit, Phase.generate])
# statuses the API server may answer a learner with; 500 would be a bug of ours
CLIENT_CODES = {400, 403, 404, 405, 409, 410, 413, 422, 429}

POD_SPEC = {"containers": [{"name": "app", "image": "nginx:1.25",
                            "ports": [{"containerPort": 80}]}]}
TEMPLATE = {"metadata": {"labels": {"app": "web"}}, "spec": POD_SPEC}
SELECTOR = {"matchLabels": {"app": "web"}}

TEMPLATES: list[dict] = [
    {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": POD_SPEC},
    {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
     "spec": {"replicas": 2, "selector": SELECTOR, "template": TEMPLATE}},
    {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "rs"},
     "spec": {"replicas": 1, "selector": SELECTOR, "template": TEMPLATE}},
    {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db"},
     "spec": {"serviceName": "db", "replicas": 1, "selector": SELECTOR, "template": TEMPLATE,
              "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": {
                  "accessModes": ["ReadWriteOnce"],
                  "resources": {"requests": {"storage": "1Gi"}}}}]}},
    {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
     "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 80}]}},
    {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "np"},
     "spec": {"type": "NodePort", "selector": {"app": "web"}, "ports": [{"port": 80}]}},
    {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"},
     "data": {"key": "value"}},
    {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team"}},
    {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "robot"}},
    {"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "q"},
     "spec": {"hard": {"pods": "3", "requests.cpu": "1", "count/configmaps": "5"}}},
    {"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "lr"},
     "spec": {"limits": [{"type": "Container", "default": {"cpu": "200m"},
                          "defaultRequest": {"cpu": "100m"}, "max": {"memory": "1Gi"}}]}},
    {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data"},
     "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}},
    {"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "ext"},
     "subsets": [{"addresses": [{"ip": "10.0.0.1"}], "ports": [{"port": 80}]}]},
    {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
     "metadata": {"name": "ext-1", "labels": {"kubernetes.io/service-name": "ext"}},
     "addressType": "IPv4", "endpoints": [{"addresses": ["10.0.0.1"]}],
     "ports": [{"port": 80}]},
    {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "extra-1"}},
    {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "fast"},
     "provisioner": "rancher.io/local-path"},
    {"apiVersion": "v1", "kind": "Event", "metadata": {"name": "ev"},
     "involvedObject": {"kind": "Pod", "name": "p"}, "reason": "Test", "message": "hi"},
]

FIELD_NAMES = ["name", "namespace", "labels", "annotations", "spec", "status", "replicas",
               "selector", "template", "containers", "image", "ports", "port", "targetPort",
               "type", "data", "hard", "limits", "requests", "resources", "command", "args",
               "env", "value", "finalizers", "ownerReferences", "generateName", "nodeName",
               "clusterIP", "nodePort", "protocol", "strategy", "matchLabels", "key"]
SAMPLE_STRINGS = ["", "web", "nginx", "nginx:1.25", "busybox", "100m", "128Mi", "1e3", "-1",
                  "1.5", "TCP", "UDP", "ClusterIP", "NodePort", "LoadBalancer", "None",
                  "Always", "Never", "IfNotPresent", "RollingUpdate", "Recreate", "80",
                  "http", "app", "kube-system", "default", "10.96.0.10", "a/b", "A_B",
                  "x" * 300, "ünïcødé", "日本語", "\u0000", "\t\n", "$(X)", "'\"", "*"]

names = st.one_of(
    st.sampled_from(["web", "p", "db", "cfg", "team", "a", "default", "kube-system", "q",
                     "web-0", "x.y", "-bad", "Bad", "a" * 64, "a" * 254, ""]),
    st.from_regex(r"[a-z][a-z0-9-]{0,20}", fullmatch=True),
    st.text(max_size=12),
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.integers(min_value=-3, max_value=70000),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(SAMPLE_STRINGS),
    st.text(max_size=16),
)

json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(FIELD_NAMES), st.text(max_size=8)),
                        children, max_size=4),
    ),
    max_leaves=10,
)


def _deep(depth: int) -> Any:
    value: Any = "x"
    for i in range(depth):
        value = {"a": value} if i % 2 else [value]
    return value


@st.composite
def mutation(draw) -> tuple:
    op = draw(st.sampled_from(["set", "set", "set", "delete", "deep", "kind", "api"]))
    path = draw(st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=5))
    value = draw(json_values) if op == "set" else None
    if op == "deep":
        value = _deep(draw(st.integers(min_value=10, max_value=200)))
    if op in ("kind", "api"):
        value = draw(st.one_of(st.sampled_from(["Pod", "Deployment", "Foo", "v1", "apps/v1",
                                                "v2", "", "List"]), scalars))
    return op, path, value


def mutate(obj: dict, plan: list[tuple]) -> Any:
    obj = copy.deepcopy(obj)
    for op, path, value in plan:
        if op == "kind":
            obj["kind"] = value
            continue
        if op == "api":
            obj["apiVersion"] = value
            continue
        parent, key = _walk(obj, path)
        if parent is None:
            continue
        if op == "delete":
            if isinstance(parent, dict):
                parent.pop(key, None)
            elif parent:
                parent.pop(key)
        elif isinstance(parent, dict):
            parent[key if path[-1] % 4 else FIELD_NAMES[path[-1] % len(FIELD_NAMES)]] = value
        else:
            parent[key] = value
    return obj


def _walk(obj: Any, path: list[int]) -> tuple[Any, Any]:
    """Follow `path` (indices into keys/items); the container and key of the last step."""
    node = obj
    for i, step in enumerate(path):
        if isinstance(node, dict) and node:
            key = sorted(node, key=str)[step % len(node)]
        elif isinstance(node, list) and node:
            key = step % len(node)
        else:
            return None, None
        if i == len(path) - 1 or not isinstance(node[key], (dict, list)) or not node[key]:
            return node, key
        node = node[key]
    return None, None


@st.composite
def manifests(draw) -> Any:
    """A manifest: a template with a few mutations, or (rarely) anything at all."""
    if draw(st.integers(min_value=0, max_value=9)) == 0:
        return draw(json_values)
    base = copy.deepcopy(draw(st.sampled_from(TEMPLATES)))
    base["metadata"]["name"] = draw(st.one_of(st.just(base["metadata"]["name"]), names))
    if draw(st.booleans()):
        base["metadata"]["namespace"] = draw(st.sampled_from(["default", "team", "kube-system",
                                                               "missing", ""]))
    return mutate(base, draw(st.lists(mutation(), max_size=3)))


# ---- invariants --------------------------------------------------------------------------


def check_api_error(exc: ApiError) -> None:
    """A clear error in Kubernetes' words: a Status with a client code and a message."""
    status = exc.status()
    assert status["kind"] == "Status" and status["status"] == "Failure"
    assert exc.code in CLIENT_CODES, f"unexpected {exc.code}: {exc.message}"
    assert isinstance(exc.message, str) and exc.message.strip()
    assert exc.kubectl_message().startswith(("Error from server", "The "))
    json.dumps(status)  # the REST door must be able to serve it


def snapshot(cluster: Cluster) -> tuple[list[dict], dict]:
    return copy.deepcopy(list(cluster.store.all())), copy.deepcopy(cluster.store.meta)


def reloaded(cluster: Cluster) -> Cluster:
    """A fresh Cluster over a copy of the store, as the Django layer reloads a sandbox."""
    objects, meta = snapshot(cluster)
    store = MemoryStore()
    store.meta = meta
    store.load(objects)
    return Cluster(store)


def state(cluster: Cluster) -> dict:
    """Every object but Events: a restarted controller retrying a failure reports it again,
    on a real cluster as here, so Events are not part of the converged state."""
    return {(o["kind"], o["metadata"].get("namespace", ""), o["metadata"]["name"]): o
            for o in cluster.store.all() if o["kind"] != "Event"}


def check_cluster_healthy(cluster: Cluster) -> None:
    """Reconciles without error, and a reload of the store reaches the same state."""
    cluster.reconcile()
    json.dumps(list(cluster.store.all()))  # every stored object is plain JSON
    again = reloaded(cluster)
    again.reconcile()
    before, after = state(cluster), state(again)
    assert before == after, _diff(before, after)


def _diff(before: dict, after: dict) -> str:
    keys = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    lines = []
    for k in keys[:5]:
        a, b = before.get(k), after.get(k)
        if a is None or b is None:
            obj = a or b
            lines.append(f"{k}: only {'after' if a is None else 'before'} reload: "
                         f"{obj.get('reason')} {obj.get('message')} {obj.get('source')}"[:400])
            continue
        fields = sorted(f for f in set(a) | set(b) if a.get(f) != b.get(f))
        lines.append(f"{k}: {[(f, a.get(f), b.get(f)) for f in fields]}"[:600])
    return "\n".join(lines)


class Shared:
    """One cluster reused across examples (a fresh one costs ~0.2 s), renewed every
    `every` examples after checking it is still healthy."""

    def __init__(self, every: int, limits: dict | None = None):
        self.every = every
        self.limits = limits
        self.count = 0
        self.cluster = self._new()

    def _new(self) -> Cluster:
        cluster = Cluster.new(seed=7)
        if self.limits:
            cluster.store.meta["limits"] = dict(self.limits)
        return cluster

    def tick(self, reconcile_every: int = 25) -> None:
        self.count += 1
        if self.count % reconcile_every == 0:
            self.cluster.reconcile()
        if self.count % self.every == 0:
            check_cluster_healthy(self.cluster)
            self.cluster = self._new()


# ---- a fast seeded generator (the same shapes, without hypothesis' per-draw cost) ----------
# Hypothesis draws a seed; each seed expands to a batch of requests, so 10,000 requests cost
# a few seconds. A failure prints the seed, which reproduces the whole batch.

NAME_POOL = ["web", "p", "db", "cfg", "team", "a", "default", "q", "web-0", "x.y", "-bad", "Bad",
             "a" * 64, "", "ünï", "lr", "data", "np", "robot", "ext"]


def random_scalar(rng) -> Any:
    pick = rng.randrange(8)
    if pick == 0:
        return None
    if pick == 1:
        return rng.random() < 0.5
    if pick == 2:
        return rng.randint(-(2**70), 2**70)
    if pick == 3:
        return rng.randint(-3, 70000)
    if pick == 4:
        return rng.uniform(-1e9, 1e9)
    if pick == 5:
        return "".join(chr(rng.randrange(32, 0x3000)) for _ in range(rng.randrange(8)))
    return rng.choice(SAMPLE_STRINGS)


def random_value(rng, depth: int = 0) -> Any:
    pick = rng.randrange(6)
    if depth > 3 or pick < 4:
        return random_scalar(rng)
    if pick == 4:
        return [random_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {rng.choice(FIELD_NAMES): random_value(rng, depth + 1) for _ in range(rng.randrange(4))}


def random_manifest(rng) -> Any:
    if rng.randrange(10) == 0:
        return random_value(rng)
    base = copy.deepcopy(rng.choice(TEMPLATES))
    if rng.random() < 0.5:
        base["metadata"]["name"] = rng.choice(NAME_POOL)
    if rng.random() < 0.4:
        base["metadata"]["namespace"] = rng.choice(["default", "team", "kube-system",
                                                    "missing", ""])
    plan = []
    for _ in range(rng.randrange(4)):
        op = rng.choice(["set", "set", "set", "delete", "deep", "kind", "api"])
        path = [rng.randrange(51) for _ in range(rng.randint(1, 5))]
        value = None
        if op == "set":
            value = random_value(rng)
        elif op == "deep":
            value = _deep(rng.randint(10, 200))
        elif op in ("kind", "api"):
            value = rng.choice(["Pod", "Deployment", "Foo", "v1", "apps/v1", "v2", "", "List", 5])
        plan.append((op, path, value))
    return mutate(base, plan)
