"""Deployment scenarios a learner runs: rolling update, undo, Recreate, pause/resume,
proportional scaling, history cleanup, progress deadline. Pods are driven by the test helpers
(scheduler + kubelet stand-ins) so each step is observable."""

from playground.sim.controllers import deployment_conditions as dc
from playground.sim.controllers import deployment_util as du
from playground.sim.errors import Forbidden
from tests.sim.workload_helpers import (
    deployment,
    finish_terminating,
    make_ready,
    pods,
    ready_all,
    rs_of,
    scaling_events,
    workload_cluster,
)


def set_image(c, image):
    d = c.api.get("deploy", "web")
    d["spec"]["template"]["spec"]["containers"][0]["image"] = image
    c.api.update(d)
    c.reconcile()


def settle_by_hand(c, rounds=30):
    for _ in range(rounds):
        changed = ready_all(c) + finish_terminating(c)
        c.reconcile()
        if not changed:
            return


def started(replicas=10, **spec):
    c = workload_cluster()
    c.api.create(deployment("web", replicas, **spec))
    c.reconcile()
    settle_by_hand(c)
    return c


def names(c):
    return [rs["metadata"]["name"] for rs in rs_of(c)]


def cond(c, type_="Progressing"):
    d = c.api.get("deploy", "web")
    found = dc.get_condition(d["status"], type_)
    return found and (found["status"], found["reason"], found["message"])


def test_rolling_update_of_10_replicas_events_and_bounds():
    c = started(10)
    [old] = names(c)
    set_image(c, "nginx:1.26")
    new = names(c)[1]
    assert scaling_events(c)[1:3] == [
        f"Scaled up replica set {new} to 3",
        f"Scaled down replica set {old} to 8 from 10",
    ]
    # step the pods one at a time and check surge/unavailability bounds at every step
    for _ in range(60):
        live = pods(c)  # terminating pods are on their way out and not counted
        available = [
            p
            for p in live
            if any(
                x["type"] == "Ready" and x["status"] == "True"
                for x in p["status"].get("conditions") or []
            )
        ]
        assert len(live) <= 13
        assert len(available) >= 8
        waiting = [p for p in pods(c) if not p["status"].get("conditions")]
        if waiting:
            make_ready(c, waiting[0])
        elif not finish_terminating(c):
            break
        c.reconcile()
    [rs_old, rs_new] = rs_of(c)
    assert (rs_old["spec"]["replicas"], rs_new["spec"]["replicas"]) == (0, 10)
    assert cond(c) == (
        "True",
        "NewReplicaSetAvailable",
        f'ReplicaSet "{new}" has successfully progressed.',
    )
    d = c.api.get("deploy", "web")
    assert d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "2"
    assert d["status"]["observedGeneration"] == d["metadata"]["generation"]
    # the tenth different scaling message within ten minutes is recorded combined, as
    # client-go's event aggregator does
    assert scaling_events(c)[-1].startswith(
        f"(combined from similar events): Scaled down replica set {old} to 0 from "
    )


