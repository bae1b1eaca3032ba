"""Label and field selectors on list, with apimachinery's parse errors."""

import pytest

from playground.sim import Cluster
from playground.sim.errors import BadRequest


@pytest.fixture(scope="module")
def c():
    c = Cluster.new()
    c.controllers = []
    for name, labels in (("a", {"app": "web", "tier": "front"}), ("b", {"app": "web"}),
                         ("c", {"app": "db", "release": "3"}), ("d", {})):
        c.api.create({"apiVersion": "v1", "kind": "Pod",
                      "metadata": {"name": name, "labels": labels},
                      "spec": {"containers": [{"name": "x", "image": "nginx"}]}})
    pod = c.api.get("pod", "a")
    pod["spec"]["nodeName"] = "worker-1"
    c.api.update(pod, subresource="binding")
    return c


def names(c, **kw):
    return [p["metadata"]["name"] for p in c.api.list("pods", "default", **kw)]


@pytest.mark.parametrize("selector, expected", [
    ("app=web", ["a", "b"]),
    ("app==web,tier=front", ["a"]),
    ("app!=web", ["c", "d"]),  # != matches objects without the key
    ("app in (web, db)", ["a", "b", "c"]),
    ("app notin (web)", ["c", "d"]),
    ("tier", ["a"]),
    ("!tier", ["b", "c", "d"]),
    ("release>2", ["c"]),
    ("release<3", []),
    ("", ["a", "b", "c", "d"]),
])
def test_label_selectors(c, selector, expected):
    assert names(c, label_selector=selector) == expected


@pytest.mark.parametrize("selector, message", [
    ("app in web", "unable to parse requirement: found 'web' expected: '('"),
    ("app web", "unable to parse requirement: found 'web', expected: in, notin, =, ==, !=, gt, "
                "lt"),
    ("app=web,", "found '', expected: identifier after ','"),
    ("app=web tier", "found 'tier', expected: ',' or 'end of string'"),
    ("release>x", "unable to parse requirement: values[0]: Invalid value: \"x\": for 'Gt', 'Lt' "
                  "operators, the value must be an integer"),
    ("-app=web", "unable to parse requirement: <nil>: Invalid value: \"-app\": name part must "
                 "consist of alphanumeric characters, '-', '_' or '.', and must start and end "
                 "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', "
                 "regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"),
])
def test_label_selector_parse_errors(c, selector, message):
    with pytest.raises(BadRequest) as exc:
        c.api.list("pods", label_selector=selector)
    assert exc.value.message == message


def test_field_selectors(c):
    assert names(c, field_selector="metadata.name=b") == ["b"]
    assert names(c, field_selector="spec.nodeName=worker-1") == ["a"]
    assert names(c, field_selector="spec.nodeName=") == ["b", "c", "d"]
    assert names(c, field_selector="status.phase=Pending,metadata.name!=a") == ["b", "c", "d"]
    assert [n["metadata"]["name"] for n in c.api.list("nodes", field_selector=(
        "metadata.name==cp-1"))] == ["cp-1"]
    assert names(c, label_selector="app=web", field_selector="spec.nodeName!=worker-1") == ["b"]


def test_field_selector_errors(c):
    with pytest.raises(BadRequest) as exc:
        c.api.list("pods", field_selector="spec.foo=bar")
    assert exc.value.message == "field label not supported: spec.foo"
    with pytest.raises(BadRequest) as exc:
        c.api.list("deploy", field_selector="spec.nodeName=x")
    assert exc.value.message == "field label not supported: spec.nodeName"


def test_event_field_selectors():
    c = Cluster.new()
    c.controllers = []
    pod = c.api.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                        "spec": {"containers": [{"name": "x", "image": "nginx"}]}})
    c.event(pod, "Warning", "FailedScheduling", "no nodes", component="default-scheduler")
    found = c.api.list("events", "default", field_selector=(
        "involvedObject.kind=Pod,involvedObject.name=p,type=Warning,reason=FailedScheduling,"
        "source=default-scheduler"))
    assert [e["message"] for e in found] == ["no nodes"]


def test_all_namespaces_listing_is_sorted_by_namespace_then_name():
    c = Cluster.new()
    listed = [(s["metadata"]["namespace"], s["metadata"]["name"]) for s in c.api.list("sa")]
    assert listed == sorted(listed)
    assert {ns for ns, _ in listed} >= {"default", "kube-system", "kube-public", "kube-node-lease"}
