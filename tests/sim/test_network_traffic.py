"""Traffic through kube-proxy to the simulated apps (rulebook §2.8)."""

from collections import Counter

from playground.sim.network import request
from tests.sim.network_support import net_cluster, pod, service, set_status


def setup_web(c, n=3, image="nginx:1.25", **spec):
    service(c, "web", selector={"app": "web"}, **spec)
    return [pod(c, f"web-{i}", labels={"app": "web"}, image=image,
                node=f"worker-{i % 2 + 1}") for i in range(n)]


def client(c, node="worker-1"):
    return pod(c, "client", image="busybox:1.36", node=node)


def test_requests_spread_over_ready_pods_and_never_hit_an_unready_one():
    c = net_cluster()
    setup_web(c, 3, image="gcr.io/google-samples/hello-app:1.0",
              ports=[{"port": 80, "targetPort": 8080}])
    pod(c, "web-sick", labels={"app": "web"}, image="gcr.io/google-samples/hello-app:1.0",
        ready=False)
    cl = client(c)
    c.reconcile()
    hits = Counter()
    for _ in range(90):
        resp = request(c, cl, "http://web")
        assert resp.ok and resp.status == 200
        hits[resp.body.splitlines()[2]] += 1
    assert set(hits) == {"Hostname: web-0", "Hostname: web-1", "Hostname: web-2"}
    assert min(hits.values()) >= 15
    assert resp.body.startswith("Hello, world!\nVersion: 1.0.0\nHostname: web-")


def test_no_ready_endpoint_is_refused_and_terminating_ones_are_a_fallback():
    c = net_cluster()
    pods = setup_web(c, 1)
    cl = client(c)
    set_status(c, pods[0], ip=pods[0]["status"]["podIP"], ready=False)
    c.reconcile()
    resp = request(c, cl, "web")
    assert not resp.ok and resp.error == "refused" and resp.failure == "Connection refused"
    assert 'REJECT ("default/web:80 has no endpoints")' in resp.trace[-1]
    # serving + terminating endpoints are used when nothing is ready
    set_status(c, pods[0], ip=pods[0]["status"]["podIP"], ready=True)
    c.api.delete("pods", "web-0")
    c.reconcile()
    assert request(c, cl, "web").ok


def test_wrong_target_port_is_refused():
    c = net_cluster()
    setup_web(c, 1, ports=[{"port": 80, "targetPort": 8080}])
    cl = client(c)
    c.reconcile()
    resp = request(c, cl, "web")
    assert resp.error == "refused"
    assert "no running container listens on port 8080" in resp.trace[-1]


def test_unknown_service_port_times_out():
    c = net_cluster()
    setup_web(c, 1)
    cl = client(c)
    c.reconcile()
    assert request(c, cl, "web:8080").error == "timeout"


def test_apps_reply_like_their_images():
    c = net_cluster()
    cl = client(c)
    pod(c, "ng", labels={"app": "ng"}, image="nginx:1.25", ip_host=50)
    pod(c, "ht", labels={"app": "ht"}, image="httpd:2.4", ip_host=51)
    pod(c, "h2", image="gcr.io/google-samples/hello-app:2.0", ip_host=52)
    pod(c, "ag", image="registry.k8s.io/e2e-test-images/agnhost:2.39", ip_host=53,
        args=["netexec", "--http-port=8080"])
    pod(c, "bb", image="busybox:1.36", ip_host=54)
    ng = request(c, cl, "10.244.1.50")
    assert ng.body.startswith("<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>")
    assert ng.headers["Content-Length"] == "615"
    assert request(c, cl, "10.244.1.50/missing").status == 404
    assert request(c, cl, "10.244.1.51").body == "<html><body><h1>It works!</h1></body></html>\n"
    assert request(c, cl, "10.244.1.52:8080").body == (
        "Hello, world!\nVersion: 2.0.0\nHostname: h2\n")
    assert request(c, cl, "10.244.1.53:8080/hostname").body == "ag"
    assert request(c, cl, "10.244.1.53:8080/echo?msg=hi").body == "hi"
    assert request(c, cl, "10.244.1.53:8080/").body.startswith("NOW: 2026-")
    assert request(c, cl, "10.244.1.54").error == "refused"


def test_session_affinity_client_ip_pins_the_client():
    c = net_cluster()
    setup_web(c, 3, image="registry.k8s.io/e2e-test-images/agnhost:2.39",
              sessionAffinity="ClientIP", ports=[{"port": 80, "targetPort": 8080}])
    for p in c.api.list("pods", "default"):
        if p["metadata"]["name"].startswith("web-"):
            p["spec"]["containers"][0]["args"] = ["netexec", "--http-port=8080"]
            c.store.put({**p, "metadata": {**p["metadata"],
                                           "resourceVersion": str(
                                               c.store.next_resource_version())}})
    cl = client(c)
    c.reconcile()
    answers = {request(c, cl, "web/hostname").body for _ in range(20)}
    assert len(answers) == 1
    c.clock.set(c.clock.now + 10801)
    others = {request(c, cl, "web/hostname").body for _ in range(20)}
    assert len(others) == 1


