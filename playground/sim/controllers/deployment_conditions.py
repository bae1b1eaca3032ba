"""Deployment conditions and rollout progress, after deployment_util.go and progress.go.

NewDeploymentCondition / SetDeploymentCondition (same status and reason: no-op; same status:
keep lastTransitionTime; the condition moves to the end of the list), ReplicaSet failure
conditions promoted to the Deployment, and the DeploymentComplete / DeploymentProgressing /
DeploymentTimedOut predicates behind the Progressing condition.
"""

from __future__ import annotations

from ..objects import format_time, parse_time
from .deployment_util import NEW_RS_AVAILABLE, TIMED_OUT, progress_deadline, replicas_of


def new_condition(type_: str, status: str, reason: str, message: str, now: float) -> dict:
    t = format_time(now)
    return {
        "type": type_,
        "status": status,
        "lastUpdateTime": t,
        "lastTransitionTime": t,
        "reason": reason,
        "message": message,
    }


def get_condition(status: dict, type_: str) -> dict | None:
    return next((c for c in status.get("conditions") or () if c.get("type") == type_), None)


def set_condition(status: dict, cond: dict) -> None:
    """SetDeploymentCondition: no-op for the same status and reason; keep lastTransitionTime
    when only the reason changes; the condition moves to the end of the list."""
    current = get_condition(status, cond["type"])
    if current and current["status"] == cond["status"] and current["reason"] == cond["reason"]:
        return
    if current and current["status"] == cond["status"]:
        cond = {**cond, "lastTransitionTime": current["lastTransitionTime"]}
    remove_condition(status, cond["type"])
    status.setdefault("conditions", []).append(cond)


def remove_condition(status: dict, type_: str) -> None:
    conds = [c for c in status.get("conditions") or () if c.get("type") != type_]
    if conds:
        status["conditions"] = conds
    else:
        status.pop("conditions", None)


def rs_condition_to_deployment(cond: dict) -> dict:
    return {
        "type": cond["type"],
        "status": cond["status"],
        "lastUpdateTime": cond.get("lastTransitionTime"),
        "lastTransitionTime": cond.get("lastTransitionTime"),
        "reason": cond.get("reason", ""),
        "message": cond.get("message", ""),
    }


def deployment_complete(d: dict, status: dict) -> bool:
    replicas = replicas_of(d)
    return (
        status.get("updatedReplicas", 0) == replicas
        and status.get("replicas", 0) == replicas
        and status.get("availableReplicas", 0) == replicas
        and status.get("observedGeneration", 0) >= d["metadata"].get("generation", 0)
    )


def deployment_progressing(d: dict, new: dict) -> bool:
    old = d.get("status") or {}
    old_old = old.get("replicas", 0) - old.get("updatedReplicas", 0)
    new_old = new.get("replicas", 0) - new.get("updatedReplicas", 0)
    return (
        new.get("updatedReplicas", 0) > old.get("updatedReplicas", 0)
        or new_old < old_old
        or new.get("readyReplicas", 0) > old.get("readyReplicas", 0)
        or new.get("availableReplicas", 0) > old.get("availableReplicas", 0)
    )


def deployment_timed_out(d: dict, status: dict, now: float) -> bool:
    deadline = progress_deadline(d)
    cond = get_condition(status, "Progressing")
    if deadline is None or cond is None or cond["reason"] == NEW_RS_AVAILABLE:
        return False
    if cond["reason"] == TIMED_OUT:
        return True
    return parse_time(cond["lastUpdateTime"]) + deadline < now
