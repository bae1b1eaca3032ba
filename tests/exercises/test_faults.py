"""Scheduled faults fire on the simulated clock, once, for every learner alike."""

from __future__ import annotations

from exercises import runner, spec
from playground.sim.cluster import Cluster
from playground.sim.console import Console
from playground.sim.nodes import node_is_running
from tests.exercises.support import WEB

FAULTS = [{"at": "2m", "action": "stop-node", "target": "worker-2"},
          {"at": "3m", "action": "delete-pod", "target": "solo", "namespace": "default"}]


def _cluster(seed: int = 1) -> Cluster:
    cluster = Cluster.new(seed=seed)
    cluster.settle()
    assert Console(cluster).run("kubectl run solo --image=nginx:1.27").ok
    cluster.settle()
    runner.plan_faults(cluster, FAULTS)
    return cluster


def test_faults_fire_at_their_offset_and_not_before():
    cluster = _cluster()
    start = cluster.clock.now
    assert cluster.next_wakeup() is not None and cluster.next_wakeup() <= start + 120
    cluster.advance(119)
    assert node_is_running(cluster, "worker-2")
    cluster.advance(1)
    assert not node_is_running(cluster, "worker-2")
    assert cluster.store.get("Pod", "default", "solo") is not None
    cluster.advance(60)
    pod = cluster.store.get("Pod", "default", "solo")
    assert pod is None or pod["metadata"].get("deletionTimestamp")
    sentences = [e["message"] for e in cluster.store.timeline if e["actor"] == "exercise"]
    assert sentences == ["the exercise's incident stopped node worker-2",
                         "the exercise's incident deleted pod solo"]


def test_a_fault_is_not_the_learners_doing():
    cluster = _cluster()
    cluster.advance(200)
    deleted_by_you = [e for e in cluster.store.timeline
                      if e["actor"] == "you" and e["message"].startswith("you deleted")]
    assert deleted_by_you == []
    from exercises import checks

    assert checks.evaluate(cluster, {"no_manual_delete": {}}, [],
                           runner.cluster_records(cluster)).passed


def test_fired_faults_do_not_fire_again_and_a_second_reconcile_writes_nothing():
    cluster = _cluster()
    cluster.advance(200)
    assert all(f["fired"] for f in cluster.store.meta["scheduled_faults"])
    cluster.settle()
    before = cluster.store.meta["resourceVersion"]
    cluster.reconcile()
    assert cluster.store.meta["resourceVersion"] == before
    # level-triggered: a node the learner starts again stays started
    assert Console(cluster).run("node start worker-2").ok
    cluster.advance(600)
    assert node_is_running(cluster, "worker-2")


def test_the_same_exercise_gives_every_learner_the_same_incident():
    timelines = []
    for seed in (1, 2):
        cluster = _cluster(seed)
        start = cluster.clock.now
        cluster.advance(400)
        timelines.append([(e["time"] - start, e["message"]) for e in cluster.store.timeline
                          if e["actor"] == "exercise"])
    assert timelines[0] == timelines[1] == [
        (120.0, "the exercise's incident stopped node worker-2"),
        (180.0, "the exercise's incident deleted pod solo")]


def test_a_missing_target_is_skipped_quietly():
    cluster = Cluster.new(seed=3)
    cluster.settle()
    runner.plan_faults(cluster, [{"at": "10s", "action": "stop-node", "target": "worker-9"},
                                 {"at": "10s", "action": "delete-pod", "target": "nope"}])
    cluster.advance(20)
    assert all(f["fired"] for f in cluster.store.meta["scheduled_faults"])
    assert cluster.next_wakeup() != cluster.clock.now


def test_start_exercise_plans_the_faults_of_the_document():
    doc, problems = spec.parse(spec.dump({
        "kind": "Exercise", "version": 1, "title": "t", "difficulty": "easy",
        "estimated_minutes": 5, "description": "", "start": {"manifests": [WEB],
                                                             "commands": []},
        "faults": [{"at": "30s", "action": "stop-node", "target": "worker-1"}],
        "tasks": [{"title": "x", "check": {"exists": {"kind": "Deployment", "name": "web"}},
                   "hints": [], "solution": ["kubectl get deploy"]}]}))
    assert problems == []
    cluster = Cluster.new(seed=4)
    cluster.settle()
    runner.start_exercise(cluster, doc)
    plan = cluster.store.meta["scheduled_faults"]
    assert plan == [{"at": cluster.clock.now + 30, "action": "stop-node", "target": "worker-1",
                     "fired": False}]
