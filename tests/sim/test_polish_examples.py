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
