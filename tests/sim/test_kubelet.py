"""The kubelet: pulls, starts, statuses, IPs, events and the pod lifecycle as kubectl shows it."""

import re

from playground.sim import Cluster
from playground.sim.objects import clone

from .node_support import condition, events, idle, make_pod, pod, reasons, state


def test_pod_start_events_status_and_conditions():
    c = Cluster.new()
    make_pod(c, "web", nodeName="worker-1")
    c.reconcile()
    p = pod(c, "web")
    assert p["status"]["phase"] == "Pending"
    assert state(p) == ("waiting", "ContainerCreating")
    assert "podIP" not in p["status"]
    c.advance(10)
    p = pod(c, "web")
    assert p["status"]["phase"] == "Running"
    assert [r for r, _, _ in events(c, "web")] == ["Pulling", "Pulled", "Created", "Started"]
    msgs = [m for _, m, _ in events(c, "web")]
    assert msgs[0] == 'Pulling image "nginx:1.25"'
    assert re.fullmatch(r'Successfully pulled image "nginx:1\.25" in ([\d.]+m?s) '
                        r"\(\1 including waiting\)\. Image size: 70993892 bytes\.", msgs[1])
    assert msgs[2:] == ["Created container: app", "Started container app"]
    cs = p["status"]["containerStatuses"][0]
    assert cs["ready"] is True and cs["started"] is True and cs["restartCount"] == 0
    assert cs["image"] == "docker.io/library/nginx:1.25"
    assert cs["imageID"].startswith("docker.io/library/nginx@sha256:")
    assert cs["containerID"].startswith("containerd://")
    assert p["status"]["podIP"] == "10.244.1.2"
    assert p["status"]["podIPs"] == [{"ip": "10.244.1.2"}]
    assert p["status"]["hostIP"] == "172.18.0.3"
    assert [(x["type"], x["status"]) for x in p["status"]["conditions"]] == [
        ("PodReadyToStartContainers", "True"), ("Initialized", "True"), ("Ready", "True"),
        ("ContainersReady", "True"), ("PodScheduled", "True")]


def test_cached_image_is_already_present_on_the_node():
    c = Cluster.new()
    make_pod(c, "a", nodeName="worker-2")
    c.advance(10)
    make_pod(c, "b", nodeName="worker-2")
    c.advance(5)
    assert events(c, "b")[0] == (
        "Pulled", 'Container image "nginx:1.25" already present on machine', 1)
    assert "Pulling" not in reasons(c, "b")
    assert pod(c, "b")["status"]["phase"] == "Running"


def test_pod_ips_come_sequentially_from_the_node_range():
    c = Cluster.new()
    for name in ("a", "b", "c"):
        make_pod(c, name, nodeName="worker-1")
    c.advance(5)
    assert [pod(c, n)["status"]["podIP"] for n in "abc"] == [
        "10.244.1.2", "10.244.1.3", "10.244.1.4"]
    c.api.delete("pod", "b", grace_period_seconds=0)
    make_pod(c, "d", nodeName="worker-1")
    make_pod(c, "e", nodeName="worker-2")
    c.advance(5)
    assert pod(c, "d")["status"]["podIP"] == "10.244.1.5", "host-local continues after the last"
    assert pod(c, "e")["status"]["podIP"] == "10.244.2.2"


def test_unknown_tag_err_image_pull_then_image_pull_back_off():
    c = Cluster.new()
    make_pod(c, "bad", image="nginx:1.99")
    t0 = c.clock.now
    seen = []
    for _ in range(6):
        c.step()
        key, reason = state(pod(c, "bad"))
        if not seen or seen[-1] != reason:
            seen.append(reason)
    assert seen[:3] == ["ContainerCreating", "ErrImagePull", "ImagePullBackOff"]
    err = ('rpc error: code = NotFound desc = failed to pull and unpack image '
           '"docker.io/library/nginx:1.99": failed to resolve reference '
           '"docker.io/library/nginx:1.99": docker.io/library/nginx:1.99: not found')
    got = {(r, m) for r, m, _ in events(c, "bad")}
    assert ("Failed", f'Failed to pull image "nginx:1.99": {err}') in got
    assert ("Failed", "Error: ErrImagePull") in got
    assert ("BackOff", 'Back-off pulling image "nginx:1.99"') in got
    assert ("Failed", "Error: ImagePullBackOff") in got
    c.run_until(t0 + 100)
    p = pod(c, "bad")
    assert p["status"]["phase"] == "Pending"
    waiting = p["status"]["containerStatuses"][0]["state"]["waiting"]
    assert waiting == {"message": f'Back-off pulling image "nginx:1.99": ErrImagePull: {err}',
                       "reason": "ImagePullBackOff"}
    pulls = next(n for r, _, n in events(c, "bad") if r == "Pulling")
    assert pulls == 4, "retries after 10 s, 20 s, 40 s: the back-off doubles"


