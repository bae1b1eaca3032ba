"""Cluster DNS (rulebook §4.1) and the pod resolver (§4.2, §4.3)."""

import pytest

from playground.sim.dns import lookup, resolv_conf, resolve
from tests.sim.network_support import net_cluster, ns, pod, service, set_status


@pytest.fixture
def cluster():
    c = net_cluster()
    ns(c, "prod")
    ns(c, "test")
    service(c, "web", namespace="prod", selector={"app": "web"},
            ports=[{"name": "http", "port": 80}])
    pod(c, "client", namespace="test", image="busybox:1.36")
    c.reconcile()
    return c


def tries(res):
    return [(s.name, s.rcode) for s in res.trace]


def test_section_4_3_table_from_another_namespace(cluster):
    c = cluster
    client = c.api.get("pods", "client", "test")
    ip = c.api.get("services", "web", "prod")["spec"]["clusterIP"]
    res = lookup(c, client, "web")
    assert not res.ok and res.rcode == "NXDOMAIN"
    assert tries(res) == [("web.test.svc.cluster.local.", "NXDOMAIN"),
                          ("web.svc.cluster.local.", "NXDOMAIN"),
                          ("web.cluster.local.", "NXDOMAIN"),
                          ("web.", "NXDOMAIN")]
    res = lookup(c, client, "web.prod")
    assert res.addresses() == [ip]
    assert tries(res) == [("web.prod.test.svc.cluster.local.", "NXDOMAIN"),
                          ("web.prod.svc.cluster.local.", "NOERROR")]
    res = lookup(c, client, "web.prod.svc")
    assert res.addresses() == [ip]
    assert tries(res) == [("web.prod.svc.test.svc.cluster.local.", "NXDOMAIN"),
                          ("web.prod.svc.svc.cluster.local.", "NXDOMAIN"),
                          ("web.prod.svc.cluster.local.", "NOERROR")]
    res = lookup(c, client, "web.prod.svc.cluster.local")
    assert res.addresses() == [ip]
    assert [r for _, r in tries(res)] == ["NXDOMAIN"] * 3 + ["NOERROR"]
    assert tries(res)[0][0] == "web.prod.svc.cluster.local.test.svc.cluster.local."
    res = lookup(c, client, "web.prod.svc.cluster.local.")
    assert tries(res) == [("web.prod.svc.cluster.local.", "NOERROR")]


def test_namespace_named_like_the_service_gives_nodata(cluster):
    c = cluster
    ns(c, "web")
    res = lookup(c, c.api.get("pods", "client", "test"), "web")
    assert tries(res)[1] == ("web.svc.cluster.local.", "NODATA")
    assert res.rcode == "NODATA"


def test_same_named_service_in_own_namespace_shadows(cluster):
    c = cluster
    mine = service(c, "web", namespace="test", selector={"app": "x"})
    res = lookup(c, c.api.get("pods", "client", "test"), "web")
    assert res.addresses() == [mine["spec"]["clusterIP"]]
    assert len(res.trace) == 1


def test_cluster_ip_answers_even_without_endpoints(cluster):
    ans = resolve(cluster, "web.prod.svc.cluster.local", "A")
    assert ans.rcode == "NOERROR"
    ip = cluster.api.get("services", "web", "prod")["spec"]["clusterIP"]
    assert [(r.name, r.type, r.data, r.ttl) for r in ans.records] == [
        ("web.prod.svc.cluster.local.", "A", ip, 30)]


def test_srv_ptr_and_case_insensitivity(cluster):
    ip = cluster.api.get("services", "web", "prod")["spec"]["clusterIP"]
    srv = resolve(cluster, "_http._tcp.web.prod.svc.cluster.local", "SRV")
    assert [r.data for r in srv.records] == ["0 100 80 web.prod.svc.cluster.local."]
    assert resolve(cluster, "_http._udp.web.prod.svc.cluster.local", "SRV").rcode == "NXDOMAIN"
    ptr = resolve(cluster, ".".join(reversed(ip.split("."))) + ".in-addr.arpa", "PTR")
    assert [r.data for r in ptr.records] == ["web.prod.svc.cluster.local."]
    assert resolve(cluster, "WEB.Prod.SVC.cluster.local", "A").addresses() == [ip]


def test_headless_service_answers_ready_endpoints_only():
    c = net_cluster()
    service(c, "db", selector={"app": "db"}, clusterIP="None",
            ports=[{"name": "pg", "port": 5432}])
    c.reconcile()
    assert resolve(c, "db.default.svc.cluster.local").rcode == "NXDOMAIN"
    a = pod(c, "db-0", labels={"app": "db"}, hostname="db-0", subdomain="db", ip_host=20)
    pod(c, "db-1", labels={"app": "db"}, hostname="db-1", subdomain="db", ip_host=21)
    unready = pod(c, "db-2", labels={"app": "db"}, ready=False, ip_host=22)
    c.reconcile()
    ans = resolve(c, "db.default.svc.cluster.local")
    assert sorted(ans.addresses()) == ["10.244.1.20", "10.244.1.21"]
    assert resolve(c, "db-0.db.default.svc.cluster.local").addresses() == ["10.244.1.20"]
    srv = resolve(c, "_pg._tcp.db.default.svc.cluster.local", "SRV")
    assert sorted(r.data for r in srv.records) == [
        "0 50 5432 db-0.db.default.svc.cluster.local.",
        "0 50 5432 db-1.db.default.svc.cluster.local."]
    ptr = resolve(c, "20.1.244.10.in-addr.arpa", "PTR")
    assert [r.data for r in ptr.records] == ["db-0.db.default.svc.cluster.local."]
    # an endpoint without hostname is named by its dashed IP once ready
    set_status(c, unready, ip="10.244.1.22", ready=True)
    c.reconcile()
    assert resolve(c, "10-244-1-22.db.default.svc.cluster.local").addresses() == ["10.244.1.22"]
    for p in ("db-0", "db-1", "db-2"):
        set_status(c, c.api.get("pods", p), ip=None, ready=False)
    c.reconcile()
    assert resolve(c, "db.default.svc.cluster.local").rcode == "NXDOMAIN"
    assert a["metadata"]["name"] == "db-0"


