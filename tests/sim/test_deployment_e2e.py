"""Deployments on the whole simulated cluster: the real scheduler and kubelet start, probe and
stop the pods, so rollouts take simulated seconds like on a kubeadm cluster."""

from playground.sim import Cluster
from playground.sim.controllers import deployment_conditions as dc
from playground.sim.objects import controller_ref
from tests.sim.workload_helpers import deployment, rs_of, scaling_events


def running(c, rs_name=None):
    out = []
    for p in c.api.list("pods", "default"):
        ref = controller_ref(p) or {}
        if rs_name is not None and ref.get("name") != rs_name:
            continue
        if p["status"].get("phase") == "Running" and not p["metadata"].get("deletionTimestamp"):
            out.append(p)
    return out


def set_image(c, image):
    d = c.api.get("deploy", "web")
    d["spec"]["template"]["spec"]["containers"][0]["image"] = image
    c.api.update(d)


def progressing(c):
    cond = dc.get_condition(c.api.get("deploy", "web")["status"], "Progressing")
    return cond["status"], cond["reason"], cond["message"]


def test_rolling_update_of_10_replicas_on_the_real_cluster():
    c = Cluster.new()
    c.api.create(deployment("web", 10))
    _, done = c.settle()
    assert done
    [old] = [rs["metadata"]["name"] for rs in rs_of(c)]
    assert len(running(c, old)) == 10
    set_image(c, "nginx:1.26")
    _, done = c.settle()
    assert done
    new = rs_of(c)[1]["metadata"]["name"]
    events = scaling_events(c)
    assert events[:3] == [
        f"Scaled up replica set {old} to 10",
        f"Scaled up replica set {new} to 3",
        f"Scaled down replica set {old} to 8 from 10",
    ]
    assert events[-1].startswith(f"Scaled down replica set {old} to 0 from ")
    assert len(running(c, new)) == 10 and running(c, old) == []
    d = c.api.get("deploy", "web")
    assert d["status"]["updatedReplicas"] == d["status"]["availableReplicas"] == 10
    assert d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "2"
    assert progressing(c) == (
        "True",
        "NewReplicaSetAvailable",
        f'ReplicaSet "{new}" has successfully progressed.',
    )


def test_rolling_update_keeps_surge_and_availability_bounds_at_every_step():
    c = Cluster.new()
    c.api.create(deployment("web", 4))
    c.settle()
    set_image(c, "nginx:1.26")
    for _ in range(500):
        pods = [
            p
            for p in c.api.list("pods", "default")
            if (controller_ref(p) or {}).get("kind") == "ReplicaSet"
            and not p["metadata"].get("deletionTimestamp")
        ]
        ready = [
            p
            for p in pods
            if any(
                x["type"] == "Ready" and x["status"] == "True"
                for x in p["status"].get("conditions") or []
            )
        ]
        assert len(pods) <= 5  # replicas 4 + maxSurge 1
        assert len(ready) >= 3  # replicas 4 - maxUnavailable 1
        if c.step() is None:
            break
    assert len(running(c, rs_of(c)[1]["metadata"]["name"])) == 4


def test_recreate_never_runs_old_and_new_pods_together():
    c = Cluster.new()
    c.api.create(deployment("web", 3, strategy={"type": "Recreate"}))
    c.settle()
    [old] = [rs["metadata"]["name"] for rs in rs_of(c)]
    set_image(c, "nginx:1.26")
    for _ in range(500):
        owners = {(controller_ref(p) or {}).get("name") for p in c.api.list("pods", "default")}
        owners.discard(None)
        assert len(owners) <= 1  # terminating old pods included
        if c.step() is None:
            break
    new = rs_of(c)[1]["metadata"]["name"]
    assert len(running(c, new)) == 3
    assert scaling_events(c)[1:] == [
        f"Scaled down replica set {old} to 0 from 3",
        f"Scaled up replica set {new} to 3",
    ]


def test_bad_image_exceeds_the_progress_deadline_and_keeps_old_pods():
    c = Cluster.new()
    c.api.create(deployment("web", 4, progressDeadlineSeconds=60))
    c.settle()
    set_image(c, "nginx:1.99-no-such-tag")
    c.settle(limit=300)
    new = rs_of(c)[1]["metadata"]["name"]
    assert progressing(c) == (
        "False",
        "ProgressDeadlineExceeded",
        f'ReplicaSet "{new}" has timed out progressing.',
    )
    d = c.api.get("deploy", "web")
    assert d["status"]["availableReplicas"] == 3  # maxUnavailable 1 of 4
    assert dc.get_condition(d["status"], "Available")["status"] == "True"
    assert running(c, new) == []


def test_deleted_pod_is_replaced_while_it_terminates():
    c = Cluster.new()
    c.api.create(deployment("web", 3))
    c.settle()
    victim = running(c)[0]["metadata"]["name"]
    c.api.delete("pods", victim, namespace="default")
    c.reconcile()
    assert c.api.get("pods", victim)["metadata"].get("deletionTimestamp")
    active = [
        p for p in c.api.list("pods", "default") if not p["metadata"].get("deletionTimestamp")
    ]
    assert len(active) == 3
    c.settle()
    assert len(running(c)) == 3
    assert victim not in {p["metadata"]["name"] for p in c.api.list("pods", "default")}
