"""Service (core/v1): defaulting, type-dependent normalisation, validation, allocation.

Models pkg/apis/core/v1/defaults.go (SetDefaults_Service), pkg/registry/core/service/
strategy.go (PrepareForCreate/Update, dropTypeDependentFields), storage/storage.go
(patchAllocatedValues: an update that omits clusterIP or nodePorts keeps them) and
storage/alloc.go (allocIPs, initNodePorts, release on delete / type change).
Single-stack IPv4 cluster: ipFamilyPolicy SingleStack, ipFamilies [IPv4].
"""

from __future__ import annotations

from ..resources import ResourceType, Strategy, register
from ..validation import is_dns1035_label
from . import service_alloc as alloc
from .service_validation import is_headless, validate_service, validate_service_update


def needs_cluster_ip(spec: dict) -> bool:
    return spec.get("type") != "ExternalName"


def needs_node_port(spec: dict) -> bool:
    stype = spec.get("type")
    return stype == "NodePort" or (
        stype == "LoadBalancer" and spec.get("allocateLoadBalancerNodePorts", True) is not False
    )


def needs_hc_node_port(spec: dict) -> bool:
    return spec.get("type") == "LoadBalancer" and spec.get("externalTrafficPolicy") == "Local"


class ServiceStrategy(Strategy):
    status_subresource = True

    def validate_name(self, name: str) -> list[str]:
        return is_dns1035_label(name)

    def prepare_for_create(self, obj, cluster):
        obj["status"] = {"loadBalancer": {}}
        spec = obj.setdefault("spec", {})
        if spec.get("clusterIP") and not spec.get("clusterIPs"):
            spec["clusterIPs"] = [spec["clusterIP"]]

    def prepare_for_update(self, obj, old, cluster):
        super().prepare_for_update(obj, old, cluster)
        spec, old_spec = obj.setdefault("spec", {}), old.get("spec") or {}
        _normalize_cluster_ips(spec, old_spec)
        _drop_type_dependent_fields(spec, old_spec)
        _patch_allocated_values(spec, old_spec)

    def default(self, obj, cluster):
        set_defaults_service(obj.setdefault("spec", {}))

    def validate(self, obj, cluster):
        return validate_service(obj)

    def validate_update(self, obj, old, cluster):
        return validate_service_update(obj, old)

    def allocate(self, obj, old, cluster, dry_run):
        spec = obj["spec"]
        old_spec = (old or {}).get("spec") or {}
        if needs_cluster_ip(spec):
            if not (spec.get("clusterIPs") and spec["clusterIPs"] == old_spec.get("clusterIPs")):
                _allocate_ips(cluster, obj, old)
            spec.setdefault("ipFamilies", ["IPv4"])
            spec.setdefault("ipFamilyPolicy", "SingleStack")
        if needs_node_port(spec):
            alloc.allocate_node_ports(cluster, obj, alloc.used_node_ports(cluster, skip=old))
        if needs_hc_node_port(spec) and not spec.get("healthCheckNodePort"):
            used = alloc.used_node_ports(cluster, skip=old)
            used |= {p["nodePort"] for p in spec.get("ports") or () if p.get("nodePort")}
            spec["healthCheckNodePort"] = alloc.next_node_port(cluster, used)
        _order_spec(obj)

    def release(self, obj, cluster):
        """Nothing to do: allocation is derived from the Services in the store."""


def _allocate_ips(cluster, obj: dict, old: dict | None) -> None:
    spec = obj["spec"]
    if is_headless(spec):
        spec["clusterIPs"] = ["None"]
        return
    ip = alloc.allocate_cluster_ip(cluster, obj, alloc.used_cluster_ips(cluster, skip=old))
    spec["clusterIP"], spec["clusterIPs"] = ip, [ip]


def set_defaults_service(spec: dict) -> None:
    """SetDefaults_Service."""
    spec.setdefault("type", "ClusterIP")
    if not spec.get("sessionAffinity"):
        spec["sessionAffinity"] = "None"
    if spec["sessionAffinity"] == "ClientIP":
        cfg = spec.setdefault("sessionAffinityConfig", {}).setdefault("clientIP", {})
        cfg.setdefault("timeoutSeconds", 10800)
    for port in spec.get("ports") or ():
        if not port.get("protocol"):
            port["protocol"] = "TCP"
        if port.get("targetPort") in (None, 0, ""):
            port["targetPort"] = port.get("port")
    stype = spec["type"]
    if stype in ("NodePort", "LoadBalancer") and not spec.get("externalTrafficPolicy"):
        spec["externalTrafficPolicy"] = "Cluster"
    if stype != "ExternalName" and not spec.get("internalTrafficPolicy"):
        spec["internalTrafficPolicy"] = "Cluster"
    if stype == "LoadBalancer" and spec.get("allocateLoadBalancerNodePorts") is None:
        spec["allocateLoadBalancerNodePorts"] = True


