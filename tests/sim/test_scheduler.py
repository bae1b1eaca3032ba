"""The scheduler: filters, the FailedScheduling message, spreading, retries, volume binding."""

from playground.sim import Cluster
from playground.sim.objects import clone

from .node_support import condition, deployment, events, idle, make_pod, pod, reasons, user_pods

CP_TAINT = "1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }"


def test_pod_that_fits_nowhere_stays_pending_with_the_fit_error():
    c = Cluster.new()
    make_pod(c, "big", requests={"cpu": "3"})
    c.advance(30)
    p = pod(c, "big")
    msg = ("0/3 nodes are available: 1 node(s) had untolerated taint "
           "{node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. preemption: 0/3 nodes "
           "are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims "
           "found for incoming pod..")
    assert p["status"]["phase"] == "Pending"
    assert "nodeName" not in p["spec"]
    cond = condition(p, "PodScheduled")
    assert (cond["status"], cond["reason"], cond["message"]) == ("False", "Unschedulable", msg)
    assert events(c, "big") == [("FailedScheduling", msg, 1)]


def test_failed_scheduling_is_written_again_only_when_the_reason_changes():
    c = Cluster.new()
    make_pod(c, "big", requests={"cpu": "1500m", "memory": "5Gi"})
    c.advance(120)
    assert idle(c)
    assert len(events(c, "big")) == 1
    c.api.patch("node", "worker-1", {"spec": {"unschedulable": True}})
    c.reconcile()
    msgs = [m for r, m, _ in events(c, "big") if r == "FailedScheduling"]
    assert msgs[-1] == (
        f"0/3 nodes are available: 1 Insufficient memory, {CP_TAINT}, 1 node(s) were "
        "unschedulable. preemption: 0/3 nodes are available: 1 No preemption victims found for "
        "incoming pod, 2 Preemption is not helpful for scheduling..")
    assert len(msgs) == 2


def test_pending_pod_is_placed_once_capacity_frees_up():
    c = Cluster.new()
    for node in ("worker-1", "worker-2"):
        make_pod(c, f"hog-{node}", requests={"cpu": "1"}, nodeName=node)
    make_pod(c, "want", requests={"cpu": "1500m"})
    c.advance(10)
    assert "nodeName" not in pod(c, "want")["spec"]
    c.api.delete("pod", "hog-worker-2", grace_period_seconds=0)
    c.advance(10)
    p = pod(c, "want")
    assert p["spec"]["nodeName"] == "worker-2"
    assert reasons(c, "want")[:2] == ["FailedScheduling", "Scheduled"]
    assert events(c, "want")[1][1] == "Successfully assigned default/want to worker-2"
    assert condition(p, "PodScheduled")["status"] == "True"


def test_node_selector_is_a_filter_and_labels_make_the_node_fit():
    c = Cluster.new()
    make_pod(c, "ssd", nodeSelector={"disktype": "ssd"})
    c.reconcile()
    assert condition(pod(c, "ssd"), "PodScheduled")["message"] == (
        f"0/3 nodes are available: {CP_TAINT}, 2 node(s) didn't match Pod's node "
        "affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful "
        "for scheduling..")
    c.api.patch("node", "worker-2", {"metadata": {"labels": {"disktype": "ssd"}}})
    c.reconcile()
    assert pod(c, "ssd")["spec"]["nodeName"] == "worker-2"


def test_toleration_lets_a_pod_onto_the_control_plane():
    c = Cluster.new()
    tol = [{"key": "node-role.kubernetes.io/control-plane", "operator": "Exists",
            "effect": "NoSchedule"}]
    make_pod(c, "cp", nodeSelector={"kubernetes.io/hostname": "cp-1"}, tolerations=tol)
    make_pod(c, "no-tol", nodeSelector={"kubernetes.io/hostname": "cp-1"})
    c.reconcile()
    assert pod(c, "cp")["spec"]["nodeName"] == "cp-1"
    assert "nodeName" not in pod(c, "no-tol")["spec"]


