"""Events expire an hour after they last happened (kube-apiserver --event-ttl=1h)."""

from playground.sim import Cluster
from playground.sim.console import Console


def events(cluster: Cluster) -> list[dict]:
    return cluster.store.list("Event")


def started() -> tuple[Cluster, Console]:
    cluster = Cluster.new(seed=11)
    console = Console(cluster)
    console.run("kubectl create deployment web --image=nginx:1.27 --replicas=2")
    console.run("clock settle")
    return cluster, console


def names(cluster: Cluster, namespace: str = "default") -> set[str]:
    return {
        e["metadata"]["name"] for e in events(cluster) if e["metadata"]["namespace"] == namespace
    }


def test_events_stay_for_an_hour_then_expire():
    cluster, console = started()
    first = names(cluster)  # the Deployment's, within the first seconds
    assert any(e["reason"] == "ScalingReplicaSet" for e in events(cluster))
    system = names(cluster, "kube-system")  # the bootstrap's, a minute before
    console.run("clock advance 58m")
    assert names(cluster) == first
    assert names(cluster, "kube-system") == system
    console.run("clock advance 1m30s")
    assert names(cluster) == first
    assert not names(cluster, "kube-system")
    console.run("clock advance 1m")
    assert not names(cluster)
    assert "No resources found in default namespace." in console.run("kubectl get events").output


def test_an_event_that_happens_again_lives_an_hour_from_its_last_time():
    cluster, console = started()
    console.run("kubectl create deployment bad --image=nginx:no-such-tag")
    console.run("clock advance 50m")  # ImagePullBackOff keeps renewing its BackOff event
    backoff = [e for e in events(cluster) if e["reason"] == "BackOff"]
    assert backoff and backoff[0]["count"] > 1
    console.run("clock advance 20m")
    reasons = {e["reason"] for e in events(cluster)}
    assert "BackOff" in reasons  # renewed within the hour
    assert "ScalingReplicaSet" not in reasons or all(
        e["involvedObject"]["name"] != "web"
        for e in events(cluster)
        if e["reason"] == "ScalingReplicaSet"
    )


def test_expiry_is_not_an_action_on_the_timeline_and_settle_still_stops():
    cluster, console = started()
    before = len(cluster.store.timeline)
    console.run("clock advance 2h")
    assert len(cluster.store.timeline) == before
    out = console.run("kubectl scale deploy web --replicas=3").output
    assert "scaled" in out
    settled = console.run("clock settle").output
    assert settled.startswith("settled after"), settled
