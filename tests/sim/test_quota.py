"""ResourceQuota and LimitRange: the sandbox's default quota, the admission plugins' exact
messages, the resourcequota-controller (convergence, idempotence, level trigger),
kubectl get/describe, and the site-wide caps of limits.py."""

from __future__ import annotations

from decimal import Decimal

import pytest

from playground.sim.cluster import Cluster
from playground.sim.console import Console
from playground.sim.errors import Forbidden
from playground.sim.limits import RequestEntityTooLarge
from playground.sim.quota import format_quantity, parse


def deploy(name: str, replicas: int, **container) -> dict:
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}}, "spec": {
                         "containers": [{"name": "app", "image": "nginx:1.25", **container}]}}}}


def pod(name: str, ns: str = "default", **container) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": ns},
            "spec": {"containers": [{"name": "app", "image": "nginx:1.25", **container}]}}


def quota(name: str, ns: str, hard: dict, **spec) -> dict:
    return {"apiVersion": "v1", "kind": "ResourceQuota",
            "metadata": {"name": name, "namespace": ns}, "spec": {"hard": hard, **spec}}


def forbidden(fn, *args, **kwargs) -> str:
    with pytest.raises(Forbidden) as info:
        fn(*args, **kwargs)
    return info.value.message


@pytest.fixture
def c() -> Cluster:
    return Cluster.new()


# ---- the default quota ---------------------------------------------------------------------


def test_default_quota_in_default_and_learner_namespaces_only(c):
    c.api.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team"}})
    c.reconcile()
    names = {(q["metadata"]["namespace"], q["metadata"]["name"])
             for q in c.api.list("ResourceQuota")}
    assert names == {("default", "default-quota"), ("team", "default-quota")}
    q = c.api.get("ResourceQuota", "default-quota", "team")
    assert q["spec"]["hard"] == {"pods": "220", "services": "100",
                                 "persistentvolumeclaims": "50"}
    assert q["status"] == {"hard": {"persistentvolumeclaims": "50", "pods": "220",
                                    "services": "100"},
                           "used": {"persistentvolumeclaims": "0", "pods": "0", "services": "0"}}


def test_default_quota_is_sized_to_the_workers():
    c = Cluster.new(workers=3)
    assert c.api.get("ResourceQuota", "default-quota")["spec"]["hard"]["pods"] == "330"


def test_default_quota_from_site_settings():
    c = Cluster.new()
    c.store.meta["limits"] = {"default_quota": {"pods": "5"}, "quota_compute": True}
    c.api.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "lab"}})
    c.reconcile()
    assert c.api.get("ResourceQuota", "default-quota", "lab")["spec"]["hard"] == {"pods": "5"}
    lr = c.api.get("LimitRange", "default-limits", "lab")
    assert lr["spec"]["limits"] == [{"type": "Container",
                                     "defaultRequest": {"cpu": "100m", "memory": "128Mi"}}]


def test_scale_far_beyond_the_quota(c):
    con = Console(c)
    con.run("kubectl create deployment web --image=nginx --replicas=1")
    con.run("kubectl scale deploy web --replicas=100000")
    pods = c.api.list("Pod", "default")
    assert len(pods) == 220
    rs = c.api.list("ReplicaSet", "default")[0]
    failure = [x for x in rs["status"]["conditions"] if x["type"] == "ReplicaFailure"][0]
    assert failure["reason"] == "FailedCreate"
    assert failure["message"].endswith(" is forbidden: exceeded quota: default-quota, "
                                       "requested: pods=1, used: pods=220, limited: pods=220")
    events = [e for e in c.api.list("Event", "default") if e["reason"] == "FailedCreate"]
    assert events and events[0]["message"].startswith(
        f'Error creating: pods "{rs["metadata"]["name"]}-')
    dep = c.api.get("Deployment", "web")
    assert [x["reason"] for x in dep["status"]["conditions"]
            if x["type"] == "ReplicaFailure"] == ["FailedCreate"]
    assert con.run("kubectl get quota").output == (
        "NAME            AGE   REQUEST                                                        "
        "LIMIT\n"
        "default-quota   35s   persistentvolumeclaims: 0/50, pods: 220/220, services: 1/100   \n")


def test_describe_quota(c):
    out = Console(c).run("kubectl describe quota default-quota").output
    assert out == ("Name:                   default-quota\n"
                   "Namespace:              default\n"
                   "Resource                Used  Hard\n"
                   "--------                ----  ----\n"
                   "persistentvolumeclaims  0     50\n"
                   "pods                    0     220\n"
                   "services                1     100\n")


