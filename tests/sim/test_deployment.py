"""The Deployment controller's building blocks: hashing, fenceposts, the new ReplicaSet,
annotations, conditions, idempotence, level triggering and rollback_template."""

import re

import pytest

from playground.sim.controllers import deployment_util as du
from playground.sim.controllers.controller_utils import (
    compute_hash,
    safe_encode_string,
    slow_start_batches,
)
from playground.sim.errors import Forbidden
from tests.sim.workload_helpers import (
    deployment,
    pods,
    ready_all,
    rs_of,
    scaling_events,
    workload_cluster,
)


def conds(obj):
    return [
        (c["type"], c["status"], c["reason"], c["message"])
        for c in obj["status"].get("conditions", [])
    ]


def settled(replicas=3, **spec):
    c = workload_cluster()
    c.api.create(deployment("web", replicas, **spec))
    c.reconcile()
    ready_all(c)
    c.reconcile()
    return c


# ---- pure helpers --------------------------------------------------------------------------


def test_safe_encode_string_maps_digits_like_apimachinery():
    assert safe_encode_string("0123456789") == "456789bcdf"


def test_pod_template_hash_is_deterministic_and_in_the_hash_alphabet():
    t1 = deployment()["spec"]["template"]
    t2 = deployment()["spec"]["template"]
    t3 = deployment(image="nginx:1.26")["spec"]["template"]
    assert compute_hash(t1) == compute_hash(t2)
    assert compute_hash(t1) != compute_hash(t3)
    assert compute_hash(t1, 1) != compute_hash(t1)
    for h in (compute_hash(t1), compute_hash(t3), compute_hash(t1, 7)):
        assert re.fullmatch(r"[456789bcdf]{1,10}", h)


def test_slow_start_batches():
    assert slow_start_batches(10) == [1, 2, 4, 3]
    assert slow_start_batches(1) == [1]
    assert slow_start_batches(0) == []


@pytest.mark.parametrize(
    ("replicas", "surge", "unavailable"),
    [(1, 1, 0), (3, 1, 0), (4, 1, 1), (10, 3, 2), (100, 25, 25)],
)
def test_fenceposts_round_surge_up_and_unavailable_down(replicas, surge, unavailable):
    d = deployment(replicas=replicas)
    assert (du.max_surge(d), du.max_unavailable(d)) == (surge, unavailable)


def test_fenceposts_both_zero_forces_one_unavailable_and_zero_replicas():
    d = deployment(
        replicas=2,
        strategy={
            "type": "RollingUpdate",
            "rollingUpdate": {"maxSurge": "1%", "maxUnavailable": 0},
        },
    )
    assert (du.max_surge(d), du.max_unavailable(d)) == (1, 0)
    d = deployment(
        replicas=2,
        strategy={
            "type": "RollingUpdate",
            "rollingUpdate": {"maxSurge": 0, "maxUnavailable": "1%"},
        },
    )
    assert (du.max_surge(d), du.max_unavailable(d)) == (0, 1)
    assert du.max_unavailable(deployment(replicas=0)) == 0
    assert du.max_surge(deployment(strategy={"type": "Recreate"})) == 0


# ---- the new ReplicaSet --------------------------------------------------------------------


def test_new_replicaset_name_labels_selector_owner_and_annotations():
    c = workload_cluster()
    d = c.api.create(deployment("web", 3, minReadySeconds=5))
    c.api.patch(
        "deploy",
        "web",
        {
            "metadata": {
                "annotations": {"kubernetes.io/change-cause": "first", du.LAST_APPLIED: "{}"}
            }
        },
    )
    c.reconcile()
    [rs] = rs_of(c)
    h = rs["metadata"]["labels"]["pod-template-hash"]
    assert rs["metadata"]["name"] == f"web-{h}"
    assert rs["metadata"]["labels"] == {"app": "web", "pod-template-hash": h}
    assert rs["spec"]["selector"] == {"matchLabels": {"app": "web", "pod-template-hash": h}}
    assert rs["spec"]["template"]["metadata"]["labels"] == {"app": "web", "pod-template-hash": h}
    assert rs["spec"]["minReadySeconds"] == 5
    ref = rs["metadata"]["ownerReferences"][0]
    assert (ref["kind"], ref["name"], ref["uid"], ref["controller"]) == (
        "Deployment",
        "web",
        d["metadata"]["uid"],
        True,
    )
    assert rs["metadata"]["annotations"] == {
        "deployment.kubernetes.io/revision": "1",
        "deployment.kubernetes.io/desired-replicas": "3",
        "deployment.kubernetes.io/max-replicas": "4",
        "kubernetes.io/change-cause": "first",
    }
    assert all(p["metadata"]["labels"]["pod-template-hash"] == h for p in pods(c))
    assert scaling_events(c) == [f"Scaled up replica set web-{h} to 3"]


