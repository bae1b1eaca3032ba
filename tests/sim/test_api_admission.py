"""Admission: DefaultTolerationSeconds, NamespaceLifecycle, immortal namespaces, pod updates,
graceful deletion and binding."""

import pytest

from playground.sim import Cluster
from playground.sim.errors import Conflict, Forbidden, Invalid

NR = {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute",
      "tolerationSeconds": 300}
UR = {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute",
      "tolerationSeconds": 300}


def pod(name="p", ns=None, **spec):
    meta = {"name": name, **({"namespace": ns} if ns else {})}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta,
            "spec": {"containers": [{"name": "app", "image": "nginx"}], **spec}}


@pytest.mark.parametrize("given, added", [
    ([], [NR, UR]),
    ([{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute"}],
     [UR]),
    ([{"key": "node.kubernetes.io/unreachable", "operator": "Exists"}], [NR]),
    ([{"operator": "Exists", "effect": "NoExecute"}], []),
    ([{"operator": "Exists"}], []),
    ([{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoSchedule"}],
     [NR, UR]),
])
def test_default_toleration_seconds(given, added):
    c = Cluster.new()
    created = c.api.create(pod(tolerations=[dict(t) for t in given]))
    assert created["spec"]["tolerations"] == given + added


def test_creates_in_a_terminating_namespace_are_forbidden():
    c = Cluster.new()
    c.api.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dev"}})
    c.reconcile()
    c.api.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "hold",
                  "finalizers": ["example.com/hold"]}})
    c.api.create({"apiVersion": "v1", "kind": "ConfigMap",
                  "metadata": {"name": "keep", "namespace": "dev", "finalizers": ["x.io/keep"]}})
    gone = c.api.delete("ns", "dev")
    assert gone["status"]["phase"] == "Terminating" and gone["metadata"]["deletionTimestamp"]
    with pytest.raises(Forbidden) as exc:
        c.api.create(pod(ns="dev"))
    assert exc.value.kubectl_message() == (
        'Error from server (Forbidden): pods "p" is forbidden: unable to create new content in '
        "namespace dev because it is being terminated")
    generated = pod(ns="dev")
    generated["metadata"] = {"generateName": "web-", "namespace": "dev"}
    with pytest.raises(Forbidden) as exc2:
        c.api.create(generated)
    assert exc2.value.message.startswith('pods "web-" is forbidden: unable to create new content')
    assert exc.value.status()["details"]["causes"] == [{
        "reason": "NamespaceTerminating", "message": "namespace dev is being terminated",
        "field": "metadata.namespace"}]


@pytest.mark.parametrize("name", ["default", "kube-system", "kube-public"])
def test_immortal_namespaces(name):
    c = Cluster.new()
    with pytest.raises(Forbidden) as exc:
        c.api.delete("namespace", name)
    assert exc.value.message == f'namespaces "{name}" is forbidden: this namespace may not be ' \
                                "deleted"


def test_kube_node_lease_is_deletable():
    c = Cluster.new()
    assert c.api.delete("ns", "kube-node-lease")["status"]["phase"] == "Terminating"


def test_pod_update_restrictions():
    c = Cluster.new()
    p = c.api.create(pod())
    p["spec"]["containers"][0]["image"] = "nginx:1.27"
    p["spec"]["activeDeadlineSeconds"] = 60
    p = c.api.update(p)  # images and activeDeadlineSeconds may change
    assert p["spec"]["containers"][0]["image"] == "nginx:1.27"
    p["spec"]["containers"][0]["ports"] = [{"containerPort": 81}]
    with pytest.raises(Invalid) as exc:
        c.api.update(p)
    head = exc.value.message.split("\n")[0]
    assert head == (
        'Pod "p" is invalid: spec: Forbidden: pod updates may not change fields other than '
        "`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,"
        "`spec.tolerations` (only additions to existing tolerations),"
        "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously "
        "negative)")
    p = c.api.get("pod", "p")
    p["spec"]["containers"].append({"name": "side", "image": "busybox"})
    with pytest.raises(Invalid) as exc:
        c.api.update(p)
    assert exc.value.message == ('Pod "p" is invalid: spec.containers: Forbidden: pod updates may '
                                 "not add or remove containers")
    p = c.api.get("pod", "p")
    p["spec"]["activeDeadlineSeconds"] = 120
    with pytest.raises(Invalid) as exc:
        c.api.update(p)
    assert str(exc.value.errors[0]) == ("spec.activeDeadlineSeconds: Invalid value: 120: must be "
                                        "less than or equal to previous value")


def test_binding_sets_node_once():
    c = Cluster.new(workers=0)
    c.controllers = []
    p = c.api.create(pod())
    p["spec"]["nodeName"] = "cp-1"
    with pytest.raises(Invalid):
        c.api.update(p)  # a plain update may not set nodeName
    bound = c.api.update(p, subresource="binding", actor="default-scheduler")
    assert bound["spec"]["nodeName"] == "cp-1"
    with pytest.raises(Conflict) as exc:
        c.api.update(p, subresource="binding")
    assert exc.value.message == ('Operation cannot be fulfilled on pods/binding "p": pod p is '
                                 'already assigned to node "cp-1"')


def scheduled_pod(c, name="p"):
    p = c.api.create(pod(name))
    p["spec"]["nodeName"] = "cp-1"
    return c.api.update(p, subresource="binding")


def test_graceful_pod_deletion_shortening_and_force():
    c = Cluster.new(workers=0)
    c.controllers = []
    scheduled_pod(c)
    gone = c.api.delete("pod", "p")
    meta = gone["metadata"]
    assert meta["deletionGracePeriodSeconds"] == 30
    now = c.clock.now
    from playground.sim.objects import format_time, parse_time
    assert parse_time(meta["deletionTimestamp"]) == now + 30
    rv = c.store.meta["resourceVersion"]
    c.api.delete("pod", "p", grace_period_seconds=60)  # a longer period changes nothing
    assert c.store.meta["resourceVersion"] == rv
    shorter = c.api.delete("pod", "p", grace_period_seconds=10)["metadata"]
    assert (shorter["deletionGracePeriodSeconds"], shorter["deletionTimestamp"]) == (
        10, format_time(now + 10))
    c.api.delete("pod", "p", grace_period_seconds=0)  # --grace-period=0 --force
    assert c.store.get("Pod", "default", "p") is None


def test_unscheduled_pod_is_deleted_at_once():
    c = Cluster.new(workers=0)
    c.controllers = []
    c.api.create(pod())
    assert "deletionTimestamp" not in c.api.delete("pod", "p")["metadata"]
    assert c.store.get("Pod", "default", "p") is None


def test_finalizers_hold_an_object_until_removed():
    c = Cluster.new()
    c.api.create({"apiVersion": "v1", "kind": "ConfigMap",
                  "metadata": {"name": "cfg", "finalizers": ["example.com/hold"]}})
    held = c.api.delete("cm", "cfg")
    assert held["metadata"]["deletionGracePeriodSeconds"] == 0
    assert c.store.get("ConfigMap", "default", "cfg") is not None
    held["metadata"]["finalizers"].append("example.com/more")
    with pytest.raises(Invalid) as exc:
        c.api.update(held)
    assert "no new finalizers can be added if the object is being deleted" in exc.value.message
    c.api.patch("cm", "cfg", {"metadata": {"finalizers": None}})
    assert c.store.get("ConfigMap", "default", "cfg") is None


def test_configmap_immutable():
    c = Cluster.new()
    c.api.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"},
                  "data": {"a": "1"}, "immutable": True})
    with pytest.raises(Invalid) as exc:
        c.api.patch("cm", "cfg", {"data": {"a": "2"}})
    assert exc.value.message == ('ConfigMap "cfg" is invalid: data: Forbidden: field is '
                                 "immutable when `immutable` is set")


def test_priority_admission():
    c = Cluster.new()
    critical = c.api.create(pod("crit", priorityClassName="system-cluster-critical"))
    assert critical["spec"]["priority"] == 2000000000
    with pytest.raises(Forbidden) as exc:
        c.api.create(pod("x", priorityClassName="gold"))
    assert exc.value.message == ('pods "x" is forbidden: no PriorityClass with name gold was '
                                 "found")
    with pytest.raises(Forbidden) as exc:
        c.api.create(pod("y", priority=5))
    assert exc.value.message == (
        'pods "y" is forbidden: the integer value of priority (5) must not be provided in pod '
        "spec; priority admission controller computed 0 from the given PriorityClass name")


def test_mirror_pods_get_no_service_account():
    c = Cluster.new()
    body = pod("static-cp-1")
    body["metadata"]["annotations"] = {"kubernetes.io/config.mirror": "abc"}
    spec = c.api.create(body)["spec"]
    assert "serviceAccountName" not in spec and "volumes" not in spec
