"""`kubectl describe` layouts (describe.go), checked against hand-written kubectl output."""

import pytest

from playground.sim import Cluster
from playground.sim.console import Console
from playground.sim.describe import Writer
from playground.sim.tabwriter import layout


@pytest.fixture
def console():
    return Console(Cluster.new())


def test_tabwriter_blocks_break_on_lines_without_tabs():
    text = "Name:\tx\nNamespace:\tdefault\nIPs:\n  IP:\t10.0.0.1\nEvents:\t<none>\n"
    assert layout(text) == ("Name:       x\n"
                            "Namespace:  default\n"
                            "IPs:\n"
                            "  IP:    10.0.0.1\n"
                            "Events:  <none>\n")


def test_describe_configmap_exact(console):
    console.run("kubectl create cm cfg --from-literal=b=2 --from-literal=a=1")
    assert console.run("kubectl describe cm cfg").output == """\
Name:         cfg
Namespace:    default
Labels:       <none>
Annotations:  <none>

Data
====
a:
----
1

b:
----
2


BinaryData
====

Events:  <none>
"""


def test_describe_namespace_exact(console):
    console.run("kubectl create ns dev")
    assert console.run("kubectl describe ns dev").output == """\
Name:         dev
Labels:       kubernetes.io/metadata.name=dev
Annotations:  <none>
Status:       Active

Resource Quotas
  Name:                   default-quota
  Resource                Used  Hard
  --------                ---   ---
  persistentvolumeclaims  0     50
  pods                    0     220
  services                0     100

No LimitRange resource.
"""


def test_multiline_labels_and_long_annotations_align():
    w = Writer()
    from playground.sim.describe import annotations_multiline, labels_multiline

    w.write(0, "Name:\tweb\n")
    labels_multiline(w, "Labels", {"tier": "fe", "app": "web"})
    annotations_multiline(w, "Annotations", {"note": "x" * 150})
    assert w.text() == ("Name:         web\n"
                        "Labels:       app=web\n"
                        "              tier=fe\n"
                        "Annotations:  note:\n"
                        f"                {'x' * 138}...\n")


def test_describe_deployment_sections(console):
    console.run("kubectl create deployment web --image=nginx:1.25 --replicas=2")
    console.cluster.settle()
    text = console.run("kubectl describe deploy web").output
    lines = text.splitlines()
    assert lines[0] == "Name:                   web"
    assert "Replicas:               2 desired | 2 updated | 2 total | 2 available | " \
           "0 unavailable" in lines
    assert "StrategyType:           RollingUpdate" in lines
    assert "RollingUpdateStrategy:  25% max unavailable, 25% max surge" in lines
    assert "Pod Template:" in lines and "  Containers:" in lines and "   nginx:" in lines
    assert "OldReplicaSets:  <none>" in lines
    rs = console.cluster.api.list("ReplicaSet", "default")[0]["metadata"]["name"]
    assert f"NewReplicaSet:   {rs} (2/2 replicas created)" in lines
    assert lines[-4:-1] == ["Events:",
                            "  Type    Reason             Age   From                   Message",
                            "  ----    ------             ----  ----                   -------"]
    assert lines[-1].startswith("  Normal  ScalingReplicaSet  ")
    assert lines[-1].endswith(f"deployment-controller  Scaled up replica set {rs} to 2")


def test_describe_pod_prefix_match_and_events(console):
    console.run("kubectl create deployment web --image=nginx:1.25 --replicas=2")
    console.cluster.settle()
    text = console.run("kubectl describe pod web").output
    names = [line.split()[1] for line in text.splitlines() if line.startswith("Name:")]
    assert len(names) == 2 and all(n.startswith("web-") for n in names)
    assert "\n\n\nName:" in text  # two descriptions, separated by a blank line pair
    assert "Controlled By:  ReplicaSet/" in text
    assert "Conditions:\n  Type                        Status\n" in text
    assert "  Ready                       True \n" in text
    assert "Normal  Scheduled" in text
    assert console.run("kubectl describe pod nope").output == \
        'Error from server (NotFound): pods "nope" not found\n'


def test_describe_node_shows_taints_and_pods(console):
    text = console.run("kubectl describe node cp-1").output
    assert "Roles:              control-plane\n" in text
    assert "Taints:             node-role.kubernetes.io/control-plane:NoSchedule\n" in text
    assert "Unschedulable:      false\n" in text
    assert "Non-terminated Pods:" in text
    assert "  (Total limits may be over 100 percent, i.e., overcommitted.)\n" in text


def test_describe_repeated_event_age(console):
    cluster = console.cluster
    ns = cluster.api.get("Namespace", "default")
    cluster.event(ns, "Warning", "Odd", "something odd", component="tester")
    cluster.advance(30)
    cluster.event(ns, "Warning", "Odd", "something odd", component="tester")
    cluster.advance(10)
    from playground.sim.describe import describe_events, events_for

    w = Writer()
    describe_events(w, events_for(cluster, ns), cluster.clock.now)
    last = w.text().splitlines()[-1]
    assert last == "  Warning  Odd     10s (x2 over 40s)  tester  something odd"
