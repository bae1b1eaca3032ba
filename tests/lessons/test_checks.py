"""The check language: every check type passes and fails with its exact feedback, in English
and Korean, and checks only read the cluster."""

from __future__ import annotations

import pytest

from lessons.engine import CheckSpecError, evaluate_check, run_command, validate
from playground.sim.cluster import Cluster
from playground.sim.objects import get_path

SERVICES = [
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: frontend\nspec:\n  selector:\n"
    "    app: frontend\n  ports:\n  - port: 80\n",
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: manual\nspec:\n  ports:\n  - port: 80\n",
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: ext\nspec:\n  type: ExternalName\n"
    "  externalName: example.com\n",
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: web-headless\nspec:\n  clusterIP: None\n"
    "  selector:\n    app: web\n  ports:\n  - port: 80\n",
]


@pytest.fixture(scope="module")
def cluster() -> Cluster:
    c = Cluster.new()
    for line in ["kubectl create deployment web --image=nginx:1.27 --replicas=2",
                 "kubectl run client --image=busybox:1.36 -- sleep 3600",
                 "kubectl create namespace dev",
                 "kubectl expose deployment web --port=80",
                 "kubectl create deployment broken --image=nginx:0.0.1",
                 "kubectl expose deployment broken --port=80"]:
        assert run_command(c, line).ok, line
    for doc in SERVICES:
        assert run_command(c, "kubectl apply -f -", stdin=doc).ok
    run_command(c, "clock advance 10s")
    return c


def check(cluster, spec, lang="en", history=None):
    return evaluate_check(cluster, spec, history or [], lang)


def web_pods(cluster) -> list[dict]:
    return sorted((p for p in cluster.store.list("Pod", "default")
                   if p["metadata"]["labels"].get("app") == "web"),
                  key=lambda p: p["status"]["podIP"])


def cluster_ip(cluster, name: str) -> str:
    return cluster.store.get("Service", "default", name)["spec"]["clusterIP"]


# ---- objects ------------------------------------------------------------------------------


def test_exists(cluster):
    assert check(cluster, {"exists": {"kind": "deploy", "name": "web"}}) == (
        True, "Deployment web exists in namespace default.")
    assert check(cluster, {"exists": {"kind": "Deployment", "name": "api"}}) == (
        False, "There is no Deployment api in namespace default yet; existing Deployment "
               "objects: broken, web.")
    assert check(cluster, {"exists": {"kind": "Deployment", "name": "api"}}, "ko") == (
        False, "네임스페이스 default의 Deployment api이(가) 아직 없습니다. 지금 있는 "
               "Deployment: broken, web.")
    assert check(cluster, {"exists": {"kind": "Namespace", "name": "dev"}}) == (
        True, "Namespace dev exists.")
    assert check(cluster, {"exists": {"kind": "Pod", "name": "x", "namespace": "dev"}}) == (
        False, "There is no Pod x in namespace dev yet.")


def test_absent(cluster):
    assert check(cluster, {"absent": {"kind": "Pod", "name": "nope"}}) == (
        True, "Pod nope in namespace default is gone.")
    assert check(cluster, {"absent": {"kind": "Pod", "name": "client"}}) == (
        False, "Pod client in namespace default still exists.")
    assert check(cluster, {"absent": {"kind": "Pod", "name": "client"}}, "ko") == (
        False, "네임스페이스 default의 Pod client이(가) 아직 있습니다.")


def test_matches(cluster):
    ok = check(cluster, {"matches": {"kind": "Deployment", "name": "web", "fields": {
        "spec.replicas": 2, "spec.template.spec.containers.0.image": {"startswith": "nginx:"},
        "metadata.annotations[deployment.kubernetes.io/revision]": "1",
        "spec.paused": False}}})
    assert ok == (True, "Deployment web has spec.replicas=2, spec.template.spec.containers.0"
                        ".image=nginx:1.27, metadata.annotations[deployment.kubernetes.io/"
                        "revision]=1, spec.paused=not set.")
    assert check(cluster, {"matches": {"kind": "Deployment", "name": "web", "fields": {
        "spec.replicas": {"gt": 2}}}}) == (
        False, "Deployment web: spec.replicas is 2, expected > 2.")
    assert check(cluster, {"matches": {"kind": "Deployment", "name": "web", "fields": {
        "spec.paused": True}}}, "ko") == (
        False, "Deployment web: spec.paused 값이 설정되어 있지 않습니다. 기대한 값: true.")
    assert check(cluster, {"matches": {"kind": "Service", "name": "web", "fields": {
        "spec.ports": {"length": 1}, "spec.type": {"in": ["ClusterIP", "NodePort"]},
        "spec.selector": {"contains": "app"}, "spec.externalName": {"exists": False}}}}
    ).passed
    missing = check(cluster, {"matches": {"kind": "Service", "name": "nope", "fields": {
        "spec.type": "ClusterIP"}}})
    assert not missing.passed and missing.feedback.startswith("There is no Service nope")


