"""Scaling and history cleanup of the Deployment controller, after sync.go.

`scale`: a lone active ReplicaSet takes the Deployment's whole size; a saturated new
ReplicaSet scales every old one to 0; otherwise (RollingUpdate during a rollout) the change of
`replicas + maxSurge` is spread over the active ReplicaSets in proportion to their size, larger
first (newer first when scaling up, older first when scaling down), leftovers to the first.
`cleanup_deployment`: old ReplicaSets beyond revisionHistoryLimit are deleted lowest revision
first, only when they have no pods left. With the arithmetic of deployment_util.go behind them:
NewRSNewReplicas, IsSaturated, GetProportion (Go's math.Round: half away from zero).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ..errors import ApiError
from . import deployment_util as du

if TYPE_CHECKING:
    from .deployment import DeploymentSync

NAME = "deployment-controller"


# ---- scaling arithmetic (deployment_util.go) ---------------------------------------------


def new_rs_new_replicas(d: dict, all_rss: list[dict | None], new_rs: dict) -> int:
    """NewRSNewReplicas: how far the new RS may grow under maxSurge."""
    if not du.is_rolling_update(d):
        return du.replicas_of(d)
    replicas = du.replicas_of(d)
    surge = du.scaled_value(du.fencepost(d, "maxSurge"), replicas, True)
    current = du.total_replicas(all_rss)
    max_total = replicas + surge
    if current >= max_total:
        return du.rs_replicas(new_rs)
    scale_up = min(max_total - current, replicas - du.rs_replicas(new_rs))
    return du.rs_replicas(new_rs) + scale_up


def is_saturated(d: dict, rs: dict | None) -> bool:
    if rs is None:
        return False
    try:
        desired = int((rs["metadata"].get("annotations") or {}).get(du.DESIRED_REPLICAS, ""))
    except ValueError:
        return False
    replicas = du.replicas_of(d)
    return (
        du.rs_replicas(rs) == replicas
        and desired == replicas
        and du.status_of(rs, "availableReplicas") == replicas
    )


def _round(x: float) -> int:
    """Go's math.Round: half away from zero."""
    return int(math.floor(x + 0.5)) if x >= 0 else -int(math.floor(-x + 0.5))


def get_proportion(rs: dict, d: dict, to_add: int, added: int) -> int:
    """GetProportion: this RS's share of `to_add`, bounded by what is left to add."""
    if rs is None or du.rs_replicas(rs) == 0 or to_add == 0 or to_add == added:
        return 0
    fraction = _replica_set_fraction(rs, d)
    allowed = to_add - added
    return min(fraction, allowed) if to_add > 0 else max(fraction, allowed)


def _replica_set_fraction(rs: dict, d: dict) -> int:
    if du.replicas_of(d) == 0:
        return -du.rs_replicas(rs)
    deployment_replicas = du.replicas_of(d) + du.max_surge(d)
    try:
        annotated = int((rs["metadata"].get("annotations") or {})[du.MAX_REPLICAS])
    except (KeyError, ValueError):
        annotated = int((d.get("status") or {}).get("replicas", 0))
    if annotated == 0:
        return 0
    return _round(du.rs_replicas(rs) * deployment_replicas / annotated) - du.rs_replicas(rs)


def scale(s: DeploymentSync, new_rs: dict | None, old_rss: list[dict]) -> None:
    """sync.go scale: one active RS takes the whole size; otherwise spread proportionally."""
    d = s.d
    replicas = du.replicas_of(d)
    target = du.find_active_or_latest(new_rs, old_rss)
    if target is not None:
        if du.rs_replicas(target) != replicas:
            s.scale_replica_set_and_record_event(
                target, replicas, f"the Deployment wants {replicas}"
            )
        return
    if is_saturated(d, new_rs):
        for old in du.filter_active(old_rss):
            s.scale_replica_set_and_record_event(old, 0)
        return
    if not du.is_rolling_update(d):
        return
    scale_proportionally(s, du.filter_active([*old_rss, new_rs]))


def scale_proportionally(s: DeploymentSync, active: list[dict]) -> None:
    d = s.d
    replicas = du.replicas_of(d)
    allowed = replicas + du.max_surge(d) if replicas > 0 else 0
    to_add = allowed - du.total_replicas(active)
    operation = ""
    if to_add > 0:
        active, operation = du.by_size_newer(active), "up"
    elif to_add < 0:
        active, operation = du.by_size_older(active), "down"
    added, sizes = 0, []
    for rs in active:
        proportion = get_proportion(rs, d, to_add, added) if to_add else 0
        sizes.append(du.rs_replicas(rs) + proportion)
        added += proportion
    if active and to_add:
        sizes[0] = max(sizes[0] + to_add - added, 0)
    if to_add:
        s.cluster.record(
            NAME,
            d,
            f"Deployment {s.name} now wants {replicas} replicas "
            f"during a rollout: spreading {to_add:+d} pods over "
            f"{len(active)} ReplicaSets in proportion to their size",
        )
    for rs, size in zip(active, sizes, strict=True):
        s.scale_replica_set(rs, size, operation)


def cleanup_deployment(s: DeploymentSync, old_rss: list[dict]) -> None:
    """Delete the oldest idle old ReplicaSets beyond revisionHistoryLimit."""
    limit = du.revision_history_limit(s.d)
    if limit is None:
        return
    cleanable = [rs for rs in old_rss if not rs["metadata"].get("deletionTimestamp")]
    diff = len(cleanable) - limit
    for rs in du.by_revision(cleanable)[: max(diff, 0)]:
        meta = rs["metadata"]
        if (
            du.status_of(rs, "replicas") != 0
            or du.rs_replicas(rs) != 0
            or meta.get("generation", 0) > du.status_of(rs, "observedGeneration")
        ):
            continue
        try:
            s.cluster.api.delete(
                "ReplicaSet", meta["name"], namespace=meta["namespace"], actor=NAME
            )
        except ApiError:
            continue
        s.cluster.record(
            NAME,
            s.d,
            f"Deployment {s.name} keeps at most {limit} old "
            f"ReplicaSets (revisionHistoryLimit): deleted "
            f"{meta['name']} (revision {du.revision(rs)})",
        )