def test_unknown_repository_is_pull_access_denied():
    c = Cluster.new()
    make_pod(c, "typo", image="ngnix")
    c.advance(5)
    failed = [m for r, m, _ in events(c, "typo") if m.startswith("Failed to pull")]
    assert failed == ['Failed to pull image "ngnix": rpc error: code = Unknown desc = failed to '
                      'pull and unpack image "docker.io/library/ngnix:latest": failed to resolve '
                      'reference "docker.io/library/ngnix:latest": pull access denied, '
                      "repository does not exist or may require authorization: server message: "
                      "insufficient_scope: authorization failed"]


def _crash_loop_observations(c, name, steps=80):
    seen, restarts = [], []
    last_count = 0
    for _ in range(steps):
        c.step()
        cs = pod(c, name)["status"]["containerStatuses"][0]
        if cs["restartCount"] != last_count:
            restarts.append(c.clock.now)
            last_count = cs["restartCount"]
        waiting = cs["state"].get("waiting") or {}
        if waiting.get("reason") == "CrashLoopBackOff":
            entry = (cs["restartCount"], waiting["message"].split()[1])
            if not seen or seen[-1] != entry:
                seen.append(entry)
    return seen, restarts


def test_crash_loop_back_off_doubles_up_to_five_minutes():
    c = Cluster.new()
    make_pod(c, "crash", image="busybox", command=["sh", "-c", "exit 1"], nodeName="worker-1")
    seen, restarts = _crash_loop_observations(c, "crash")
    assert seen[:7] == [(1, "10s"), (2, "20s"), (3, "40s"), (4, "1m20s"), (5, "2m40s"),
                        (6, "5m0s"), (7, "5m0s")]
    gaps = [b - a for a, b in zip(restarts, restarts[1:], strict=False)]
    for gap, backoff in zip(gaps, (10, 20, 40, 80, 160, 300, 300), strict=False):
        assert backoff <= gap <= backoff + 1.5
    cs = pod(c, "crash")["status"]["containerStatuses"][0]
    last = cs["lastState"]["terminated"]
    assert (last["exitCode"], last["reason"]) == (1, "Error")
    uid = pod(c, "crash")["metadata"]["uid"]
    assert ("BackOff", f"Back-off restarting failed container app in pod crash_default({uid})"
            ) in {(r, m) for r, m, _ in events(c, "crash")}
    assert pod(c, "crash")["status"]["phase"] == "Running"


def test_busybox_without_a_command_completes_at_once_and_crash_loops():
    c = Cluster.new()
    make_pod(c, "bb", image="busybox")
    c.advance(3)
    assert state(pod(c, "bb"))[1] in ("Completed", "CrashLoopBackOff")
    c.advance(5)
    cs = pod(c, "bb")["status"]["containerStatuses"][0]
    assert cs["state"]["waiting"]["reason"] == "CrashLoopBackOff"
    assert cs["lastState"]["terminated"]["reason"] == "Completed"
    assert cs["lastState"]["terminated"]["exitCode"] == 0


def test_restart_policy_never_ends_in_succeeded_or_failed():
    c = Cluster.new()
    make_pod(c, "ok", image="busybox", command=["echo", "hi"], restartPolicy="Never")
    make_pod(c, "ko", image="busybox", command=["sh", "-c", "exit 2"], restartPolicy="Never")
    c.advance(20)
    ok, ko = pod(c, "ok"), pod(c, "ko")
    assert ok["status"]["phase"] == "Succeeded"
    assert ko["status"]["phase"] == "Failed"
    assert state(ok) == ("terminated", "Completed")
    assert ko["status"]["containerStatuses"][0]["state"]["terminated"]["exitCode"] == 2
    assert condition(ko, "Ready")["reason"] == "PodCompleted"
    assert ko["status"]["containerStatuses"][0]["restartCount"] == 0