# ---- the admission plugin ------------------------------------------------------------------


def test_exceeded_quota_message_names_every_exceeded_resource(c):
    c.api.create(quota("compute", "default", {"requests.cpu": "1", "requests.memory": "1Gi",
                                              "pods": "10"}))
    c.reconcile()
    c.api.create(pod("a", resources={"requests": {"cpu": "600m", "memory": "768Mi"}}))
    message = forbidden(c.api.create, pod("b", resources={"requests": {"cpu": "500m",
                                                                          "memory": "512Mi"}}))
    assert message == ('pods "b" is forbidden: exceeded quota: compute, requested: '
                       "requests.cpu=500m,requests.memory=512Mi, used: requests.cpu=600m,"
                       "requests.memory=768Mi, limited: requests.cpu=1,requests.memory=1Gi")


def test_compute_quota_requires_requests(c):
    c.api.create(quota("compute", "default", {"requests.cpu": "1", "limits.memory": "1Gi"}))
    c.reconcile()
    message = forbidden(c.api.create, pod("a"))
    assert message == ('pods "a" is forbidden: failed quota: compute: must specify '
                       "limits.memory for: app; requests.cpu for: app")


def test_quota_applies_once_counted_and_needs_usage_stats(c):
    """Admission matches quotas by status.hard: a quota the controller has not counted yet
    does not apply; one whose status lacks a used value refuses ("status unknown")."""
    c.api.create(quota("q", "default", {"pods": "1"}))
    c.api.create(pod("a"))
    c.reconcile()
    assert c.api.get("ResourceQuota", "q")["status"]["used"] == {"pods": "1"}
    q = c.api.get("ResourceQuota", "q")
    q["status"] = {"hard": {"pods": "5"}, "used": {}}
    c.api.update(q, subresource="status")
    assert forbidden(c.api.create, pod("b")) == (
        'pods "b" is forbidden: status unknown for quota: q, resources: pods')


def test_charges_within_one_pass_are_remembered(c):
    """Creates between two controller passes see each other's charges."""
    c.api.create(quota("q", "default", {"count/configmaps": "3"}))
    c.reconcile()  # kube-root-ca.crt is one
    c.api.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}})
    c.api.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b"}})
    assert forbidden(c.api.create, {"apiVersion": "v1", "kind": "ConfigMap",
                                    "metadata": {"name": "c"}}) == (
        'configmaps "c" is forbidden: exceeded quota: q, requested: count/configmaps=1, '
        "used: count/configmaps=3, limited: count/configmaps=3")


def test_services_nodeports_and_loadbalancers(c):
    c.api.create(quota("svc", "default", {"services.nodeports": "1",
                                          "services.loadbalancers": "0"}))
    c.reconcile()
    svc = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "np"},
           "spec": {"type": "NodePort", "ports": [{"port": 80}, {"port": 81, "name": "b"}],
                    "selector": {"app": "x"}}}
    svc["spec"]["ports"][0]["name"] = "a"
    assert forbidden(c.api.create, svc) == (
        'services "np" is forbidden: exceeded quota: svc, requested: services.nodeports=2, '
        "used: services.nodeports=0, limited: services.nodeports=1")


def test_terminal_pods_are_not_charged(c):
    c.api.create(quota("q", "default", {"pods": "1"}))
    c.reconcile()
    job = pod("once", command=["sh", "-c", "exit 0"])
    job["spec"]["containers"][0]["image"] = "busybox"
    job["spec"]["restartPolicy"] = "Never"
    c.api.create(job)
    c.reconcile()
    assert forbidden(c.api.create, pod("b")).endswith("used: pods=1, limited: pods=1")
    c.settle()
    assert c.api.get("Pod", "once")["status"]["phase"] == "Succeeded"
    assert c.api.get("ResourceQuota", "q")["status"]["used"] == {"pods": "0"}
    c.api.create(pod("b"))


# ---- the controller ------------------------------------------------------------------------


def test_controller_converges_after_status_is_broken(c):
    q = c.api.get("ResourceQuota", "default-quota")
    q["status"]["used"]["services"] = "42"
    c.api.update(q, subresource="status")
    c.reconcile()
    assert c.api.get("ResourceQuota", "default-quota")["status"]["used"]["services"] == "1"


