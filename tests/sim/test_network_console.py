"""Console additions for networking: kubectl exec tools, kubectl expose, kubectl run and the
playground's trace/curl commands, printed like the real tools."""


import pytest

from playground.sim import Cluster
from playground.sim.console import Console
from tests.sim.network_support import net_cluster, pod, service


@pytest.fixture
def env():
    c = net_cluster()
    service(c, "web", selector={"app": "web"})
    for i in range(2):
        pod(c, f"web-{i}", labels={"app": "web"}, ports=[{"containerPort": 80}])
    pod(c, "client", image="busybox:1.36")
    pod(c, "shoot", image="nicolaka/netshoot:v0.14")
    c.reconcile()
    return c, Console(c)


def ip_of(c, name="web"):
    return c.api.get("services", name)["spec"]["clusterIP"]


def test_busybox_nslookup_success_and_nxdomain(env):
    c, con = env
    r = con.run("kubectl exec client -- nslookup web")
    assert r.ok
    assert r.output == (f"Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n"
                        f"Name:\tweb.default.svc.cluster.local\nAddress: {ip_of(c)}\n")
    r = con.run("kubectl exec client -- nslookup nope")
    assert not r.ok
    assert "** server can't find nope: NXDOMAIN\n" in r.output
    assert r.output.endswith("command terminated with exit code 1\n")


def test_bind_nslookup_and_dig(env):
    c, con = env
    r = con.run("kubectl exec shoot -- nslookup web")
    assert "Address:\t10.96.0.10#53\n" in r.output
    assert con.run("kubectl exec shoot -- dig +short web").output == ""
    assert con.run("kubectl exec shoot -- dig +search +short web").output == ip_of(c) + "\n"
    full = con.run("kubectl exec shoot -- dig web.default.svc.cluster.local").output
    assert ";; ->>HEADER<<- opcode: QUERY, status: NOERROR" in full
    assert ";; flags: qr aa rd; QUERY: 1, ANSWER: 1" in full
    # dig's columns: TTL at 24, class at 32, type at 40, data at 48 (tab stops of 8)
    assert f"\nweb.default.svc.cluster.local. 30 IN\tA\t{ip_of(c)}\n" in full
    assert "\n;web.default.svc.cluster.local.\tIN\tA\n" in full
    srv = con.run("kubectl exec shoot -- dig +short SRV _https._tcp.kubernetes.default.svc."
                  "cluster.local").output
    assert srv == "0 100 443 kubernetes.default.svc.cluster.local.\n"


def test_missing_tool_fails_like_runc(env):
    c, con = env
    r = con.run("kubectl exec web-0 -- nslookup web")
    assert not r.ok
    assert r.output.startswith("error: Internal error occurred: Internal error occurred: error "
                               "executing command in container: failed to exec in container: "
                               "failed to start exec \"")
    assert r.output.endswith('exec: "nslookup": executable file not found in $PATH: '
                             "unknown\n")
    assert con.run("kubectl exec web-0 -- /usr/bin/dig web").output.endswith(
        'exec: "/usr/bin/dig": stat /usr/bin/dig: no such file or directory: unknown\n')


def test_exec_needs_double_dash_and_a_running_container(env):
    c, con = env
    r = con.run("kubectl exec client nslookup web")
    assert r.output.startswith("error: exec [POD] [COMMAND] is not supported anymore. Use exec "
                               "[POD] -- [COMMAND] instead")
    pod(c, "starting", image="busybox:1.36", running=False)
    r = con.run("kubectl exec starting -- hostname")
    assert r.output == 'error: unable to upgrade connection: container not found ("app")\n'
    assert con.run("kubectl exec ghost -- hostname").output == (
        'Error from server (NotFound): pods "ghost" not found\n')


