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
from .quota_index import QuotaIndex

if TYPE_CHECKING:
    from ..cluster import Cluster

NAME = "resourcequota-controller"
_MEMO = "resourcequota:usage"
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
    """Namespaces whose charges may have changed since the last pass (None: recompute all of
    them). A pod status write that changes nothing quota counts marks nothing."""
    dirty = QuotaIndex.of(cluster).take_dirty()
    wake = cluster.cache.get(_WAKE)
    if wake is not None and wake <= cluster.clock.now:
        return None
    return dirty


def _grace_deadline(cluster: Cluster, by_ns: dict[str, list[dict]]) -> float | None:
    """The next moment a deleting pod stops being charged (QuotaV1Pod's grace check)."""
    return QuotaIndex.of(cluster).grace_deadline(by_ns, cluster.clock.now)


def namespace_usage(cluster: Cluster, ns: str, names: set[str]) -> quota.ResourceList:
    """Usage of every object in `ns` for the resource names `names`."""
    now = cluster.clock.now
    # a stored object's masked usage never changes (stored dicts are read-only; a write stores
    # a new dict), except a deleting pod's when its grace runs out: remembered per object, so
    # a recount after one write does not re-evaluate every pod of the namespace
    memos = cluster.cache.get(_MEMO)
    if memos is None or memos.get(None) is not cluster.store:  # another store: other objects
        memos = cluster.cache[_MEMO] = {None: cluster.store}
    memo = memos.get(ns)
    if memo is None or memo[0] != names:
        memo = (set(names), {}, {})
    seen, interned = memo[1], memo[2]
    kept: dict = {}  # only the objects still there: deleted ones drop out
    memos[ns] = (memo[0], kept, interned)
    total: quota.ResourceList = {}
    last, run = None, 0
    for kind in _kinds_for(names):
        rt = REGISTRY.get(kind)
        pods = kind == "Pod"
        for obj in cluster.store.list(kind, ns):
            # keyed by identity, the hit holding the object so its id cannot be reused
            hit = seen.get(id(obj))
            if hit is None or hit[0] is not obj or (
                    hit[2] is not None and (not now > hit[2]) != hit[3]):
                used = quota.mask(quota.usage(obj, rt.plural, rt.group, now), names)
                # equal usages share one dict, so runs of them are summed at once below
                used = interned.setdefault(tuple(used.items()), used)
                meta = obj["metadata"]
                deadline = _deadline(meta) if pods and meta.get("deletionTimestamp") else None
                hit = (obj, used, deadline, deadline is None or not now > deadline)
            kept[id(obj)] = hit
            used = hit[1]
            if used is last:
                run += 1
                continue
            _add_run(total, last, run)
            last, run = used, 1
    _add_run(total, last, run)
    return total


def _deadline(meta: dict) -> float | None:
    """quota.pod_is_charged's deadline (None: it charges the pod whatever the time)."""
    try:
        return parse_time(meta["deletionTimestamp"]) + float(meta["deletionGracePeriodSeconds"])
    except (TypeError, ValueError, KeyError):
        return None


def _add_run(total: quota.ResourceList, used: quota.ResourceList | None, run: int) -> None:
    """quota.add of `run` copies of `used`, in place. Exact: adding n*v at once gives the same
    value as n additions of v, and the same format (a zero total takes the addend's)."""
    if not run:
        return
    for k, v in used.items():
        if run > 1:
            v = quota.Qty(v.value * run, v.binary)
        total[k] = total[k] + v if k in total else v


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
