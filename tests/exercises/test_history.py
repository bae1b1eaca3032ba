"""History-aware checks: hand-built histories (pass and fail) and real simulated runs."""

from __future__ import annotations

from exercises import checks, history, runner
from exercises.history import CheckResult
from playground.sim.cluster import Cluster
from playground.sim.console import Console
from playground.sim.store import Change


def endpoints(n: int, kind: str = "MODIFIED") -> dict:
    return {"op": "object", "type": kind, "kind": "Endpoints", "ns": "default", "name": "web",
            "uid": "e1", "ready": n}


def deploy(image: str, generation: int, uid: str = "d1", kind: str = "MODIFIED") -> dict:
    return {"op": "object", "type": kind, "kind": "Deployment", "ns": "default",
            "name": "web", "uid": uid, "images": [image], "generation": generation}


def pod(name: str, ready: bool, kind: str = "MODIFIED", sts: str = "db") -> dict:
    return {"op": "object", "type": kind, "kind": "Pod", "ns": "default", "name": name,
            "uid": name, "ready": ready, "sts": sts}


def action(verb: str, kind: str, name: str) -> dict:
    return {"op": "action", "actor": "you", "verb": verb, "kind": kind, "ns": "default",
            "name": name, "t": 0.0}


ROLLOUT = {"service": "web", "min": 2, "during_rollout_of": "web"}


def test_endpoints_never_below_passes_when_the_rollout_keeps_enough():
    recs = [deploy("nginx:1.27", 1), endpoints(0), endpoints(3), deploy("nginx:1.28", 2),
            endpoints(4), endpoints(2), endpoints(3)]
    assert history.endpoints_never_below(ROLLOUT, recs) == CheckResult(
        True, "Service web kept at least 2 ready endpoints while Deployment web rolled out "
              "(lowest: 2).")


def test_endpoints_before_the_rollout_do_not_count_but_the_last_one_does():
    start_up = [deploy("nginx:1.27", 1), endpoints(0), endpoints(1), endpoints(3)]
    assert history.endpoints_never_below(
        ROLLOUT, start_up + [deploy("nginx:1.28", 2), endpoints(3)]).passed
    low_at_start = [deploy("nginx:1.27", 1), endpoints(1), deploy("nginx:1.28", 2),
                    endpoints(3)]
    assert history.endpoints_never_below(ROLLOUT, low_at_start) == CheckResult(
        False, "Ready endpoints of Service web dropped to 1 while Deployment web rolled out "
               "(at least 2 were needed at all times).")


def test_endpoints_dropping_during_the_rollout_fails_with_the_lowest_count():
    recs = [deploy("nginx:1.27", 1), endpoints(3), deploy("nginx:1.28", 2), endpoints(0),
            endpoints(3)]
    result = history.endpoints_never_below(ROLLOUT, recs)
    assert not result.passed
    assert "dropped to 0" in result.feedback


def test_endpoints_deleted_counts_as_zero():
    rec = history.object_record(Change("DELETED", "Endpoints", "default", "web",
                                       {"metadata": {"name": "web", "uid": "e"},
                                        "subsets": [{"addresses": [{}, {}]}]}, 9))
    assert rec["ready"] == 0


def test_no_rollout_means_no_pass():
    recs = [deploy("nginx:1.27", 1), endpoints(3), deploy("nginx:1.27", 2)]
    assert history.endpoints_never_below(ROLLOUT, recs) == CheckResult(
        False, "The image of Deployment web never changed, so there was no rollout to watch.")


def test_without_a_rollout_window_the_whole_history_counts():
    params = {"service": "web", "min": 1}
    assert not history.endpoints_never_below(params, [endpoints(0), endpoints(3)]).passed
    assert history.endpoints_never_below(params, [endpoints(2), endpoints(3)]).passed
    assert history.endpoints_never_below(params, []) == CheckResult(
        False, "Service web never had endpoints.")


