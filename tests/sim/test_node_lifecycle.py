"""Node failure and recovery, cordon, taint-based eviction and PodGC."""

import pytest

from playground.sim import Cluster
from playground.sim.errors import NotFound
from playground.sim.nodes import node_is_running, start_node, stop_node

from .node_support import condition, deployment, events, idle, make_pod, pod, reasons, user_pods


def _node(c, name="worker-1"):
    return c.api.get("nodes", name)


def _taints(c, name="worker-1"):
    return [(t["key"], t["effect"]) for t in _node(c, name)["spec"].get("taints", [])]


def _on(c, node):
    return [p for p in user_pods(c) if p["spec"].get("nodeName") == node]


def test_stopped_node_goes_unknown_after_the_grace_period_and_gets_tainted():
    c = Cluster.new()
    make_pod(c, "solo", nodeName="worker-1")
    c.advance(10)
    stop_node(c, "worker-1")
    assert not node_is_running(c, "worker-1")
    c.advance(49)
    assert condition(_node(c), "Ready")["status"] == "True"
    c.advance(1)
    node = _node(c)
    conds = {x["type"]: x for x in node["status"]["conditions"]}
    assert {x["status"] for x in conds.values()} == {"Unknown"}
    assert conds["Ready"]["reason"] == "NodeStatusUnknown"
    assert conds["Ready"]["message"] == "Kubelet stopped posting node status."
    assert _taints(c) == [("node.kubernetes.io/unreachable", "NoSchedule"),
                          ("node.kubernetes.io/unreachable", "NoExecute")]
    assert ("NodeNotReady", "Node worker-1 status is now: NodeNotReady", 1) in events(
        c, "worker-1")
    p = pod(c, "solo")
    assert condition(p, "Ready")["status"] == "False"
    assert p["status"]["containerStatuses"][0]["ready"] is True, "only the condition flips"
    assert ("NodeNotReady", "Node is not ready", 1) in events(c, "solo")
    assert idle(c)


def test_deployment_pods_of_a_stopped_node_are_replaced_after_about_5m50s():
    c = Cluster.new()
    c.api.create(deployment("web", replicas=3))
    c.advance(30)
    victims = {p["metadata"]["name"] for p in _on(c, "worker-1")}
    assert victims
    stopped = c.clock.now
    stop_node(c, "worker-1")
    replaced_at = None
    while replaced_at is None and c.clock.now < stopped + 600:
        c.step()
        names = {p["metadata"]["name"] for p in user_pods(c)}
        if len(names - victims) > 3 - len(victims):
            replaced_at = c.clock.now
    assert replaced_at is not None
    assert 349 <= replaced_at - stopped <= 351, "50 s grace + 300 s toleration"
    for name in victims:
        old = pod(c, name)
        assert old["metadata"]["deletionTimestamp"], "stays Terminating: its kubelet is gone"
        assert condition(old, "DisruptionTarget")["reason"] == "DeletionByTaintManager"
        assert ("TaintManagerEviction", f"Marking for deletion Pod default/{name}", 1) in events(
            c, name)
    c.advance(20)
    fresh = [p for p in user_pods(c) if p["metadata"]["name"] not in victims]
    assert len(fresh) == 3
    assert {p["spec"]["nodeName"] for p in fresh} == {"worker-2"}
    assert all(p["status"]["phase"] == "Running" for p in fresh)


def test_started_node_is_ready_again_untainted_and_finishes_evictions():
    c = Cluster.new()
    make_pod(c, "solo", nodeName="worker-1")
    c.advance(10)
    stop_node(c, "worker-1")
    c.advance(400)
    assert pod(c, "solo")["metadata"]["deletionTimestamp"]
    start_node(c, "worker-1")
    c.reconcile()
    assert condition(_node(c), "Ready")["status"] == "True"
    assert _taints(c) == []
    assert c.store.get("Pod", "default", "solo") is None
    assert ("NodeReady", "Node worker-1 status is now: NodeReady", 1) in events(c, "worker-1")


def test_node_back_within_the_toleration_keeps_its_pods():
    c = Cluster.new()
    make_pod(c, "solo", nodeName="worker-1")
    c.advance(10)
    stop_node(c, "worker-1")
    c.advance(120)
    assert condition(pod(c, "solo"), "Ready")["status"] == "False"
    start_node(c, "worker-1")
    c.advance(1000)
    p = pod(c, "solo")
    assert not p["metadata"].get("deletionTimestamp")
    assert condition(p, "Ready")["status"] == "True"
    assert ("TaintManagerEviction", "Cancelling deletion of Pod default/solo", 1) in events(
        c, "solo")
    assert ("TaintManagerEviction", "Marking for deletion Pod default/solo") not in {
        (r, m) for r, m, _ in events(c, "solo")}


def test_toleration_seconds_decide_when_a_pod_is_evicted():
    c = Cluster.new()
    short = [{"key": "node.kubernetes.io/unreachable", "operator": "Exists",
              "effect": "NoExecute", "tolerationSeconds": 10}]
    forever = [{"key": "node.kubernetes.io/unreachable", "operator": "Exists",
                "effect": "NoExecute"}]
    make_pod(c, "short", nodeName="worker-1", tolerations=short)
    make_pod(c, "forever", nodeName="worker-1", tolerations=forever)
    c.advance(10)
    stop_node(c, "worker-1")
    c.advance(59)
    assert not pod(c, "short")["metadata"].get("deletionTimestamp")
    c.advance(2)
    assert pod(c, "short")["metadata"]["deletionTimestamp"]
    c.advance(3600)
    assert not pod(c, "forever")["metadata"].get("deletionTimestamp")