def test_wget_curl_and_files(env):
    c, con = env
    assert con.run("kubectl exec client -- wget -qO- web").output.startswith(
        "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>")
    r = con.run("kubectl exec client -- wget -qO- web:8080")
    assert "wget: can't connect to remote host" in r.output
    service(c, "empty", selector={"app": "none"})
    c.reconcile()
    r = con.run("kubectl exec client -- wget -qO- empty")
    assert r.output.startswith(f"wget: can't connect to remote host ({ip_of(c, 'empty')}): "
                               "Connection refused\n")
    assert con.run("kubectl exec client -- wget -qO- nope").output.startswith(
        "wget: bad address 'nope'\n")
    assert con.run("kubectl exec shoot -- curl -s nope").output == (
        "command terminated with exit code 6\n")
    assert con.run("kubectl exec shoot -- curl nope").output.startswith(
        "curl: (6) Could not resolve host: nope\n")
    assert con.run("kubectl exec shoot -- curl -sI web").output.startswith(
        "HTTP/1.1 200 OK\r\nServer: nginx/")
    assert con.run("kubectl exec client -- cat /etc/resolv.conf").output == (
        "search default.svc.cluster.local svc.cluster.local cluster.local\n"
        "nameserver 10.96.0.10\noptions ndots:5\n")
    assert con.run("kubectl exec client -- hostname").output == "client\n"
    envs = con.run("kubectl exec client -- env").output
    assert "KUBERNETES_SERVICE_HOST=10.96.0.1\n" in envs
    assert f"WEB_SERVICE_HOST={ip_of(c)}\n" in envs


def test_expose_generates_the_service(env):
    c, con = env
    r = con.run("kubectl expose pod web-0 --name=one --type=NodePort --target-port=80 "
                "--port=8080")
    assert r.output == "service/one exposed\n"
    svc = c.api.get("services", "one")
    assert svc["spec"]["selector"] == {"app": "web"}
    assert svc["metadata"]["labels"] == {"app": "web"}
    assert svc["spec"]["ports"][0]["port"] == 8080
    assert svc["spec"]["ports"][0]["targetPort"] == 80
    assert svc["spec"]["type"] == "NodePort"
    assert con.run("kubectl expose pod web-1").output == "service/web-1 exposed\n"
    assert c.api.get("services", "web-1")["spec"]["ports"][0]["port"] == 80
    assert con.run("kubectl expose pod client").output == (
        "error: couldn't retrieve selectors via --selector flag or introspection: the pod has "
        "no labels and cannot be exposed\n")
    pod(c, "portless", labels={"app": "x"})
    assert con.run("kubectl expose pod portless").output == (
        "error: couldn't find port via --port flag or introspection\n")
    assert con.run("kubectl expose pod web-1 --port=80").output == (
        'Error from server (AlreadyExists): services "web-1" already exists\n')


def test_trace_commands(env):
    c, con = env
    out = con.run("trace dns client web").output
    assert "try 1: web.default.svc.cluster.local. -> NOERROR" in out
    out = con.run("trace http client web").output
    assert "kube-proxy:" in out and "nginx answers on port 80" in out


def test_laptop_curl_reaches_node_ports(env):
    c, con = env
    svc = service(c, "np", selector={"app": "web"}, type="NodePort")
    c.reconcile()
    port = svc["spec"]["ports"][0]["nodePort"]
    assert con.run(f"curl -s http://172.18.0.3:{port}/").output.startswith("<!DOCTYPE html>")
    assert not con.run(f"curl -s http://{ip_of(c, 'np')}/").ok


def test_run_rm_it_prints_output_and_deletes_the_pod():
    c = Cluster.new()
    con = Console(c)
    con.run("kubectl create deployment web --image=nginx:1.25 --replicas=2")
    c.settle()
    con.run("kubectl expose deployment web --port=80")
    c.reconcile()
    ip = c.api.get("services", "web")["spec"]["clusterIP"]
    r = con.run("kubectl run tmp --rm -it --image=busybox:1.36 --restart=Never -- nslookup web")
    assert r.output == (f"Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n"
                        f"Name:\tweb.default.svc.cluster.local\nAddress: {ip}\n"
                        'pod "tmp" deleted\n')
    assert c.store.get("Pod", "default", "tmp") is None
    r = con.run("kubectl run tmp --rm -it --image=busybox:1.36 --restart=Never -- wget -qO- "
                "http://web")
    assert "<title>Welcome to nginx!</title>" in r.output
    r = con.run("kubectl run bad --rm -it --image=busybox:1.36 --restart=Never -- nslookup x")
    assert r.output.endswith('pod "bad" deleted\npod default/bad terminated (Error)\n')
    assert not r.ok