def test_node_port_and_load_balancer_from_outside():
    c = net_cluster()
    setup_web(c, 2, type="LoadBalancer")
    c.reconcile()
    svc = c.api.get("services", "web")
    node_port = svc["spec"]["ports"][0]["nodePort"]
    for node_ip in ("172.18.0.2", "172.18.0.3", "172.18.0.4"):
        assert request(c, None, f"http://{node_ip}:{node_port}/").status == 200
    assert request(c, None, "http://172.18.255.200/").status == 200
    assert request(c, None, f"http://{svc['spec']['clusterIP']}/").error == "timeout"
    assert request(c, None, "http://web.default.svc.cluster.local/").error == "resolve"


def test_external_traffic_policy_local_drops_on_nodes_without_endpoints():
    c = net_cluster()
    service(c, "web", selector={"app": "web"}, type="NodePort", externalTrafficPolicy="Local")
    pod(c, "web-0", labels={"app": "web"}, node="worker-1")
    c.reconcile()
    port = c.api.get("services", "web")["spec"]["ports"][0]["nodePort"]
    assert request(c, None, f"172.18.0.3:{port}").ok
    resp = request(c, None, f"172.18.0.4:{port}")
    assert resp.error == "timeout" and "has no local endpoints" in resp.trace[-1]


def test_internal_traffic_policy_local():
    c = net_cluster()
    service(c, "web", selector={"app": "web"}, internalTrafficPolicy="Local")
    pod(c, "web-0", labels={"app": "web"}, node="worker-1")
    near = client(c, node="worker-1")
    far = pod(c, "far", image="busybox:1.36", node="worker-2")
    c.reconcile()
    assert request(c, near, "web").ok
    assert request(c, far, "web").error == "timeout"


def test_headless_name_reaches_pods_directly():
    c = net_cluster()
    service(c, "db", selector={"app": "web"}, clusterIP="None", ports=[])
    pod(c, "web-0", labels={"app": "web"}, hostname="web-0", subdomain="db")
    cl = client(c)
    c.reconcile()
    resp = request(c, cl, "web-0.db")
    assert resp.ok and resp.pod == "default/web-0"
    assert not any("kube-proxy" in line for line in resp.trace)


def test_kubernetes_service_reaches_the_apiserver():
    c = net_cluster()
    cl = client(c)
    resp = request(c, cl, "https://kubernetes.default/")
    assert resp.status == 403
    assert '"message": "forbidden: User \\"system:anonymous\\" cannot get path \\"/\\""' in (
        resp.body)


def test_selectorless_service_with_manual_endpoints_carries_traffic():
    c = net_cluster()
    service(c, "legacy", ports=[{"port": 80, "targetPort": 8080}])
    pod(c, "backend", image="gcr.io/google-samples/hello-app:1.0", ip_host=77)
    c.api.create({"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "legacy"},
                  "subsets": [{"addresses": [{"ip": "10.244.1.77"}],
                               "ports": [{"port": 8080}]}]})
    cl = client(c)
    c.reconcile()
    resp = request(c, cl, "legacy")
    assert resp.ok and resp.body.endswith("Hostname: backend\n")


def test_network_commands_as_a_containers_main_process():
    from playground.sim.net_programs import run_network_command

    c = net_cluster()
    setup_web(c, 1)
    cl = client(c)
    c.reconcile()
    box = cl["spec"]["containers"][0]
    code, lines = run_network_command(c, cl, box, ["wget", "-qO-", "web"])
    assert code == 0 and lines[3] == "<title>Welcome to nginx!</title>"
    code, lines = run_network_command(c, cl, box, ["nslookup", "nope"])
    assert code == 1 and "** server can't find nope: NXDOMAIN" in lines
    assert run_network_command(c, cl, box, ["sleep", "3600"]) is None


def test_pod_on_a_stopped_node_does_not_answer():
    from playground.sim import Cluster
    from playground.sim.nodes import stop_node

    c = Cluster.new()
    c.api.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"},
                  "spec": {"nodeName": "worker-2",
                           "containers": [{"name": "app", "image": "nginx:1.25"}]}})
    c.api.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "client"},
                  "spec": {"nodeName": "worker-1", "containers": [
                      {"name": "c", "image": "busybox:1.36", "command": ["sleep", "3600"]}]}})
    c.settle(60)
    web = c.api.get("pods", "web")
    cl = c.api.get("pods", "client")
    assert request(c, cl, web["status"]["podIP"]).ok
    stop_node(c, "worker-2")
    resp = request(c, cl, web["status"]["podIP"])
    assert resp.error == "timeout" and "which is down" in resp.trace[-1]
