"""The change-log indexes behind the fast passes (pod_subsets, kubelet_index, gc_watch,
nothing_changed) are optimisations only: whatever happens to the log, a pass sees what a full
scan of the store would."""

from __future__ import annotations

from playground.sim import Cluster
from playground.sim.controllers.pod_subsets import PodSubsets, pods_on_node


def _pod(name: str, node: str | None = None) -> dict:
    spec: dict = {"containers": [{"name": "c", "image": "nginx:1.25"}]}
    if node:
        spec["nodeName"] = node
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": spec}


def _scan(c: Cluster, node: str) -> list[str]:
    """What a full scan of the store finds on `node`, the learner's pods only."""
    return [p["metadata"]["name"] for p in c.store.list("Pod")
            if (p.get("spec") or {}).get("nodeName") == node
            and p["metadata"]["namespace"] == "default"]


def _on(c: Cluster, node: str) -> list[str]:
    """What the index hands back for `node`, the learner's pods only (kube-proxy runs there)."""
    return [p["metadata"]["name"] for p in pods_on_node(c, node)
            if p["metadata"]["namespace"] == "default"]


def test_index_follows_the_log_in_store_order():
    c = Cluster.new(workers=2)
    c.controllers = []
    for name in ("a", "b", "c"):
        c.api.create(_pod(name, "worker-1"))
    assert _on(c, "worker-1") == ["a", "b", "c"]
    c.api.delete("pods", "a", namespace="default", grace_period_seconds=0)
    c.api.create(_pod("a", "worker-1"))  # re-created: goes last, like the store's dict
    assert _on(c, "worker-1") == _scan(c, "worker-1")
    assert _scan(c, "worker-1") == ["b", "c", "a"]


def test_index_rebuilds_when_the_log_is_cleared_in_place_even_from_its_start():
    c = Cluster.new(workers=2)
    c.controllers = []
    c.store.changes.clear()
    assert _on(c, "worker-1") == []  # the index now sits at the start of the log
    c.api.create(_pod("x", "worker-1"))  # written, then the log is cleared (a Django save)
    c.store.changes.clear()
    c.api.create(_pod("y", "worker-1"))
    assert _on(c, "worker-1") == ["x", "y"]


def test_index_rebuilds_for_a_log_replaced_or_a_new_cluster_over_the_store():
    c = Cluster.new(workers=2)
    c.controllers = []
    c.api.create(_pod("x", "worker-2"))
    assert _on(c, "worker-2") == ["x"]
    c.store.changes = []
    c.api.create(_pod("y", "worker-2"))
    assert _on(c, "worker-2") == ["x", "y"]
    again = Cluster(c.store)
    again.controllers = []
    assert _on(again, "worker-2") == ["x", "y"]
    assert isinstance(again.cache["pod-subsets:by-node"], PodSubsets)


def test_namespaced_list_keeps_the_store_order():
    c = Cluster.new(workers=2)
    c.controllers = []
    for name in ("p1", "p2", "p3"):
        c.api.create(_pod(name))
    c.api.delete("pods", "p1", namespace="default", grace_period_seconds=0)
    c.api.create(_pod("p1"))
    p2 = c.api.get("pods", "p2", "default")
    p2["metadata"]["labels"] = {"x": "y"}
    c.api.update(p2)
    names = [p["metadata"]["name"] for p in c.store.list("Pod", "default")]
    assert names == [p["metadata"]["name"] for p in c.store.list("Pod")
                     if p["metadata"]["namespace"] == "default"]
    assert names == ["p2", "p3", "p1"]


def _app_tag(pod: dict) -> list[str]:
    return [(pod["metadata"].get("labels") or {}).get("app", "")]


def test_a_change_lost_in_a_clear_from_the_start_of_the_log_is_not_missed():
    c = Cluster.new(workers=2)
    c.controllers = []
    c.api.create({**_pod("x"), "metadata": {"name": "x", "labels": {"app": "a"}}})
    c.store.changes.clear()
    assert [p["metadata"]["name"] for p in PodSubsets.of(c, "t", _app_tag).members("a")] == ["x"]
    x = c.api.get("pods", "x", "default")
    x["metadata"]["labels"] = {"app": "b"}
    c.api.update(x)
    c.store.changes.clear()  # saved and cleared before the index read the relabelling
    c.api.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm"}})
    index = PodSubsets.of(c, "t", _app_tag)
    assert index.members("a") == []
    assert [p["metadata"]["name"] for p in index.members("b")] == ["x"]


def test_gc_skips_only_changes_that_cannot_matter_and_still_collects():
    from playground.sim.controllers.garbagecollector import SKIPPED_KINDS
    from playground.sim.controllers.gc_watch import GCWatch

    c = Cluster.new(workers=2)
    c.api.create({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "rs"},
                  "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "rs"}},
                           "template": {"metadata": {"labels": {"app": "rs"}},
                                        "spec": {"containers": [{"name": "c",
                                                                 "image": "nginx:1.25"}]}}}})
    c.settle()
    assert GCWatch.of(c, SKIPPED_KINDS).quiet
    pod = c.api.list("pods", "default")[0]
    pod["metadata"].setdefault("labels", {})["extra"] = "x"  # not an owner field
    c.api.update(pod)
    assert GCWatch.of(c, SKIPPED_KINDS).quiet
    c.api.delete("replicasets", "rs", namespace="default")  # the owner goes: relevant
    assert not GCWatch.of(c, SKIPPED_KINDS).quiet
    c.settle()
    assert [p for p in c.api.list("pods", "default")
            if not p["metadata"].get("deletionTimestamp")] == []
