"""ValidateService / ValidateServiceUpdate with the real API server's messages.

Models pkg/apis/core/validation/validation.go (ValidateService, validateServicePort,
validateServiceExternalTrafficPolicy, validateUpgradeDowngradeClusterIPs). Covers the
checks a learner meets; exotic fields (loadBalancerSourceRanges, ipFamilies on dual-stack
clusters, topology annotations) are accepted without checks.
"""

from __future__ import annotations

import ipaddress

from ..errors import FieldError, GoValue, duplicate, forbidden, invalid, not_supported, required
from ..validation import (
    is_dns1123_label,
    is_dns1123_subdomain,
    is_valid_port_name,
    is_valid_port_num,
)

TYPES = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]
PROTOCOLS = ["SCTP", "TCP", "UDP"]
AFFINITIES = ["ClientIP", "None"]
TRAFFIC_POLICIES = ["Cluster", "Local"]


def go_service_port(p: dict) -> GoValue:
    """A core.ServicePort in %#v form (what a Duplicate error prints)."""
    tp = p.get("targetPort")
    if isinstance(tp, str):
        target = f'intstr.IntOrString{{Type:1, IntVal:0, StrVal:"{tp}"}}'
    else:
        target = f'intstr.IntOrString{{Type:0, IntVal:{tp or 0}, StrVal:""}}'
    return GoValue(
        f'core.ServicePort{{Name:"{p.get("name", "")}", Protocol:"{p.get("protocol", "")}", '
        f"AppProtocol:(*string)(nil), Port:{p.get('port', 0)}, TargetPort:{target}, "
        f"NodePort:{p.get('nodePort', 0) or 0}}}"
    )


def is_headless(spec: dict) -> bool:
    return spec.get("clusterIP") == "None"


def validate_service(svc: dict) -> list[FieldError]:
    spec = svc.get("spec") or {}
    errs: list[FieldError] = []
    stype = spec.get("type")
    if stype not in TYPES:
        errs.append(not_supported("spec.type", stype, TYPES))
    if stype == "ExternalName":
        errs += _validate_external_name(spec)
    else:
        errs += _validate_cluster_ips(spec, stype)
    ports = spec.get("ports") or []
    if not ports and not is_headless(spec) and stype != "ExternalName":
        errs.append(required("spec.ports"))
    errs += _validate_ports(ports, stype)
    if spec.get("sessionAffinity") not in AFFINITIES:
        errs.append(not_supported("spec.sessionAffinity", spec.get("sessionAffinity"), AFFINITIES))
    errs += _validate_affinity_config(spec)
    errs += _validate_traffic_policies(spec, stype)
    return errs


def _validate_affinity_config(spec: dict) -> list[FieldError]:
    """validateClientIPAffinityConfig (MaxClientIPServiceAffinitySeconds = 86400)."""
    cfg = spec.get("sessionAffinityConfig")
    path = "spec.sessionAffinityConfig"
    if spec.get("sessionAffinity") != "ClientIP":
        if cfg:
            return [forbidden(path, "must not be set when session affinity is None")]
        return []
    timeout = ((cfg or {}).get("clientIP") or {}).get("timeoutSeconds")
    if not isinstance(timeout, int) or not 0 < timeout <= 86400:
        return [invalid(f"{path}.clientIP.timeoutSeconds", timeout,
                        "must be greater than 0 and less than 86400")]
    return []


def _validate_external_name(spec: dict) -> list[FieldError]:
    errs = []
    if spec.get("clusterIP") or spec.get("clusterIPs"):
        errs.append(forbidden("spec.clusterIPs", "may not be set for ExternalName services"))
    name = spec.get("externalName") or ""
    if not name:
        errs.append(required("spec.externalName"))
    else:
        for msg in is_dns1123_subdomain(name.rstrip(".") if name.endswith(".") else name):
            errs.append(invalid("spec.externalName", name, msg))
    return errs


def _validate_cluster_ips(spec: dict, stype: str | None) -> list[FieldError]:
    errs = []
    ips = spec.get("clusterIPs") or []
    if ips and spec.get("clusterIP") != ips[0]:
        errs.append(invalid("spec.clusterIPs", GoValue(_go_strings(ips)),
                            "first value must match `clusterIP`"))
        return errs
    for i, ip in enumerate(ips):
        if ip == "None":
            if stype in ("NodePort", "LoadBalancer"):
                errs.append(invalid(f"spec.clusterIPs[{i}]", ip,
                                    f"may not be set to 'None' for {stype} services"))
            continue
        try:
            ipaddress.IPv4Address(ip)
        except ValueError:
            errs.append(invalid(f"spec.clusterIPs[{i}]", ip,
                                "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"))
    return errs


