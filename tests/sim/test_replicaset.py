"""The ReplicaSet controller: counts, names, events, adoption, ranking, failures, status."""

import re

from playground.sim.errors import Forbidden
from playground.sim.objects import controller_ref
from tests.sim.workload_helpers import (
    finish_terminating,
    make_ready,
    pods,
    ready_all,
    replicaset,
    workload_cluster,
)


def events(c, reason=None):
    evs = sorted(
        c.api.list("events", "default"), key=lambda e: int(e["metadata"]["resourceVersion"])
    )
    return [(e["reason"], e["message"], e["count"]) for e in evs if reason in (None, e["reason"])]


def test_creates_pods_with_generate_name_owner_refs_and_events():
    c = workload_cluster()
    rs = c.api.create(replicaset("web", 3))
    c.reconcile()
    ps = pods(c, "web")
    assert len(ps) == 3
    for p in ps:
        assert re.fullmatch(r"web-[bcdfghjklmnpqrstvwxz2456789]{5}", p["metadata"]["name"])
        assert p["metadata"]["generateName"] == "web-"
        assert p["metadata"]["labels"] == {"app": "web"}
        assert p["metadata"]["ownerReferences"] == [
            {
                "apiVersion": "apps/v1",
                "kind": "ReplicaSet",
                "name": "web",
                "uid": rs["metadata"]["uid"],
                "controller": True,
                "blockOwnerDeletion": True,
            }
        ]
    created = [m for r, m, _ in events(c, "SuccessfulCreate")]
    assert sorted(created) == sorted(f"Created pod: {p['metadata']['name']}" for p in ps)
    ev = c.api.list("events", "default")[0]
    assert ev["source"] == {"component": "replicaset-controller"}
    assert ev["involvedObject"]["kind"] == "ReplicaSet"
    sentences = [
        t["message"]
        for t in c.store.timeline
        if t["actor"] == "replicaset-controller" and t["name"] == "web"
    ]
    assert sentences[0].startswith("ReplicaSet web has 0 pods, wants 3: created web-")
    assert sentences[2].startswith("ReplicaSet web has 2 pods, wants 3: created web-")


def test_status_counts_ready_and_available_and_omits_zero_fields():
    c = workload_cluster()
    c.api.create(replicaset("web", 2))
    c.reconcile()
    assert c.api.get("rs", "web")["status"] == {
        "replicas": 2,
        "fullyLabeledReplicas": 2,
        "observedGeneration": 1,
    }
    make_ready(c, pods(c, "web")[0])
    c.reconcile()
    assert c.api.get("rs", "web")["status"] == {
        "replicas": 2,
        "fullyLabeledReplicas": 2,
        "readyReplicas": 1,
        "availableReplicas": 1,
        "observedGeneration": 1,
    }


def test_second_reconcile_writes_nothing():
    c = workload_cluster()
    c.api.create(replicaset("web", 4))
    c.reconcile()
    for p in pods(c, "web")[:2]:
        make_ready(c, p)
    c.reconcile()
    before = c.store.meta["resourceVersion"]
    c.reconcile()
    assert c.store.meta["resourceVersion"] == before


def test_deleted_pod_is_replaced_even_while_terminating():
    c = workload_cluster()
    c.api.create(replicaset("web", 2))
    c.reconcile()
    victim = make_ready(c, pods(c, "web")[0])
    c.api.delete("pods", victim["metadata"]["name"], namespace="default")
    assert c.api.get("pods", victim["metadata"]["name"])["metadata"]["deletionTimestamp"]
    c.reconcile()
    assert len(pods(c, "web")) == 2  # replacement created before the old one is gone
    assert c.api.get("rs", "web")["status"]["replicas"] == 2


def test_level_triggered_scale_change_behind_its_back():
    c = workload_cluster()
    c.api.create(replicaset("web", 3))
    c.reconcile()
    for p in pods(c, "web")[:2]:  # two pods vanish without the controller seeing a delete
        c.store.remove("Pod", "default", p["metadata"]["name"])
    c.reconcile()
    assert len(pods(c, "web")) == 3
    rs = c.api.get("rs", "web")
    rs["spec"]["replicas"] = 1
    c.api.update(rs)
    c.reconcile()
    assert len(pods(c, "web")) == 1
    assert c.api.get("rs", "web")["status"]["observedGeneration"] == 2
    assert len(events(c, "SuccessfulDelete")) == 2


def test_adopts_matching_orphan_and_creates_fewer_pods():
    c = workload_cluster()
    c.api.create(
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "bare", "labels": {"app": "web"}},
            "spec": {"containers": [{"name": "nginx", "image": "nginx"}]},
        }
    )
    rs = c.api.create(replicaset("web", 3))
    c.reconcile()
    bare = c.api.get("pods", "bare")
    assert controller_ref(bare)["uid"] == rs["metadata"]["uid"]
    assert len(pods(c, "web")) == 3
    assert len(events(c, "SuccessfulCreate")) == 2
    assert any(t["message"].startswith("ReplicaSet web adopted pod bare") for t in c.store.timeline)


