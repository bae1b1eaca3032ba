"""Services through the API server: defaults, ClusterIP/NodePort allocation, exact errors,
immutability, type changes and patchAllocatedValues (rulebook §2)."""

import ipaddress

import pytest

from playground.sim.errors import Invalid
from tests.sim.network_support import net_cluster, service


def svc_body(name, **spec):
    spec.setdefault("ports", [{"port": 80}])
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name}, "spec": spec}


def invalid_message(c, body):
    with pytest.raises(Invalid) as exc:
        c.api.create(body)
    return exc.value.message


def test_builtin_services_sit_at_their_fixed_ips():
    c = net_cluster()
    k8s = c.api.get("services", "kubernetes", "default")
    dns = c.api.get("services", "kube-dns", "kube-system")
    assert k8s["spec"]["clusterIP"] == "10.96.0.1"
    assert k8s["spec"]["ports"] == [{"name": "https", "port": 443, "protocol": "TCP",
                                     "targetPort": 6443}]
    assert k8s["metadata"]["labels"] == {"component": "apiserver", "provider": "kubernetes"}
    assert dns["spec"]["clusterIP"] == "10.96.0.10"
    assert [(p["name"], p["port"], p["protocol"]) for p in dns["spec"]["ports"]] == [
        ("dns", 53, "UDP"), ("dns-tcp", 53, "TCP"), ("metrics", 9153, "TCP")]
    ep = c.api.get("endpoints", "kubernetes", "default")
    assert ep["subsets"] == [{"addresses": [{"ip": "172.18.0.2"}],
                              "ports": [{"name": "https", "port": 6443, "protocol": "TCP"}]}]


def test_defaults_applied_on_create():
    c = net_cluster()
    s = service(c, "web", selector={"app": "web"}, ports=[{"port": 80}])
    spec = s["spec"]
    assert spec["type"] == "ClusterIP"
    assert spec["sessionAffinity"] == "None"
    assert spec["ports"] == [{"port": 80, "protocol": "TCP", "targetPort": 80}]
    assert spec["internalTrafficPolicy"] == "Cluster"
    assert "externalTrafficPolicy" not in spec
    assert spec["ipFamilies"] == ["IPv4"] and spec["ipFamilyPolicy"] == "SingleStack"
    assert spec["clusterIPs"] == [spec["clusterIP"]]
    assert s["status"] == {"loadBalancer": {}}
    lb = service(c, "lb", selector={"app": "web"}, type="LoadBalancer",
                 sessionAffinity="ClientIP")["spec"]
    assert lb["externalTrafficPolicy"] == "Cluster"
    assert lb["allocateLoadBalancerNodePorts"] is True
    assert lb["sessionAffinityConfig"] == {"clientIP": {"timeoutSeconds": 10800}}


def test_dynamic_cluster_ips_are_random_in_the_upper_band():
    c = net_cluster()
    ips = [service(c, f"s{i}", selector={"app": "x"})["spec"]["clusterIP"] for i in range(40)]
    assert len(set(ips)) == 40
    net = ipaddress.ip_network("10.96.0.0/12")
    upper_start = ipaddress.ip_address("10.96.1.1")
    for ip in ips:
        addr = ipaddress.ip_address(ip)
        assert addr in net and addr >= upper_start
    assert ips != sorted(ips, key=ipaddress.ip_address)  # not sequential


def test_requested_cluster_ip_taken_or_out_of_range():
    c = net_cluster()
    assert service(c, "a", clusterIP="10.96.0.50")["spec"]["clusterIP"] == "10.96.0.50"
    assert invalid_message(c, svc_body("b", clusterIP="10.96.0.10")) == (
        'Service "b" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.10"}: failed '
        "to allocate IP 10.96.0.10: provided IP is already allocated")
    assert invalid_message(c, svc_body("c", clusterIP="10.0.0.5")) == (
        'Service "c" is invalid: spec.clusterIPs: Invalid value: []string{"10.0.0.5"}: failed '
        "to allocate IP 10.0.0.5: the provided network does not match the current range")


def test_node_port_allocation_and_collision_error():
    c = net_cluster()
    s = service(c, "np", selector={"app": "x"}, type="NodePort", ports=[{"port": 80}])
    port = s["spec"]["ports"][0]["nodePort"]
    assert 30086 <= port <= 32767
    assert service(c, "fixed", type="NodePort", selector={"app": "x"},
                   ports=[{"port": 80, "nodePort": 30080}])["spec"]["ports"][0]["nodePort"] == 30080
    body = svc_body("clash", type="NodePort", ports=[{"port": 80, "nodePort": 30080}])
    assert invalid_message(c, body) == (
        'Service "clash" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided '
        "port is already allocated")
    body = svc_body("far", type="NodePort", ports=[{"port": 80, "nodePort": 40000}])
    assert invalid_message(c, body) == (
        'Service "far" is invalid: spec.ports[0].nodePort: Invalid value: 40000: provided port '
        "is not in the valid range. The range of valid ports is 30000-32767")