def test_updated_not_recreated():
    params = {"deployment": "web"}
    updated = [deploy("a", 1, kind="ADDED"), deploy("b", 2)]
    assert history.updated_not_recreated(params, updated).passed
    recreated = [deploy("a", 1, kind="ADDED"), deploy("a", 1, kind="DELETED"),
                 deploy("b", 1, uid="d2", kind="ADDED")]
    assert history.updated_not_recreated(params, recreated) == CheckResult(
        False, "Deployment web was deleted and created again; change it in place instead "
               "(kubectl set image, edit or apply).")
    assert history.updated_not_recreated(params, [deploy("a", 1, kind="ADDED")]) == CheckResult(
        False, "Deployment web was never updated.")
    assert not history.updated_not_recreated(params, []).passed


def test_no_manual_delete_blames_only_the_learner():
    assert history.no_manual_delete({}, [action("created", "Pod", "x")]).passed
    assert history.no_manual_delete({}, [action("deleted", "Pod", "web-0")]) == CheckResult(
        False, "You deleted Pod web-0 by hand; let the controllers replace objects instead.")
    assert history.no_manual_delete({"kind": "Service"}, [action("deleted", "Pod", "x")]).passed
    controller = {**action("deleted", "Pod", "x"), "actor": "replicaset-controller"}
    assert history.action_record({"actor": "replicaset-controller", "message": "x"}) is None
    assert history.no_manual_delete({}, [r for r in [controller] if r["actor"] == "you"]).passed


def test_ordered_startup():
    params = {"statefulset": "db"}
    good = [pod("db-0", False, "ADDED"), pod("db-0", True), pod("db-1", False, "ADDED"),
            pod("db-1", True), pod("db-2", False, "ADDED"), pod("db-2", True)]
    assert history.ordered_startup(params, good) == CheckResult(
        True, "StatefulSet db pods came up in ordinal order (db-0, db-1, db-2).")
    parallel = [pod("db-0", False, "ADDED"), pod("db-1", False, "ADDED"), pod("db-1", True),
                pod("db-0", True)]
    assert history.ordered_startup(params, parallel) == CheckResult(
        False, "Pod db-1 was created before db-0 was ready: the pods did not come up in "
               "ordinal order.")
    assert not history.ordered_startup(params, [pod("db-0", False, "ADDED")]).passed
    other = [pod("dbx-0", True, "ADDED", sts="dbx")]
    assert not history.ordered_startup(params, other).passed


def test_validation_names_the_field():
    for spec, message in [
        ({"endpoints_never_below": {"service": "web"}}, "check.endpoints_never_below: missing"),
        ({"endpoints_never_below": {"service": "web", "min": -1}},
         "check.endpoints_never_below.min: expected a whole number >= 0"),
        ({"ordered_startup": {"statefulset": "db", "x": 1}}, "unknown parameter 'x'"),
        ({"all": [{"exists": {"kind": "Pod", "name": "a"}}, {"no_manual_delete": []}]},
         "check.all[1].no_manual_delete: expected a mapping"),
        ({"nope": {}}, "unknown check type 'nope'"),
    ]:
        try:
            checks.validate(spec)
        except checks.CheckSpecError as exc:
            assert message in str(exc)
        else:
            raise AssertionError(f"{spec} validated")
    checks.validate({"all": [{"exists": {"kind": "Pod", "name": "a"}},
                             {"no_manual_delete": {}}]})


# ---- end to end with the simulation -----------------------------------------------------


def _web_cluster() -> tuple[Cluster, Console]:
    cluster = Cluster.new(seed=11)
    cluster.settle()
    console = Console(cluster)
    assert console.run("kubectl create deployment web --image=nginx:1.27 --replicas=3").ok
    assert console.run("kubectl expose deployment web --port=80").ok
    cluster.settle()
    return cluster, console


HISTORY_TASK = {"all": [{"endpoints_never_below": ROLLOUT},
                        {"updated_not_recreated": {"deployment": "web"}},
                        {"matches": {"kind": "Deployment", "name": "web", "fields": {
                            "spec.template.spec.containers[0].image": "nginx:1.28"}}}]}


def test_a_rolling_update_with_the_console_passes():
    cluster, console = _web_cluster()
    assert console.run("kubectl set image deployment/web nginx=nginx:1.28").ok
    cluster.settle()
    result = checks.evaluate(cluster, HISTORY_TASK, [], runner.cluster_records(cluster))
    assert result.passed, result.feedback
    assert "kept at least 2 ready endpoints while Deployment web rolled out" in result.feedback