def test_releases_relabelled_pod_and_replaces_it():
    c = workload_cluster()
    c.api.create(replicaset("web", 2))
    c.reconcile()
    name = pods(c, "web")[0]["metadata"]["name"]
    c.api.patch("pods", name, {"metadata": {"labels": {"app": "debug"}}})
    c.reconcile()
    released = c.api.get("pods", name)
    assert "ownerReferences" not in released["metadata"]
    assert len(pods(c, "web")) == 2
    assert name not in {p["metadata"]["name"] for p in pods(c, "web")}


def test_ignores_pods_controlled_by_another_owner():
    c = workload_cluster()
    c.api.create(replicaset("a", 1, labels={"app": "x"}))
    c.reconcile()
    c.api.create(replicaset("b", 1, labels={"app": "x"}))
    c.reconcile()
    assert len(pods(c, "a")) == 1 and len(pods(c, "b")) == 1


def test_scale_down_deletes_unscheduled_then_not_ready_before_ready():
    c = workload_cluster()
    c.api.create(replicaset("web", 4))
    c.reconcile()
    ps = pods(c, "web")
    ready = [make_ready(c, ps[0], "worker-1"), make_ready(c, ps[1], "worker-2")]
    not_ready = make_ready(c, ps[2], "worker-1", ready=False)
    unscheduled = ps[3]
    c.reconcile()
    rs = c.api.get("rs", "web")
    rs["spec"]["replicas"] = 2
    c.api.update(rs)
    c.reconcile()
    left = {p["metadata"]["name"] for p in pods(c, "web")}
    assert left == {p["metadata"]["name"] for p in ready}
    deleted = [m for _, m, _ in events(c, "SuccessfulDelete")]
    assert deleted == [
        f"Deleted pod: {unscheduled['metadata']['name']}",
        f"Deleted pod: {not_ready['metadata']['name']}",
    ]
    assert any(
        "(ranked #1 for deletion: it is not scheduled yet)" in t["message"]
        for t in c.store.timeline
    )


def test_scale_down_prefers_pods_on_crowded_nodes_and_shorter_ready():
    c = workload_cluster()
    c.api.create(replicaset("web", 3))
    c.reconcile()
    a, b, d = pods(c, "web")
    make_ready(c, a, "worker-1")
    c.advance(600)
    make_ready(c, b, "worker-1")
    make_ready(c, d, "worker-2")
    c.reconcile()
    rs = c.api.get("rs", "web")
    rs["spec"]["replicas"] = 2
    c.api.update(rs)
    c.reconcile()
    # worker-1 holds two pods: one of them goes, the one ready for the shorter time
    assert [m for _, m, _ in events(c, "SuccessfulDelete")] == [
        f"Deleted pod: {b['metadata']['name']}"
    ]


def test_pod_deletion_cost_is_respected():
    c = workload_cluster()
    c.api.create(replicaset("web", 2))
    c.reconcile()
    a, b = pods(c, "web")
    make_ready(c, a)
    make_ready(c, b)
    c.api.patch(
        "pods",
        a["metadata"]["name"],
        {"metadata": {"annotations": {"controller.kubernetes.io/pod-deletion-cost": "100"}}},
    )
    rs = c.api.get("rs", "web")
    rs["spec"]["replicas"] = 1
    c.api.update(rs)
    c.reconcile()
    assert [p["metadata"]["name"] for p in pods(c, "web")] == [a["metadata"]["name"]]


class QuotaLikeApi:
    """Admission that refuses pods past `limit` (what a ResourceQuota does)."""

    def __init__(self, c, limit):
        self.c, self.limit, self.real_create = c, limit, c.api.create
        c.api.create = self.create

    def create(self, obj, **kw):
        if obj.get("kind") == "Pod" and len(pods(self.c)) >= self.limit:
            raise Forbidden(
                "pods",
                obj["metadata"]["generateName"],
                "exceeded quota: pods, requested: pods=1, used: pods=2, limited: pods=2",
            )
        return self.real_create(obj, **kw)


def test_failed_create_event_condition_and_slow_start():
    c = workload_cluster()
    QuotaLikeApi(c, 2)
    c.api.create(replicaset("web", 5))
    c.reconcile()
    assert len(pods(c, "web")) == 2
    msg = (
        'pods "web-" is forbidden: exceeded quota: pods, requested: pods=1, used: pods=2, '
        "limited: pods=2"
    )
    # batches 1 (ok) then 2 (one ok, one refused): the failed batch ends the sync; the two new
    # pods trigger one more sync at once (a watch event), whose first batch of 1 fails again
    assert events(c, "FailedCreate") == [("FailedCreate", f"Error creating: {msg}", 2)]
    cond = c.api.get("rs", "web")["status"]["conditions"]
    assert [(x["type"], x["status"], x["reason"], x["message"]) for x in cond] == [
        ("ReplicaFailure", "True", "FailedCreate", msg)
    ]
    before = c.store.meta["resourceVersion"]
    c.reconcile()  # the retry waits for its backoff: nothing is written
    assert c.store.meta["resourceVersion"] == before
    wake = c.next_wakeup()
    assert wake == c.clock.now + 0.010  # second failure: 5 ms doubled


