"""Garbage collection: background, foreground and orphan propagation; convergence,
idempotence and level-triggering of the collector."""

from playground.sim import Cluster
from playground.sim.controllers.garbagecollector import GarbageCollector
from playground.sim.objects import owner_reference


def cm(name, *owners, finalizers=None):
    meta = {"name": name, "namespace": "default"}
    if owners:
        meta["ownerReferences"] = [owner_reference(o, controller=len(owners) == 1)
                                   for o in owners]
    if finalizers:
        meta["finalizers"] = finalizers
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta}


def gc_only() -> Cluster:
    """A cluster where only the garbage collector runs (no workload controllers)."""
    c = Cluster.new()
    c.controllers = [GarbageCollector()]
    return c


def names(c):
    return sorted(o["metadata"]["name"] for o in c.store.list("ConfigMap", "default")
                  if o["metadata"]["name"] != "kube-root-ca.crt")


def chain(c):
    top = c.api.create(cm("top"))
    mid = c.api.create(cm("mid", top))
    c.api.create(cm("leaf", mid))
    return top, mid


def test_background_deletes_dependents_after_the_owner():
    c = gc_only()
    chain(c)
    c.api.delete("cm", "top", propagation_policy="Background")
    assert names(c) == ["leaf", "mid"]
    c.reconcile()
    assert names(c) == []
    sentences = [e["message"] for e in c.store.timeline if e["actor"] == "garbage-collector"]
    assert sentences == [
        "ConfigMap mid was owned by ConfigMap top, which is gone: deleting it",
        "ConfigMap leaf was owned by ConfigMap mid, which is gone: deleting it",
    ]


def test_a_surviving_owner_keeps_the_dependent():
    c = gc_only()
    a, b = c.api.create(cm("a")), c.api.create(cm("b"))
    c.api.create(cm("shared", a, b))
    c.api.delete("cm", "a")
    c.reconcile()
    shared = c.api.get("cm", "shared")
    assert [r["name"] for r in shared["metadata"]["ownerReferences"]] == ["b"]


def test_owner_with_another_uid_counts_as_gone():
    c = gc_only()
    old = c.api.create(cm("owner"))
    c.api.create(cm("dep", old))
    c.api.delete("cm", "owner")
    c.api.create(cm("owner"))  # same name, new uid
    c.reconcile()
    assert names(c) == ["owner"]


def test_foreground_waits_for_blocking_dependents():
    c = gc_only()
    top, _ = chain(c)
    held = c.api.delete("cm", "top", propagation_policy="Foreground")
    assert held["metadata"]["finalizers"] == ["foregroundDeletion"]
    assert held["metadata"]["deletionGracePeriodSeconds"] == 0
    c.reconcile()
    assert names(c) == []
    sentences = [e["message"] for e in c.store.timeline if e["actor"] == "garbage-collector"]
    assert sentences[0] == ("ConfigMap top is being deleted in the foreground, so its dependent "
                            "ConfigMap mid goes first: deleting it (foreground)")
    assert sentences[-1] == ("no dependent of ConfigMap top blocks its deletion any more: "
                             "removing the foregroundDeletion finalizer")


def test_foreground_owner_stays_while_a_dependent_is_held():
    c = gc_only()
    top = c.api.create(cm("top"))
    c.api.create(cm("dep", top, finalizers=["example.com/hold"]))
    c.api.delete("cm", "top", propagation_policy="Foreground")
    c.reconcile()
    assert names(c) == ["dep", "top"]
    assert c.api.get("cm", "dep")["metadata"]["deletionTimestamp"]
    c.api.patch("cm", "dep", {"metadata": {"finalizers": None}})
    c.reconcile()
    assert names(c) == []


def test_orphan_keeps_dependents_without_the_owner_reference():
    c = gc_only()
    chain(c)
    held = c.api.delete("cm", "top", propagation_policy="Orphan")
    assert held["metadata"]["finalizers"] == ["orphan"]
    c.reconcile()
    assert names(c) == ["leaf", "mid"]
    assert "ownerReferences" not in c.api.get("cm", "mid")["metadata"]
    assert c.api.get("cm", "leaf")["metadata"]["ownerReferences"][0]["name"] == "mid"


def test_second_reconcile_writes_nothing():
    c = gc_only()
    chain(c)
    c.api.delete("cm", "top")
    c.reconcile()
    rv = c.store.meta["resourceVersion"]
    GarbageCollector().reconcile(c)
    assert c.store.meta["resourceVersion"] == rv


def test_level_triggered_dangling_reference_written_behind_its_back():
    c = gc_only()
    c.reconcile()
    ghost = {"apiVersion": "v1", "kind": "ConfigMap",
             "metadata": {"name": "ghost", "uid": "00000000-0000-4000-8000-000000000000"}}
    c.api.create(cm("orphaned", ghost))
    c.reconcile()
    assert names(c) == []


def test_deployment_cascade_in_the_full_cluster():
    c = Cluster.new()
    c.api.create({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
                  "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                           "template": {"metadata": {"labels": {"app": "web"}}, "spec": {
                               "containers": [{"name": "nginx", "image": "nginx"}]}}}})
    c.settle()
    assert len(c.api.list("rs", "default")) == 1 and len(c.api.list("pods", "default")) == 2
    c.api.delete("deploy", "web")
    c.settle()
    assert c.api.list("rs", "default") == [] and c.api.list("pods", "default") == []