def _normalize_cluster_ips(spec: dict, old: dict) -> None:
    """NormalizeClusterIPs for updates: the singular field drives the plural one."""
    same_plural = spec.get("clusterIPs") == old.get("clusterIPs")
    if not same_plural:
        return
    new_ip, old_ip = spec.get("clusterIP") or "", old.get("clusterIP") or ""
    if new_ip and old_ip and new_ip != old_ip:
        spec["clusterIPs"] = [new_ip]
    elif not new_ip:
        spec.pop("clusterIPs", None)


def _drop_type_dependent_fields(spec: dict, old: dict) -> None:
    """strategy.go dropTypeDependentFields: wipe what no longer applies and was not changed."""
    if needs_cluster_ip(old) and not needs_cluster_ip(spec):
        same_ips = spec.get("clusterIPs") == old.get("clusterIPs") or not spec.get("clusterIPs")
        if same_ips and spec.get("clusterIP") in (old.get("clusterIP"), None, ""):
            spec.pop("clusterIP", None)
            spec.pop("clusterIPs", None)
        if spec.get("ipFamilies") == old.get("ipFamilies"):
            spec.pop("ipFamilies", None)
        if spec.get("ipFamilyPolicy") == old.get("ipFamilyPolicy"):
            spec.pop("ipFamilyPolicy", None)
    if needs_node_port(old) and not needs_node_port(spec) and _node_ports(spec) == _node_ports(old):
        for port in spec.get("ports") or ():
            port.pop("nodePort", None)
    if needs_hc_node_port(old) and not needs_hc_node_port(spec) and _same(spec, old,
                                                                          "healthCheckNodePort"):
        spec.pop("healthCheckNodePort", None)
    was_lb, is_lb = old.get("type") == "LoadBalancer", spec.get("type") == "LoadBalancer"
    if was_lb and not is_lb and _same(spec, old, "allocateLoadBalancerNodePorts"):
        spec.pop("allocateLoadBalancerNodePorts", None)
    etp_types = ("NodePort", "LoadBalancer")
    if old.get("type") in etp_types and spec.get("type") not in etp_types and _same(
            spec, old, "externalTrafficPolicy"):
        spec.pop("externalTrafficPolicy", None)


def _same(spec: dict, old: dict, key: str) -> bool:
    return spec.get(key) == old.get(key)


def _node_ports(spec: dict) -> list:
    return [p.get("nodePort") for p in spec.get("ports") or ()]


def _patch_allocated_values(spec: dict, old: dict) -> None:
    """storage.go patchAllocatedValues."""
    if needs_cluster_ip(old) and needs_cluster_ip(spec):
        if not spec.get("clusterIP") and old.get("clusterIP"):
            spec["clusterIP"] = old["clusterIP"]
        if not spec.get("clusterIPs") and old.get("clusterIPs"):
            spec["clusterIPs"] = list(old["clusterIPs"])
    if needs_node_port(old) and needs_node_port(spec):
        used = {p.get("nodePort") for p in old.get("ports") or ()} & {
            p.get("nodePort") for p in spec.get("ports") or ()}
        by_name = {p.get("name", ""): p.get("nodePort") for p in old.get("ports") or ()}
        for port in spec.get("ports") or ():
            if not port.get("nodePort"):
                value = by_name.get(port.get("name", ""))
                if value and value not in used:
                    port["nodePort"] = value
    keep_hc = needs_hc_node_port(old) and needs_hc_node_port(spec)
    if keep_hc and not spec.get("healthCheckNodePort") and old.get("healthCheckNodePort"):
        spec["healthCheckNodePort"] = old["healthCheckNodePort"]


_SPEC_ORDER = ("clusterIP", "clusterIPs", "externalName", "externalTrafficPolicy",
               "healthCheckNodePort", "internalTrafficPolicy", "ipFamilies", "ipFamilyPolicy",
               "ports", "publishNotReadyAddresses", "selector", "sessionAffinity",
               "sessionAffinityConfig", "type")


def _order_spec(obj: dict) -> None:
    """Alphabetical keys, as `kubectl get -o yaml` prints the spec."""
    spec = obj["spec"]
    ordered = {k: spec[k] for k in sorted(spec)}
    obj["spec"] = ordered


register(
    ResourceType("Service", "services", "service", namespaced=True, short_names=("svc",),
                 categories=("all",), subresources=("status", "proxy")),
    ServiceStrategy(),
)
