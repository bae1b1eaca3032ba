"""The PV controller, local-path provisioning and the PVC/PV protection controllers."""

from playground.sim import Cluster
from playground.sim.controllers.volume import PersistentVolumeController, ProtectionController
from playground.sim.objects import clone

from .test_storage import pv, pvc


def cluster():
    c = Cluster.new()
    c.controllers = [PersistentVolumeController(), ProtectionController()]
    return c


def claim_events(c, name):
    evs = sorted(c.store.list("Event", "default"),
                 key=lambda e: int(e["metadata"]["resourceVersion"]))
    return [(e["reason"], e["message"]) for e in evs if e["involvedObject"]["name"] == name]


def phase(c, kind, name):
    return c.api.get(kind, name)["status"]["phase"]


def select_node(c, name, node="worker-1"):
    """What the scheduler's VolumeBinding PreBind does for a WaitForFirstConsumer claim."""
    claim = clone(c.store.get("PersistentVolumeClaim", "default", name))
    claim["metadata"].setdefault("annotations", {})["volume.kubernetes.io/selected-node"] = node
    c.api.update(claim, actor="default-scheduler")


def use_claim(c, pod_name, claim, node="worker-1"):
    c.api.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": pod_name},
                  "spec": {"nodeName": node,
                           "containers": [{"name": "app", "image": "nginx:1.25"}],
                           "volumes": [{"name": "d", "persistentVolumeClaim":
                                        {"claimName": claim}}]}})


def test_static_binding_picks_the_smallest_matching_volume():
    c = cluster()
    c.api.create(pv("big", "10Gi", storageClassName=""))
    c.api.create(pv("small", "2Gi", storageClassName=""))
    c.api.create(pv("tiny", "500Mi", storageClassName=""))
    c.api.create(pv("rwx", "1Gi", storageClassName="", accessModes=["ReadWriteMany"]))
    c.reconcile()
    assert phase(c, "pv", "big") == "Available"
    c.api.create(pvc("data", "1Gi", storageClassName=""))
    c.reconcile()
    claim = c.api.get("pvc", "data")
    assert claim["spec"]["volumeName"] == "small"
    assert claim["status"] == {"phase": "Bound", "accessModes": ["ReadWriteOnce"],
                               "capacity": {"storage": "2Gi"}}
    assert claim["metadata"]["annotations"] == {"pv.kubernetes.io/bind-completed": "yes",
                                                "pv.kubernetes.io/bound-by-controller": "yes"}
    vol = c.api.get("pv", "small")
    assert vol["status"]["phase"] == "Bound"
    assert {k: vol["spec"]["claimRef"][k] for k in ("kind", "namespace", "name", "uid")} == {
        "kind": "PersistentVolumeClaim", "namespace": "default", "name": "data",
        "uid": claim["metadata"]["uid"]}
    rv = c.store.meta["resourceVersion"]
    c.reconcile()
    assert c.store.meta["resourceVersion"] == rv


def test_no_class_and_no_volume_is_failed_binding():
    c = cluster()
    c.api.create(pvc("data", storageClassName=""))
    c.reconcile()
    c.reconcile()
    assert phase(c, "pvc", "data") == "Pending"
    assert claim_events(c, "data") == [(
        "FailedBinding",
        "no persistent volumes available for this claim and no storage class is set")]