# ---- pods and endpoints -------------------------------------------------------------------


def test_ready_pods(cluster):
    assert check(cluster, {"ready_pods": {"deployment": "web", "count": 2}}) == (
        True, "Deployment web has 2 ready pod(s).")
    assert check(cluster, {"ready_pods": {"deployment": "web", "count": 3}}, "ko") == (
        False, "Deployment web에 준비된(Ready) 파드가 2개 있습니다. 기대한 수: 3개.")
    broken = cluster.store.list("Pod", "default")
    name = next(p["metadata"]["name"] for p in broken if p["metadata"]["name"].startswith("b"))
    assert check(cluster, {"ready_pods": {"deployment": "broken", "count": 1}}) == (
        False, f"Deployment broken has 0 ready pod(s), expected 1. Not ready: {name} "
               "(ImagePullBackOff).")
    assert check(cluster, {"ready_pods": {"selector": "app=web", "count": 2}}) == (
        True, "2 ready pod(s) match app=web in namespace default.")
    assert check(cluster, {"ready_pods": {"selector": "app=api", "count": 1}}) == (
        False, "No pod in namespace default matches app=api. Your pods are labelled "
               "app=broken; app=web.")
    assert check(cluster, {"ready_pods": {"statefulset": "db", "count": 1}}) == (
        False, "There is no StatefulSet db in namespace default yet.")
    assert check(cluster, {"ready_pods": {"deployment": "web", "namespace": "dev",
                                          "count": 1}}, "ko") == (
        False, "네임스페이스 dev의 Deployment web이(가) 아직 없습니다.")


def test_endpoints(cluster):
    ips = ", ".join(sorted(p["status"]["podIP"] for p in web_pods(cluster)))
    assert check(cluster, {"endpoints": {"service": "web", "count": 2}}) == (
        True, f"Service web has 2 endpoint(s): {ips}.")
    assert check(cluster, {"endpoints": {"service": "web", "count": 3}}) == (
        False, f"Service web has 2 ready endpoint(s), expected 3 ({ips}).")
    assert check(cluster, {"endpoints": {"service": "frontend", "count": 1}}) == (
        False, "Service frontend has no endpoints: its selector app=frontend matches no pod; "
               "your pods are labelled app=broken; app=web.")
    assert check(cluster, {"endpoints": {"service": "frontend", "count": 1}}, "ko") == (
        False, "서비스 frontend에 엔드포인트가 없습니다: 셀렉터 app=frontend에 맞는 파드가 "
               "없습니다. 지금 파드의 레이블은 app=broken; app=web입니다.")
    assert check(cluster, {"endpoints": {"service": "broken", "count": 1}}) == (
        False, "Service broken: 1 pod(s) match app=broken but only 0 are ready.")
    assert check(cluster, {"endpoints": {"service": "manual", "count": 1}}) == (
        False, "Service manual has no selector: Kubernetes does not manage its endpoints.")
    assert check(cluster, {"endpoints": {"service": "api", "count": 1}}) == (
        False, "There is no Service api in namespace default yet.")


# ---- DNS and traffic ----------------------------------------------------------------------


def test_dns_cluster_ip(cluster):
    ip = cluster_ip(cluster, "web")
    assert check(cluster, {"dns": {"name": "web", "expect": "cluster-ip", "service": "web"}}) == (
        True, f"web from a pod in namespace default gives {ip}.")
    assert check(cluster, {"dns": {"name": "web", "expect": "cluster-ip",
                                   "namespace": "dev"}}) == (
        False, "web from a pod in namespace dev gives NXDOMAIN, expected a Service's "
               "ClusterIP. Names tried: web.dev.svc.cluster.local (NXDOMAIN), "
               "web.svc.cluster.local (NXDOMAIN), web.cluster.local (NXDOMAIN), web (NXDOMAIN).")
    assert check(cluster, {"dns": {"name": "web.default", "expect": "cluster-ip",
                                   "namespace": "dev", "service": "default/web"}}).passed
    assert not check(cluster, {"dns": {"name": "broken", "expect": "cluster-ip",
                                       "service": "web"}}).passed


