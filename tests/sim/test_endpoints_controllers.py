"""The Endpoints and EndpointSlice controllers (rulebook §3): which pods, ready vs not
ready, terminating pods, publishNotReadyAddresses, hostnames, named ports, placeholder
slices, selector-less Services; convergence, idempotence, level triggering."""

from playground.sim.objects import clone
from tests.sim.network_support import net_cluster, pod, service, set_status


def slices_of(c, name, ns="default"):
    return [s for s in c.api.list("endpointslices", ns)
            if s["metadata"]["labels"].get("kubernetes.io/service-name") == name]


def web(c, n=3, **kw):
    c.api.create({"apiVersion": "v1", "kind": "Service",
                  "metadata": {"name": "web", "labels": {"tier": "front"}},
                  "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}], **kw}})
    return [pod(c, f"web-{i}", labels={"app": "web"}, node=f"worker-{i % 2 + 1}")
            for i in range(n)]


def test_endpoints_lists_ready_and_not_ready_addresses():
    c = net_cluster()
    pods = web(c)
    pod(c, "web-slow", labels={"app": "web"}, ready=False)
    pod(c, "web-pending", labels={"app": "web"}, ready=False, running=False, ip_host=200)
    pod(c, "other", labels={"app": "db"})
    c.reconcile()
    ep = c.api.get("endpoints", "web")
    assert ep["metadata"]["labels"] == {"tier": "front",
                                        "endpoints.kubernetes.io/managed-by":
                                        "endpoint-controller"}
    assert "endpoints.kubernetes.io/last-change-trigger-time" in ep["metadata"]["annotations"]
    [subset] = ep["subsets"]
    assert [a["targetRef"]["name"] for a in subset["addresses"]] == [
        p["metadata"]["name"] for p in sorted(pods, key=lambda p: p["status"]["podIP"])]
    assert subset["addresses"][0]["targetRef"] == {
        "kind": "Pod", "name": "web-0", "namespace": "default",
        "uid": pods[0]["metadata"]["uid"]}
    assert subset["addresses"][0]["nodeName"] == "worker-1"
    assert [a["targetRef"]["name"] for a in subset["notReadyAddresses"]] == ["web-slow",
                                                                             "web-pending"]
    assert subset["ports"] == [{"port": 80, "protocol": "TCP"}]


def test_pod_without_ip_or_terminal_is_absent():
    c = net_cluster()
    service(c, "web", selector={"app": "web"})
    p = pod(c, "web-0", labels={"app": "web"})
    set_status(c, p, ip=None, ready=False, running=False)
    c.reconcile()
    assert "subsets" not in c.api.get("endpoints", "web")
    [s] = slices_of(c, "web")
    assert s["endpoints"] == [] and "ports" not in s  # the placeholder slice


def test_endpointslice_shape_and_conditions():
    c = net_cluster()
    pods = web(c, 2)
    c.reconcile()
    [s] = slices_of(c, "web")
    svc = c.api.get("services", "web")
    assert s["metadata"]["name"].startswith("web-") and len(s["metadata"]["name"]) == 9
    assert s["metadata"]["generateName"] == "web-"
    assert s["metadata"]["labels"] == {
        "tier": "front", "kubernetes.io/service-name": "web",
        "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io"}
    assert s["metadata"]["ownerReferences"] == [{
        "apiVersion": "v1", "kind": "Service", "name": "web", "uid": svc["metadata"]["uid"],
        "controller": True, "blockOwnerDeletion": True}]
    assert s["addressType"] == "IPv4"
    assert s["ports"] == [{"name": "", "port": 80, "protocol": "TCP"}]
    assert s["endpoints"][0] == {
        "addresses": [pods[0]["status"]["podIP"]],
        "conditions": {"ready": True, "serving": True, "terminating": False},
        "nodeName": "worker-1",
        "targetRef": {"kind": "Pod", "name": "web-0", "namespace": "default",
                      "uid": pods[0]["metadata"]["uid"]}}


def test_terminating_pod_leaves_endpoints_but_stays_in_slice_as_terminating():
    c = net_cluster()
    web(c, 2)
    c.reconcile()
    c.api.delete("pods", "web-0")  # graceful: deletionTimestamp set, still running
    c.reconcile()
    ep = c.api.get("endpoints", "web")
    names = [a["targetRef"]["name"] for s in ep["subsets"]
             for a in s.get("addresses", []) + s.get("notReadyAddresses", [])]
    assert names == ["web-1"]
    [s] = slices_of(c, "web")
    cond = {e["targetRef"]["name"]: e["conditions"] for e in s["endpoints"]}
    assert cond["web-0"] == {"ready": False, "serving": True, "terminating": True}
    assert cond["web-1"] == {"ready": True, "serving": True, "terminating": False}


def test_publish_not_ready_addresses():
    c = net_cluster()
    web(c, 1, publishNotReadyAddresses=True)
    pod(c, "web-slow", labels={"app": "web"}, ready=False)
    c.reconcile()
    [subset] = c.api.get("endpoints", "web")["subsets"]
    assert len(subset["addresses"]) == 2 and "notReadyAddresses" not in subset
    [s] = slices_of(c, "web")
    slow = next(e for e in s["endpoints"] if e["targetRef"]["name"] == "web-slow")
    assert slow["conditions"] == {"ready": True, "serving": False, "terminating": False}


def test_hostname_needs_matching_subdomain_and_headless_label():
    c = net_cluster()
    service(c, "db", selector={"app": "db"}, clusterIP="None", ports=[])
    pod(c, "db-0", labels={"app": "db"}, hostname="db-0", subdomain="db")
    pod(c, "db-1", labels={"app": "db"}, hostname="db-1", subdomain="other")
    c.reconcile()
    ep = c.api.get("endpoints", "db")
    assert ep["metadata"]["labels"]["service.kubernetes.io/headless"] == ""
    hosts = {a["targetRef"]["name"]: a.get("hostname") for a in ep["subsets"][0]["addresses"]}
    assert hosts == {"db-0": "db-0", "db-1": None}
    assert "ports" not in ep["subsets"][0]
    [s] = slices_of(c, "db")
    assert s["metadata"]["labels"]["service.kubernetes.io/headless"] == ""
    assert {e["targetRef"]["name"]: e.get("hostname") for e in s["endpoints"]} == hosts


def test_named_target_port_resolves_per_pod():
    c = net_cluster()
    service(c, "web", selector={"app": "web"}, ports=[{"port": 80, "targetPort": "http"}])
    pod(c, "a", labels={"app": "web"}, ports=[{"name": "http", "containerPort": 8080}])
    pod(c, "b", labels={"app": "web"}, ports=[{"name": "http", "containerPort": 9090}])
    pod(c, "c", labels={"app": "web"})  # no such port
    c.reconcile()
    subsets = c.api.get("endpoints", "web")["subsets"]
    by_port = {s["ports"][0]["port"]: [a["targetRef"]["name"] for a in s["addresses"]]
               for s in subsets}
    assert by_port == {8080: ["a"], 9090: ["b"]}
    slices = slices_of(c, "web")
    ports = sorted(str(s.get("ports")) for s in slices)
    assert len(slices) == 3  # one per port mapping; pod c in a slice without ports
    assert "None" in ports


def test_selectorless_service_is_left_alone():
    c = net_cluster()
    service(c, "ext", ports=[{"port": 5432}])
    c.api.create({"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "ext"},
                  "subsets": [{"addresses": [{"ip": "192.168.1.50"}],
                               "ports": [{"port": 5432}]}]})
    c.reconcile()
    ep = c.api.get("endpoints", "ext")
    assert ep["subsets"][0]["addresses"] == [{"ip": "192.168.1.50"}]
    assert "labels" not in ep["metadata"]
    # only the mirroring controller makes a slice of it, never the EndpointSlice controller
    assert [s["metadata"]["labels"]["endpointslice.kubernetes.io/managed-by"]
            for s in slices_of(c, "ext")] == ["endpointslicemirroring-controller.k8s.io"]


def test_service_deleted_takes_its_endpoints():
    c = net_cluster()
    web(c, 1)
    c.reconcile()
    c.api.delete("services", "web")
    c.reconcile()
    assert [e["metadata"]["name"] for e in c.api.list("endpoints", "default")] == ["kubernetes"]
    assert slices_of(c, "web") == []


def test_more_than_100_endpoints_split_into_slices():
    c = net_cluster()
    service(c, "big", selector={"app": "big"})
    for i in range(130):
        pod(c, f"big-{i:03d}", labels={"app": "big"}, ip_host=0)
        p = c.api.get("pods", f"big-{i:03d}")
        set_status(c, p, ip=f"10.244.1.{i + 100}" if i < 150 else None, ready=True)
    c.reconcile()
    sizes = sorted(len(s["endpoints"]) for s in slices_of(c, "big"))
    assert sizes == [30, 100]


def test_controllers_are_idempotent_and_level_triggered():
    c = net_cluster()
    web(c, 3)
    c.reconcile()
    rv = c.store.meta["resourceVersion"]
    c.reconcile()
    assert c.store.meta["resourceVersion"] == rv
    # break the world behind the controllers' backs: edit the Endpoints, delete a slice
    ep = clone(c.api.get("endpoints", "web"))
    ep["subsets"] = []
    c.api.update(ep)
    [s] = slices_of(c, "web")
    c.api.delete("endpointslices", s["metadata"]["name"])
    c.cache.clear()
    c.reconcile()
    assert len(c.api.get("endpoints", "web")["subsets"][0]["addresses"]) == 3
    [s2] = slices_of(c, "web")
    assert len(s2["endpoints"]) == 3 and s2["metadata"]["name"] != s["metadata"]["name"]


def test_readiness_change_moves_address():
    c = net_cluster()
    pods = web(c, 2)
    c.reconcile()
    set_status(c, pods[0], ip=pods[0]["status"]["podIP"], ready=False)
    c.reconcile()
    [subset] = c.api.get("endpoints", "web")["subsets"]
    assert [a["targetRef"]["name"] for a in subset["notReadyAddresses"]] == ["web-0"]
    [s] = slices_of(c, "web")
    assert {e["targetRef"]["name"]: e["conditions"]["ready"] for e in s["endpoints"]} == {
        "web-0": False, "web-1": True}


def test_hand_written_endpoints_are_mirrored_into_slices():
    c = net_cluster()
    service(c, "db", ports=[{"port": 5432}])
    pod(c, "pg", image="postgres:16", ip_host=99)
    c.api.create({"apiVersion": "v1", "kind": "Endpoints",
                  "metadata": {"name": "db", "labels": {"team": "data"}},
                  "subsets": [{"addresses": [{"ip": "10.244.1.99"}],
                               "notReadyAddresses": [{"ip": "10.244.2.7"}],
                               "ports": [{"port": 5432}]}]})
    c.reconcile()
    [s] = slices_of(c, "db")
    ep = c.api.get("endpoints", "db")
    assert s["metadata"]["name"].startswith("db-")
    assert s["metadata"]["labels"] == {
        "team": "data", "kubernetes.io/service-name": "db",
        "endpointslice.kubernetes.io/managed-by": "endpointslicemirroring-controller.k8s.io"}
    assert s["metadata"]["ownerReferences"][0]["kind"] == "Endpoints"
    assert s["metadata"]["ownerReferences"][0]["uid"] == ep["metadata"]["uid"]
    assert s["ports"] == [{"name": "", "port": 5432, "protocol": "TCP"}]
    assert [(e["addresses"], e["conditions"]) for e in s["endpoints"]] == [
        (["10.244.1.99"], {"ready": True}), (["10.244.2.7"], {"ready": False})]
    rv = c.store.meta["resourceVersion"]
    c.reconcile()
    assert c.store.meta["resourceVersion"] == rv
    c.api.delete("endpoints", "db")
    c.reconcile()
    assert slices_of(c, "db") == []
    # the apiserver's own Endpoints carry skip-mirror: only its hand-made slice exists
    assert [s["metadata"]["name"] for s in slices_of(c, "kubernetes")] == ["kubernetes"]


def test_slice_name_survives_scaling_to_zero_and_back():
    c = net_cluster()
    service(c, "web", selector={"app": "web"})
    c.reconcile()
    [placeholder] = slices_of(c, "web")
    p = pod(c, "web-0", labels={"app": "web"})
    c.reconcile()
    [filled] = slices_of(c, "web")
    assert filled["metadata"]["name"] == placeholder["metadata"]["name"]
    assert len(filled["endpoints"]) == 1 and filled["ports"]
    c.api.delete("pods", p["metadata"]["name"], grace_period_seconds=0)
    c.reconcile()
    [empty] = slices_of(c, "web")
    assert empty["metadata"]["name"] == placeholder["metadata"]["name"]
    assert empty["endpoints"] == [] and "ports" not in empty


def test_change_log_cleared_in_place_is_noticed():
    """The Django store clears `store.changes` after saving; a later pod change at a lower
    index than the controllers' last mark must still be seen."""
    c = net_cluster()
    web(c, 1)
    c.reconcile()
    c.store.changes.clear()
    for i in range(40):  # unrelated writes push the log past the old mark
        c.api.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"cm{i}"}})
    c.store.changes.clear()
    pod(c, "web-late", labels={"app": "web"})
    for i in range(400):
        c.api.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"x{i}"}})
    c.reconcile()
    names = [a["targetRef"]["name"] for a in c.api.get("endpoints", "web")["subsets"][0][
        "addresses"]]
    assert "web-late" in names