def test_sleep_runs_for_its_duration():
    c = Cluster.new()
    make_pod(c, "nap", image="busybox", command=["sleep", "30"], restartPolicy="OnFailure")
    c.advance(20)
    assert pod(c, "nap")["status"]["phase"] == "Running"
    c.advance(20)
    p = pod(c, "nap")
    assert p["status"]["phase"] == "Succeeded"
    t = p["status"]["containerStatuses"][0]["state"]["terminated"]
    from playground.sim.objects import parse_time
    assert parse_time(t["finishedAt"]) - parse_time(t["startedAt"]) in (29, 30, 31)


def test_readiness_probe_gates_ready():
    c = Cluster.new()
    probe = {"httpGet": {"path": "/", "port": 80}, "initialDelaySeconds": 5,
             "periodSeconds": 10}
    make_pod(c, "web", readinessProbe=probe, nodeName="worker-1")
    c.advance(4)
    p = pod(c, "web")
    assert p["status"]["phase"] == "Running"
    assert condition(p, "Ready")["status"] == "False"
    assert condition(p, "Ready")["message"] == "containers with unready status: [app]"
    c.advance(5)
    assert condition(pod(c, "web"), "Ready")["status"] == "True"


def test_failing_readiness_probe_never_becomes_ready():
    c = Cluster.new()
    probe = {"httpGet": {"path": "/healthz", "port": 8080}, "periodSeconds": 5}
    make_pod(c, "web", readinessProbe=probe, nodeName="worker-1")
    c.advance(60)
    p = pod(c, "web")
    assert p["status"]["containerStatuses"][0]["ready"] is False
    assert condition(p, "ContainersReady")["reason"] == "ContainersNotReady"
    ip = p["status"]["podIP"]
    assert ("Unhealthy", f'Readiness probe failed: Get "http://{ip}:8080/healthz": dial tcp '
            f"{ip}:8080: connect: connection refused") in {
        (r, m) for r, m, _ in events(c, "web")}
    assert p["status"]["containerStatuses"][0]["restartCount"] == 0


def test_failing_liveness_probe_restarts_the_container():
    c = Cluster.new()
    probe = {"tcpSocket": {"port": 8080}, "initialDelaySeconds": 3, "periodSeconds": 5,
             "failureThreshold": 3}
    make_pod(c, "live", livenessProbe=probe)
    c.advance(25)
    assert ("Killing", "Container app failed liveness probe, will be restarted") in {
        (r, m) for r, m, _ in events(c, "live")}
    assert pod(c, "live")["status"]["containerStatuses"][0]["restartCount"] >= 1


def test_graceful_deletion_waits_for_the_grace_period():
    c = Cluster.new()
    make_pod(c, "web", terminationGracePeriodSeconds=20)
    c.advance(10)
    deleted = c.api.delete("pod", "web")
    assert deleted["metadata"]["deletionGracePeriodSeconds"] == 20
    c.advance(19)
    assert pod(c, "web")["metadata"]["deletionTimestamp"]
    assert ("Killing", "Stopping container app", 1) in events(c, "web")
    c.advance(1)
    assert c.store.get("Pod", "default", "web") is None
    assert c.store.get("PodRuntime", "", "default/web") is None


def test_force_deletion_is_immediate_and_waiting_pods_go_at_once():
    c = Cluster.new()
    make_pod(c, "web")
    make_pod(c, "bad", image="nginx:nope")
    c.advance(10)
    c.api.delete("pod", "web", grace_period_seconds=0)
    assert c.store.get("Pod", "default", "web") is None
    c.api.delete("pod", "bad")
    c.reconcile()
    assert c.store.get("Pod", "default", "bad") is None, "no running container to stop"


