"""The two rollout strategies and the rollout status of the Deployment controller.

Models pkg/controller/deployment/rolling.go (rolloutRolling, reconcileNewReplicaSet,
reconcileOldReplicaSets, cleanupUnhealthyReplicas, scaleDownOldReplicaSetsForRollingUpdate),
recreate.go (rolloutRecreate, oldPodsRunning) and progress.go (syncRolloutStatus,
getReplicaFailures). Each sync does either a scale-up of the new ReplicaSet or scale-downs of old
ones, never both, then recomputes the status: so surge and unavailability bounds hold at every
step a learner can watch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..objects import clone, controller_ref, get_path
from . import deployment_conditions as dc
from . import deployment_sync
from . import deployment_util as du

if TYPE_CHECKING:
    from .deployment import DeploymentSync


# ---- RollingUpdate -------------------------------------------------------------------------


def rollout_rolling(s: DeploymentSync, rs_list: list[dict]) -> None:
    new_rs, old_rss = s.get_all_replica_sets_and_sync_revision(rs_list, True)
    if reconcile_new_replica_set(s, [*old_rss, new_rs], new_rs):
        sync_rollout_status(s, _fresh(s, old_rss), s.refresh(new_rs))
        return
    if reconcile_old_replica_sets(s, [*old_rss, new_rs], du.filter_active(old_rss), new_rs):
        sync_rollout_status(s, _fresh(s, old_rss), s.refresh(new_rs))
        return
    if dc.deployment_complete(s.d, s.d.get("status") or {}):
        deployment_sync.cleanup_deployment(s, old_rss)
    sync_rollout_status(s, _fresh(s, old_rss), s.refresh(new_rs))


def _fresh(s: DeploymentSync, rss: list[dict]) -> list[dict]:
    return [r for r in (s.refresh(rs) for rs in rss) if r is not None]


def reconcile_new_replica_set(
    s: DeploymentSync, all_rss: list[dict | None], new_rs: dict | None
) -> bool:
    if new_rs is None:
        return False
    replicas = du.replicas_of(s.d)
    if du.rs_replicas(new_rs) == replicas:
        return False
    if du.rs_replicas(new_rs) > replicas:
        return _scaled(s, new_rs, replicas, "more than the Deployment wants")
    count = deployment_sync.new_rs_new_replicas(s.d, all_rss, new_rs)
    surge_total = replicas + du.max_surge(s.d)
    return _scaled(
        s,
        new_rs,
        count,
        f"up to {surge_total} pods in total: replicas {replicas} + maxSurge {du.max_surge(s.d)}",
    )


def _scaled(s: DeploymentSync, rs: dict, count: int, why: str) -> bool:
    before = du.rs_replicas(rs)
    updated = s.scale_replica_set_and_record_event(rs, count, why)
    return du.rs_replicas(updated) != before


def reconcile_old_replica_sets(
    s: DeploymentSync, all_rss: list[dict | None], old_rss: list[dict], new_rs: dict | None
) -> bool:
    d = s.d
    if du.total_replicas(old_rss) == 0:
        return False
    all_pods = du.total_replicas(all_rss)
    min_available = du.replicas_of(d) - du.max_unavailable(d)
    new_unavailable = du.rs_replicas(new_rs) - du.status_of(new_rs, "availableReplicas")
    max_scaled_down = all_pods - min_available - new_unavailable
    if max_scaled_down <= 0:
        return False
    old_rss, cleaned = cleanup_unhealthy_replicas(s, old_rss, max_scaled_down)
    scaled = scale_down_old_replica_sets_for_rolling_update(s, [*old_rss, new_rs], old_rss)
    return cleaned + scaled > 0


def cleanup_unhealthy_replicas(
    s: DeploymentSync, old_rss: list[dict], max_cleanup: int
) -> tuple[list[dict], int]:
    """Scale down old ReplicaSets by their unavailable pods first (oldest RS first)."""
    old_rss = du.by_creation(old_rss)
    total = 0
    for i, rs in enumerate(old_rss):
        if total >= max_cleanup:
            break
        replicas, available = du.rs_replicas(rs), du.status_of(rs, "availableReplicas")
        if replicas == 0 or replicas == available:
            continue
        count = min(max_cleanup - total, replicas - available)
        old_rss[i] = s.scale_replica_set_and_record_event(
            rs,
            replicas - count,
            f"{replicas - available} of its pods are not available, "
            "removing them costs no availability",
        )
        total += count
    return old_rss, total


def scale_down_old_replica_sets_for_rolling_update(
    s: DeploymentSync, all_rss: list[dict | None], old_rss: list[dict]
) -> int:
    d = s.d
    replicas = du.replicas_of(d)
    min_available = replicas - du.max_unavailable(d)
    available = du.total_status(all_rss, "availableReplicas")
    if available <= min_available:
        return 0
    total, target = 0, available - min_available
    for rs in du.by_creation(old_rss):
        if total >= target:
            break
        if du.rs_replicas(rs) == 0:
            continue
        count = min(du.rs_replicas(rs), target - total)
        s.scale_replica_set_and_record_event(
            rs,
            du.rs_replicas(rs) - count,
            f"{available} pods are available; {min_available} of {replicas} must stay "
            f"available with maxUnavailable {du.max_unavailable(d)}",
        )
        total += count
    return total


# ---- Recreate ------------------------------------------------------------------------------


def rollout_recreate(s: DeploymentSync, rs_list: list[dict]) -> None:
    new_rs, old_rss = s.get_all_replica_sets_and_sync_revision(rs_list, False)
    scaled = False
    for rs in du.filter_active(old_rss):
        updated = s.scale_replica_set_and_record_event(
            rs, 0, "Recreate stops every old pod before starting new ones"
        )
        scaled = scaled or du.rs_replicas(updated) != du.rs_replicas(rs)
    if scaled:
        sync_rollout_status(s, _fresh(s, old_rss), s.refresh(new_rs))
        return
    if old_pods_running(s, new_rs, old_rss, rs_list):
        sync_rollout_status(s, _fresh(s, old_rss), s.refresh(new_rs))
        return
    if new_rs is None:
        new_rs, old_rss = s.get_all_replica_sets_and_sync_revision(rs_list, True)
    if new_rs is not None:
        new_rs = s.scale_replica_set_and_record_event(
            new_rs, du.replicas_of(s.d), "the old pods are gone"
        )
    if dc.deployment_complete(s.d, s.d.get("status") or {}):
        deployment_sync.cleanup_deployment(s, old_rss)
    sync_rollout_status(s, _fresh(s, old_rss), s.refresh(new_rs))


def old_pods_running(
    s: DeploymentSync, new_rs: dict | None, old_rss: list[dict], rs_list: list[dict]
) -> bool:
    """Any old RS still reporting pods, or any old pod not Succeeded/Failed (terminating too)."""
    if du.total_status(old_rss, "replicas") > 0:
        return True
    old_uids = {rs["metadata"]["uid"] for rs in rs_list}
    if new_rs is not None:
        old_uids.discard(new_rs["metadata"]["uid"])
    if not old_uids:
        return False
    for pod in s.cluster.store.list("Pod", s.d["metadata"].get("namespace", "")):
        ref = controller_ref(pod)
        if ref is None or ref.get("uid") not in old_uids or not s.selector_matches(pod):
            continue
        if get_path(pod, "status", "phase") not in ("Succeeded", "Failed"):
            return True
    return False


# ---- rollout status ------------------------------------------------------------------------


def sync_rollout_status(s: DeploymentSync, old_rss: list[dict], new_rs: dict | None) -> None:
    """syncRolloutStatus: status plus the Progressing condition (complete / progressing / timed
    out) and ReplicaFailure copied from the ReplicaSets."""
    d = s.d
    all_rss = [*old_rss, new_rs]
    status = s.calculate_status(all_rss, new_rs)
    if du.progress_deadline(d) is None:
        dc.remove_condition(status, "Progressing")
    current = dc.get_condition(d.get("status") or {}, "Progressing")
    complete_before = (
        status.get("replicas", 0) == status.get("updatedReplicas", 0)
        and current is not None
        and current["reason"] == du.NEW_RS_AVAILABLE
    )
    if du.progress_deadline(d) is not None and not complete_before:
        _progress(s, status, current, new_rs)
    failures = _replica_failures(all_rss, new_rs)
    if failures:
        dc.set_condition(status, failures[0])
    else:
        dc.remove_condition(status, "ReplicaFailure")
    s.write_status(status)


def _progress(s: DeploymentSync, status: dict, current: dict | None, new_rs: dict | None) -> None:
    d, name = s.d, s.name
    subject = f'ReplicaSet "{new_rs["metadata"]["name"]}"' if new_rs else f'Deployment "{name}"'
    if dc.deployment_complete(d, status):
        dc.set_condition(
            status,
            dc.new_condition(
                "Progressing",
                "True",
                du.NEW_RS_AVAILABLE,
                f"{subject} has successfully progressed.",
                s.now,
            ),
        )
        if not current or current["reason"] != du.NEW_RS_AVAILABLE:
            s.cluster.record(
                "deployment-controller",
                d,
                f"Deployment {name} rollout complete: "
                f"all {du.replicas_of(d)} replicas are updated and available",
            )
    elif dc.deployment_progressing(d, status):
        cond = dc.new_condition(
            "Progressing", "True", du.REPLICASET_UPDATED, f"{subject} is progressing.", s.now
        )
        if current is not None:
            if current["status"] == "True":
                cond["lastTransitionTime"] = current["lastTransitionTime"]
            dc.remove_condition(status, "Progressing")
        dc.set_condition(status, cond)
    elif dc.deployment_timed_out(d, status, s.now):
        dc.set_condition(
            status,
            dc.new_condition(
                "Progressing", "False", du.TIMED_OUT, f"{subject} has timed out progressing.", s.now
            ),
        )
        if not current or current["reason"] != du.TIMED_OUT:
            s.cluster.record(
                "deployment-controller",
                d,
                f"Deployment {name} made no progress "
                f"for {du.progress_deadline(d)}s (progressDeadlineSeconds): "
                "Progressing=False, ProgressDeadlineExceeded; it keeps trying",
            )


def _replica_failures(all_rss: list[dict | None], new_rs: dict | None) -> list[dict]:
    """getReplicaFailures: the new RS's failure first, else any old RS's."""
    for group in ([new_rs], all_rss):
        found = [
            dc.rs_condition_to_deployment(clone(c))
            for rs in group
            if rs is not None
            for c in (rs.get("status") or {}).get("conditions") or ()
            if c.get("type") == "ReplicaFailure"
        ]
        if found:
            return found
    return []