def test_dns_other_kinds(cluster):
    pod_ips = [p["status"]["podIP"] for p in web_pods(cluster)]
    headless = check(cluster, {"dns": {"name": "web-headless", "expect": "pod-ips", "count": 2}})
    prefix = "web-headless from a pod in namespace default gives "
    assert headless.passed and headless.feedback.startswith(prefix)
    assert sorted(headless.feedback[len(prefix):-1].split(", ")) == pod_ips
    assert check(cluster, {"dns": {"name": "web", "expect": "pod-ips"}}) == (
        False, f"web from a pod in namespace default gives {cluster_ip(cluster, 'web')}, "
               "expected pod IPs. Names tried: web.default.svc.cluster.local (NOERROR).")
    assert check(cluster, {"dns": {"name": "ext", "expect": "cname",
                                   "target": "example.com"}}) == (
        True, "ext from a pod in namespace default gives CNAME example.com.")
    assert not check(cluster, {"dns": {"name": "ext", "expect": "cname",
                                       "target": "kubernetes.io"}}).passed
    assert check(cluster, {"dns": {"name": "nope", "expect": "nxdomain"}}).passed
    assert check(cluster, {"dns": {"name": "web-headless", "expect": "addresses",
                                   "addresses": pod_ips}}).passed
    assert check(cluster, {"dns": {"name": "web", "expect": "cluster-ip",
                                   "namespace": "nope"}}, "ko") == (
        False, "네임스페이스 nope이(가) 없어서 그곳의 파드에서 조회할 수 없습니다.")
    assert check(cluster, {"dns": {"name": "web", "expect": "cluster-ip", "pod": "ghost"}}) == (
        False, "There is no running pod ghost in namespace default to ask from.")


def test_reaches(cluster):
    ok = check(cluster, {"reaches": {"from": "client", "url": "http://web", "app": "nginx"}})
    assert ok.passed and ok.feedback.startswith(
        "A request from pod client to http://web reaches nginx in pod default/web-")
    wrong = check(cluster, {"reaches": {"from": "client", "url": "http://web", "app": "httpd"}})
    assert not wrong.passed and wrong.feedback.endswith(", expected httpd.")
    ip = cluster_ip(cluster, "web")
    assert check(cluster, {"reaches": {"url": "http://{cluster_ip:web}", "app": "nginx"}}) == (
        False, f"A request from outside the cluster to http://{ip} fails (timeout): {ip} is a "
               "ClusterIP: reachable only inside the cluster.")
    refused = check(cluster, {"reaches": {"from": "client", "url": "http://frontend",
                                          "app": "nginx"}})
    assert refused == (False, "A request from pod client to http://frontend fails (refused): "
                              "kube-proxy: Service default/frontend port 80: REJECT "
                              "(\"default/frontend:80 has no endpoints\"). Service frontend has "
                              "no endpoints: its selector app=frontend matches no pod; your "
                              "pods are labelled app=broken; app=web.")
    assert check(cluster, {"reaches": {"url": "http://{node_ip}:{node_port:web}",
                                       "app": "nginx"}}) == (
        False, "Service web in namespace default has no nodePort to send the request to.")
    ghost = {"reaches": {"from": "ghost", "url": "http://web", "app": "nginx"}}
    assert check(cluster, ghost, "ko") == (
        False, "요청을 보낼 파드 ghost이(가) 네임스페이스 default에서 실행 중이지 않습니다.")


def test_checks_only_read(cluster):
    meta = cluster.store.meta
    before = (meta["resourceVersion"], meta.get("randCounter"), dict(meta.get("netAffinity", {})))
    for _ in range(3):
        check(cluster, {"reaches": {"from": "client", "url": "http://web", "app": "nginx"}})
        check(cluster, {"dns": {"name": "web", "expect": "cluster-ip"}})
    assert (meta["resourceVersion"], meta.get("randCounter"),
            dict(meta.get("netAffinity", {}))) == before


# ---- events, commands, combinators --------------------------------------------------------


