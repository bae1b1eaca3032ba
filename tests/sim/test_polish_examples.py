"""`kubectl apply -f https://k8s.io/examples/...` as the tutorials type it (console/examples.py)."""

from playground.sim.cluster import Cluster
from playground.sim.console import Console


def test_statefulset_basics_manifest_and_dns():
    con = Console(Cluster.new())
    assert con.run("kubectl apply -f https://k8s.io/examples/application/web/web.yaml").output == (
        "service/nginx created\nstatefulset.apps/web created\n")
    con.run("clock advance 30")
    out = con.run("kubectl run -i --tty --image busybox:1.28 dns-test --restart=Never --rm -- "
                  "nslookup web-0.nginx").output
    ip = con.cluster.api.get("Pod", "web-0")["status"]["podIP"]
    assert out.startswith("Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system.svc."
                          f"cluster.local\n\nName:      web-0.nginx\nAddress 1: {ip} ")


def test_stateless_application_manifests_and_unknown_url():
    con = Console(Cluster.new())
    base = "https://k8s.io/examples/application/"
    assert con.run(f"kubectl apply -f {base}deployment.yaml").ok
    d = con.cluster.api.get("Deployment", "nginx-deployment")
    assert d["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.14.2"
    assert con.run(f"kubectl apply -f {base}deployment-update.yaml").output == (
        "deployment.apps/nginx-deployment configured\n")
    assert con.run(f"kubectl apply -f {base}deployment-scale.yaml").ok
    assert con.cluster.api.get("Deployment", "nginx-deployment")["spec"]["replicas"] == 4
    r = con.run("kubectl apply -f https://k8s.io/examples/nope.yaml")
    assert not r.ok and r.output == (
        'error: unable to read URL "https://k8s.io/examples/nope.yaml", server reported '
        "404 Not Found, status code=404\n")


def test_docs_nginx_tags_run_and_old_nginx_serves_its_612_byte_page():
    con = Console(Cluster.new())
    con.run("kubectl apply -f https://k8s.io/examples/application/deployment.yaml")
    con.run("kubectl run c --image=curlimages/curl --restart=Never --command -- sleep 1d")
    con.run("clock advance 40")
    pods = con.cluster.api.list("Pod", "default", label_selector="app=nginx")
    assert [p["status"]["phase"] for p in pods] == ["Running", "Running"]
    ip = pods[0]["status"]["podIP"]
    head = con.run(f"kubectl exec c -- curl -sI {ip}").output
    assert "Server: nginx/1.14.2\r\n" in head and "Content-Length: 612\r\n" in head
    con.run("kubectl apply -f https://k8s.io/examples/application/deployment-update.yaml")
    con.run("clock advance 90")
    images = {p["spec"]["containers"][0]["image"]: p["status"]["phase"]
              for p in con.cluster.api.list("Pod", "default", label_selector="app=nginx")}
    assert images == {"nginx:1.16.1": "Running"}