def test_external_name_is_a_cname():
    c = net_cluster()
    service(c, "search", type="ExternalName", externalName="example.com", ports=[])
    ans = resolve(c, "search.default.svc.cluster.local", "A")
    assert [(r.type, r.data) for r in ans.records] == [("CNAME", "example.com."),
                                                        ("A", "93.184.215.14")]
    service(c, "nowhere", type="ExternalName", externalName="no.such.host", ports=[])
    nowhere = resolve(c, "nowhere.default.svc.cluster.local", "A")
    assert [(r.type, r.data) for r in nowhere.records] == [("CNAME", "no.such.host.")]


def test_pod_records_and_other_names():
    c = net_cluster()
    assert resolve(c, "10-244-1-5.default.pod.cluster.local").addresses() == ["10.244.1.5"]
    assert resolve(c, "10-244-1-5.ghost.pod.cluster.local").rcode == "NXDOMAIN"
    nodata = resolve(c, "default.svc.cluster.local")
    assert nodata.rcode == "NOERROR" and nodata.records == []
    assert resolve(c, "ghost.svc.cluster.local").rcode == "NXDOMAIN"
    assert resolve(c, "foo.cluster.local").rcode == "NXDOMAIN"
    assert resolve(c, "a.b.c.kubernetes.default.svc.cluster.local").rcode == "NXDOMAIN"
    assert [r.data for r in resolve(c, "dns-version.cluster.local", "TXT").records] == [
        '"1.1.0"']


def test_resolv_conf_per_dns_policy():
    base = {"metadata": {"name": "p", "namespace": "shop"}, "spec": {}}
    assert resolv_conf(base).text() == (
        "search shop.svc.cluster.local svc.cluster.local cluster.local\n"
        "nameserver 10.96.0.10\noptions ndots:5\n")
    host = {**base, "spec": {"hostNetwork": True}}
    assert resolv_conf(host).text() == "nameserver 172.18.0.1\n"
    forced = {**base, "spec": {"hostNetwork": True, "dnsPolicy": "ClusterFirstWithHostNet"}}
    assert resolv_conf(forced).nameservers == ["10.96.0.10"]
    custom = {**base, "spec": {"dnsPolicy": "None", "dnsConfig": {
        "nameservers": ["1.1.1.1"], "searches": ["corp.example"],
        "options": [{"name": "ndots", "value": "2"}, {"name": "edns0"}]}}}
    assert resolv_conf(custom).text() == (
        "search corp.example\nnameserver 1.1.1.1\noptions ndots:2 edns0\n")
    merged = {**base, "spec": {"dnsConfig": {"options": [{"name": "ndots", "value": "1"}]}}}
    assert resolv_conf(merged).options == ["ndots:1"]


def test_ndots_option_changes_the_order(cluster):
    c = cluster
    client = c.api.get("pods", "client", "test")
    client["spec"]["dnsConfig"] = {"options": [{"name": "ndots", "value": "1"}]}
    res = lookup(c, client, "web.prod")
    assert tries(res)[0] == ("web.prod.", "NXDOMAIN")
    assert res.ok


def test_dns_index_is_rebuilt_after_changes(cluster):
    c = cluster
    client = c.api.get("pods", "client", "test")
    assert not lookup(c, client, "api").ok
    service(c, "api", namespace="test", selector={"app": "api"})
    assert lookup(c, client, "api").ok


def test_dns_policy_default_only_knows_upstream_names(cluster):
    c = cluster
    node_dns = {"metadata": {"name": "h", "namespace": "test"}, "spec": {"dnsPolicy": "Default"}}
    res = lookup(c, node_dns, "web.prod.svc.cluster.local")
    assert not res.ok and tries(res) == [("web.prod.svc.cluster.local.", "NXDOMAIN")]
    assert lookup(c, node_dns, "example.com").addresses() == ["93.184.215.14"]


def test_srv_needs_a_named_port():
    c = net_cluster()
    service(c, "plain", selector={"app": "x"}, ports=[{"port": 80}])
    assert resolve(c, "_http._tcp.plain.default.svc.cluster.local", "SRV").rcode == "NXDOMAIN"
    assert resolve(c, "plain.default.svc.cluster.local", "AAAA").records == []
    assert resolve(c, "plain.default.svc.cluster.local", "AAAA").rcode == "NOERROR"