def test_missing_executable_is_a_start_error():
    c = Cluster.new()
    make_pod(c, "nope", image="busybox", command=["foo"])
    c.advance(3)
    msgs = [m for r, m, _ in events(c, "nope") if r == "Failed"]
    assert msgs and 'exec: "foo": executable file not found in $PATH' in msgs[0]
    assert msgs[0].startswith("Error: failed to create containerd task:")
    c.advance(5)
    cs = pod(c, "nope")["status"]["containerStatuses"][0]
    assert cs["lastState"]["terminated"]["reason"] == "StartError"
    assert cs["lastState"]["terminated"]["exitCode"] == 128


def test_missing_config_map_blocks_the_start_until_it_exists():
    c = Cluster.new()
    env = [{"name": "MODE", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "mode"}}}]
    make_pod(c, "app", env=env)
    c.advance(5)
    p = pod(c, "app")
    assert p["status"]["containerStatuses"][0]["state"]["waiting"] == {
        "message": 'configmap "cfg" not found', "reason": "CreateContainerConfigError"}
    assert ("Failed", 'Error: configmap "cfg" not found') in {
        (r, m) for r, m, _ in events(c, "app")}
    c.api.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"},
                  "data": {"other": "x"}})
    c.reconcile()
    assert pod(c, "app")["status"]["containerStatuses"][0]["state"]["waiting"]["message"] == (
        "couldn't find key mode in ConfigMap default/cfg")
    c.api.patch("configmap", "cfg", {"data": {"mode": "fast"}})
    c.reconcile()
    assert pod(c, "app")["status"]["phase"] == "Running"


def test_kubelet_is_idempotent_and_restores_a_tampered_status():
    c = Cluster.new()
    make_pod(c, "web")
    c.advance(10)
    assert idle(c)
    broken = clone(pod(c, "web"))
    broken["status"]["phase"] = "Pending"
    broken["status"]["containerStatuses"][0]["ready"] = False
    c.api.update(broken, subresource="status")
    c.reconcile()
    p = pod(c, "web")
    assert p["status"]["phase"] == "Running"
    assert p["status"]["containerStatuses"][0]["ready"] is True
    assert idle(c)


def test_system_pods_are_running_after_bootstrap():
    c = Cluster.new()
    pods = {p["metadata"]["name"]: p for p in c.store.list("Pod", "kube-system")}
    static = {"etcd-cp-1", "kube-apiserver-cp-1", "kube-controller-manager-cp-1",
              "kube-scheduler-cp-1"}
    assert static <= set(pods)
    coredns = [p for n, p in pods.items() if n.startswith("coredns-")]
    assert len(coredns) == 2 and {p["spec"]["nodeName"] for p in coredns} == {"cp-1"}
    assert sorted(p["status"]["podIP"] for p in coredns) == ["10.244.0.2", "10.244.0.3"]
    proxies = sorted(p["spec"]["nodeName"] for n, p in pods.items()
                     if n.startswith("kube-proxy-"))
    assert proxies == ["cp-1", "worker-1", "worker-2"]
    assert all(p["status"]["phase"] == "Running" and condition(p, "Ready")["status"] == "True"
               for p in pods.values())
    assert pods["etcd-cp-1"]["status"]["podIP"] == "172.18.0.2"
    assert "kubernetes.io/config.mirror" in pods["etcd-cp-1"]["metadata"]["annotations"]
    assert c.next_wakeup() is None, "a fresh cluster is settled"


def test_init_containers_run_in_order_before_the_app():
    c = Cluster.new()
    c.api.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "ini"}, "spec": {
        "initContainers": [
            {"name": "wait", "image": "busybox:1.36", "command": ["sh", "-c", "sleep 5"]},
            {"name": "prep", "image": "busybox:1.36", "command": ["echo", "ready"]}],
        "containers": [{"name": "app", "image": "nginx:1.25"}]}})
    c.advance(4)
    p = pod(c, "ini")
    assert p["status"]["phase"] == "Pending"
    assert [next(iter(s["state"])) for s in p["status"]["initContainerStatuses"]] == [
        "running", "waiting"]
    assert state(p) == ("waiting", "PodInitializing")
    assert condition(p, "Initialized")["message"] == (
        "containers with incomplete status: [wait prep]")
    c.advance(10)
    p = pod(c, "ini")
    assert p["status"]["phase"] == "Running"
    assert condition(p, "Initialized")["status"] == "True"
    started = [m for r, m, _ in events(c, "ini") if r == "Started"]
    assert started == ["Started container wait", "Started container prep",
                       "Started container app"]


