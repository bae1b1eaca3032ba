"""The StatefulSet controller with a hand-driven kubelet: ordering, identity, storage, scaling."""

from playground.sim.objects import clone

from .sts_helpers import (
    controller_cluster,
    finish_deletions,
    make_ready,
    pod_names,
    roll_until_stable,
    set_pod_state,
    sts_manifest,
)


def events(c, reason=None):
    evs = sorted(c.store.list("Event", "default"),
                 key=lambda e: int(e["metadata"]["resourceVersion"]))
    return [e["message"] for e in evs
            if e["involvedObject"]["kind"] == "StatefulSet" and reason in (None, e["reason"])]


def claims(c):
    return sorted(p["metadata"]["name"] for p in c.store.list("PersistentVolumeClaim", "default"))


def status(c, name="web"):
    return c.api.get("sts", name)["status"]


def test_ordered_ready_creates_one_pod_at_a_time():
    c = controller_cluster()
    c.api.create(sts_manifest())
    c.reconcile()
    assert pod_names(c) == ["web-0"]
    assert claims(c) == ["www-web-0"]
    set_pod_state(c, "web-0", "Running", ready=False)
    c.reconcile()
    assert pod_names(c) == ["web-0"], "web-1 waits until web-0 is Running and Ready"
    make_ready(c, "web-0")
    assert pod_names(c) == ["web-0", "web-1"]
    make_ready(c, "web-1")
    assert pod_names(c) == ["web-0", "web-1", "web-2"]
    assert claims(c) == ["www-web-0", "www-web-1", "www-web-2"]
    assert events(c) == [
        "create Claim www-web-0 Pod web-0 in StatefulSet web success",
        "create Pod web-0 in StatefulSet web successful",
        "create Claim www-web-1 Pod web-1 in StatefulSet web success",
        "create Pod web-1 in StatefulSet web successful",
        "create Claim www-web-2 Pod web-2 in StatefulSet web success",
        "create Pod web-2 in StatefulSet web successful",
    ]
    sentences = [t["message"] for t in c.store.timeline if t["actor"] == "statefulset-controller"]
    assert ("web-0 is Running and Ready, created web-1 (OrderedReady creates one pod at a time)"
            in sentences)


def test_pod_identity_labels_and_volumes():
    c = controller_cluster()
    sts = c.api.create(sts_manifest(replicas=1))
    c.reconcile()
    pod = c.api.get("pod", "web-0")
    rev = status(c)["updateRevision"]
    assert rev.startswith("web-") and set(rev[4:]) <= set("456789bcdf")
    assert pod["metadata"]["labels"] == {
        "app": "web",
        "statefulset.kubernetes.io/pod-name": "web-0",
        "apps.kubernetes.io/pod-index": "0",
        "controller-revision-hash": rev,
    }
    assert pod["spec"]["hostname"] == "web-0"
    assert pod["spec"]["subdomain"] == "nginx"
    # the claim volume comes first (the ServiceAccount admission may append its token volume)
    assert pod["spec"]["volumes"][0] == {"name": "www",
                                         "persistentVolumeClaim": {"claimName": "www-web-0"}}
    assert pod["metadata"]["ownerReferences"] == [{
        "apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web",
        "uid": sts["metadata"]["uid"], "controller": True, "blockOwnerDeletion": True}]
    claim = c.api.get("pvc", "www-web-0")
    assert claim["metadata"]["labels"] == {"app": "web"}
    assert "ownerReferences" not in claim["metadata"], "Retain/Retain: claims are not owned"
    assert claim["spec"]["storageClassName"] == "standard"
    revision = c.api.get("controllerrevision", rev)
    assert revision["revision"] == 1
    assert revision["metadata"]["labels"]["controller.kubernetes.io/hash"] == rev[4:]
    assert revision["metadata"]["ownerReferences"][0]["uid"] == sts["metadata"]["uid"]


def test_convergence_and_status():
    c = controller_cluster()
    c.api.create(sts_manifest())
    roll_until_stable(c)
    st = status(c)
    assert pod_names(c) == ["web-0", "web-1", "web-2"]
    assert {k: st[k] for k in ("observedGeneration", "replicas", "readyReplicas",
                               "currentReplicas", "updatedReplicas", "availableReplicas",
                               "collisionCount")} == {
        "observedGeneration": 1, "replicas": 3, "readyReplicas": 3, "currentReplicas": 3,
        "updatedReplicas": 3, "availableReplicas": 3, "collisionCount": 0}
    assert st["currentRevision"] == st["updateRevision"]


def test_second_reconcile_writes_nothing():
    c = controller_cluster()
    c.api.create(sts_manifest())
    for step in range(4):
        c.reconcile()
        rv = c.store.meta["resourceVersion"]
        c.reconcile()
        assert c.store.meta["resourceVersion"] == rv, f"step {step} was not idempotent"
        for pod in c.store.list("Pod", "default"):
            if pod["status"].get("phase") != "Running":
                set_pod_state(c, pod["metadata"]["name"])