def test_wait_for_first_consumer_then_local_path_provisioning():
    c = cluster()
    claim = c.api.create(pvc("data"))
    c.advance(30)
    assert phase(c, "pvc", "data") == "Pending"
    assert claim_events(c, "data") == [
        ("WaitForFirstConsumer", "waiting for first consumer to be created before binding")]
    select_node(c, "data", "worker-2")
    c.reconcile()
    assert phase(c, "pvc", "data") == "Pending", "provisioning takes a moment"
    c.advance(2)
    name = f"pvc-{claim['metadata']['uid']}"
    assert c.api.get("pvc", "data")["spec"]["volumeName"] == name
    assert phase(c, "pvc", "data") == "Bound"
    vol = c.api.get("pv", name)
    assert vol["spec"]["persistentVolumeReclaimPolicy"] == "Delete"
    assert vol["spec"]["storageClassName"] == "standard"
    assert vol["spec"]["capacity"] == {"storage": "1Gi"}
    assert vol["spec"]["nodeAffinity"]["required"]["nodeSelectorTerms"][0][
        "matchExpressions"][0]["values"] == ["worker-2"]
    assert vol["metadata"]["annotations"]["pv.kubernetes.io/provisioned-by"] == (
        "rancher.io/local-path")
    reasons = [r for r, _ in claim_events(c, "data")]
    assert reasons == ["WaitForFirstConsumer", "ExternalProvisioning", "Provisioning",
                       "ProvisioningSucceeded"]
    assert claim_events(c, "data")[-1][1] == f"Successfully provisioned volume {name}"
    annotations = c.api.get("pvc", "data")["metadata"]["annotations"]
    assert annotations["volume.kubernetes.io/storage-provisioner"] == "rancher.io/local-path"


def test_unknown_class_fails_provisioning():
    c = cluster()
    c.api.create(pvc("data", storageClassName="fast"))
    c.reconcile()
    assert claim_events(c, "data") == [
        ("ProvisioningFailed", 'storageclass.storage.k8s.io "fast" not found')]


def test_deleting_a_claim_releases_and_reclaims_its_volume():
    c = cluster()
    c.api.create(pv("keep", "1Gi", storageClassName=""))
    c.api.create(pv("drop", "2Gi", storageClassName="", persistentVolumeReclaimPolicy="Delete",
                    hostPath={"path": "/tmp/drop"}))
    c.api.create(pvc("a", "1Gi", storageClassName=""))
    c.reconcile()
    c.api.create(pvc("b", "1Gi", storageClassName=""))
    c.reconcile()
    assert c.api.get("pvc", "b")["spec"]["volumeName"] == "drop"
    c.api.delete("pvc", "a")
    c.api.delete("pvc", "b")
    c.reconcile()
    assert c.store.list("PersistentVolumeClaim") == []
    assert phase(c, "pv", "keep") == "Released"
    assert c.store.get("PersistentVolume", "", "drop") is None


def test_claim_in_use_stays_terminating_until_its_pod_is_gone():
    c = cluster()
    c.api.create(pv("vol", "1Gi", storageClassName=""))
    c.api.create(pvc("data", "1Gi", storageClassName=""))
    c.reconcile()
    use_claim(c, "app", "data")
    c.api.delete("pvc", "data")
    c.reconcile()
    claim = c.api.get("pvc", "data")
    assert claim["metadata"]["deletionTimestamp"]
    assert claim["metadata"]["finalizers"] == ["kubernetes.io/pvc-protection"]
    c.api.delete("pod", "app", grace_period_seconds=0)
    c.reconcile()
    assert c.store.get("PersistentVolumeClaim", "default", "data") is None


def test_bound_volume_cannot_vanish_under_its_claim():
    c = cluster()
    c.api.create(pv("vol", "1Gi", storageClassName=""))
    c.api.create(pvc("data", "1Gi", storageClassName=""))
    c.reconcile()
    c.api.delete("pv", "vol")
    c.reconcile()
    assert c.api.get("pv", "vol")["metadata"]["finalizers"] == ["kubernetes.io/pv-protection"]
    vol = clone(c.store.get("PersistentVolume", "", "vol"))
    vol["metadata"]["finalizers"] = []
    c.api.update(vol)  # an administrator forces it
    c.reconcile()
    assert phase(c, "pvc", "data") == "Lost"
    assert claim_events(c, "data")[-1] == (
        "ClaimLost", "Bound claim has lost its PersistentVolume. Data on the volume is lost!")


def test_level_triggered_volume_phase_is_repaired():
    c = cluster()
    c.api.create(pv("vol", "1Gi", storageClassName=""))
    c.advance(7)
    assert c.api.get("pv", "vol")["status"] == {"phase": "Available",
                                                "lastPhaseTransitionTime": "2026-01-01T00:00:00Z"}
    vol = c.api.get("pv", "vol")
    vol["status"] = {"phase": "Failed"}
    c.api.update(vol, subresource="status")
    c.reconcile()
    assert c.api.get("pv", "vol")["status"] == {"phase": "Available",
                                                "lastPhaseTransitionTime": "2026-01-01T00:00:07Z"}


