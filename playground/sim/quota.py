"""Quota arithmetic and evaluators: what each object charges against a ResourceQuota.

Models k8s.io/apiserver/pkg/quota/v1 (resources.go: Add, Subtract, Mask,
LessThanOrEqual), pkg/quota/v1/evaluator/core (pods.go: podUsageHelper, QuotaV1Pod,
Constraints; services.go; persistent_volume_claims.go) and the generic object-count
evaluator (`count/<resource>[.<group>]`, plus the legacy `configmaps`, `resourcequotas`,
`secrets` names), and resource.Quantity's canonical String() for what messages print.

Quantities are exact (Decimal) with the format of the first value that made them
(BinarySI `128Mi`, DecimalSI `500m`), as Quantity.Add keeps the receiver's format.
Simplified: no scopes/scopeSelector matching beyond Terminating/NotTerminating/
BestEffort/NotBestEffort (PriorityClass and CrossNamespacePodAffinity scopes are
accepted but match every pod), no pod-level resources or overhead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal, InvalidOperation
from typing import Any

from .objects import get_path, parse_time

_QTY_RE = re.compile(r"^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$")
_BINARY = {"Ki": 1, "Mi": 2, "Gi": 3, "Ti": 4, "Pi": 5, "Ei": 6}
_DECIMAL = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15,
            "E": 18}
_DEC_SUFFIX = {v: k for k, v in _DECIMAL.items()}
_BIN_SUFFIX = {v: k for k, v in _BINARY.items()}
REGEX_MESSAGE = ("quantities must match the regular expression "
                 "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")


@dataclass(frozen=True)
class Qty:
    value: Decimal
    binary: bool = False

    def __add__(self, other: Qty) -> Qty:
        # Quantity.Add: a zero receiver takes the other's format
        return Qty(self.value + other.value, other.binary if self.value == 0 else self.binary)

    def __sub__(self, other: Qty) -> Qty:
        return Qty(self.value - other.value, other.binary if self.value == 0 else self.binary)

    def __str__(self) -> str:
        return format_quantity(self.value, self.binary)


ZERO = Qty(Decimal(0))


def parse(value: Any) -> Qty | None:
    """resource.ParseQuantity; None when invalid."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return Qty(Decimal(value))
    if isinstance(value, float):
        return Qty(Decimal(repr(value))) if value == value and abs(value) != float("inf") \
            else None
    if not isinstance(value, str) or len(value) > 64:
        return None
    m = _QTY_RE.match(value.strip())
    if not m:
        return None
    number, suffix = m.groups()
    try:
        base = Decimal(number)
    except InvalidOperation:
        return None
    if suffix in _BINARY:
        return Qty(base * (Decimal(1024) ** _BINARY[suffix]), True)
    if suffix in _DECIMAL:
        return Qty(base.scaleb(_DECIMAL[suffix]))
    exp = re.fullmatch(r"[eE]([-+]?[0-9]{1,3})", suffix)
    if exp:
        return Qty(base.scaleb(int(exp.group(1))))
    return None


def format_quantity(value: Decimal, binary: bool = False) -> str:
    """Quantity.String(): canonical form (`1536`, `128Mi`, `500m`, `2k`)."""
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    value = abs(value)
    if binary and value >= 1024 and value == value.to_integral_value():
        n, exp = int(value), 0
        while n % 1024 == 0 and exp < 6:
            n //= 1024
            exp += 1
        if exp:
            return f"{sign}{n}{_BIN_SUFFIX[exp]}"
    # DecimalSI: integer mantissa, exponent a multiple of 3, the largest that is exact;
    # anything finer than 1n rounds up to it
    value = (value.scaleb(9).to_integral_value(rounding=ROUND_CEILING)).scaleb(-9)
    for exp in (18, 15, 12, 9, 6, 3, 0, -3, -6, -9):
        scaled = value.scaleb(-exp)
        if scaled == scaled.to_integral_value():
            if exp > 0 and abs(scaled) < 1:
                continue
            return f"{sign}{int(scaled)}{_DEC_SUFFIX[exp]}"
    return f"{sign}{value}"  # unreachable: the 1n rounding makes -9 exact


