"""The kubelet's index of PodRuntimes whose pod is gone agrees with checking every runtime."""

from playground.sim import Cluster
from playground.sim.console import Console
from playground.sim.controllers.kubelet_orphans import RuntimeOrphans, pod_gone


def brute_force(cluster: Cluster) -> list[str]:
    store = cluster.store
    return [rt["metadata"]["name"] for rt in store.list("PodRuntime") if pod_gone(store, rt)]


def test_index_matches_a_full_check_after_every_controller_through_a_rollout():
    cluster = Cluster.new(seed=4)
    console = Console(cluster)
    console.run("kubectl create deployment web --image=nginx:1.27 --replicas=6")
    console.run("clock settle")
    console.run("kubectl set image deploy/web nginx=nginx:1.26")
    seen_orphans = 0
    for step in range(60):  # timer by timer, checking between every two controllers
        if step in (1, 4):  # a forced delete leaves the kubelet's runtime behind
            pod = cluster.store.list("Pod", "default")[0]["metadata"]["name"]
            cluster.api.delete("Pod", pod, namespace="default", grace_period_seconds=0)
        for controller in cluster.controllers:
            controller.reconcile(cluster)
            expected = brute_force(cluster)
            assert RuntimeOrphans.of(cluster).gone() == expected
            seen_orphans += len(expected)
        wake = cluster.next_wakeup()
        if wake is None:
            break
        cluster.clock.set(max(wake, cluster.clock.now))
    assert seen_orphans > 0  # the forced deletes did leave runtimes behind for a moment
    assert brute_force(cluster) == []


def test_orphans_are_found_behind_the_index_back_and_after_a_rebuild():
    cluster = Cluster.new(seed=4)
    console = Console(cluster)
    console.run("kubectl run solo --image=nginx:1.27")
    console.run("clock settle")
    index = RuntimeOrphans.of(cluster)
    assert index.gone() == []
    # the pod vanishes without the kubelet running: its runtime is now an orphan
    cluster.api.delete("Pod", "solo", namespace="default", grace_period_seconds=0)
    assert RuntimeOrphans.of(cluster).gone() == ["default/solo"]
    cluster.store.changes.clear()  # a log cleared in place: the index rebuilds from the store
    assert RuntimeOrphans.of(cluster).gone() == ["default/solo"]
    cluster.reconcile()
    assert RuntimeOrphans.of(cluster).gone() == [] == brute_force(cluster)
