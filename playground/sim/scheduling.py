"""Helpers shared by the scheduler, the kubelet and the node lifecycle controller.

Models k8s.io/apimachinery/pkg/api/resource (quantities), pkg/apis/core/v1/helper
(taints and tolerations: `ToleratesTaint`, `FindMatchingUntoleratedTaint`),
k8s.io/component-helpers/resource (pod requests: max(sum of containers, each init container)),
and the node readiness helpers of pkg/controller/util/node.
"""

from __future__ import annotations

import re

from .objects import get_path

NOT_READY = "node.kubernetes.io/not-ready"
UNREACHABLE = "node.kubernetes.io/unreachable"
UNSCHEDULABLE = "node.kubernetes.io/unschedulable"
OUT_OF_SERVICE = "node.kubernetes.io/out-of-service"

_SUFFIX = {
    "": 1, "m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18,
    "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60,
}
_Q_RE = re.compile(r"^([+-]?\d*\.?\d+(?:[eE][+-]?\d+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$")


def quantity(value: str | int | float | None) -> float:
    """A resource.Quantity as a float (cpu in cores, memory in bytes); 0 when absent/invalid."""
    if value is None:
        return 0.0
    if isinstance(value, (int, float)):
        return float(value)
    m = _Q_RE.match(str(value).strip())
    if not m:
        return 0.0
    return float(m.group(1)) * _SUFFIX[m.group(2) or ""]


def container_requests(container: dict) -> dict[str, float]:
    res = container.get("resources") or {}
    requests = dict(res.get("requests") or {})
    for name, value in (res.get("limits") or {}).items():
        requests.setdefault(name, value)  # SetDefaults_Pod: requests default to limits
    return {k: quantity(v) for k, v in requests.items()}


def pod_requests(pod: dict) -> dict[str, float]:
    """resourcehelper.PodRequests: sum over containers, at least each init container's."""
    total: dict[str, float] = {}
    for c in get_path(pod, "spec", "containers", default=[]):
        for k, v in container_requests(c).items():
            total[k] = total.get(k, 0.0) + v
    for c in get_path(pod, "spec", "initContainers", default=[]):
        for k, v in container_requests(c).items():
            total[k] = max(total.get(k, 0.0), v)
    return total


def stored_pod_requests(pod: dict, memo: dict | None) -> dict[str, float]:
    """pod_requests, remembered in `memo` (one per cluster, in cluster.cache) by uid and
    resourceVersion: a stored version never changes, and the scheduler re-adds every bound pod
    to its node's NodeInfo on each pass with pods to place. Callers only read the result."""
    meta = pod["metadata"]
    key = (meta.get("uid"), meta.get("resourceVersion"))
    if memo is None or not key[0] or not key[1]:
        return pod_requests(pod)
    found = memo.get(key)
    if found is None:
        if len(memo) >= 50_000:  # old versions pile up: start again
            memo.clear()
        found = memo[key] = pod_requests(pod)
    return found

# ---- taints and tolerations -----------------------------------------------------------------

def tolerates(toleration: dict, taint: dict) -> bool:
    """v1.Toleration.ToleratesTaint."""
    effect = toleration.get("effect") or ""
    if effect and effect != taint.get("effect"):
        return False
    key = toleration.get("key") or ""
    if key and key != taint.get("key"):
        return False
    op = toleration.get("operator") or "Equal"
    if op == "Exists":
        return True
    if op == "Equal":
        return (toleration.get("value") or "") == (taint.get("value") or "")
    return False


def tolerated(taint: dict, tolerations: list[dict]) -> bool:
    return any(tolerates(t, taint) for t in tolerations)


def first_untolerated(taints: list[dict], tolerations: list[dict],
                      effects: tuple[str, ...] = ("NoSchedule", "NoExecute")) -> dict | None:
    for taint in taints:
        if taint.get("effect") in effects and not tolerated(taint, tolerations):
            return taint
    return None


def tolerations_of(pod: dict) -> list[dict]:
    return get_path(pod, "spec", "tolerations", default=[]) or []


def taints_of(node: dict) -> list[dict]:
    return get_path(node, "spec", "taints", default=[]) or []


# ---- node helpers ---------------------------------------------------------------------------

def node_condition(node: dict, type_: str) -> dict | None:
    for cond in get_path(node, "status", "conditions", default=[]) or []:
        if cond.get("type") == type_:
            return cond
    return None


def node_ready_status(node: dict) -> str:
    cond = node_condition(node, "Ready")
    return cond.get("status", "Unknown") if cond else "Unknown"


def node_internal_ip(node: dict) -> str:
    for addr in get_path(node, "status", "addresses", default=[]) or []:
        if addr.get("type") == "InternalIP":
            return addr.get("address", "")
    return ""


def is_terminal(pod: dict) -> bool:
    return get_path(pod, "status", "phase") in ("Succeeded", "Failed")


def format_duration(seconds: float) -> str:
    """Go's time.Duration.String() for durations the kubelet prints (ms precision)."""
    ms = int(round(seconds * 1000))
    if ms < 1000:
        return f"{ms}ms"
    if ms < 60_000:
        return f"{ms / 1000:.3f}".rstrip("0").rstrip(".") + "s"
    minutes, rest = divmod(ms, 60_000)
    secs = f"{rest / 1000:.3f}".rstrip("0").rstrip(".")
    if minutes < 60:
        return f"{minutes}m{secs}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes}m{secs}s"
