"""resourcequota-controller: keeps each ResourceQuota's status.hard and status.used true.

Models pkg/controller/resourcequota/resource_quota_controller.go syncResourceQuota:
status.hard is a copy of spec.hard, status.used the usage of every object in the
namespace for each hard resource (0 when none), recomputed when anything in the
namespace changes and when a terminating pod's grace period runs out (QuotaV1Pod stops
charging it). The admission plugin (admission.py) charges creates in between.
Simplified: the real controller also resyncs every 5 minutes; here the change log says
exactly which namespaces changed, so a pass recomputes only those (all of them on the
first pass of a Cluster instance, or when the log was cleared).
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from .. import quota
from ..admission import PENDING
from ..errors import ApiError
from ..objects import clone, parse_time
from ..resources import REGISTRY
from .base import Controller
from .endpoints_util import mark_pass

if TYPE_CHECKING:
    from ..cluster import Cluster

NAME = "resourcequota-controller"
_MARK = "resourcequota:mark"
_WAKE = "resourcequota:wake"


class ResourceQuotaController(Controller):
    name = NAME

    def reconcile(self, cluster: Cluster) -> None:
        quotas = cluster.store.list("ResourceQuota")
        if not quotas:
            return
        dirty = _dirty_namespaces(cluster)
        # admission's charges since the last pass: namespaces that changed are recounted
        # below; in the others nothing was stored, so those charges were never used
        cluster.cache.pop(PENDING, None)
        by_ns: dict[str, list[dict]] = {}
        for q in quotas:
            by_ns.setdefault(q["metadata"].get("namespace", ""), []).append(q)
        for ns in sorted(by_ns):
            if dirty is None or ns in dirty:
                sync_namespace(cluster, ns, by_ns[ns])
        mark_pass(cluster, _MARK)
        cluster.cache[_WAKE] = _grace_deadline(cluster, by_ns)

    def next_wakeup(self, cluster: Cluster) -> float | None:
        if not cluster.store.list("ResourceQuota"):
            return None
        wake = cluster.cache.get(_WAKE, False)
        if wake is False:
            by_ns: dict[str, list[dict]] = {}
            for q in cluster.store.list("ResourceQuota"):
                by_ns.setdefault(q["metadata"].get("namespace", ""), []).append(q)
            wake = _grace_deadline(cluster, by_ns)
        return wake


def _dirty_namespaces(cluster: Cluster) -> set[str] | None:
    """Namespaces written since the last pass (None: recompute all of them)."""
    changes = cluster.store.changes
    mark = cluster.cache.get(_MARK)
    if not mark or mark[0] is not changes or mark[1] > len(changes):
        return None
    if mark[1] and changes[mark[1] - 1] is not mark[2]:
        return None
    wake = cluster.cache.get(_WAKE)
    if wake is not None and wake <= cluster.clock.now:
        return None
    return {ch.namespace for ch in changes[mark[1]:] if ch.kind != "Event" and ch.namespace}


def _grace_deadline(cluster: Cluster, by_ns: dict[str, list[dict]]) -> float | None:
    """The next moment a deleting pod stops being charged (QuotaV1Pod's grace check)."""
    now = cluster.clock.now
    best = None
    for ns in by_ns:
        for pod in cluster.store.list("Pod", ns):
            meta = pod["metadata"]
            if meta.get("deletionTimestamp") and meta.get("deletionGracePeriodSeconds") \
                    is not None:
                t = parse_time(meta["deletionTimestamp"]) + float(
                    meta["deletionGracePeriodSeconds"])
                # charged while now <= t: the change happens just after t
                t = t + 0.001
                if t > now and (best is None or t < best):
                    best = t
    return best


def namespace_usage(cluster: Cluster, ns: str, names: set[str]) -> quota.ResourceList:
    """Usage of every object in `ns` for the resource names `names`."""
    now = cluster.clock.now
    total: quota.ResourceList = {}
    for kind in _kinds_for(names):
        rt = REGISTRY.get(kind)
        for obj in cluster.store.list(kind, ns):
            total = quota.add(total, quota.mask(quota.usage(obj, rt.plural, rt.group, now),
                                                names))
    return total


def _kinds_for(names: set[str]) -> list[str]:
    return [rt.kind for rt in REGISTRY.served() if rt.namespaced and _charges(rt, names)]


def _charges(rt, names: set[str]) -> bool:
    """Whether objects of this kind count towards any of the resource names."""
    legacy = quota.LEGACY_COUNTS.get(rt.kind)
    if quota.count_name(rt.plural, rt.group) in names or (legacy and legacy in names):
        return True
    if rt.kind == "Pod":
        return any(n == "pods" or n.startswith(("requests.", "limits.")) or n in quota.COMPUTE
                   for n in names)
    if rt.kind == "Service":
        return any(n.startswith("services") for n in names)
    if rt.kind == "PersistentVolumeClaim":
        return any(n in ("persistentvolumeclaims", "requests.storage") or "storageclass" in n
                   for n in names)
    return False


def sync_namespace(cluster: Cluster, ns: str, quotas: list[dict]) -> None:
    names: set[str] = set()
    for q in quotas:
        names |= set((q.get("spec") or {}).get("hard") or {})
    usage = namespace_usage(cluster, ns, names)
    now = cluster.clock.now
    for q in quotas:
        hard = quota.parse_list((q.get("spec") or {}).get("hard"))
        if q.get("spec", {}).get("scopes"):
            usage_q = _scoped_usage(cluster, ns, q, set(hard), now)
        else:
            usage_q = usage
        used = {n: usage_q.get(n, quota.Qty(quota.ZERO.value, hard[n].binary)) for n in hard}
        status = {"hard": quota.to_wire(hard), "used": quota.to_wire(used)}
        if (q.get("status") or {}) == status:
            continue
        updated = clone(q)
        updated["status"] = status
        with contextlib.suppress(ApiError):  # changed meanwhile: the next pass recomputes
            cluster.api.update(updated, subresource="status", actor=NAME)


def _scoped_usage(cluster: Cluster, ns: str, q: dict, names: set[str],
                  now: float) -> quota.ResourceList:
    total: quota.ResourceList = {}
    for pod in cluster.store.list("Pod", ns):
        if quota.matches_scopes(q, pod, now):
            total = quota.add(total, quota.mask(quota.pod_usage(pod, now), names))
    return total


CONTROLLERS = [ResourceQuotaController]
