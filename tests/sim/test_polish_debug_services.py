"""The "Debug Services" tutorial's images: serve_hostname behind a Service, and the old
busyboxes (gcr.io/google-containers/busybox, radial/busyboxplus:curl) with the pre-1.29
nslookup."""

from playground.sim.cluster import Cluster
from playground.sim.console import Console


def test_debug_services_walkthrough():
    con = Console(Cluster.new())
    for line in ("kubectl create deployment hostnames --image=registry.k8s.io/serve_hostname",
                 "kubectl scale deployment hostnames --replicas=3",
                 "kubectl expose deployment hostnames --port=80 --target-port=9376",
                 "kubectl run busybox --image=gcr.io/google-containers/busybox --restart=Never "
                 "-- sleep 3600",
                 "kubectl run curl --image=radial/busyboxplus:curl --restart=Never -- sleep 3600",
                 "clock advance 30"):
        assert con.run(line).ok, line
    ip = con.cluster.api.get("Service", "hostnames")["spec"]["clusterIP"]
    assert con.run("kubectl exec busybox -- nslookup hostnames").output == (
        "Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\n"
        f"Name:      hostnames\nAddress 1: {ip} hostnames.default.svc.cluster.local\n")
    names = {p["metadata"]["name"] for p in con.cluster.api.list("Pod", "default",
                                                                  label_selector="app=hostnames")}
    assert con.run("kubectl exec busybox -- wget -qO- hostnames").output.strip() in names
    assert con.run("kubectl exec curl -- curl -s hostnames").output.strip() in names
