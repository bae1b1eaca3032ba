"""Admission plugins the API server runs on every create and update, around validation.

Models the parts of the real plugin chain (pkg/kubeapiserver/options/plugins.go order)
that are not a kind's own strategy: LimitRanger (mutating: pods' default requests and
limits; validating: min/max), the sandbox's site caps (limits.py: objects, namespaces,
nodes, body size) and ResourceQuota (plugin/pkg/admission/resourcequota/controller.go
checkRequest: match quotas, Constraints, "status unknown", charge the delta, refuse with
`exceeded quota: <name>, requested: ..., used: ..., limited: ...`, and keep the new usage
so the next request sees it, as the real evaluator does; see _persist).

The ApiServer calls `mutate` after NamespaceLifecycle (before the kind's own admission)
and `validate` after validation, before storage; `check_body` on every request body.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import admission_limitrange, limits, quota
from .errors import Forbidden
from .resources import ResourceType

if TYPE_CHECKING:
    from .cluster import Cluster

def check_body(cluster: Cluster, body: Any) -> None:
    limits.check_body(cluster, body)


def mutate(cluster: Cluster, rt: ResourceType, obj: dict, old: dict | None) -> None:
    if rt.kind == "Pod" and old is None:
        admission_limitrange.mutate_pod(cluster, obj)


def validate(cluster: Cluster, rt: ResourceType, obj: dict, old: dict | None,
             dry_run: bool) -> None:
    meta = obj.get("metadata") or {}
    name = meta.get("name") or meta.get("generateName") or "Unknown"
    if old is None:
        limits.check_create(cluster, rt, obj)
        if rt.kind == "Pod":
            admission_limitrange.validate_pod(cluster, obj, rt.resource, name)
    if rt.namespaced and not rt.internal:
        check_quota(cluster, rt, obj, old, name, dry_run)


def _matching(kind: str, names: set[str], count: str, legacy: str | None) -> set[str]:
    """MatchingResources: the hard names this kind's evaluator charges."""
    if kind == "Pod":
        return {n for n in names if n in ("pods", "count/pods", *quota.POD_VALIDATION)
                or n.startswith(("requests.", "limits.")) and "storage" not in n
                or n == "ephemeral-storage"}
    if kind == "Service":
        return names & {"services", "count/services", "services.nodeports",
                        "services.loadbalancers"}
    if kind == "PersistentVolumeClaim":
        return {n for n in names if n in ("persistentvolumeclaims", "requests.storage", count)
                or n.endswith((".storageclass.storage.k8s.io/persistentvolumeclaims",
                               ".storageclass.storage.k8s.io/requests.storage"))}
    return names & {count, legacy}


def check_quota(cluster: Cluster, rt: ResourceType, obj: dict, old: dict | None, name: str,
                dry_run: bool) -> None:
    if old is not None and not quota.handles_update(rt.kind):
        return
    namespace = obj["metadata"].get("namespace", "")
    quotas = cluster.store.list("ResourceQuota", namespace)
    if not quotas:
        return
    now = cluster.clock.now
    count = quota.count_name(rt.plural, rt.group)
    legacy = quota.LEGACY_COUNTS.get(rt.kind)
    interesting = []
    for q in sorted(quotas, key=lambda q: q["metadata"]["name"]):
        hard = quota.parse_list((q.get("status") or {}).get("hard"))
        matched = _matching(rt.kind, set(hard), count, legacy)
        if not matched or not quota.matches_scopes(q, obj, now):
            continue
        qname = q["metadata"]["name"]
        if rt.kind == "Pod":
            problem = quota.pod_constraints(obj, matched)
            if problem:
                raise Forbidden(rt.resource, name, f"failed quota: {qname}: {problem}")
        used = quota.parse_list((q.get("status") or {}).get("used"))
        if not all(n in used for n in matched):
            raise Forbidden(rt.resource, name, f"status unknown for quota: {qname}, "
                                               f"resources: {','.join(sorted(matched))}")
        interesting.append((q, hard, quota.add(used, pending(cluster, q))))
    if not interesting:
        return
    delta = quota.usage(obj, rt.plural, rt.group, now)
    if old is not None:
        delta = quota.subtract(delta, quota.usage(old, rt.plural, rt.group, now))
    if all(v.value == 0 for v in delta.values()):
        return
    charged = []
    for q, hard, used in interesting:
        requested = quota.mask(delta, set(hard))
        new_used = quota.add(used, requested)
        over = quota.exceeded(quota.mask(new_used, set(requested)), hard)
        if over:
            raise Forbidden(rt.resource, name, (
                f"exceeded quota: {q['metadata']['name']}, "
                f"requested: {quota.pretty(quota.mask(requested, over))}, "
                f"used: {quota.pretty(quota.mask(used, over))}, "
                f"limited: {quota.pretty(quota.mask(hard, over))}"))
        charged.append((q, new_used))
    if not dry_run:
        for q, new_used in charged:
            _persist(cluster, q, new_used)


PENDING = "quota:pending"


def pending(cluster: Cluster, q: dict) -> quota.ResourceList:
    return cluster.cache.get(PENDING, {}).get(_key(q), {})


def _key(q: dict) -> tuple[str, str]:
    return (q["metadata"].get("namespace", ""), q["metadata"]["name"])


def _persist(cluster: Cluster, q: dict, used: quota.ResourceList) -> None:
    """Remember the charge until the quota controller's next pass recounts the namespace.
    (The real evaluator writes status.used at once; here that write is the controller's,
    so a create is one write, and the charge lives in cluster.cache meanwhile: lost with
    the cache, the controller's recount is the truth anyway.)"""
    stored = quota.parse_list((q.get("status") or {}).get("used"))
    cluster.cache.setdefault(PENDING, {})[_key(q)] = quota.subtract(used, stored)