def test_level_triggered_repairs():
    c = controller_cluster()
    c.api.create(sts_manifest())
    roll_until_stable(c)
    old_uid = c.api.get("pod", "web-1")["metadata"]["uid"]
    c.api.delete("pod", "web-1", grace_period_seconds=0)
    pod = c.api.get("pod", "web-0")
    del pod["metadata"]["labels"]["statefulset.kubernetes.io/pod-name"]
    c.api.update(pod)
    c.reconcile()
    assert c.api.get("pod", "web-1")["metadata"]["uid"] != old_uid, "same name, new pod"
    labels = c.api.get("pod", "web-0")["metadata"]["labels"]
    assert labels["statefulset.kubernetes.io/pod-name"] == "web-0"
    assert "update Pod web-0 in StatefulSet web successful" in events(c, "SuccessfulUpdate")
    c.api.delete("controllerrevision", status(c)["updateRevision"])
    c.reconcile()
    assert c.api.get("controllerrevision", status(c)["updateRevision"])


def test_scale_down_keeps_claims_and_scale_up_reattaches_them():
    c = controller_cluster()
    c.api.create(sts_manifest())
    roll_until_stable(c)
    uids = {n: c.api.get("pvc", n)["metadata"]["uid"] for n in claims(c)}
    c.api.patch("sts", "web", {"spec": {"replicas": 1}})
    c.reconcile()
    assert c.api.get("pod", "web-2")["metadata"].get("deletionTimestamp")
    assert not c.api.get("pod", "web-1")["metadata"].get("deletionTimestamp"), \
        "web-1 waits until web-2 is gone"
    finish_deletions(c)
    assert c.api.get("pod", "web-1")["metadata"].get("deletionTimestamp")
    finish_deletions(c)
    assert pod_names(c) == ["web-0"]
    assert claims(c) == ["www-web-0", "www-web-1", "www-web-2"]
    assert events(c, "SuccessfulDelete") == [
        "delete Pod web-2 in StatefulSet web successful",
        "delete Pod web-1 in StatefulSet web successful",
    ]
    c.api.patch("sts", "web", {"spec": {"replicas": 3}})
    roll_until_stable(c)
    assert pod_names(c) == ["web-0", "web-1", "web-2"]
    assert {n: c.api.get("pvc", n)["metadata"]["uid"] for n in claims(c)} == uids
    assert c.api.get("pod", "web-2")["spec"]["volumes"][0]["persistentVolumeClaim"] == {
        "claimName": "www-web-2"}
    assert events(c, "SuccessfulCreate")[-1] == "create Pod web-2 in StatefulSet web successful"
    assert "create Claim www-web-2 Pod web-2 in StatefulSet web success" not in events(
        c, "SuccessfulCreate")[6:]


def test_ordered_scale_down_waits_for_unhealthy_pods():
    c = controller_cluster()
    c.api.create(sts_manifest())
    roll_until_stable(c)
    set_pod_state(c, "web-0", "Running", ready=False)
    c.api.patch("sts", "web", {"spec": {"replicas": 1}})
    c.reconcile()
    assert not any(p["metadata"].get("deletionTimestamp") for p in c.store.list("Pod", "default"))
    set_pod_state(c, "web-0")
    c.reconcile()
    assert c.api.get("pod", "web-2")["metadata"].get("deletionTimestamp")


def test_parallel_creates_and_deletes_without_waiting():
    c = controller_cluster()
    c.api.create(sts_manifest(policy="Parallel"))
    c.reconcile()
    assert pod_names(c) == ["web-0", "web-1", "web-2"]
    c.api.patch("sts", "web", {"spec": {"replicas": 0}})
    c.reconcile()
    assert all(p["metadata"].get("deletionTimestamp") for p in c.store.list("Pod", "default"))
    finish_deletions(c)
    assert pod_names(c) == []


def test_ordinals_start():
    c = controller_cluster()
    c.api.create(sts_manifest(replicas=2, ordinals={"start": 5}))
    roll_until_stable(c)
    assert pod_names(c) == ["web-5", "web-6"]
    assert claims(c) == ["www-web-5", "www-web-6"]


def test_failed_pod_is_deleted_then_recreated_with_the_same_name():
    c = controller_cluster()
    c.api.create(sts_manifest(replicas=1))
    roll_until_stable(c)
    uid = c.api.get("pod", "web-0")["metadata"]["uid"]
    set_pod_state(c, "web-0", "Failed", ready=False)
    c.reconcile()  # a terminal pod is removed at once (no grace period), then recreated
    assert c.api.get("pod", "web-0")["metadata"]["uid"] != uid
    assert events(c)[-2:] == ["delete Pod web-0 in StatefulSet web successful",
                              "create Pod web-0 in StatefulSet web successful"]


