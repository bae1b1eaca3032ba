"""StatefulSet update strategies, revisions, the broken state and PVC retention ownerRefs."""

from .sts_helpers import (
    controller_cluster,
    finish_deletions,
    pod_names,
    roll_until_stable,
    set_pod_state,
    sts_manifest,
)


def revision_of(c, name):
    return c.api.get("pod", name)["metadata"]["labels"]["controller-revision-hash"]


def set_image(c, image, name="web"):
    sts = c.api.get("sts", name)
    sts["spec"]["template"]["spec"]["containers"][0]["image"] = image
    c.api.update(sts)
    c.reconcile()


def terminating(c):
    return sorted(p["metadata"]["name"] for p in c.store.list("Pod", "default")
                  if p["metadata"].get("deletionTimestamp"))


def stable_set(**kw):
    c = controller_cluster()
    c.api.create(sts_manifest(**kw))
    roll_until_stable(c)
    return c


def test_rolling_update_goes_from_the_highest_ordinal_down_one_at_a_time():
    c = stable_set()
    old = c.api.get("sts", "web")["status"]["currentRevision"]
    set_image(c, "nginx:1.26")
    st = c.api.get("sts", "web")["status"]
    new = st["updateRevision"]
    assert new != old and st["currentRevision"] == old
    order = []
    for _ in range(3):
        assert len(terminating(c)) == 1
        order += terminating(c)
        finish_deletions(c)  # recreated at the update revision, not ready yet
        victim = order[-1]
        assert revision_of(c, victim) == new
        assert terminating(c) == [], "waits for the recreated pod to be Running and Ready"
        set_pod_state(c, victim)
        c.reconcile()
    assert order == ["web-2", "web-1", "web-0"]
    st = c.api.get("sts", "web")["status"]
    assert st["currentRevision"] == st["updateRevision"] == new
    assert st["currentReplicas"] == st["updatedReplicas"] == 3
    assert [r["revision"] for r in c.api.list("controllerrevisions")] in ([1, 2], [2, 1])


def test_partition_updates_only_ordinals_at_or_above_it():
    c = stable_set(updateStrategy={"type": "RollingUpdate", "rollingUpdate": {"partition": 2}})
    old = revision_of(c, "web-0")
    set_image(c, "nginx:1.26")
    roll_until_stable(c)
    new = c.api.get("sts", "web")["status"]["updateRevision"]
    assert [revision_of(c, p) for p in pod_names(c)] == [old, old, new]
    st = c.api.get("sts", "web")["status"]
    assert (st["currentRevision"], st["currentReplicas"], st["updatedReplicas"]) == (old, 2, 1)
    c.api.delete("pod", "web-0", grace_period_seconds=0)
    roll_until_stable(c)
    assert revision_of(c, "web-0") == old, "below the partition: recreated at the old revision"
    c.api.patch("sts", "web", {"spec": {"updateStrategy": {"rollingUpdate": {"partition": 0}}}})
    roll_until_stable(c)
    assert [revision_of(c, p) for p in pod_names(c)] == [new, new, new]
    assert c.api.get("sts", "web")["status"]["currentRevision"] == new


def test_on_delete_waits_for_the_user():
    c = stable_set(updateStrategy={"type": "OnDelete"})
    old = revision_of(c, "web-1")
    set_image(c, "nginx:1.26")
    roll_until_stable(c)
    assert terminating(c) == []
    assert {revision_of(c, p) for p in pod_names(c)} == {old}
    c.api.delete("pod", "web-1", grace_period_seconds=0)
    roll_until_stable(c)
    new = c.api.get("sts", "web")["status"]["updateRevision"]
    assert [revision_of(c, p) for p in pod_names(c)] == [old, new, old]


def test_broken_state_needs_the_stuck_pod_deleted_by_hand():
    c = stable_set()
    good = revision_of(c, "web-2")
    set_image(c, "nginx:no-such-tag")
    finish_deletions(c)
    bad = c.api.get("sts", "web")["status"]["updateRevision"]
    assert revision_of(c, "web-2") == bad
    set_pod_state(c, "web-2", "Pending", ready=False)  # scheduled, ErrImagePull forever
    set_image(c, "nginx:1.25")  # revert the template
    st = c.api.get("sts", "web")["status"]
    assert st["updateRevision"] == good, "the old revision is reused"
    assert c.api.get("controllerrevision", good)["revision"] == 3
    for _ in range(3):
        c.advance(30)
    assert terminating(c) == [] and revision_of(c, "web-2") == bad, "stuck: nothing replaces it"
    c.api.delete("pod", "web-2", grace_period_seconds=0)
    c.reconcile()
    assert revision_of(c, "web-2") == good
    roll_until_stable(c)
    assert {revision_of(c, p) for p in pod_names(c)} == {good}


def test_parallel_recovers_from_a_bad_template_by_itself():
    c = stable_set(policy="Parallel")
    good = revision_of(c, "web-2")
    set_image(c, "nginx:no-such-tag")
    finish_deletions(c)
    set_pod_state(c, "web-2", "Pending", ready=False)
    set_image(c, "nginx:1.25")
    assert terminating(c) == ["web-2"], "the update loop itself replaces the broken pod"
    finish_deletions(c)
    assert revision_of(c, "web-2") == good


def test_revision_history_limit_deletes_the_oldest_unused_revisions():
    c = stable_set(replicas=1, revisionHistoryLimit=1)
    for tag in ("1.26", "1.27", "1.28"):
        set_image(c, f"nginx:{tag}")
        roll_until_stable(c)
    revisions = sorted(r["revision"] for r in c.api.list("controllerrevisions"))
    assert revisions == [3, 4], "the live revision plus one historic one"


def test_when_deleted_delete_makes_the_set_own_its_claims():
    c = stable_set(persistentVolumeClaimRetentionPolicy={"whenDeleted": "Delete",
                                                          "whenScaled": "Retain"})
    uid = c.api.get("sts", "web")["metadata"]["uid"]
    for n in ("www-web-0", "www-web-1", "www-web-2"):
        refs = c.api.get("pvc", n)["metadata"]["ownerReferences"]
        assert refs == [{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web",
                         "uid": uid, "controller": True, "blockOwnerDeletion": True}]


def test_when_scaled_delete_hands_condemned_claims_to_their_pods():
    c = stable_set(persistentVolumeClaimRetentionPolicy={"whenDeleted": "Retain",
                                                          "whenScaled": "Delete"})
    assert "ownerReferences" not in c.api.get("pvc", "www-web-2")["metadata"]
    pod_uid = c.api.get("pod", "web-2")["metadata"]["uid"]
    c.api.patch("sts", "web", {"spec": {"replicas": 2}})
    c.reconcile()
    refs = c.api.get("pvc", "www-web-2")["metadata"]["ownerReferences"]
    assert [(r["kind"], r["name"], r["uid"]) for r in refs] == [("Pod", "web-2", pod_uid)]
    assert "ownerReferences" not in c.api.get("pvc", "www-web-1")["metadata"]


def test_changing_the_retention_policy_updates_existing_claims():
    c = stable_set(replicas=1)
    assert "ownerReferences" not in c.api.get("pvc", "www-web-0")["metadata"]
    c.api.patch("sts", "web", {"spec": {"persistentVolumeClaimRetentionPolicy": {
        "whenDeleted": "Delete"}}})
    c.reconcile()
    refs = c.api.get("pvc", "www-web-0")["metadata"]["ownerReferences"]
    assert [r["kind"] for r in refs] == ["StatefulSet"]
    rv = c.store.meta["resourceVersion"]
    c.reconcile()
    assert c.store.meta["resourceVersion"] == rv
