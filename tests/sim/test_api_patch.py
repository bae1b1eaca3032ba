"""PATCH: JSON merge patch, JSON patch and strategic merge patch through the API server."""

import pytest

from playground.sim import Cluster
from playground.sim.errors import BadRequest, Conflict
from playground.sim.patch import UnprocessableEntity, strategic_merge


@pytest.fixture()
def c():
    c = Cluster.new()
    c.controllers = []
    c.api.create({"apiVersion": "apps/v1", "kind": "Deployment",
                  "metadata": {"name": "web", "labels": {"app": "web"}},
                  "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
                           "template": {"metadata": {"labels": {"app": "web"}}, "spec": {
                               "containers": [
                                   {"name": "nginx", "image": "nginx:1.25",
                                    "ports": [{"containerPort": 80}],
                                    "env": [{"name": "A", "value": "1"}]},
                                   {"name": "side", "image": "busybox"}]}}}})
    return c


def containers(c):
    return c.api.get("deploy", "web")["spec"]["template"]["spec"]["containers"]


def test_merge_patch_replaces_lists_and_null_deletes(c):
    c.api.patch("deploy", "web", {"metadata": {"labels": {"app": None, "tier": "front"}},
                                  "spec": {"replicas": 3}})
    d = c.api.get("deploy", "web")
    assert d["metadata"]["labels"] == {"tier": "front"}
    assert d["spec"]["replicas"] == 3 and d["metadata"]["generation"] == 2
    c.api.patch("deploy", "web", {"spec": {"template": {"spec": {
        "containers": [{"name": "nginx", "image": "nginx:1.27"}]}}}})
    assert [x["name"] for x in containers(c)] == ["nginx"]
    assert containers(c)[0]["imagePullPolicy"] == "IfNotPresent"  # defaults re-applied


def test_strategic_merge_by_name_keeps_other_containers(c):
    c.api.patch("deploy", "web", {"spec": {"template": {"spec": {"containers": [
        {"name": "nginx", "image": "nginx:1.27", "env": [{"name": "B", "value": "2"}]}]}}}},
        patch_type="strategic")
    nginx, side = containers(c)
    assert (nginx["image"], side["name"]) == ("nginx:1.27", "side")
    assert nginx["env"] == [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]
    assert nginx["ports"] == [{"containerPort": 80, "protocol": "TCP"}]


def test_strategic_directives(c):
    c.api.patch("deploy", "web", {"spec": {"template": {"spec": {"containers": [
        {"name": "side", "$patch": "delete"}]}}}}, patch_type="strategic")
    assert [x["name"] for x in containers(c)] == ["nginx"]
    c.api.patch("deploy", "web", {"spec": {"template": {"spec": {"containers": [
        {"name": "nginx", "env": [{"name": "Z", "value": "9"}, {"$patch": "replace"}]}]}}}},
        patch_type="strategic")
    assert containers(c)[0]["env"] == [{"name": "Z", "value": "9"}]
    c.api.patch("deploy", "web", {"metadata": {"labels": {"$patch": "replace", "x": "y"}}},
                patch_type="strategic")
    assert c.api.get("deploy", "web")["metadata"]["labels"] == {"x": "y"}


def test_strategic_merge_key_required(c):
    with pytest.raises(BadRequest) as exc:
        c.api.patch("deploy", "web", {"spec": {"template": {"spec": {"containers": [
            {"image": "x"}]}}}}, patch_type="strategic")
    assert exc.value.message == "map: map[image:x] does not contain declared merge key: name"


def test_strategic_finalizers_merge_as_a_set_and_service_ports_by_port():
    svc = {"spec": {"ports": [{"port": 80, "targetPort": 8080}, {"port": 443}]},
           "metadata": {"finalizers": ["a"]}}
    out = strategic_merge(svc, {"spec": {"ports": [{"port": 80, "targetPort": 9090}]},
                                "metadata": {"finalizers": ["b", "a"]}}, "Service")
    assert out["spec"]["ports"] == [{"port": 80, "targetPort": 9090}, {"port": 443}]
    assert out["metadata"]["finalizers"] == ["a", "b"]
    out = strategic_merge(out, {"metadata": {"$deleteFromPrimitiveList/finalizers": ["a"]}})
    assert out["metadata"]["finalizers"] == ["b"]
    tolerations = strategic_merge({"spec": {"tolerations": [{"key": "a"}]}},
                                  {"spec": {"tolerations": [{"key": "b"}]}}, "Pod")
    assert tolerations["spec"]["tolerations"] == [{"key": "b"}]  # no merge key: replaced


def test_set_element_order_and_retain_keys():
    out = strategic_merge({"spec": {"containers": [{"name": "a"}, {"name": "b"}]}},
                          {"spec": {"$setElementOrder/containers": [{"name": "b"}, {"name": "a"}],
                                    "containers": [{"name": "a", "image": "x"}]}}, "Pod")
    assert out["spec"]["containers"] == [{"name": "b"}, {"name": "a", "image": "x"}]
    out = strategic_merge({"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}}},
                          {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}})
    assert out == {"strategy": {"type": "Recreate"}}


def test_json_patch(c):
    c.api.patch("deploy", "web", [
        {"op": "replace", "path": "/spec/replicas", "value": 4},
        {"op": "add", "path": "/metadata/labels/tier", "value": "front"},
        {"op": "remove", "path": "/spec/template/spec/containers/1"},
        {"op": "test", "path": "/spec/replicas", "value": 4},
    ], patch_type="json")
    d = c.api.get("deploy", "web")
    assert d["spec"]["replicas"] == 4 and d["metadata"]["labels"]["tier"] == "front"
    assert [x["name"] for x in containers(c)] == ["nginx"]
    with pytest.raises(UnprocessableEntity) as exc:
        c.api.patch("deploy", "web", [{"op": "remove", "path": "/spec/nope"}], patch_type="json")
    assert exc.value.code == 422
    assert exc.value.kubectl_message() == ("The request is invalid: the server rejected our "
                                           "request due to an error in our request")
    assert exc.value.cause == ('remove operation does not apply: doc is missing path: '
                               '"/spec/nope": missing value')
    with pytest.raises(UnprocessableEntity) as exc:
        c.api.patch("deploy", "web", [{"op": "test", "path": "/spec/replicas", "value": 1}],
                    patch_type="json")
    assert exc.value.cause == "testing value /spec/replicas failed: test failed"


def test_patch_with_stale_resource_version_conflicts(c):
    d = c.api.get("deploy", "web")
    c.api.patch("deploy", "web", {"spec": {"replicas": 2}})
    with pytest.raises(Conflict):
        c.api.patch("deploy", "web", {"metadata": {"resourceVersion": d["metadata"][
            "resourceVersion"]}, "spec": {"replicas": 5}})


def test_patch_cannot_rename(c):
    with pytest.raises(BadRequest) as exc:
        c.api.patch("deploy", "web", {"metadata": {"name": "other"}})
    assert exc.value.message == ("the name of the object (other) does not match the name on the "
                                 "URL (web)")
