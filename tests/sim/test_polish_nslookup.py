"""busybox:1.28's old nslookup (the format of the DNS-debugging page) vs busybox 1.36's."""

import pytest

from playground.sim.cluster import Cluster
from playground.sim.console import Console


@pytest.fixture
def con():
    console = Console(Cluster.new())
    for line in ("kubectl run old --image=busybox:1.28 --restart=Never -- sleep 3600",
                 "kubectl run new --image=busybox:1.36 --restart=Never -- sleep 3600",
                 "clock advance 20"):
        assert console.run(line).ok
    return console


def test_busybox_128_prints_the_old_format(con):
    assert con.run("kubectl exec old -- nslookup kubernetes.default").output == (
        "Server:    10.96.0.10\n"
        "Address 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\n"
        "Name:      kubernetes.default\n"
        "Address 1: 10.96.0.1 kubernetes.default.svc.cluster.local\n")
    r = con.run("kubectl exec old -- nslookup nope")
    assert not r.ok
    assert r.output == (
        "Server:    10.96.0.10\n"
        "Address 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\n"
        "nslookup: can't resolve 'nope'\ncommand terminated with exit code 1\n")


def test_newer_busybox_keeps_the_new_format(con):
    assert con.run("kubectl exec new -- nslookup kubernetes.default").output.startswith(
        "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n")


def test_old_format_when_coredns_is_gone(con):
    con.run("kubectl -n kube-system scale deployment coredns --replicas=0")
    con.run("clock advance 40")
    out = con.run("kubectl exec old -- nslookup kubernetes.default").output
    assert out.startswith("Server:    10.96.0.10\nAddress 1: 10.96.0.10\n\n")
    assert "nslookup: can't resolve 'kubernetes.default'\n" in out