def test_same_port_two_protocols_share_one_node_port():
    c = net_cluster()
    s = service(c, "dns", type="NodePort", selector={"app": "x"},
                ports=[{"name": "u", "port": 53, "protocol": "UDP"},
                       {"name": "t", "port": 53, "protocol": "TCP"}])
    a, b = s["spec"]["ports"]
    assert a["nodePort"] == b["nodePort"]


def test_validation_messages():
    c = net_cluster()
    assert invalid_message(c, svc_body("x", type="ClusterIP",
                                       ports=[{"port": 80, "nodePort": 30001}])) == (
        'Service "x" is invalid: spec.ports[0].nodePort: Forbidden: may not be used when `type` '
        "is 'ClusterIP'")
    # every port needs a name once there are several (validateServicePort requireName)
    assert invalid_message(c, svc_body("x", ports=[{"port": 80}, {"port": 81}])) == (
        'Service "x" is invalid: [spec.ports[0].name: Required value, spec.ports[1].name: '
        "Required value]")
    assert invalid_message(c, svc_body("x", externalTrafficPolicy="Local")) == (
        'Service "x" is invalid: spec.externalTrafficPolicy: Invalid value: "Local": may only '
        "be set when `type` is 'NodePort' or 'LoadBalancer'")
    assert invalid_message(c, svc_body("x", type="NodePort", clusterIP="None")) == (
        'Service "x" is invalid: spec.clusterIPs[0]: Invalid value: "None": may not be set to '
        "'None' for NodePort services")
    assert invalid_message(c, svc_body("x", ports=[])) == (
        'Service "x" is invalid: spec.ports: Required value')
    assert invalid_message(c, svc_body("My_svc")) == (
        'Service "My_svc" is invalid: metadata.name: Invalid value: "My_svc": a DNS-1035 label '
        "must consist of lower case alphanumeric characters or '-', start with an alphabetic "
        "character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', "
        "regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')")
    assert invalid_message(c, svc_body("x", type="ExternalName", externalName="a.com",
                                       clusterIP="10.96.5.5")) == (
        'Service "x" is invalid: spec.clusterIPs: Forbidden: may not be set for ExternalName '
        "services")


def test_headless_and_external_name():
    c = net_cluster()
    h = service(c, "h", selector={"app": "x"}, clusterIP="None", ports=[])
    assert h["spec"]["clusterIP"] == "None" and h["spec"]["clusterIPs"] == ["None"]
    e = service(c, "e", type="ExternalName", externalName="example.com", ports=[])
    assert "clusterIP" not in e["spec"]
    assert "internalTrafficPolicy" not in e["spec"]


def test_cluster_ip_may_not_change_and_omitting_it_keeps_it():
    c = net_cluster()
    s = service(c, "web", selector={"app": "web"}, type="NodePort")
    ip, port = s["spec"]["clusterIP"], s["spec"]["ports"][0]["nodePort"]
    replaced = svc_body("web", selector={"app": "web"}, type="NodePort")  # no IP, no nodePort
    replaced["metadata"]["namespace"] = "default"
    kept = c.api.update(replaced)
    assert kept["spec"]["clusterIP"] == ip
    assert kept["spec"]["ports"][0]["nodePort"] == port
    changed = dict(kept, spec={**kept["spec"], "clusterIP": "10.96.5.5"})
    with pytest.raises(Invalid) as exc:
        c.api.update(changed)
    assert exc.value.message == (
        'Service "web" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.96.5.5"}: '
        "may not change once set")


def test_type_changes_release_node_ports_and_cluster_ip():
    c = net_cluster()
    s = service(c, "web", selector={"app": "web"}, type="NodePort")
    port = s["spec"]["ports"][0]["nodePort"]
    back = c.api.patch("services", "web", {"spec": {"type": "ClusterIP"}})
    assert "nodePort" not in back["spec"]["ports"][0]
    assert "externalTrafficPolicy" not in back["spec"]
    # the released port can be requested again
    again = service(c, "other", type="NodePort", selector={"app": "x"},
                    ports=[{"port": 80, "nodePort": port}])
    assert again["spec"]["ports"][0]["nodePort"] == port
    ext = c.api.patch("services", "web", {"spec": {"type": "ExternalName",
                                                   "externalName": "example.com"}})
    assert "clusterIP" not in ext["spec"] and "clusterIPs" not in ext["spec"]
    ip = back["spec"]["clusterIP"]
    assert service(c, "reuse", clusterIP=ip)["spec"]["clusterIP"] == ip