def test_retry_after_backoff_succeeds_and_clears_condition():
    c = workload_cluster()
    quota = QuotaLikeApi(c, 2)
    c.api.create(replicaset("web", 3))
    c.reconcile()
    quota.limit = 10
    c.advance(1)
    assert len(pods(c, "web")) == 3
    assert "conditions" not in c.api.get("rs", "web")["status"]
    assert c.next_wakeup() is None


def test_failed_creates_back_off_exponentially():
    c = workload_cluster()
    QuotaLikeApi(c, 0)
    c.api.create(replicaset("web", 1))
    c.advance(60)
    # retries at 5ms, 10ms, 20ms ... 40.96s: 14 attempts within a minute
    assert events(c, "FailedCreate")[0][2] == 14


def test_min_ready_seconds_gates_available_and_wakes_up():
    c = workload_cluster()
    c.api.create(replicaset("web", 1, minReadySeconds=10))
    c.reconcile()
    make_ready(c, pods(c, "web")[0])
    c.reconcile()
    status = c.api.get("rs", "web")["status"]
    assert status.get("readyReplicas") == 1 and "availableReplicas" not in status
    assert c.next_wakeup() == c.clock.now + 10
    c.advance(10)
    assert c.api.get("rs", "web")["status"]["availableReplicas"] == 1
    assert c.next_wakeup() is None


def test_terminating_and_finished_pods_are_not_counted():
    c = workload_cluster()
    c.api.create(replicaset("web", 2))
    c.reconcile()
    p = make_ready(c, pods(c, "web")[0])
    p["status"]["phase"] = "Succeeded"
    c.api.update(p, subresource="status")
    c.reconcile()
    assert len([x for x in pods(c, "web") if x["status"]["phase"] != "Succeeded"]) == 2
    finish_terminating(c)
    c.reconcile()
    assert c.api.get("rs", "web")["status"]["replicas"] == 2


def test_being_deleted_replicaset_creates_nothing():
    c = workload_cluster()
    rs = c.api.create(replicaset("web", 2))
    c.reconcile()
    c.api.delete("rs", "web", namespace="default", propagation_policy="Orphan")
    live = c.store.get("ReplicaSet", "default", "web")
    if live is None:  # the garbage collector already finished the orphaning
        return
    for p in pods(c, "web"):
        c.store.remove("Pod", "default", p["metadata"]["name"])
    c.reconcile()
    owned = [p for p in pods(c) if (controller_ref(p) or {}).get("uid") == rs["metadata"]["uid"]]
    assert owned == []


def test_backoff_memory_of_a_deleted_replicaset_is_dropped():
    c = workload_cluster()
    QuotaLikeApi(c, 0)
    rs = c.api.create(replicaset("web", 1))
    c.reconcile()
    items = c.store.meta["workqueueBackoff"]["replicaset-controller"]
    assert rs["metadata"]["uid"] in items
    c.api.delete("rs", "web", namespace="default")
    c.reconcile()
    assert rs["metadata"]["uid"] not in items
    assert c.next_wakeup() is None


def test_more_than_a_burst_of_replicas_in_two_syncs_then_a_quiet_pass():
    c = workload_cluster(workers=9)  # room for 990 pods (110 per node), the sandbox's 10 nodes
    c.api.create(replicaset("big", 600))
    c.reconcile()
    assert len(pods(c, "big")) == 600  # 500 (burstReplicas) in the first sync, 100 in the next
    created = events(c, "SuccessfulCreate")  # nine one by one, then one combined event
    assert sum(count for _, _, count in created) == 600
    assert [m.startswith("(combined from similar events): ") for _, m, _ in created] == [
        False
    ] * 9 + [True]
    ready_all(c, "big")
    c.reconcile()
    assert c.api.get("rs", "big")["status"]["availableReplicas"] == 600
    before = c.store.meta["resourceVersion"]
    c.reconcile()
    assert c.store.meta["resourceVersion"] == before


def test_pods_loaded_without_change_records_are_seen():
    c = workload_cluster()
    c.api.create(replicaset("web", 2))
    c.reconcile()
    extra = dict(pods(c, "web")[0])
    extra["metadata"] = {**extra["metadata"], "name": "web-loaded", "uid": "loaded-uid"}
    c.store.load([extra])  # e.g. a persistent store filling in a snapshot
    c.reconcile()
    assert len(pods(c, "web")) == 2
    assert len(events(c, "SuccessfulDelete")) == 1