def test_retroactive_default_class():
    c = cluster()
    c.api.delete("sc", "standard")
    c.api.create(pvc("data"))
    assert "storageClassName" not in c.api.get("pvc", "data")["spec"]
    c.reconcile()
    c.api.create({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
                  "metadata": {"name": "fast", "annotations": {
                      "storageclass.kubernetes.io/is-default-class": "true"}},
                  "provisioner": "rancher.io/local-path"})
    c.reconcile()
    assert c.api.get("pvc", "data")["spec"]["storageClassName"] == "fast"


def test_static_volume_outside_tmp_cannot_be_deleted():
    c = cluster()
    c.api.create(pv("data", "1Gi", storageClassName="", persistentVolumeReclaimPolicy="Delete"))
    c.api.create(pvc("a", "1Gi", storageClassName=""))
    c.reconcile()
    c.api.delete("pvc", "a")
    c.reconcile()
    vol = c.api.get("pv", "data")
    message = "host_path deleter only supports /tmp/.+ but received provided /data/data"
    assert (vol["status"]["phase"], vol["status"]["message"]) == ("Failed", message)
    assert claim_events(c, "data") == [("VolumeFailedDelete", message)]
    rv = c.store.meta["resourceVersion"]
    c.reconcile()
    assert c.store.meta["resourceVersion"] == rv


def test_a_volume_pre_bound_by_name_goes_to_its_claim_only():
    c = cluster()
    c.api.create(pv("reserved", "1Gi", storageClassName="",
                    claimRef={"namespace": "default", "name": "mine"}))
    c.api.create(pvc("other", "1Gi", storageClassName=""))
    c.reconcile()
    assert phase(c, "pvc", "other") == "Pending"
    assert phase(c, "pv", "reserved") == "Available"
    c.api.create(pvc("mine", "1Gi", storageClassName=""))
    c.reconcile()
    assert c.api.get("pvc", "mine")["spec"]["volumeName"] == "reserved"
    vol = c.api.get("pv", "reserved")
    assert vol["spec"]["claimRef"]["uid"] == c.api.get("pvc", "mine")["metadata"]["uid"]
    assert "pv.kubernetes.io/bound-by-controller" not in (vol["metadata"].get("annotations")
                                                          or {})


def test_local_path_refuses_shared_and_block_volumes():
    c = cluster()
    c.api.create(pvc("shared", modes=("ReadWriteMany",)))
    c.api.create(pvc("raw", volumeMode="Block"))
    for name in ("shared", "raw"):
        select_node(c, name)
    c.advance(10)
    assert phase(c, "pvc", "shared") == phase(c, "pvc", "raw") == "Pending"
    assert claim_events(c, "shared")[-1] == (
        "ProvisioningFailed", 'failed to provision volume with StorageClass "standard": NodePath '
        "only supports ReadWriteOnce and ReadWriteOncePod (1.22+) access modes")
    assert claim_events(c, "raw")[-1] == (
        "ProvisioningFailed", "rancher.io/local-path does not support block volume provisioning")
    assert c.store.list("PersistentVolume") == []
    rv = c.store.meta["resourceVersion"]
    c.reconcile()
    assert c.store.meta["resourceVersion"] == rv


def test_two_claims_never_bind_the_same_volume():
    c = cluster()
    c.api.create(pv("only", "1Gi", storageClassName=""))
    c.reconcile()
    c.api.create(pvc("a", "1Gi", storageClassName=""))
    c.api.create(pvc("b", "1Gi", storageClassName=""))
    c.reconcile()
    phases = sorted(phase(c, "pvc", n) for n in ("a", "b"))
    assert phases == ["Bound", "Pending"]
    assert c.api.get("pv", "only")["spec"]["claimRef"]["name"] in ("a", "b")