def _go_strings(values: list | None) -> str:
    if values is None:
        return "[]string(nil)"
    return "[]string{" + ", ".join(f'"{v}"' for v in values) + "}"


def _validate_ports(ports: list, stype: str | None) -> list[FieldError]:
    errs: list[FieldError] = []
    names: set[str] = set()
    keys: set[tuple] = set()
    node_ports: dict[tuple, int] = {}
    for i, p in enumerate(ports):
        path = f"spec.ports[{i}]"
        errs += _validate_port(p, path, len(ports) > 1, names)
        key = (p.get("port"), p.get("protocol"))
        if key in keys:
            errs.append(duplicate(path, go_service_port(p)))
        keys.add(key)
        np = p.get("nodePort")
        if np and stype == "ClusterIP":
            errs.append(forbidden(f"{path}.nodePort", "may not be used when `type` is 'ClusterIP'"))
        elif np:
            nkey = (np, p.get("protocol"))
            if nkey in node_ports:
                errs.append(duplicate(f"{path}.nodePort", np))
            node_ports[nkey] = i
        if stype == "LoadBalancer" and p.get("port") == 10250:
            errs.append(invalid(path, 10250, "may not expose port 10250 externally since it is "
                                             "used by kubelet"))
    return errs


def _validate_port(p: dict, path: str, require_name: bool, names: set[str]) -> list[FieldError]:
    errs = []
    name = p.get("name") or ""
    if require_name and not name:
        errs.append(required(f"{path}.name"))
    elif name:
        errs += [invalid(f"{path}.name", name, m) for m in is_dns1123_label(name)]
        if name in names:
            errs.append(duplicate(f"{path}.name", name))
        names.add(name)
    errs += [invalid(f"{path}.port", p.get("port"), m) for m in is_valid_port_num(p.get("port"))]
    if p.get("protocol") not in PROTOCOLS:
        errs.append(not_supported(f"{path}.protocol", p.get("protocol"), PROTOCOLS))
    tp = p.get("targetPort")
    if isinstance(tp, str):
        errs += [invalid(f"{path}.targetPort", tp, m) for m in is_valid_port_name(tp)]
    else:
        errs += [invalid(f"{path}.targetPort", tp, m) for m in is_valid_port_num(tp)]
    return errs


def _validate_traffic_policies(spec: dict, stype: str | None) -> list[FieldError]:
    errs = []
    etp = spec.get("externalTrafficPolicy")
    if etp and stype not in ("NodePort", "LoadBalancer") and not spec.get("externalIPs"):
        errs.append(invalid("spec.externalTrafficPolicy", etp,
                            "may only be set when `type` is 'NodePort' or 'LoadBalancer'"))
    elif etp and etp not in TRAFFIC_POLICIES:
        errs.append(not_supported("spec.externalTrafficPolicy", etp, TRAFFIC_POLICIES))
    itp = spec.get("internalTrafficPolicy")
    if itp and itp not in TRAFFIC_POLICIES and stype != "ExternalName":
        errs.append(not_supported("spec.internalTrafficPolicy", itp, TRAFFIC_POLICIES))
    return errs


def validate_service_update(svc: dict, old: dict) -> list[FieldError]:
    errs = validate_service(svc)
    spec, old_spec = svc.get("spec") or {}, old.get("spec") or {}
    if "ExternalName" in (spec.get("type"), old_spec.get("type")):
        return errs
    if is_headless(spec) and is_headless(old_spec):
        return errs
    old_ips, new_ips = old_spec.get("clusterIPs") or [], spec.get("clusterIPs") or []
    if old_ips and not new_ips:
        errs.append(invalid("spec.clusterIPs[0]", GoValue(_go_strings(None)),
                            "primary clusterIP can not be unset"))
    for i, ip in enumerate(old_ips[: len(new_ips)]):
        if ip != new_ips[i]:
            errs.append(invalid(f"spec.clusterIPs[{i}]", GoValue(_go_strings(new_ips)),
                                "may not change once set"))
    return errs