def test_rollout_undo_reuses_the_old_replicaset_with_a_new_revision():
    c = started(3)
    [first] = names(c)
    set_image(c, "nginx:1.26")
    settle_by_hand(c)
    d = c.api.get("deploy", "web")
    template, annotations = du.rollback_template(c, d, 0)
    c.api.patch(
        "deploy",
        "web",
        [
            {"op": "replace", "path": "/spec/template", "value": template},
            {"op": "replace", "path": "/metadata/annotations", "value": annotations},
        ],
        patch_type="json",
    )
    c.reconcile()
    settle_by_hand(c)
    rss = rs_of(c)
    assert len(rss) == 2  # no third ReplicaSet
    newest = rss[-1]
    assert newest["metadata"]["name"] == first
    assert newest["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "3"
    assert newest["metadata"]["annotations"]["deployment.kubernetes.io/revision-history"] == "1"
    assert newest["spec"]["replicas"] == 3 and rss[0]["spec"]["replicas"] == 0
    d = c.api.get("deploy", "web")
    assert d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "3"
    assert {p["metadata"]["labels"]["pod-template-hash"] for p in pods(c)} == {
        newest["metadata"]["labels"]["pod-template-hash"]
    }
    # revision 1 is gone from history: asking for it fails like kubectl
    try:
        du.rollback_template(c, d, 1)
    except du.RollbackError as err:
        assert err.message == "unable to find specified revision 1 in history"
    else:
        raise AssertionError("revision 1 should be gone")


def test_recreate_waits_until_old_pods_are_gone():
    c = started(3, strategy={"type": "Recreate"})
    [old] = names(c)
    set_image(c, "nginx:1.26")
    assert names(c) == [old]  # no new ReplicaSet while old pods terminate
    assert rs_of(c)[0]["spec"]["replicas"] == 0
    assert len(pods(c, active_only=False)) == 3 and pods(c) == []
    assert scaling_events(c)[-1] == f"Scaled down replica set {old} to 0 from 3"
    finish_terminating(c)
    c.reconcile()
    new = names(c)[1]
    assert rs_of(c)[1]["spec"]["replicas"] == 3
    assert scaling_events(c)[-1] == f"Scaled up replica set {new} to 3"
    assert len(pods(c, new)) == 3


def test_pause_holds_template_changes_but_scales_and_resume_rolls_out():
    c = started(2)
    [old] = names(c)
    c.api.patch("deploy", "web", {"spec": {"paused": True}})
    c.reconcile()
    assert cond(c) == ("Unknown", "DeploymentPaused", "Deployment is paused")
    set_image(c, "nginx:1.26")
    assert names(c) == [old]
    c.api.patch("deploy", "web", {"spec": {"replicas": 4}})
    c.reconcile()
    assert rs_of(c)[0]["spec"]["replicas"] == 4
    c.advance(3600)  # no progress deadline while paused
    assert cond(c) == ("Unknown", "DeploymentPaused", "Deployment is paused")
    c.api.patch("deploy", "web", {"spec": {"paused": False}})
    c.reconcile()
    assert len(names(c)) == 2
    d = c.api.get("deploy", "web")
    progressing = dc.get_condition(d["status"], "Progressing")
    assert progressing["reason"] in ("DeploymentResumed", "ReplicaSetUpdated")
    settle_by_hand(c)
    assert cond(c)[1] == "NewReplicaSetAvailable"


def test_resume_of_a_complete_deployment_reports_it_complete_again():
    c = started(1)
    [rs] = names(c)
    c.api.patch("deploy", "web", {"spec": {"paused": True}})
    c.reconcile()
    c.api.patch("deploy", "web", {"spec": {"paused": False}})
    c.reconcile()
    # DeploymentResumed is written first, then the same sync finds the rollout complete
    assert cond(c) == (
        "True",
        "NewReplicaSetAvailable",
        f'ReplicaSet "{rs}" has successfully progressed.',
    )
    assert any(
        t["message"] == "Deployment web is resumed: the rollout continues" for t in c.store.timeline
    )


def test_proportional_scaling_during_a_rollout():
    c = started(10)
    [old] = names(c)
    set_image(c, "nginx:1.26")  # new 3, old 8; new pods never become ready here
    c.reconcile()
    new = names(c)[1]
    rss = {rs["metadata"]["name"]: rs["spec"]["replicas"] for rs in rs_of(c)}
    assert rss == {old: 8, new: 5}
    c.api.patch("deploy", "web", {"spec": {"replicas": 20}})
    c.reconcile()
    rss = {rs["metadata"]["name"]: rs["spec"]["replicas"] for rs in rs_of(c)}
    # allowed 20 + 5 = 25, 12 to add: old 8*25/13 -> 15 (+7), new gets the other 5
    assert rss == {old: 15, new: 10}
    assert set(scaling_events(c)[-2:]) == {
        f"Scaled up replica set {old} to 15 from 8",
        f"Scaled up replica set {new} to 10 from 5",
    }
    for rs in rs_of(c):
        assert rs["metadata"]["annotations"]["deployment.kubernetes.io/max-replicas"] == "25"


def test_revision_history_limit_deletes_oldest_idle_replicasets():
    c = started(1, revisionHistoryLimit=2)
    for image in ("nginx:1.26", "nginx:1.27", "nginx:1.28", "nginx:1.29"):
        set_image(c, image)
        settle_by_hand(c)
    rss = rs_of(c)
    revisions = [rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"] for rs in rss]
    assert revisions == ["3", "4", "5"]
    assert [rs["spec"]["replicas"] for rs in rss] == [0, 0, 1]
    assert any("revisionHistoryLimit" in t["message"] for t in c.store.timeline)


def test_revision_history_limit_zero_keeps_no_old_replicaset():
    c = started(1, revisionHistoryLimit=0)
    set_image(c, "nginx:1.26")
    settle_by_hand(c)
    assert len(rs_of(c)) == 1


def test_progress_deadline_exceeded_and_keeps_trying():
    c = workload_cluster()
    c.api.create(deployment("web", 2, progressDeadlineSeconds=60))
    c.reconcile()
    rs_name = names(c)[0]
    start = c.clock.now
    assert c.next_wakeup() == start + 61
    c.advance(60)
    assert cond(c)[1] == "ReplicaSetUpdated"
    c.advance(1)
    assert cond(c) == (
        "False",
        "ProgressDeadlineExceeded",
        f'ReplicaSet "{rs_name}" has timed out progressing.',
    )
    assert c.next_wakeup() is None
    # pods finally get ready: progress again
    ready_all(c)
    c.reconcile()
    assert cond(c) == (
        "True",
        "NewReplicaSetAvailable",
        f'ReplicaSet "{rs_name}" has successfully progressed.',
    )
    d = c.api.get("deploy", "web")
    assert (
        dc.get_condition(d["status"], "Progressing")["lastTransitionTime"]
        == (d["status"]["conditions"][-1]["lastUpdateTime"])
    )


def test_progress_resets_the_deadline():
    c = workload_cluster()
    c.api.create(deployment("web", 2, progressDeadlineSeconds=60))
    c.reconcile()
    c.advance(50)
    make_ready(c, pods(c)[0])
    c.reconcile()
    assert c.next_wakeup() == c.clock.now + 61
    c.advance(59)
    assert cond(c)[1] == "ReplicaSetUpdated"


def test_observed_generation_follows_spec_changes():
    c = started(2)
    for replicas in (3, 1):
        c.api.patch("deploy", "web", {"spec": {"replicas": replicas}})
        c.reconcile()
        d = c.api.get("deploy", "web")
        assert d["status"]["observedGeneration"] == d["metadata"]["generation"]


def test_min_ready_seconds_delays_availability():
    c = workload_cluster()
    c.api.create(deployment("web", 2, minReadySeconds=30))
    c.reconcile()
    ready_all(c)
    c.reconcile()
    d = c.api.get("deploy", "web")
    assert d["status"].get("readyReplicas") == 2 and "availableReplicas" not in d["status"]
    assert cond(c, "Available")[1] == "MinimumReplicasUnavailable"
    assert c.next_wakeup() == c.clock.now + 30
    c.advance(30)
    assert cond(c, "Available")[1] == "MinimumReplicasAvailable"
    assert cond(c)[1] == "NewReplicaSetAvailable"


def test_scale_to_zero_and_back():
    c = started(3)
    c.api.patch("deploy", "web", {"spec": {"replicas": 0}})
    c.reconcile()
    finish_terminating(c)
    c.reconcile()
    d = c.api.get("deploy", "web")
    assert pods(c) == []
    assert {k for k in d["status"] if k != "conditions"} == {"observedGeneration"}
    c.api.patch("deploy", "web", {"spec": {"replicas": 2}})
    c.reconcile()
    assert len(pods(c)) == 2


def test_replica_failure_of_the_replicaset_is_copied_to_the_deployment():
    c = workload_cluster()
    real_create = c.api.create

    def create(obj, **kw):
        if obj.get("kind") == "Pod" and len(pods(c)) >= 1:
            raise Forbidden("pods", obj["metadata"]["generateName"], "exceeded quota: q")
        return real_create(obj, **kw)

    c.api.create = create
    c.api.create(deployment("web", 3))
    c.reconcile()
    [rs] = rs_of(c)
    msg = f'pods "{rs["metadata"]["name"]}-" is forbidden: exceeded quota: q'
    assert cond(c, "ReplicaFailure") == ("True", "FailedCreate", msg)
    d = c.api.get("deploy", "web")
    assert [x["type"] for x in d["status"]["conditions"]] == [
        "Available",
        "Progressing",
        "ReplicaFailure",
    ]
    c.api.create = real_create
    c.advance(1)
    assert len(pods(c)) == 3
    assert cond(c, "ReplicaFailure") is None


def test_rollover_mid_rollout_scales_unhealthy_replicas_down_first():
    c = started(10)
    [first] = names(c)
    set_image(c, "nginx:1.26")
    ready_all(c)
    c.reconcile()  # the second RS grows to 10, its 5 newest pods not ready yet
    second = names(c)[1]
    set_image(c, "nginx:1.27")
    third = names(c)[2]
    events = scaling_events(c)
    # no room to surge: the unhealthy half of the second RS goes first (cleanupUnhealthyReplicas)
    assert events[-2:] == [
        f"Scaled down replica set {second} to 5 from 10",
        f"Scaled up replica set {third} to 5 from 0",
    ]
    settle_by_hand(c)
    final = {rs["metadata"]["name"]: rs["spec"]["replicas"] for rs in rs_of(c)}
    assert final == {first: 0, second: 0, third: 10}
    revisions = [
        rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"] for rs in rs_of(c)
    ]
    assert revisions == ["1", "2", "3"]
