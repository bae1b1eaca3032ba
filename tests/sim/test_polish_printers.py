"""printers.go columns for IPAddress (NAME PARENTREF: the row's age has no column, so kubectl
drops it), ServiceCIDR (NAME CIDRS AGE) and Lease (NAME HOLDER AGE)."""

from playground.sim.cluster import Cluster
from playground.sim.console import Console


def test_ipaddress_and_servicecidr_tables():
    console = Console(Cluster.new())
    assert console.run("kubectl get ipaddresses").output == (
        "NAME         PARENTREF\n"
        "10.96.0.1    services/default/kubernetes\n"
        "10.96.0.10   services/kube-system/kube-dns\n")
    assert console.run("kubectl get servicecidrs").output == (
        "NAME         CIDRS          AGE\n"
        "kubernetes   10.96.0.0/12   35s\n")


def test_ipaddress_parent_with_group_and_without_parent():
    from playground.sim.printers import table

    obj = {"metadata": {"name": "10.0.0.9"}, "spec": {"parentRef": {
        "group": "Example.io", "resource": "Widgets", "name": "w"}}}
    assert table("IPAddress", [obj], now=0)[1] == [["10.0.0.9", "widgets.example.io/w"]]
    assert table("IPAddress", [{"metadata": {"name": "x"}, "spec": {}}], now=0)[1] == [
        ["x", "<none>"]]