ResourceList = dict[str, Qty]


def add(a: ResourceList, b: ResourceList) -> ResourceList:
    out = dict(a)
    for k, v in b.items():
        out[k] = out[k] + v if k in out else v
    return out


def subtract(a: ResourceList, b: ResourceList) -> ResourceList:
    out = dict(a)
    for k, v in b.items():
        out[k] = out[k] - v if k in out else Qty(-v.value, v.binary)
    return out


def mask(a: ResourceList, names) -> ResourceList:
    return {k: v for k, v in a.items() if k in names}


def exceeded(used: ResourceList, hard: ResourceList) -> list[str]:
    """LessThanOrEqual's second result: names whose value is above the hard limit."""
    return sorted(k for k, v in used.items() if k in hard and v.value > hard[k].value)


def pretty(a: ResourceList) -> str:
    """prettyPrint: `pods=1,requests.cpu=500m`, keys sorted."""
    return ",".join(f"{k}={a[k]}" for k in sorted(a))


def parse_list(raw: Any) -> ResourceList:
    """A stored ResourceList (already validated); invalid entries are skipped."""
    out: ResourceList = {}
    if isinstance(raw, dict):
        for k, v in raw.items():
            q = parse(v)
            if q is not None:
                out[str(k)] = q
    return out


def to_wire(a: ResourceList) -> dict[str, str]:
    return {k: str(a[k]) for k in sorted(a)}


# ---- evaluators ----------------------------------------------------------------------------

_ONE = Qty(Decimal(1))
COMPUTE = ("cpu", "memory", "ephemeral-storage")
# names the pod evaluator requires every container to state (Constraints)
POD_VALIDATION = ("cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu",
                  "limits.memory")
LEGACY_COUNTS = {"ConfigMap": "configmaps", "ResourceQuota": "resourcequotas",
                 "Secret": "secrets", "ReplicationController": "replicationcontrollers"}


def count_name(plural: str, group: str) -> str:
    return f"count/{plural}.{group}" if group else f"count/{plural}"


def pod_is_charged(pod: dict, now: float) -> bool:
    """QuotaV1Pod: terminal pods, and pods past their deletion grace, are not charged."""
    if get_path(pod, "status", "phase") in ("Failed", "Succeeded"):
        return False
    meta = pod.get("metadata") or {}
    if meta.get("deletionTimestamp") and meta.get("deletionGracePeriodSeconds") is not None:
        try:
            deadline = parse_time(meta["deletionTimestamp"]) + float(
                meta["deletionGracePeriodSeconds"])
        except (TypeError, ValueError):
            return True
        return not now > deadline
    return True


def _container_usage(container: dict) -> ResourceList:
    res = container.get("resources") if isinstance(container, dict) else None
    res = res if isinstance(res, dict) else {}
    requests, limits = parse_list(res.get("requests")), parse_list(res.get("limits"))
    out: ResourceList = {}
    for name in COMPUTE:
        if name in requests:
            out[f"requests.{name}"] = requests[name]
            if name != "ephemeral-storage":
                out[name] = requests[name]
        if name in limits:
            out[f"limits.{name}"] = limits[name]
    return out


def _max(a: ResourceList, b: ResourceList) -> ResourceList:
    out = dict(a)
    for k, v in b.items():
        if k not in out or v.value > out[k].value:
            out[k] = v
    return out


def pod_usage(pod: dict, now: float) -> ResourceList:
    """podUsageHelper: count/pods always; pods and compute only while charged."""
    out: ResourceList = {"count/pods": _ONE}
    if not pod_is_charged(pod, now):
        return out
    out["pods"] = _ONE
    spec = pod.get("spec") if isinstance(pod.get("spec"), dict) else {}
    total: ResourceList = {}
    for c in spec.get("containers") or []:
        total = add(total, _container_usage(c))
    for c in spec.get("initContainers") or []:
        total = _max(total, _container_usage(c))
    return {**out, **total}