def test_second_reconcile_writes_nothing(c):
    c.api.create(quota("q", "default", {"pods": "5", "count/deployments.apps": "2"}))
    c.api.create(deploy("web", 2))
    c.reconcile()
    before = c.store.meta["resourceVersion"]
    c.reconcile()
    assert c.store.meta["resourceVersion"] == before
    assert c.api.get("ResourceQuota", "q")["status"]["used"] == {
        "count/deployments.apps": "1", "pods": "2"}


def test_deleted_default_quota_comes_back_edited_one_stays(c):
    c.api.delete("ResourceQuota", "default-quota")
    c.reconcile()
    q = c.api.get("ResourceQuota", "default-quota")
    q["spec"]["hard"]["pods"] = "3"
    c.api.update(q)
    c.reconcile()
    assert c.api.get("ResourceQuota", "default-quota")["status"]["hard"]["pods"] == "3"


def test_fresh_cluster_over_the_same_store_writes_nothing(c):
    c.api.create(deploy("web", 3))
    c.reconcile()
    again = Cluster(c.store)
    before = c.store.meta["resourceVersion"]
    again.reconcile()
    assert c.store.meta["resourceVersion"] == before


# ---- LimitRange ----------------------------------------------------------------------------


def test_limitrange_defaults_and_bounds(c):
    c.api.create({"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "lr"},
                  "spec": {"limits": [{"type": "Container", "default": {"cpu": "500m"},
                                       "defaultRequest": {"cpu": "100m"},
                                       "max": {"memory": "1Gi"}}]}})
    lr = c.api.get("LimitRange", "lr")
    assert lr["spec"]["limits"][0]["default"] == {"cpu": "500m", "memory": "1Gi"}
    created = c.api.create(pod("a"))
    assert created["spec"]["containers"][0]["resources"] == {
        "limits": {"cpu": "500m", "memory": "1Gi"},
        "requests": {"cpu": "100m", "memory": "1Gi"}}
    assert created["metadata"]["annotations"]["kubernetes.io/limit-ranger"] == (
        "LimitRanger plugin set: cpu, memory request for container app; "
        "cpu, memory limit for container app")
    assert forbidden(c.api.create, pod("b", resources={"limits": {"memory": "2Gi"}})) == (
        'pods "b" is forbidden: maximum memory usage per Container is 1Gi, but limit is 2Gi')


def test_describe_limitrange(c):
    con = Console(c)
    con.run("kubectl apply -f -", stdin=(
        "apiVersion: v1\nkind: LimitRange\nmetadata:\n  name: lr\nspec:\n  limits:\n"
        "  - type: Container\n    min:\n      cpu: 50m\n    defaultRequest:\n      cpu: 100m\n"))
    assert con.run("kubectl describe limits lr").output == (
        "Name:       lr\n"
        "Namespace:  default\n"
        "Type        Resource  Min  Max  Default Request  Default Limit  "
        "Max Limit/Request Ratio\n"
        "----        --------  ---  ---  ---------------  -------------  "
        "-----------------------\n"
        "Container   cpu       50m  -    100m             -              -\n")


def test_invalid_quota_names_and_values(c):
    from playground.sim.errors import BadRequest, Invalid

    with pytest.raises(Invalid) as info:
        c.api.create(quota("q", "default", {"pods": "1.5", "foo": "1", "services": "-1"}))
    assert [str(e) for e in info.value.errors] == [
        'spec.hard[foo]: Invalid value: "foo": must be a standard resource type or fully '
        "qualified",
        'spec.hard[foo]: Invalid value: "foo": must be a standard resource for quota',
        'spec.hard[pods]: Invalid value: "1.5": must be an integer',
        'spec.hard[services]: Invalid value: "-1": must be greater than or equal to 0',
    ]
    with pytest.raises(BadRequest) as bad:
        c.api.create(quota("q", "default", {"pods": "lots"}))
    assert bad.value.message == (
        'ResourceQuota in version "v1" cannot be handled as a ResourceQuota: quantities must '
        "match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")


# ---- quantities ----------------------------------------------------------------------------


@pytest.mark.parametrize("text, canonical", [
    ("128Mi", "128Mi"), ("1536", "1536"), ("0.5", "500m"), ("2000", "2k"), ("1Gi", "1Gi"),
    ("100m", "100m"), ("1e3", "1k"), ("1G", "1G"), ("0", "0"), ("1.5Gi", "1536Mi"),
])
def test_quantity_canonical_form(text, canonical):
    assert str(parse(text)) == canonical


