"""DELETE semantics of the generic registry: graceful deletion, finalizers, propagation.

Models k8s.io/apiserver/pkg/registry/rest/delete.go (BeforeDelete: grace periods, only
shortening an already pending one) and registry/generic/registry/store.go (Delete,
deletionFinalizersForGarbageCollection, markAsDeleting), plus
pkg/registry/core/namespace/storage/storage.go (the first DELETE of a namespace sets
deletionTimestamp and phase Terminating; it disappears once its finalizers are gone).

Simplified: a DELETE with grace period 0 on an object without finalizers removes it at
once, also when a longer graceful deletion is pending (what `--grace-period=0 --force`
and the kubelet's final delete achieve).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import Conflict
from .objects import clone, format_time, parse_time

if TYPE_CHECKING:
    from .apiserver import ApiServer
    from .resources import ResourceType, Strategy

ORPHAN = "orphan"
FOREGROUND = "foregroundDeletion"


def check_preconditions(rt: ResourceType, old: dict, pre: dict | None) -> None:
    if not pre:
        return
    meta = old["metadata"]
    if pre.get("uid") and pre["uid"] != meta["uid"]:
        raise Conflict(
            rt.resource, meta["name"],
            f"Precondition failed: UID in precondition: {pre['uid']}, UID in object meta: "
            f"{meta['uid']}",
        )
    if pre.get("resourceVersion") and pre["resourceVersion"] != meta["resourceVersion"]:
        raise Conflict(
            rt.resource, meta["name"],
            "Precondition failed: ResourceVersion in precondition: "
            f"{pre['resourceVersion']}, ResourceVersion in object meta: "
            f"{meta['resourceVersion']}",
        )


def gc_finalizers(finalizers: list[str], policy: str | None) -> list[str]:
    """deletionFinalizersForGarbageCollection: the policy decides orphan/foregroundDeletion;
    without a policy, finalizers already present decide."""
    if policy is None:
        return list(finalizers)
    out = [f for f in finalizers if f not in (ORPHAN, FOREGROUND)]
    if policy == "Orphan":
        out.append(ORPHAN)
    elif policy == "Foreground":
        out.append(FOREGROUND)
    return out if set(out) != set(finalizers) else list(finalizers)


def delete_object(
    api: ApiServer, rt: ResourceType, strategy: Strategy, old: dict, policy: str | None,
    grace_request: int | None, dry_run: bool, actor: str,
) -> dict:
    obj = clone(old)
    meta = obj["metadata"]
    now = api.cluster.clock.now
    if meta.get("deletionTimestamp"):
        return _delete_again(api, rt, strategy, obj, old, grace_request, dry_run, actor)
    finalizers = gc_finalizers(list(meta.get("finalizers") or []), policy)
    grace = strategy.graceful_delete_seconds(old, grace_request)
    if grace <= 0 and not finalizers:
        if not dry_run:
            api._remove(rt, strategy, old, actor)
        return obj
    if meta.get("generation"):
        meta["generation"] = int(meta["generation"]) + 1
    if finalizers:
        meta["finalizers"] = finalizers
    # graceful: the kubelet finishes; finalizers only (markAsDeleting): grace 0, now
    meta["deletionTimestamp"] = format_time(now + max(grace, 0))
    meta["deletionGracePeriodSeconds"] = max(grace, 0)
    if dry_run:
        return obj
    return api._write(obj, actor, "deleted")


def _delete_again(
    api: ApiServer, rt: ResourceType, strategy: Strategy, obj: dict, old: dict,
    grace_request: int | None, dry_run: bool, actor: str,
) -> dict:
    """BeforeDelete on an object already being deleted: only a shorter grace period counts;
    finalizers cannot be changed through DeleteOptions any more."""
    meta = obj["metadata"]
    current = meta.get("deletionGracePeriodSeconds")
    if current and grace_request is not None and grace_request < current:
        if grace_request == 0 and not meta.get("finalizers"):
            if not dry_run:
                api._remove(rt, strategy, old, actor)
            return obj
        start = parse_time(meta["deletionTimestamp"]) - current
        meta["deletionTimestamp"] = format_time(start + grace_request)
        meta["deletionGracePeriodSeconds"] = grace_request
        return obj if dry_run else api._write(obj, actor, "deleted")
    if not current and not meta.get("finalizers"):
        if not dry_run:
            api._remove(rt, strategy, old, actor)
        return obj
    return obj


def delete_namespace(
    api: ApiServer, rt: ResourceType, strategy: Strategy, old: dict, dry_run: bool, actor: str,
) -> dict:
    """The namespace REST Delete: first call -> Terminating; later calls remove it once the
    `kubernetes` finalizer (spec.finalizers) and metadata finalizers are gone."""
    obj = clone(old)
    meta = obj["metadata"]
    if not meta.get("deletionTimestamp"):
        meta["deletionTimestamp"] = format_time(api.cluster.clock.now)
        obj.setdefault("status", {})["phase"] = "Terminating"
        return obj if dry_run else api._write(obj, actor, "deleted")
    if (obj.get("spec") or {}).get("finalizers") or meta.get("finalizers"):
        return obj
    if not dry_run:
        api._remove(rt, strategy, old, actor)
    return obj