def test_custom_taint_message_shows_key_and_value():
    c = Cluster.new()
    for node in ("worker-1", "worker-2"):
        c.api.patch("node", node, {"spec": {"taints": [
            {"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}]}})
    make_pod(c, "p")
    c.reconcile()
    assert condition(pod(c, "p"), "PodScheduled")["message"].startswith(
        "0/3 nodes are available: 1 node(s) had untolerated taint "
        "{node-role.kubernetes.io/control-plane: }, 2 node(s) had untolerated taint "
        "{dedicated: gpu}. preemption:")


def test_replicas_spread_over_the_workers():
    c = Cluster.new()
    c.api.create(deployment("web", replicas=4))
    c.advance(30)
    nodes = sorted(p["spec"]["nodeName"] for p in user_pods(c))
    assert nodes == ["worker-1", "worker-1", "worker-2", "worker-2"]
    placed = [e["message"] for e in c.store.timeline
              if e["actor"] == "default-scheduler" and e["namespace"] == "default"]
    assert len(placed) == 4 and all(m.startswith("placed web-") for m in placed)
    assert "fewest pods of its ReplicaSet" in placed[-1]


def test_node_name_set_by_the_user_bypasses_the_scheduler():
    c = Cluster.new()
    make_pod(c, "pinned", nodeName="worker-2")
    c.advance(10)
    assert pod(c, "pinned")["status"]["phase"] == "Running"
    assert "Scheduled" not in reasons(c, "pinned")


def test_too_many_pods_when_the_node_is_full():
    c = Cluster.new(workers=1)
    c.api.patch("node", "worker-1", {"status": {"allocatable": {"pods": "2"}}},
                subresource="status")
    make_pod(c, "a")
    make_pod(c, "b")
    c.reconcile()
    assert condition(pod(c, "b"), "PodScheduled")["message"] == (
        f"0/2 nodes are available: 1 Too many pods, {CP_TAINT}. preemption: 0/2 nodes are "
        "available: 1 No preemption victims found for incoming pod, 1 Preemption is not "
        "helpful for scheduling..")


def test_missing_and_unbound_immediate_claims_fail_before_the_filters():
    c = Cluster.new()
    vols = [{"name": "data", "persistentVolumeClaim": {"claimName": "data"}}]
    make_pod(c, "db", volumes=vols)
    c.reconcile()
    assert condition(pod(c, "db"), "PodScheduled")["message"] == (
        '0/3 nodes are available: persistentvolumeclaim "data" not found. preemption: 0/3 '
        "nodes are available: 3 Preemption is not helpful for scheduling..")
    c.api.create({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                  "metadata": {"name": "data"},
                  "spec": {"storageClassName": "", "accessModes": ["ReadWriteOnce"],
                           "resources": {"requests": {"storage": "1Gi"}}}})
    c.reconcile()
    assert condition(pod(c, "db"), "PodScheduled")["message"] == (
        "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. "
        "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling..")


def test_scheduler_is_idempotent_and_level_triggered():
    c = Cluster.new()
    make_pod(c, "big", requests={"cpu": "3"})
    c.reconcile()
    assert idle(c)
    broken = clone(pod(c, "big"))
    broken["status"]["conditions"] = []
    c.api.update(broken, subresource="status")
    c.reconcile()
    assert condition(pod(c, "big"), "PodScheduled")["reason"] == "Unschedulable"
    assert idle(c)


def _anti_affinity_deployment(replicas):
    dep = deployment("web", replicas=replicas)
    dep["spec"]["template"]["spec"]["affinity"] = {"podAntiAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": [{
            "labelSelector": {"matchLabels": {"app": "web"}},
            "topologyKey": "kubernetes.io/hostname"}]}}
    return dep


def test_required_pod_anti_affinity_leaves_the_third_replica_pending():
    c = Cluster.new()
    c.api.create(_anti_affinity_deployment(3))
    c.advance(10)
    pods = user_pods(c)
    placed = sorted(p["spec"]["nodeName"] for p in pods if p["spec"].get("nodeName"))
    assert placed == ["worker-1", "worker-2"]
    [pending] = [p for p in pods if not p["spec"].get("nodeName")]
    assert condition(pending, "PodScheduled")["message"] == (
        f"0/3 nodes are available: {CP_TAINT}, 2 node(s) didn't match pod anti-affinity rules. "
        "preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, "
        "2 No preemption victims found for incoming pod..")


def test_existing_pods_anti_affinity_and_pod_affinity():
    c = Cluster.new()
    anti = {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{
        "labelSelector": {"matchLabels": {"role": "cache"}},
        "topologyKey": "kubernetes.io/hostname"}]}}
    make_pod(c, "loner", nodeName="worker-1", affinity=anti)
    cache = make_pod(c, "cache", nodeSelector={"kubernetes.io/hostname": "worker-1"})
    cache = clone(cache)
    c.api.delete("pod", "cache")
    cache["metadata"] = {"name": "cache", "labels": {"role": "cache"}}
    c.api.create(cache)
    near = {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{
        "labelSelector": {"matchLabels": {"app": "loner"}},
        "topologyKey": "kubernetes.io/hostname"}]}}
    make_pod(c, "friend", affinity=near)
    c.reconcile()
    assert condition(pod(c, "cache"), "PodScheduled")["message"].startswith(
        "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, "
        f"1 node(s) didn't satisfy existing pods anti-affinity rules, {CP_TAINT}. preemption: "
        "0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption "
        "is not helpful for scheduling..")
    assert pod(c, "friend")["spec"]["nodeName"] == "worker-1"


def _spread(selector):
    dep = deployment("spread", replicas=4)
    dep["spec"]["template"]["spec"]["topologySpreadConstraints"] = [{
        "maxSkew": 1, "topologyKey": "kubernetes.io/hostname",
        "whenUnsatisfiable": "DoNotSchedule", "labelSelector": {"matchLabels": {"app": "spread"}}}]
    dep["spec"]["template"]["spec"]["nodeSelector"] = selector
    return dep


def test_topology_spread_counts_the_tainted_control_plane_as_a_domain():
    c = Cluster.new()
    c.api.create(_spread({"kubernetes.io/os": "linux"}))
    c.advance(10)
    nodes = sorted(p["spec"].get("nodeName", "") for p in user_pods(c))
    assert nodes == ["", "", "worker-1", "worker-2"], "cp-1 (0 pods) caps the skew"
    pending = [p for p in user_pods(c) if not p["spec"].get("nodeName")][0]
    assert condition(pending, "PodScheduled")["message"].startswith(
        f"0/3 nodes are available: {CP_TAINT}, 2 node(s) didn't match pod topology spread "
        "constraints. preemption:")


def test_topology_spread_over_the_nodes_the_pod_can_select():
    c = Cluster.new()
    for node in ("worker-1", "worker-2"):
        c.api.patch("node", node, {"metadata": {"labels": {"tier": "worker"}}})
    c.api.create(_spread({"tier": "worker"}))
    c.advance(10)
    nodes = sorted(p["spec"].get("nodeName", "") for p in user_pods(c))
    assert nodes == ["worker-1", "worker-1", "worker-2", "worker-2"]