def test_at_most_one_pod_per_identity():
    c = controller_cluster()
    c.api.create(sts_manifest(replicas=2))
    roll_until_stable(c)
    c.api.delete("pod", "web-1")  # graceful: stays Terminating (its node may be unreachable)
    for _ in range(3):
        c.advance(60)
    pod = c.api.get("pod", "web-1")
    assert pod["metadata"].get("deletionTimestamp"), "no replacement while the old one exists"
    assert events(c, "SuccessfulCreate").count("create Pod web-1 in StatefulSet web successful") \
        == 1
    c.api.delete("pod", "web-1", grace_period_seconds=0)  # kubectl delete --force
    c.reconcile()
    assert not c.api.get("pod", "web-1")["metadata"].get("deletionTimestamp")


def test_min_ready_seconds_delays_the_next_pod():
    c = controller_cluster()
    c.api.create(sts_manifest(minReadySeconds=10))
    c.reconcile()
    make_ready(c, "web-0")
    assert pod_names(c) == ["web-0"]
    assert c.next_wakeup() == c.clock.now + 10
    c.advance(10)
    assert pod_names(c) == ["web-0", "web-1"]
    assert status(c)["availableReplicas"] == 1


def test_invalid_claim_template_shows_failed_create_events():
    c = controller_cluster()
    obj = sts_manifest(replicas=1)
    del obj["spec"]["volumeClaimTemplates"][0]["spec"]["accessModes"]
    c.api.create(obj)
    c.reconcile()
    assert pod_names(c) == []
    assert events(c, "FailedCreate") == [
        'create Claim www-web-0 for Pod web-0 in StatefulSet web failed error: '
        'PersistentVolumeClaim "www-web-0" is invalid: spec.accessModes: Required value: at '
        'least 1 access mode is required',
        'create Pod web-0 in StatefulSet web failed error: failed to create PVC www-web-0: '
        'PersistentVolumeClaim "www-web-0" is invalid: spec.accessModes: Required value: at '
        'least 1 access mode is required',
    ]
    wake = c.next_wakeup()
    assert wake is not None and wake > c.clock.now, "retried after a backoff"


def test_claim_being_deleted_blocks_pod_creation():
    c = controller_cluster()
    c.api.create(sts_manifest(replicas=1))
    roll_until_stable(c)
    c.api.delete("pvc", "www-web-0")  # held by kubernetes.io/pvc-protection
    c.api.delete("pod", "web-0", grace_period_seconds=0)
    c.reconcile()
    assert pod_names(c) == []
    assert events(c, "FailedCreate")[-1] == (
        "create Pod web-0 in StatefulSet web failed error: pvc www-web-0 is being deleted")
    claim = clone(c.store.get("PersistentVolumeClaim", "default", "www-web-0"))
    claim["metadata"]["finalizers"] = []
    c.api.update(claim)  # what the pvc-protection controller does once nothing uses it
    c.advance(1)
    assert pod_names(c) == ["web-0"]
    assert claims(c) == ["www-web-0"]


def test_a_long_name_makes_the_revision_label_too_long():
    c = controller_cluster()
    name = "a" * 55
    c.api.create(sts_manifest(name, replicas=1, claims=False))
    c.reconcile()
    assert pod_names(c) == []
    rev = c.api.get("sts", name)["status"]["updateRevision"]
    assert events(c, "FailedCreate") == [
        f'create Pod {name}-0 in StatefulSet {name} failed error: Pod "{name}-0" is invalid: '
        f'metadata.labels: Invalid value: "{rev}": must be no more than 63 characters']


def test_a_foreign_pod_with_the_same_name_blocks_until_removed():
    c = controller_cluster()
    c.api.create({"apiVersion": "v1", "kind": "Pod",
                  "metadata": {"name": "web-0", "labels": {"app": "other"}},
                  "spec": {"containers": [{"name": "app", "image": "nginx:1.25"}]}})
    c.api.create(sts_manifest(replicas=1, claims=False))
    c.reconcile()
    assert c.api.get("pod", "web-0")["metadata"]["labels"] == {"app": "other"}
    assert "ownerReferences" not in c.api.get("pod", "web-0")["metadata"]
    retry = c.next_wakeup()
    assert retry is not None and retry > c.clock.now, "AlreadyExists is retried with a backoff"
    c.api.delete("pod", "web-0", grace_period_seconds=0)
    c.reconcile()
    c.advance(1)
    pod = c.api.get("pod", "web-0")
    assert pod["metadata"]["labels"]["app"] == "web"
    assert pod["metadata"]["ownerReferences"][0]["kind"] == "StatefulSet"