def test_failing_init_container_crash_loops_or_fails_the_pod():
    c = Cluster.new()
    init = [{"name": "boom", "image": "busybox:1.36", "command": ["sh", "-c", "exit 3"]}]
    app = [{"name": "app", "image": "nginx:1.25"}]
    c.api.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "loop"},
                  "spec": {"initContainers": init, "containers": app}})
    c.api.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "once"},
                  "spec": {"initContainers": init, "containers": app,
                           "restartPolicy": "Never"}})
    c.advance(30)
    loop = pod(c, "loop")["status"]
    assert loop["phase"] == "Pending"
    assert loop["initContainerStatuses"][0]["state"]["waiting"]["reason"] == "CrashLoopBackOff"
    assert loop["initContainerStatuses"][0]["restartCount"] >= 2
    once = pod(c, "once")["status"]
    assert once["phase"] == "Failed"
    assert once["initContainerStatuses"][0]["state"]["terminated"]["exitCode"] == 3


def test_deleted_mirror_pod_of_a_static_pod_comes_back():
    c = Cluster.new()
    old = pod(c, "kube-scheduler-cp-1", ns="kube-system")
    c.api.delete("pod", "kube-scheduler-cp-1", namespace="kube-system", grace_period_seconds=0)
    c.advance(5)
    new = pod(c, "kube-scheduler-cp-1", ns="kube-system")
    assert new["metadata"]["uid"] != old["metadata"]["uid"]
    assert new["status"]["phase"] == "Running"
    assert new["metadata"]["annotations"]["kubernetes.io/config.mirror"] == (
        old["metadata"]["annotations"]["kubernetes.io/config.mirror"])


def test_liveness_exec_example_from_the_docs_restarts_after_the_file_is_removed():
    c = Cluster.new()
    make_pod(c, "liveness-exec", image="busybox:1.36", container="liveness",
             args=["/bin/sh", "-c", "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; "
                   "sleep 600"],
             livenessProbe={"exec": {"command": ["cat", "/tmp/healthy"]},
                            "initialDelaySeconds": 5, "periodSeconds": 5})
    c.advance(30)
    assert "Unhealthy" not in reasons(c, "liveness-exec")
    c.advance(20)
    evs = {(r, m) for r, m, _ in events(c, "liveness-exec")}
    assert ("Unhealthy", "Liveness probe failed: cat: can't open '/tmp/healthy': No such file "
            "or directory") in evs
    assert ("Killing", "Container liveness failed liveness probe, will be restarted") in evs
    cs = pod(c, "liveness-exec")["status"]["containerStatuses"][0]
    assert cs["restartCount"] == 1
    assert cs["lastState"]["terminated"]["exitCode"] == 137


def test_readiness_turns_false_when_the_probe_starts_failing():
    c = Cluster.new()
    make_pod(c, "flaky", image="busybox:1.36",
             command=["sh", "-c", "touch /tmp/ready; sleep 20; rm /tmp/ready; sleep 3600"],
             readinessProbe={"exec": {"command": ["cat", "/tmp/ready"]}, "periodSeconds": 5,
                             "failureThreshold": 2})
    c.advance(10)
    assert condition(pod(c, "flaky"), "Ready")["status"] == "True"
    c.advance(30)
    p = pod(c, "flaky")
    assert condition(p, "Ready")["status"] == "False"
    assert p["status"]["containerStatuses"][0]["restartCount"] == 0


