"""StatefulSets on the whole simulated cluster: scheduler, kubelet, volumes, DNS, nodes, GC."""

import pytest

from playground.sim import Cluster, dns
from playground.sim.nodes import stop_node

from .sts_helpers import pod_names, sts_manifest

HEADLESS = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "nginx"},
            "spec": {"clusterIP": "None", "selector": {"app": "web"},
                     "ports": [{"port": 80, "name": "web"}]}}


def ready(c, name):
    pod = c.store.get("Pod", "default", name)
    conds = {x["type"]: x["status"] for x in pod["status"].get("conditions") or []}
    return pod["status"].get("phase") == "Running" and conds.get("Ready") == "True"


def claim_table(c):
    return {p["metadata"]["name"]: (p["status"]["phase"], p["spec"].get("volumeName"))
            for p in c.store.list("PersistentVolumeClaim", "default")}


@pytest.fixture
def web():
    c = Cluster.new()
    c.api.create(HEADLESS)
    c.api.create(sts_manifest())
    c.settle()
    return c


def test_web_comes_up_in_order_with_bound_claims(web):
    assert pod_names(web) == ["web-0", "web-1", "web-2"]
    assert all(ready(web, n) for n in pod_names(web))
    claims = claim_table(web)
    assert {k: v[0] for k, v in claims.items()} == {"www-web-0": "Bound", "www-web-1": "Bound",
                                                    "www-web-2": "Bound"}
    created = {p["metadata"]["name"]: p["metadata"]["creationTimestamp"]
               for p in web.store.list("Pod", "default")}
    assert created["web-0"] < created["web-1"] < created["web-2"], "one after the other"
    for name in pod_names(web):
        pod = web.api.get("pod", name)
        pv = web.api.get("pv", claims[f"www-{name}"][1])
        node_values = pv["spec"]["nodeAffinity"]["required"]["nodeSelectorTerms"][0][
            "matchExpressions"][0]["values"]
        assert node_values == [pod["spec"]["nodeName"]], "local-path volumes live on the pod's node"
    st = web.api.get("sts", "web")["status"]
    assert (st["replicas"], st["readyReplicas"], st["availableReplicas"]) == (3, 3, 3)


def test_pod_dns_name_appears_only_once_the_pod_is_ready():
    c = Cluster.new()
    c.api.create(HEADLESS)
    c.api.create(sts_manifest(replicas=1))
    c.reconcile()
    name = "web-0.nginx.default.svc.cluster.local"
    assert not dns.resolve(c, name).ok
    while not ready(c, "web-0"):
        assert not dns.resolve(c, name).ok, "no record before web-0 is Ready"
        assert c.step() is not None
    c.settle()
    answer = dns.resolve(c, name)
    assert answer.addresses() == [c.api.get("pod", "web-0")["status"]["podIP"]]


def test_scale_down_keeps_claims_and_scale_up_reattaches_them(web):
    before = claim_table(web)
    nodes = {n: web.api.get("pod", n)["spec"]["nodeName"] for n in pod_names(web)}
    web.api.patch("sts", "web", {"spec": {"replicas": 1}})
    web.settle()
    assert pod_names(web) == ["web-0"]
    assert claim_table(web) == before, "www-web-1 and www-web-2 stay Bound to their volumes"
    web.api.patch("sts", "web", {"spec": {"replicas": 3}})
    web.settle()
    assert pod_names(web) == ["web-0", "web-1", "web-2"]
    assert claim_table(web) == before
    for name in ("web-1", "web-2"):
        pod = web.api.get("pod", name)
        assert pod["spec"]["volumes"][0]["persistentVolumeClaim"]["claimName"] == f"www-{name}"
        assert pod["spec"]["nodeName"] == nodes[name], "back on the node that holds its volume"


def test_deleting_the_set_keeps_claims_by_default(web):
    web.api.delete("sts", "web")
    web.settle()
    assert pod_names(web) == []
    assert sorted(claim_table(web)) == ["www-web-0", "www-web-1", "www-web-2"]
    web.api.create(sts_manifest())
    web.settle()
    assert all(v[0] == "Bound" for v in claim_table(web).values())
    assert len(web.store.list("PersistentVolume")) == 3


def test_when_deleted_delete_removes_claims_and_their_volumes():
    c = Cluster.new()
    c.api.create(sts_manifest(replicas=2, persistentVolumeClaimRetentionPolicy={
        "whenDeleted": "Delete", "whenScaled": "Retain"}))
    c.settle()
    assert len(c.store.list("PersistentVolume")) == 2
    c.api.delete("sts", "web")
    c.settle()
    assert pod_names(c) == []
    assert claim_table(c) == {}
    assert c.store.list("PersistentVolume") == [], "reclaim policy Delete of class standard"


def test_broken_rollout_needs_the_stuck_pod_deleted():
    c = Cluster.new()
    c.api.create(sts_manifest(replicas=2, claims=False))
    c.settle()
    c.api.patch("sts", "web", {"spec": {"template": {"spec": {"containers": [
        {"name": "nginx", "image": "nginx:no-such-tag"}]}}}})
    c.advance(120)
    assert not ready(c, "web-1") and ready(c, "web-0")
    c.api.patch("sts", "web", {"spec": {"template": {"spec": {"containers": [
        {"name": "nginx", "image": "nginx:1.25"}]}}}})
    c.advance(300)
    pod = c.api.get("pod", "web-1")
    assert pod["spec"]["containers"][0]["image"] == "nginx:no-such-tag", "still stuck"
    c.api.delete("pod", "web-1")
    c.advance(120)
    assert c.api.get("pod", "web-1")["spec"]["containers"][0]["image"] == "nginx:1.25"
    assert ready(c, "web-1")