def pod_constraints(pod: dict, required: set[str]) -> str | None:
    """Constraints: each container must state every compute resource the quota tracks."""
    wanted = required & set(POD_VALIDATION)
    if not wanted:
        return None
    missing: dict[str, set[str]] = {}
    spec = pod.get("spec") if isinstance(pod.get("spec"), dict) else {}
    for c in [*(spec.get("containers") or []), *(spec.get("initContainers") or [])]:
        have = set(_container_usage(c))
        for name in wanted - have:
            missing.setdefault(name, set()).add(str(c.get("name", "")))
    if not missing:
        return None
    parts = [f"{name} for: {','.join(sorted(missing[name]))}" for name in sorted(missing)]
    return "must specify " + "; ".join(parts)


def service_usage(svc: dict) -> ResourceList:
    out: ResourceList = {"count/services": _ONE, "services": _ONE}
    spec = svc.get("spec") if isinstance(svc.get("spec"), dict) else {}
    ports = spec.get("ports") if isinstance(spec.get("ports"), list) else []
    kind = spec.get("type") or "ClusterIP"
    if kind == "NodePort":
        out["services.nodeports"] = Qty(Decimal(len(ports)))
    elif kind == "LoadBalancer":
        out["services.loadbalancers"] = _ONE
        if spec.get("allocateLoadBalancerNodePorts", True) is not False:
            out["services.nodeports"] = Qty(Decimal(len(ports)))
    return out


def pvc_usage(pvc: dict) -> ResourceList:
    out: ResourceList = {"count/persistentvolumeclaims": _ONE, "persistentvolumeclaims": _ONE}
    storage = parse(get_path(pvc, "spec", "resources", "requests", "storage"))
    klass = get_path(pvc, "spec", "storageClassName")
    if klass:
        out[f"{klass}.storageclass.storage.k8s.io/persistentvolumeclaims"] = _ONE
    if storage is not None:
        out["requests.storage"] = storage
        if klass:
            out[f"{klass}.storageclass.storage.k8s.io/requests.storage"] = storage
    return out


def usage(obj: dict, plural: str, group: str, now: float) -> ResourceList:
    """Evaluator.Usage for any kind."""
    kind = obj.get("kind")
    if kind == "Pod":
        return pod_usage(obj, now)
    if kind == "Service":
        return service_usage(obj)
    if kind == "PersistentVolumeClaim":
        return pvc_usage(obj)
    out: ResourceList = {count_name(plural, group): _ONE}
    if kind in LEGACY_COUNTS:
        out[LEGACY_COUNTS[kind]] = _ONE
    return out


def handles_update(kind: str) -> bool:
    """Evaluator.Handles(UPDATE): object-count evaluators charge creates only."""
    return kind in ("Pod", "Service", "PersistentVolumeClaim")


def matches_scopes(quota: dict, obj: dict, now: float) -> bool:
    """Matches: the quota's scopes select this object (pods only; other kinds have none)."""
    scopes = list(get_path(quota, "spec", "scopes", default=None) or [])
    if obj.get("kind") != "Pod":
        return not scopes
    return all(_pod_in_scope(obj, scope) for scope in scopes)


def _pod_in_scope(pod: dict, scope: str) -> bool:
    deadline = get_path(pod, "spec", "activeDeadlineSeconds")
    if scope == "Terminating":
        return deadline is not None
    if scope == "NotTerminating":
        return deadline is None
    best_effort = not any(_container_usage(c) for c in get_path(pod, "spec", "containers",
                                                                default=[]) or [])
    if scope == "BestEffort":
        return best_effort
    if scope == "NotBestEffort":
        return not best_effort
    return True