def test_event(cluster):
    node = get_path(cluster.store.get("Pod", "default", "client"), "spec", "nodeName")
    assert check(cluster, {"event": {"reason": "Scheduled", "name": "client"}}) == (
        True, f"Event Scheduled occurred on pod/client: Successfully assigned default/client "
              f"to {node}.")
    assert check(cluster, {"event": {"reason": "Killing", "kind": "Pod",
                                     "name_prefix": "web-"}}) == (
        False, "No Killing event about pod/web-* has occurred yet.")
    assert check(cluster, {"event": {"reason": "Killing"}}, "ko") == (
        False, "Killing 이벤트가 아직 발생하지 않았습니다.")
    assert check(cluster, {"event": {"reason": "Failed", "name_prefix": "broken-",
                                     "message_contains": "nginx:0.0.1"}}).passed


def test_command():
    spec = {"command": {"regex": r"\bget\s+pods?\b", "example": "kubectl get pods"}}
    assert evaluate_check(None, spec, ["kubectl get nodes"], "en") == (
        False, "Run a command like `kubectl get pods` in the console.")
    assert evaluate_check(None, spec, ["$ kubectl   get pod  web", "clock"], "en") == (
        True, "You ran `kubectl get pod web`.")
    assert evaluate_check(None, {"command": {"regex": "^x"}}, [], "ko") == (
        False, "콘솔에서 `^x` 같은 명령을 실행해 보세요.")


def test_all_and_any(cluster):
    both = {"all": [{"exists": {"kind": "Deployment", "name": "web"}},
                    {"exists": {"kind": "Deployment", "name": "api"}}]}
    result = check(cluster, both)
    assert not result.passed and result.feedback.startswith("There is no Deployment api")
    either = {"any": [{"exists": {"kind": "Namespace", "name": "prod"}},
                      {"exists": {"kind": "Namespace", "name": "dev"}}]}
    assert check(cluster, either) == (True, "Namespace dev exists.")
    neither = {"any": [{"absent": {"kind": "Pod", "name": "client"}},
                       {"command": {"regex": "x", "example": "x"}}]}
    assert check(cluster, neither) == (
        False, "Pod client in namespace default still exists. Or: Run a command like `x` in "
               "the console.")
    assert check(cluster, neither, "ko").feedback.count(" 또는: ") == 1


# ---- validation ---------------------------------------------------------------------------


@pytest.mark.parametrize(("spec", "message"), [
    ({"exists": {"kind": "Pod"}}, "check.exists: missing 'name'"),
    ({"exists": {"kind": "Pod", "name": "a", "nmae": "b"}},
     "check.exists: unknown parameter 'nmae' (allowed: kind, name, namespace)"),
    ({"exist": {}}, "check: unknown check type 'exist'"),
    ({"exists": {"kind": "Pdo", "name": "a"}}, "check.exists.kind: unknown kind 'Pdo'"),
    ({"all": []}, "check.all: expected a non-empty list of checks"),
    ({"all": [{"absent": {"kind": "Pod"}}]}, "check.all[0].absent: missing 'name'"),
    ({"ready_pods": {"count": 1, "deployment": "a", "selector": "b"}},
     "check.ready_pods: give exactly one of selector, deployment, statefulset, replicaset"),
    ({"ready_pods": {"count": -1, "deployment": "a"}},
     "check.ready_pods.count: expected a whole number >= 0"),
    ({"dns": {"name": "a", "expect": "A"}}, "check.dns.expect: 'A' is not one of"),
    ({"dns": {"name": "a", "expect": "addresses"}},
     "check.dns.addresses: give addresses exactly when expect is 'addresses'"),
    ({"command": {"regex": "("}}, "check.command.regex: not a regular expression"),
    ({"matches": {"kind": "Pod", "name": "a", "fields": {"x": {"gt": "many"}}}},
     "check.matches.fields.x: gt needs a number"),
    ({"matches": {"kind": "Pod", "name": "a", "fields": {"x": {"eq": 1}}}},
     "check.matches.fields.x: an operator mapping has exactly one key"),
    ({"exists": {"kind": "Pod", "name": "a"}, "absent": {}}, "check: a check is a mapping"),
])
def test_validate_names_the_bad_field(spec, message):
    with pytest.raises(CheckSpecError) as exc:
        validate(spec)
    assert str(exc.value).startswith(message)