def test_load_balancer_gets_pool_ip_and_events():
    c = net_cluster()
    service(c, "lb", selector={"app": "x"}, type="LoadBalancer")
    c.reconcile()
    lb = c.api.get("services", "lb")
    assert lb["status"] == {"loadBalancer": {"ingress": [{"ip": "172.18.255.200",
                                                          "ipMode": "VIP"}]}}
    assert lb["spec"]["ports"][0]["nodePort"] >= 30000
    reasons = [(e["reason"], e["message"], e["source"]["component"])
               for e in c.api.list("events", "default")]
    assert reasons == [("EnsuringLoadBalancer", "Ensuring load balancer", "service-controller"),
                       ("EnsuredLoadBalancer", "Ensured load balancer", "service-controller")]
    service(c, "lb2", selector={"app": "x"}, type="LoadBalancer")
    c.reconcile()
    assert c.api.get("services", "lb2")["status"]["loadBalancer"]["ingress"][0]["ip"] == (
        "172.18.255.201")
    rv = c.store.meta["resourceVersion"]
    c.reconcile()
    assert c.store.meta["resourceVersion"] == rv
    c.api.patch("services", "lb", {"spec": {"type": "ClusterIP"}})
    c.reconcile()
    assert c.api.get("services", "lb")["status"] == {"loadBalancer": {}}


def test_kubernetes_service_comes_back_when_deleted():
    c = net_cluster()
    c.api.delete("services", "kubernetes", namespace="default")
    c.api.delete("endpoints", "kubernetes", namespace="default")
    c.reconcile()
    assert c.api.get("services", "kubernetes", "default")["spec"]["clusterIP"] == "10.96.0.1"
    assert c.api.get("endpoints", "kubernetes", "default")["subsets"][0]["addresses"] == [
        {"ip": "172.18.0.2"}]


def test_session_affinity_config_rules():
    c = net_cluster()
    assert invalid_message(c, svc_body("x", sessionAffinity="ClientIP", sessionAffinityConfig={
        "clientIP": {"timeoutSeconds": 0}})) == (
        'Service "x" is invalid: spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid '
        "value: 0: must be greater than 0 and less than 86400")
    assert invalid_message(c, svc_body("x", sessionAffinityConfig={
        "clientIP": {"timeoutSeconds": 60}})) == (
        'Service "x" is invalid: spec.sessionAffinityConfig: Forbidden: must not be set when '
        "session affinity is None")


def test_ipaddress_objects_follow_services_and_reserve_ips():
    c = net_cluster()
    from playground.sim.controllers.service import IPAddressController

    c.controllers.append(IPAddressController())
    s = service(c, "web", selector={"app": "web"})
    c.reconcile()
    ip = s["spec"]["clusterIP"]
    addr = c.api.get("ipaddresses", ip)
    assert addr["spec"]["parentRef"] == {"group": "", "resource": "services",
                                         "namespace": "default", "name": "web"}
    assert addr["metadata"]["labels"] == {"ipaddress.kubernetes.io/ip-family": "IPv4",
                                          "ipaddress.kubernetes.io/managed-by":
                                          "ipallocator.k8s.io"}
    assert c.api.get("servicecidrs", "kubernetes")["spec"]["cidrs"] == ["10.96.0.0/12"]
    assert {a["metadata"]["name"] for a in c.api.list("ipaddresses")} == {
        "10.96.0.1", "10.96.0.10", ip}
    rv = c.store.meta["resourceVersion"]
    c.reconcile()
    assert c.store.meta["resourceVersion"] == rv
    c.api.delete("ipaddresses", ip)  # behind the allocator's back: it comes back
    c.reconcile()
    assert c.api.get("ipaddresses", ip)["spec"]["parentRef"]["name"] == "web"
    c.api.delete("services", "web")
    c.reconcile()
    assert {a["metadata"]["name"] for a in c.api.list("ipaddresses")} == {
        "10.96.0.1", "10.96.0.10"}
    # an IPAddress made by hand holds its IP
    c.api.create({"apiVersion": "networking.k8s.io/v1", "kind": "IPAddress",
                  "metadata": {"name": "10.96.0.77"},
                  "spec": {"parentRef": {"resource": "gateways", "name": "gw"}}})
    assert invalid_message(c, svc_body("b", clusterIP="10.96.0.77")).endswith(
        "failed to allocate IP 10.96.0.77: provided IP is already allocated")