def test_deployment_gets_revision_and_conditions_while_progressing():
    c = workload_cluster()
    c.api.create(deployment("web", 3))
    c.reconcile()
    d = c.api.get("deploy", "web")
    [rs] = rs_of(c)
    assert d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "1"
    assert conds(d) == [
        (
            "Available",
            "False",
            "MinimumReplicasUnavailable",
            "Deployment does not have minimum availability.",
        ),
        (
            "Progressing",
            "True",
            "ReplicaSetUpdated",
            f'ReplicaSet "{rs["metadata"]["name"]}" is progressing.',
        ),
    ]
    assert d["status"]["replicas"] == 3 and d["status"]["unavailableReplicas"] == 3
    assert d["status"]["updatedReplicas"] == 3


def test_complete_deployment_status_and_conditions():
    c = settled(3)
    d = c.api.get("deploy", "web")
    [rs] = rs_of(c)
    assert {k: v for k, v in d["status"].items() if k != "conditions"} == {
        "observedGeneration": d["metadata"]["generation"],
        "replicas": 3,
        "updatedReplicas": 3,
        "readyReplicas": 3,
        "availableReplicas": 3,
    }
    assert conds(d) == [
        ("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability."),
        (
            "Progressing",
            "True",
            "NewReplicaSetAvailable",
            f'ReplicaSet "{rs["metadata"]["name"]}" has successfully progressed.',
        ),
    ]


def test_second_reconcile_writes_nothing():
    c = settled(4)
    d = c.api.get("deploy", "web")
    d["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.26"
    c.api.update(d)
    c.reconcile()
    before = c.store.meta["resourceVersion"]
    c.reconcile()
    assert c.store.meta["resourceVersion"] == before


def test_replicaset_deleted_behind_its_back_comes_back_with_the_same_name():
    c = settled(2)
    [rs] = rs_of(c)
    c.store.remove("ReplicaSet", "default", rs["metadata"]["name"])
    c.reconcile()
    [again] = rs_of(c)
    assert again["metadata"]["name"] == rs["metadata"]["name"]
    assert again["metadata"]["uid"] != rs["metadata"]["uid"]


def test_replicaset_scaled_by_hand_is_scaled_back():
    c = settled(2)
    [rs] = rs_of(c)
    rs["spec"]["replicas"] = 5
    c.api.update(rs)
    c.reconcile()
    assert rs_of(c)[0]["spec"]["replicas"] == 2
    assert scaling_events(c)[-1] == f"Scaled down replica set {rs['metadata']['name']} to 2 from 5"


def test_scaling_updates_annotations_and_emits_from_event():
    c = settled(2)
    c.api.patch("deploy", "web", {"spec": {"replicas": 5}})
    c.reconcile()
    [rs] = rs_of(c)
    assert rs["spec"]["replicas"] == 5
    assert rs["metadata"]["annotations"]["deployment.kubernetes.io/desired-replicas"] == "5"
    assert rs["metadata"]["annotations"]["deployment.kubernetes.io/max-replicas"] == "7"
    assert scaling_events(c)[-1] == f"Scaled up replica set {rs['metadata']['name']} to 5 from 2"
    assert len(pods(c)) == 5


def test_deployment_annotations_are_copied_to_the_new_replicaset():
    c = settled(1)
    c.api.patch("deploy", "web", {"metadata": {"annotations": {"team": "blue"}}})
    c.reconcile()
    assert rs_of(c)[0]["metadata"]["annotations"]["team"] == "blue"
    d = c.api.get("deploy", "web")
    assert d["status"]["observedGeneration"] == d["metadata"]["generation"]


def test_orphan_replicaset_matching_the_selector_is_adopted():
    c = workload_cluster()
    d = deployment("web", 1)
    h = compute_hash(d["spec"]["template"])
    orphan = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {"name": f"web-{h}", "labels": {"app": "web", "pod-template-hash": h}},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app": "web", "pod-template-hash": h}},
            "template": {
                "metadata": {"labels": {"app": "web", "pod-template-hash": h}},
                "spec": d["spec"]["template"]["spec"],
            },
        },
    }
    c.api.create(orphan)
    created = c.api.create(d)
    c.reconcile()
    [rs] = rs_of(c)
    assert rs["metadata"]["ownerReferences"][0]["uid"] == created["metadata"]["uid"]
    assert len(pods(c)) == 1