def test_pod_on_a_stopped_node_stays_terminating_until_force_deleted():
    c = Cluster.new()
    c.api.create(sts_manifest(replicas=2, claims=False))
    c.settle()
    node = c.api.get("pod", "web-1")["spec"]["nodeName"]
    uid = c.api.get("pod", "web-1")["metadata"]["uid"]
    stop_node(c, node)
    c.advance(600)
    pod = c.api.get("pod", "web-1")
    assert pod["metadata"]["uid"] == uid and pod["metadata"].get("deletionTimestamp"), \
        "evicted but never confirmed gone: no second web-1"
    c.api.delete("pod", "web-1", grace_period_seconds=0)
    c.advance(60)
    pod = c.api.get("pod", "web-1")
    assert pod["metadata"]["uid"] != uid
    assert pod["spec"]["nodeName"] != node
    assert ready(c, "web-1")


def test_deleting_the_node_object_lets_the_pod_be_replaced():
    c = Cluster.new()
    c.api.create(sts_manifest(replicas=2, claims=False))
    c.settle()
    node = c.api.get("pod", "web-0")["spec"]["nodeName"]
    uid = c.api.get("pod", "web-0")["metadata"]["uid"]
    stop_node(c, node)
    c.advance(400)
    assert c.api.get("pod", "web-0")["metadata"]["uid"] == uid
    c.api.delete("node", node)  # PodGC removes pods bound to nodes that no longer exist
    c.advance(120)
    pod = c.api.get("pod", "web-0")
    assert pod["metadata"]["uid"] != uid and pod["spec"]["nodeName"] != node
    assert ready(c, "web-0")


def test_orphaned_pods_are_adopted_by_a_recreated_set(web):
    uids = {n: web.api.get("pod", n)["metadata"]["uid"] for n in pod_names(web)}
    web.api.delete("sts", "web", propagation_policy="Orphan")
    web.settle()
    assert pod_names(web) == ["web-0", "web-1", "web-2"]
    assert all("ownerReferences" not in web.api.get("pod", n)["metadata"]
               for n in pod_names(web))
    sts = web.api.create(sts_manifest())
    web.settle()
    assert {n: web.api.get("pod", n)["metadata"]["uid"] for n in pod_names(web)} == uids
    for name in pod_names(web):
        refs = web.api.get("pod", name)["metadata"]["ownerReferences"]
        assert [r["uid"] for r in refs] == [sts["metadata"]["uid"]]
    st = web.api.get("sts", "web")["status"]
    assert (st["replicas"], st["updatedReplicas"]) == (3, 3), "same template, same revision"


def test_when_scaled_delete_removes_the_claims_of_scaled_away_pods():
    c = Cluster.new()
    c.api.create(sts_manifest(persistentVolumeClaimRetentionPolicy={
        "whenDeleted": "Retain", "whenScaled": "Delete"}))
    c.settle()
    c.api.patch("sts", "web", {"spec": {"replicas": 1}})
    c.settle()
    assert sorted(claim_table(c)) == ["www-web-0"]
    assert len(c.store.list("PersistentVolume")) == 1


def test_a_deleted_claim_waits_for_its_pod_then_comes_back_empty(web):
    old_volume = claim_table(web)["www-web-0"][1]
    web.api.delete("pvc", "www-web-0")
    web.settle()
    claim = web.api.get("pvc", "www-web-0")
    assert claim["metadata"]["deletionTimestamp"], "kubernetes.io/pvc-protection holds it"
    assert ready(web, "web-0")
    web.api.delete("pod", "web-0")
    web.settle()
    assert ready(web, "web-0")
    phase, volume = claim_table(web)["www-web-0"]
    assert phase == "Bound" and volume != old_volume, "a new claim with a new, empty volume"
    failed = [e["message"] for e in web.store.list("Event", "default")
              if e["reason"] == "FailedCreate"]
    assert failed == ["create Pod web-0 in StatefulSet web failed error: pvc www-web-0 is being "
                      "deleted"]


def test_without_a_storage_class_claims_and_pods_stay_pending():
    c = Cluster.new()
    c.api.delete("sc", "standard")  # a bare kubeadm cluster has no StorageClass
    c.api.create(sts_manifest(replicas=2))
    c.advance(60)
    assert pod_names(c) == ["web-0"], "OrderedReady waits for web-0 forever"
    assert claim_table(c) == {"www-web-0": ("Pending", None)}
    reasons = {(e["involvedObject"]["name"], e["reason"]): e["message"]
               for e in c.store.list("Event", "default")}
    assert reasons[("www-web-0", "FailedBinding")] == (
        "no persistent volumes available for this claim and no storage class is set")
    assert "pod has unbound immediate PersistentVolumeClaims" in reasons[
        ("web-0", "FailedScheduling")]