def test_untolerated_no_execute_taint_evicts_at_once():
    c = Cluster.new()
    make_pod(c, "web", nodeName="worker-2")
    c.advance(10)
    c.api.patch("node", "worker-2", {"spec": {"taints": [
        {"key": "maintenance", "value": "now", "effect": "NoExecute"}]}})
    c.reconcile()
    assert "TaintManagerEviction" in reasons(c, "web")
    c.advance(30)
    assert c.store.get("Pod", "default", "web") is None


def test_cordon_adds_the_unschedulable_taint_and_kubelet_events():
    c = Cluster.new()
    make_pod(c, "stay", nodeName="worker-1")
    c.advance(10)
    c.api.patch("node", "worker-1", {"spec": {"unschedulable": True}})
    c.reconcile()
    assert _taints(c) == [("node.kubernetes.io/unschedulable", "NoSchedule")]
    assert ("NodeNotSchedulable", "Node worker-1 status is now: NodeNotSchedulable", 1) in events(
        c, "worker-1")
    c.api.create(deployment("web", replicas=2))
    c.advance(10)
    assert {p["spec"]["nodeName"] for p in user_pods(c) if p["metadata"]["name"] != "stay"} == {
        "worker-2"}
    assert pod(c, "stay")["status"]["phase"] == "Running"
    c.api.patch("node", "worker-1", {"spec": {"unschedulable": None}})
    c.reconcile()
    assert _taints(c) == []
    assert ("NodeSchedulable", "Node worker-1 status is now: NodeSchedulable", 1) in events(
        c, "worker-1")
    assert idle(c)


def test_removed_condition_taint_is_put_back():
    c = Cluster.new()
    stop_node(c, "worker-2")
    c.advance(60)
    c.api.patch("node", "worker-2", {"spec": {"taints": None}})
    c.reconcile()
    assert _taints(c, "worker-2") == [("node.kubernetes.io/unreachable", "NoSchedule"),
                                      ("node.kubernetes.io/unreachable", "NoExecute")]


def test_podgc_deletes_pods_of_a_deleted_node_after_40s():
    c = Cluster.new()
    make_pod(c, "orphan", nodeName="worker-1")
    c.advance(10)
    stop_node(c, "worker-1")
    c.api.delete("node", "worker-1")
    c.advance(39)
    assert c.store.get("Pod", "default", "orphan") is not None
    c.advance(2)
    assert c.store.get("Pod", "default", "orphan") is None
    assert any(e["actor"] == "pod-garbage-collector" and "no longer exists" in e["message"]
               for e in c.store.timeline)


def test_out_of_service_taint_releases_terminating_pods():
    c = Cluster.new()
    make_pod(c, "solo", nodeName="worker-1")
    c.advance(10)
    stop_node(c, "worker-1")
    c.advance(400)
    assert pod(c, "solo")["metadata"]["deletionTimestamp"]
    node = _node(c)
    taints = node["spec"]["taints"] + [{"key": "node.kubernetes.io/out-of-service",
                                        "value": "nodeshutdown", "effect": "NoExecute"}]
    c.api.patch("node", "worker-1", {"spec": {"taints": taints}})
    c.reconcile()
    assert c.store.get("Pod", "default", "solo") is None


def test_unknown_node_is_not_found():
    c = Cluster.new()
    with pytest.raises(NotFound) as exc:
        stop_node(c, "worker-9")
    assert exc.value.message == 'nodes "worker-9" not found'
    assert node_is_running(c, "cp-1")


def test_a_node_added_later_gets_the_next_pod_range_and_runs_pods():
    c = Cluster.new()
    c.api.create({"apiVersion": "v1", "kind": "Node",
                  "metadata": {"name": "worker-3",
                               "labels": {"kubernetes.io/hostname": "worker-3"}},
                  "status": {"allocatable": {"cpu": "2", "memory": "4Gi", "pods": "110"},
                             "addresses": [{"type": "InternalIP", "address": "172.18.0.5"}]}})
    c.reconcile()
    node = _node(c, "worker-3")
    assert node["spec"]["podCIDR"] == "10.244.3.0/24"
    assert condition(node, "Ready")["status"] == "True"
    make_pod(c, "w3", nodeName="worker-3")
    c.advance(10)
    assert pod(c, "w3")["status"]["podIP"] == "10.244.3.2"


def test_kube_proxy_runs_on_every_node_and_comes_back():
    c = Cluster.new()

    def proxies():
        return sorted((p["spec"].get("nodeName"), p["metadata"]["name"])
                      for p in c.store.list("Pod", "kube-system")
                      if p["metadata"]["name"].startswith("kube-proxy-"))

    before = proxies()
    assert [n for n, _ in before] == ["cp-1", "worker-1", "worker-2"]
    victim = before[1][1]
    c.api.delete("pod", victim, namespace="kube-system", grace_period_seconds=0)
    c.advance(5)
    after = proxies()
    assert [n for n, _ in after] == ["cp-1", "worker-1", "worker-2"]
    assert victim not in {name for _, name in after}
    ref = pod(c, after[1][1], ns="kube-system")["metadata"]["ownerReferences"][0]
    assert (ref["kind"], ref["name"], ref["controller"]) == ("DaemonSet", "kube-proxy", True)