# ---- rollback_template ---------------------------------------------------------------------


def rolled(c, image):
    d = c.api.get("deploy", "web")
    d["spec"]["template"]["spec"]["containers"][0]["image"] = image
    c.api.update(d)
    c.reconcile()
    ready_all(c)
    c.reconcile()


def test_rollback_template_errors():
    c = settled(1)
    d = c.api.get("deploy", "web")
    with pytest.raises(du.RollbackError) as exc:
        du.rollback_template(c, d, 0)
    assert exc.value.message == 'no rollout history found for deployment "web"'
    with pytest.raises(du.RollbackError) as exc:
        du.rollback_template(c, d, 7)
    assert exc.value.message == "unable to find specified revision 7 in history"
    with pytest.raises(du.RollbackSkipped) as exc:
        du.rollback_template(c, d, 1)
    assert exc.value.message == "skipped rollback (current template already matches revision 1)"
    d["spec"]["paused"] = True
    with pytest.raises(du.RollbackError) as exc:
        du.rollback_template(c, d, 0)
    assert exc.value.message == (
        "you cannot rollback a paused deployment; resume it first with "
        "'kubectl rollout resume' and try again"
    )


def test_rollback_template_picks_previous_revision_without_hash_label():
    c = settled(1)
    c.api.patch(
        "deploy", "web", {"metadata": {"annotations": {"kubernetes.io/change-cause": "v1"}}}
    )
    c.reconcile()
    rolled(c, "nginx:1.26")
    d = c.api.get("deploy", "web")
    template, annotations = du.rollback_template(c, d, 0)
    assert template["spec"]["containers"][0]["image"] == "nginx:1.25"
    assert template["metadata"]["labels"] == {"app": "web"}
    assert annotations["kubernetes.io/change-cause"] == "v1"
    assert annotations["deployment.kubernetes.io/revision"] == "2"
    template2, _ = du.rollback_template(c, d, 1)
    assert template2 == template


def test_hash_collision_with_a_foreign_replicaset_bumps_collision_count():
    c = workload_cluster()
    d = c.api.create(deployment("web", 1))  # not reconciled yet: no ReplicaSet so far
    h = compute_hash(d["spec"]["template"])
    foreign = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {"name": f"web-{h}", "labels": {"app": "other"}},
        "spec": {
            "replicas": 0,
            "selector": {"matchLabels": {"app": "other"}},
            "template": {
                "metadata": {"labels": {"app": "other"}},
                "spec": d["spec"]["template"]["spec"],
            },
        },
    }
    c.api.create(foreign)
    c.reconcile()
    status = c.api.get("deploy", "web")["status"]
    assert status["collisionCount"] == 1
    [rs] = rs_of(c)
    h1 = compute_hash(c.api.get("deploy", "web")["spec"]["template"], 1)
    assert rs["metadata"]["name"] == f"web-{h1}" != f"web-{h}"
    assert len(pods(c)) == 1


def test_replicaset_create_error_condition_event_and_retry_after_backoff():
    c = workload_cluster()
    real_create = c.api.create
    refuse = {"on": True}

    def create(obj, **kw):
        if obj.get("kind") == "ReplicaSet" and refuse["on"]:
            raise Forbidden("replicasets.apps", obj["metadata"]["name"], "exceeded quota: rs")
        return real_create(obj, **kw)

    c.api.create = create
    c.api.create(deployment("web", 1))
    c.reconcile()
    assert rs_of(c) == []
    d = c.api.get("deploy", "web")
    name = f"web-{compute_hash(d['spec']['template'])}"
    msg = (
        f'Failed to create new replica set "{name}": replicasets.apps "{name}" is forbidden: '
        "exceeded quota: rs"
    )
    assert conds(d)[-1] == ("Progressing", "False", "ReplicaSetCreateError", msg)
    warnings = [
        e["message"]
        for e in c.api.list("events", "default")
        if e["reason"] == "ReplicaSetCreateError"
    ]
    assert warnings == [msg]
    refuse["on"] = False
    c.reconcile()
    assert rs_of(c) == []  # still backing off
    c.advance(1)
    assert [rs["metadata"]["name"] for rs in rs_of(c)] == [name]