def test_quantity_sums_keep_the_first_format():
    assert str(parse("256Mi") + parse("128Mi")) == "384Mi"
    assert str(parse("100m") + parse("900m")) == "1"
    assert format_quantity(Decimal("0.0000000001")) == "1n"


# ---- site caps -----------------------------------------------------------------------------


def test_object_namespace_node_and_body_caps(c):
    c.store.meta["limits"] = {"max_objects": 0, "max_namespaces": 4, "max_nodes": 3,
                              "max_manifest_bytes": 2000}
    assert forbidden(c.api.create, {"apiVersion": "v1", "kind": "ConfigMap",
                                    "metadata": {"name": "a"}}) == (
        'configmaps "a" is forbidden: this sandbox is limited to 0 objects')
    c.store.meta["limits"]["max_objects"] = 10_000
    assert forbidden(c.api.create, {"apiVersion": "v1", "kind": "Namespace",
                                    "metadata": {"name": "x"}}) == (
        'namespaces "x" is forbidden: this sandbox is limited to 4 namespaces')
    assert forbidden(c.api.create, {"apiVersion": "v1", "kind": "Node",
                                    "metadata": {"name": "n"}}) == (
        'nodes "n" is forbidden: this sandbox is limited to 3 nodes')
    with pytest.raises(RequestEntityTooLarge) as big:
        c.api.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b"},
                      "data": {"k": "x" * 3000}})
    assert big.value.code == 413
    assert big.value.kubectl_message() == (
        "Error from server (RequestEntityTooLarge): Request entity too large: limit is 2000")


def test_console_shows_the_cap_like_kubectl(c):
    c.store.meta["limits"] = {"max_objects": 0}
    out = Console(c).run("kubectl create configmap cfg --from-literal=a=b").output
    assert out == ('error: failed to create configmap: configmaps "cfg" is forbidden: this '
                   "sandbox is limited to 0 objects\n")


def test_kubectl_create_quota(c):
    con = Console(c)
    assert con.run("kubectl create quota q --hard=pods=2,requests.memory=1024Mi "
                   "--scopes=NotTerminating").output == "resourcequota/q created\n"
    assert c.api.get("ResourceQuota", "q")["spec"] == {
        "hard": {"pods": "2", "requests.memory": "1Gi"}, "scopes": ["NotTerminating"]}
    assert con.run("kubectl create quota bad --hard=pods").output == (
        "error: Invalid argument syntax pods, expected <resource>=<value>\n")
    assert con.run("kubectl describe quota q").output == (
        "Name:       q\n"
        "Namespace:  default\n"
        "Scopes:     NotTerminating\n"
        " * Matches all pods that do not have an active deadline. These pods usually include "
        "long running pods whose container command is not expected to terminate.\n"
        "Resource         Used  Hard\n"
        "--------         ----  ----\n"
        "pods             0     2\n"
        "requests.memory  0     1Gi\n")


def test_quota_in_kube_system_does_not_crash_system_controllers(c):
    """A learner's quota can refuse system pods (kube-proxy states no requests); the
    DaemonSet loop retries later instead of crashing every reconcile (found by fuzzing)."""
    c.api.create(quota("q", "kube-system", {"requests.cpu": "1"}))
    c.reconcile()
    proxy = next(p for p in c.api.list("Pod", "kube-system")
                 if p["metadata"]["name"].startswith("kube-proxy"))
    c.api.delete("Pod", proxy["metadata"]["name"], namespace="kube-system",
                 grace_period_seconds=0)
    c.settle()
    c.api.delete("ResourceQuota", "q", namespace="kube-system")
    c.settle()
    nodes = {p["spec"].get("nodeName") for p in c.api.list("Pod", "kube-system")
             if p["metadata"]["name"].startswith("kube-proxy")}
    assert nodes == {n["metadata"]["name"] for n in c.api.list("Node")}


def test_default_quota_can_be_turned_off():
    c = Cluster()
    c.store.meta["limits"] = {"default_quota": False}
    from playground.sim.bootstrap import bootstrap

    bootstrap(c, workers=2)
    c.reconcile()
    assert c.api.list("ResourceQuota") == []
    assert "No resource quota." in Console(c).run("kubectl describe ns default").output
