"""client-go's EventAggregator: from the tenth different message about one object with the
same reason within ten minutes, one "(combined from similar events)" Event counts them."""

from playground.sim import Cluster
from playground.sim.console import Console
from playground.sim.events import record_event


def failed_creates(cluster: Cluster) -> list[dict]:
    return [e for e in cluster.store.list("Event") if e["reason"] == "FailedCreate"]


def quota_exceeded() -> Cluster:
    cluster = Cluster.new(seed=3)
    console = Console(cluster)
    console.run("kubectl create deployment web --image=nginx:1.27 --replicas=3")
    console.run("clock settle")
    console.run("kubectl scale deploy web --replicas=400")  # past the default quota
    console.run("clock advance 3m")
    return cluster


def test_nine_distinct_messages_then_one_combined_event():
    events = failed_creates(quota_exceeded())
    single = [e for e in events if not e["message"].startswith("(combined")]
    combined = [e for e in events if e["message"].startswith("(combined from similar events): ")]
    assert len(single) == 9
    assert len({e["message"] for e in single}) == 9
    assert len(combined) == 1
    assert combined[0]["count"] > 1
    assert "is forbidden: exceeded quota: default-quota" in combined[0]["message"]


def test_combined_event_shows_in_describe_with_its_count():
    cluster = quota_exceeded()
    out = Console(cluster).run("kubectl describe rs").output
    count = next(e for e in failed_creates(cluster) if e["message"].startswith("(combined"))
    assert f"(x{count['count']} over" in out
    assert "replicaset-controller  (combined from similar events): Error creating:" in out


def emit(cluster: Cluster, pod: dict, message: str) -> None:
    record_event(cluster, pod, "Warning", "Test", message, component="tester")


def test_repeats_count_on_their_own_event_and_a_quiet_ten_minutes_resets():
    cluster = Cluster.new(seed=5)
    console = Console(cluster)
    console.run("kubectl run solo --image=nginx:1.27")
    pod = cluster.store.get("Pod", "default", "solo")
    for i in range(9):
        emit(cluster, pod, f"message {i}")
    emit(cluster, pod, "message 3")  # a repeat: counted on its own Event
    tests = [e for e in cluster.store.list("Event") if e["reason"] == "Test"]
    assert len(tests) == 9
    assert next(e for e in tests if e["message"] == "message 3")["count"] == 2
    emit(cluster, pod, "message 9")  # the tenth different one: combined
    assert any(
        e["message"] == "(combined from similar events): message 9"
        for e in cluster.store.list("Event")
    )
    console.run("clock advance 11m")
    emit(cluster, pod, "message 10")  # ten quiet minutes later: one by one again
    assert any(e["message"] == "message 10" for e in cluster.store.list("Event"))