def test_run_creates_a_labelled_pod():
    c = net_cluster()
    con = Console(c)
    assert con.run("kubectl run nginx --image=nginx:1.25 --port=80").output == (
        "pod/nginx created\n")
    p = c.api.get("pods", "nginx")
    assert p["metadata"]["labels"] == {"run": "nginx"}
    assert p["spec"]["containers"][0]["name"] == "nginx"
    assert p["spec"]["containers"][0]["ports"] == [{"containerPort": 80, "protocol": "TCP"}]
    assert p["spec"]["restartPolicy"] == "Always"
    assert con.run("kubectl run x --image=busybox --rm").output == (
        "error: --rm should only be used for attached containers\n")


def test_wget_progress_output_and_dns_outage():
    c = Cluster.new()
    con = Console(c)
    con.run("kubectl create deployment web --image=nginx:1.25")
    con.run("kubectl expose deployment web --port=80")
    con.run("kubectl run client --image=busybox:1.36 -- sleep 3600")
    c.settle(120)
    ip = c.api.get("services", "web")["spec"]["clusterIP"]
    r = con.run("kubectl exec client -- wget -O- web")
    assert r.output.startswith(f"Connecting to web ({ip}:80)\nwriting to stdout\n<!DOCTYPE html>")
    assert r.output.endswith("615  0:00:00 ETA\nwritten to stdout\n")
    # without CoreDNS replicas, kube-dns has no endpoint: lookups time out
    c.api.patch("deployments", "coredns", {"spec": {"replicas": 0}}, namespace="kube-system")
    c.settle(120)
    r = con.run("kubectl exec client -- nslookup web")
    assert r.output == (";; connection timed out; no servers could be reached\n\n"
                        "command terminated with exit code 1\n")
    assert con.run("kubectl exec client -- wget -qO- web").output.startswith(
        "wget: bad address 'web'\n")


def test_run_expose_creates_service_first():
    c = net_cluster()
    con = Console(c)
    assert con.run("kubectl run web --image=nginx:1.25 --port=80 --expose").output == (
        "service/web created\npod/web created\n")
    svc = c.api.get("services", "web")
    assert svc["spec"]["selector"] == {"run": "web"}
    assert svc["spec"]["ports"] == [{"port": 80, "protocol": "TCP", "targetPort": 80}]


def test_nslookup_headless_and_external_name(env):
    c, con = env
    service(c, "db", selector={"app": "web"}, clusterIP="None", ports=[])
    service(c, "ext", type="ExternalName", externalName="example.com", ports=[])
    c.reconcile()
    out = con.run("kubectl exec client -- nslookup db").output
    ips = sorted(p["status"]["podIP"] for p in c.api.list("pods", "default")
                 if p["metadata"]["name"].startswith("web-"))
    assert out.count("Name:\tdb.default.svc.cluster.local\n") == 2
    assert all(f"Address: {ip}\n" in out for ip in ips)
    out = con.run("kubectl exec client -- nslookup ext").output
    assert "ext.default.svc.cluster.local\tcanonical name = example.com\n" in out
    assert "Name:\texample.com\nAddress: 93.184.215.14\n" in out


def test_ping_a_service_ip_gets_no_answer_but_a_pod_does(env):
    c, con = env
    r = con.run("kubectl exec client -- ping -c 2 web")
    assert r.output.startswith(f"PING web ({ip_of(c)}): 56 data bytes\n")
    assert "2 packets transmitted, 0 packets received, 100% packet loss\n" in r.output
    assert not r.ok
    pod_ip = c.api.get("pods", "web-0")["status"]["podIP"]
    r = con.run(f"kubectl exec client -- ping -c 1 {pod_ip}")
    assert f"64 bytes from {pod_ip}: seq=0" in r.output and r.ok


def test_nc_checks_whether_a_port_opens(env):
    c, con = env
    assert con.run("kubectl exec client -- nc -zv web 80").output == (
        f"web ({ip_of(c)}:80) open\n")
    pod_ip = c.api.get("pods", "web-0")["status"]["podIP"]
    assert con.run(f"kubectl exec client -- nc -zv {pod_ip} 8080").output.startswith(
        f"nc: {pod_ip} ({pod_ip}:8080): Connection refused\n")


def test_expose_refuses_kinds_kubectl_cannot_expose(env):
    c, con = env
    c.api.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"}})
    assert con.run("kubectl expose configmap cfg --port=80").output == (
        "error: cannot expose a ConfigMap\n")
    assert con.run("kubectl expose deployment ghost --port=80").output == (
        'Error from server (NotFound): deployments.apps "ghost" not found\n')