def test_deleting_and_recreating_the_deployment_fails_with_feedback():
    cluster, console = _web_cluster()
    assert console.run("kubectl delete deployment web").ok
    cluster.settle()
    assert console.run("kubectl create deployment web --image=nginx:1.28 --replicas=3").ok
    cluster.settle()
    records = runner.cluster_records(cluster)
    result = checks.evaluate(cluster, HISTORY_TASK, [], records)
    # the image did change (1.27 -> 1.28), but with no pod serving in between
    assert result == CheckResult(False, "Ready endpoints of Service web dropped to 0 while "
                                 "Deployment web rolled out (at least 2 were needed at all "
                                 "times).")
    recreated = checks.evaluate(cluster, {"updated_not_recreated": {"deployment": "web"}}, [],
                                records)
    assert recreated == CheckResult(False, "Deployment web was deleted and created again; "
                                    "change it in place instead (kubectl set image, edit or "
                                    "apply).")
    assert checks.evaluate(cluster, {"endpoints_never_below": {"service": "web", "min": 1}}, [],
                           records) == CheckResult(
        False, "Ready endpoints of Service web dropped to 0 (at least 1 were needed at all "
               "times).")


def test_a_recreate_strategy_rollout_drops_the_endpoints():
    cluster, console = _web_cluster()
    patch = '{"spec":{"strategy":{"type":"Recreate","rollingUpdate":null}}}'
    assert console.run(f"kubectl patch deployment web -p '{patch}'").ok
    assert console.run("kubectl set image deployment/web nginx=nginx:1.28").ok
    cluster.settle()
    result = checks.evaluate(cluster, {"endpoints_never_below": ROLLOUT}, [],
                             runner.cluster_records(cluster))
    assert result == CheckResult(False, "Ready endpoints of Service web dropped to 0 while "
                                 "Deployment web rolled out (at least 2 were needed at all "
                                 "times).")


def test_a_pod_deleted_by_the_learner_is_seen_but_a_controllers_deletion_is_not():
    cluster, console = _web_cluster()
    assert console.run("kubectl scale deployment web --replicas=2").ok
    cluster.settle()
    assert checks.evaluate(cluster, {"no_manual_delete": {}}, [],
                           runner.cluster_records(cluster)).passed
    name = sorted(p["metadata"]["name"] for p in cluster.store.list("Pod", "default"))[0]
    assert console.run(f"kubectl delete pod {name}").ok
    cluster.settle()
    assert checks.evaluate(cluster, {"no_manual_delete": {}}, [],
                           runner.cluster_records(cluster)) == CheckResult(
        False, f"You deleted Pod {name} by hand; let the controllers replace objects instead.")


STS = """apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  replicas: 3
  podManagementPolicy: {policy}
  selector:
    matchLabels:
      app: db
  template:
    metadata:
      labels:
        app: db
    spec:
      containers:
      - name: redis
        image: redis:7
"""


def test_statefulset_pods_come_up_in_ordinal_order_unless_parallel():
    for policy, passed in (("OrderedReady", True), ("Parallel", False)):
        cluster = Cluster.new(seed=5)
        cluster.settle()
        assert Console(cluster).run("kubectl apply -f -", stdin=STS.format(policy=policy)).ok
        cluster.settle()
        result = checks.evaluate(cluster, {"ordered_startup": {"statefulset": "db"}}, [],
                                 runner.cluster_records(cluster))
        assert result.passed is passed, (policy, result.feedback)


def test_feedback_speaks_the_learners_language():
    recs = [deploy("nginx:1.27", 1), endpoints(3), deploy("nginx:1.28", 2), endpoints(0)]
    result = checks.evaluate(None, {"endpoints_never_below": ROLLOUT}, [], recs, "ko")
    assert result == CheckResult(False, "Deployment web 롤아웃 동안 Service web의 준비된 "
                                 "엔드포인트가 0개로 줄었습니다 (항상 2개 이상이어야 합니다).")
    assert history.no_manual_delete({}, [action("deleted", "Pod", "web-0")], "fr").feedback \
        == "You deleted Pod web-0 by hand; let the controllers replace objects instead."
