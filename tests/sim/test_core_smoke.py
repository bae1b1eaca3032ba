"""The skeleton of the simulation: create, read, update, delete and the change log."""

import pytest

from playground.sim import Cluster
from playground.sim.errors import AlreadyExists, Conflict, Invalid, NotFound


def cm(name, data=None, ns=None):
    obj = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data or {}}
    if ns:
        obj["metadata"]["namespace"] = ns
    return obj


def test_default_cluster_has_nodes_and_namespaces():
    c = Cluster.new()
    assert [n["metadata"]["name"] for n in c.api.list("nodes")] == ["cp-1", "worker-1", "worker-2"]
    names = [n["metadata"]["name"] for n in c.api.list("ns")]
    assert {"default", "kube-system", "kube-public", "kube-node-lease"} <= set(names)


def test_create_get_update_delete_with_resource_versions():
    c = Cluster.new()
    c.store.drain_changes()
    created = c.api.create(cm("app", {"a": "1"}))
    assert created["metadata"]["namespace"] == "default"
    with pytest.raises(AlreadyExists) as exc:
        c.api.create(cm("app"))
    assert exc.value.message == 'configmaps "app" already exists'
    stale = dict(created, data={"a": "2"})
    c.api.update(stale)
    with pytest.raises(Conflict) as exc:
        c.api.update(dict(stale, data={"a": "3"}))
    assert "the object has been modified" in exc.value.message
    rv = c.store.meta["resourceVersion"]
    c.api.update(c.api.get("cm", "app"))  # no-op update writes nothing
    assert c.store.meta["resourceVersion"] == rv
    c.api.delete("configmap", "app")
    with pytest.raises(NotFound) as exc:
        c.api.get("configmaps", "app")
    assert exc.value.kubectl_message() == 'Error from server (NotFound): configmaps "app" not found'
    types = [ch.type for ch in c.store.drain_changes()]
    assert types == ["ADDED", "MODIFIED", "DELETED"]


def test_invalid_namespace_name_message():
    c = Cluster.new()
    with pytest.raises(Invalid) as exc:
        c.api.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "My_ns"}})
    assert exc.value.message == (
        'Namespace "My_ns" is invalid: metadata.name: Invalid value: "My_ns": a lowercase RFC 1123 '
        "label must consist of lower case alphanumeric characters or '-', and must start and end "
        "with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation "
        "is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
    )


def test_same_seed_same_cluster():
    a, b = Cluster.new(seed=7), Cluster.new(seed=7)
    assert a.api.list("nodes") == b.api.list("nodes")