def test_changing_a_pods_image_restarts_the_container_with_the_new_one():
    c = Cluster.new()
    make_pod(c, "web", image="nginx:1.99")
    c.advance(30)
    assert state(pod(c, "web")) == ("waiting", "ImagePullBackOff")
    c.api.patch("pod", "web", {"spec": {"containers": [{"name": "app", "image": "nginx:1.25"}]}},
                patch_type="strategic")
    c.advance(5)
    p = pod(c, "web")
    assert p["status"]["phase"] == "Running"
    assert p["status"]["containerStatuses"][0]["image"] == "docker.io/library/nginx:1.25"
    c.api.patch("pod", "web", {"spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}},
                patch_type="strategic")
    c.advance(5)
    cs = pod(c, "web")["status"]["containerStatuses"][0]
    assert cs["image"] == "docker.io/library/nginx:1.27"
    assert cs["restartCount"] == 1
    assert ("Killing", "Container app definition changed, will be restarted", 1) in events(
        c, "web")


def test_kubelet_rejects_a_pinned_pod_that_does_not_fit():
    c = Cluster.new()
    make_pod(c, "huge", requests={"cpu": "3"}, nodeName="worker-1")
    make_pod(c, "picky", nodeName="worker-1", nodeSelector={"disktype": "ssd"})
    c.reconcile()
    huge, picky = pod(c, "huge"), pod(c, "picky")
    assert (huge["status"]["phase"], huge["status"]["reason"]) == ("Failed", "OutOfcpu")
    assert huge["status"]["message"] == ("Pod was rejected: Node didn't have enough resource: "
                                         "cpu, requested: 3000, used: 0, capacity: 2000")
    assert ("OutOfcpu", "Node didn't have enough resource: cpu, requested: 3000, used: 0, "
            "capacity: 2000", 1) in events(c, "huge")
    assert picky["status"]["reason"] == "NodeAffinity"
    assert picky["status"]["message"] == ("Pod was rejected: Predicate NodeAffinity failed: "
                                          "node(s) didn't match Pod's node affinity/selector")
    assert idle(c)


def test_startup_probe_gates_readiness_and_kills_a_container_that_never_starts():
    c = Cluster.new()
    slow = {"httpGet": {"path": "/", "port": 80}, "initialDelaySeconds": 20, "periodSeconds": 5,
            "failureThreshold": 30}
    make_pod(c, "slow", startupProbe=slow, readinessProbe={"httpGet": {"path": "/", "port": 80}})
    never = {"tcpSocket": {"port": 9999}, "periodSeconds": 5, "failureThreshold": 3}
    make_pod(c, "never", startupProbe=never)
    c.advance(15)
    cs = pod(c, "slow")["status"]["containerStatuses"][0]
    assert cs["state"].get("running") and cs["started"] is False and cs["ready"] is False
    c.advance(20)
    cs = pod(c, "slow")["status"]["containerStatuses"][0]
    assert cs["started"] is True and cs["ready"] is True
    assert ("Killing", "Container app failed startup probe, will be restarted") in {
        (r, m) for r, m, _ in events(c, "never")}
    assert pod(c, "never")["status"]["containerStatuses"][0]["restartCount"] >= 1


def test_memory_hog_over_its_limit_is_oom_killed_like_the_docs_example():
    c = Cluster.new()
    c.api.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "memory-demo-2"},
                  "spec": {"containers": [{
                      "name": "memory-demo-2-ctr", "image": "polinux/stress",
                      "resources": {"requests": {"memory": "50Mi"},
                                    "limits": {"memory": "100Mi"}},
                      "command": ["stress"],
                      "args": ["--vm", "1", "--vm-bytes", "250M", "--vm-hang", "1"]}]}})
    c.advance(20)
    cs = pod(c, "memory-demo-2")["status"]["containerStatuses"][0]
    last = cs["lastState"]["terminated"]
    assert (last["reason"], last["exitCode"]) == ("OOMKilled", 137)
    assert cs["restartCount"] >= 1


def test_a_container_with_a_bad_image_does_not_hold_back_the_next_one():
    c = Cluster.new()
    c.api.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "two"}, "spec": {
        "containers": [{"name": "bad", "image": "nginx:1.99"},
                       {"name": "side", "image": "busybox:1.36", "command": ["sleep", "3600"]}]}})
    c.advance(20)
    p = pod(c, "two")
    states = {s["name"]: next(iter(s["state"])) for s in p["status"]["containerStatuses"]}
    assert states == {"bad": "waiting", "side": "running"}
    assert p["status"]["phase"] == "Pending"
    assert condition(p, "Ready")["message"] == "containers with unready status: [bad]"
