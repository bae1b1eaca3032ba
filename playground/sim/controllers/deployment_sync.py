"""Scaling and history cleanup of the Deployment controller, after sync.go.

`scale`: a lone active ReplicaSet takes the Deployment's whole size; a saturated new
ReplicaSet scales every old one to 0; otherwise (RollingUpdate during a rollout) the change of
`replicas + maxSurge` is spread over the active ReplicaSets in proportion to their size, larger
first (newer first when scaling up, older first when scaling down), leftovers to the first.
`cleanup_deployment`: old ReplicaSets beyond revisionHistoryLimit are deleted lowest revision
first, only when they have no pods left.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import ApiError
from . import deployment_util as du

NAME = "deployment-controller"

if TYPE_CHECKING:
    from .deployment import DeploymentSync


def scale(s: DeploymentSync, new_rs: dict | None, old_rss: list[dict]) -> None:
    """sync.go scale: one active RS takes the whole size; otherwise spread proportionally."""
    d = s.d
    replicas = du.replicas_of(d)
    target = du.find_active_or_latest(new_rs, old_rss)
    if target is not None:
        if du.rs_replicas(target) != replicas:
            s.scale_replica_set_and_record_event(target, replicas)
        return
    if du.is_saturated(d, new_rs):
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
        proportion = du.get_proportion(rs, d, to_add, added) if to_add else 0
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
