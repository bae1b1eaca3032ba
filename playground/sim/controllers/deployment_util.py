"""Deployment arithmetic and bookkeeping, after pkg/controller/deployment/util/deployment_util.go.

Pure functions over Deployment / ReplicaSet dicts: revisions and the annotations copied to
ReplicaSets, maxSurge/maxUnavailable fenceposts, ReplicaSet lists (new/old, ordering), and
`rollback_template` (conditions: deployment_conditions.py; NewRSNewReplicas and proportional
scaling fractions: deployment_sync.py), the
client-side half of `kubectl rollout undo` (staging/src/k8s.io/kubectl/pkg/polymorphichelpers/
rollback.go) that the console calls.

Field defaults (SetDefaults_Deployment) are applied here too when a field is missing, so the
controller behaves the same whether or not the API server defaulted the object.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .. import labels as labelsel
from ..objects import clone, get_path, is_controlled_by, parse_time
from .controller_utils import compiled_selector

if TYPE_CHECKING:
    from ..cluster import Cluster

REVISION = "deployment.kubernetes.io/revision"
REVISION_HISTORY = "deployment.kubernetes.io/revision-history"
DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS = "deployment.kubernetes.io/max-replicas"
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
ROLLBACK_TO = "deprecated.deployment.rollback.to"
HASH_LABEL = "pod-template-hash"
ANNOTATIONS_TO_SKIP = frozenset(
    {LAST_APPLIED, REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, ROLLBACK_TO}
)
MAX_REV_HISTORY_CHARS = 2000
MAX_INT32 = 2**31 - 1

# condition reasons
REPLICASET_UPDATED = "ReplicaSetUpdated"
FAILED_RS_CREATE = "ReplicaSetCreateError"
NEW_REPLICASET = "NewReplicaSetCreated"
FOUND_NEW_RS = "FoundNewReplicaSet"
NEW_RS_AVAILABLE = "NewReplicaSetAvailable"
TIMED_OUT = "ProgressDeadlineExceeded"
PAUSED = "DeploymentPaused"
RESUMED = "DeploymentResumed"
MIN_AVAILABLE = "MinimumReplicasAvailable"
MIN_UNAVAILABLE = "MinimumReplicasUnavailable"


# ---- spec accessors with SetDefaults_Deployment --------------------------------------------


def replicas_of(obj: dict) -> int:
    value = get_path(obj, "spec", "replicas")
    return 1 if value is None else int(value)


def is_rolling_update(d: dict) -> bool:
    return (get_path(d, "spec", "strategy", "type") or "RollingUpdate") == "RollingUpdate"


def fencepost(d: dict, name: str) -> int | str:
    value = get_path(d, "spec", "strategy", "rollingUpdate", name)
    return "25%" if value is None else value


def progress_deadline(d: dict) -> int | None:
    """HasProgressDeadline: None when unset-to-infinite (MaxInt32)."""
    value = get_path(d, "spec", "progressDeadlineSeconds")
    value = 600 if value is None else int(value)
    return None if value == MAX_INT32 else value


def revision_history_limit(d: dict) -> int | None:
    value = get_path(d, "spec", "revisionHistoryLimit")
    value = 10 if value is None else int(value)
    return None if value == MAX_INT32 else value


def min_ready_seconds(obj: dict) -> int:
    return int(get_path(obj, "spec", "minReadySeconds", default=0))


def is_paused(d: dict) -> bool:
    return bool(get_path(d, "spec", "paused"))


# ---- fenceposts ----------------------------------------------------------------------------


def scaled_value(value: int | str, total: int, round_up: bool) -> int:
    """intstr.GetScaledValueFromIntOrPercent."""
    if isinstance(value, int):
        return value
    text = str(value)
    if not text.endswith("%"):
        return int(text)
    percent = int(text[:-1])
    exact = percent * total / 100
    return math.ceil(exact) if round_up else math.floor(exact)


def resolve_fenceposts(d: dict) -> tuple[int, int]:
    """ResolveFenceposts: surge rounds up, unavailable rounds down; both 0 -> unavailable 1."""
    desired = replicas_of(d)
    surge = scaled_value(fencepost(d, "maxSurge"), desired, True)
    unavailable = scaled_value(fencepost(d, "maxUnavailable"), desired, False)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


def max_surge(d: dict) -> int:
    return resolve_fenceposts(d)[0] if is_rolling_update(d) else 0


def max_unavailable(d: dict) -> int:
    replicas = replicas_of(d)
    if not is_rolling_update(d) or replicas == 0:
        return 0
    return min(resolve_fenceposts(d)[1], replicas)


# ---- ReplicaSet sets -----------------------------------------------------------------------


def rs_replicas(rs: dict | None) -> int:
    return 0 if rs is None else replicas_of(rs)


def status_of(rs: dict | None, field: str) -> int:
    return 0 if rs is None else int((rs.get("status") or {}).get(field, 0))


def total_replicas(rss: Iterable[dict | None]) -> int:
    return sum(rs_replicas(rs) for rs in rss)


def total_status(rss: Iterable[dict | None], field: str) -> int:
    return sum(status_of(rs, field) for rs in rss)


def filter_active(rss: Iterable[dict | None]) -> list[dict]:
    """FilterActiveReplicaSets: spec.replicas > 0."""
    return [rs for rs in rss if rs is not None and rs_replicas(rs) > 0]


def _created(rs: dict) -> float:
    ts = rs["metadata"].get("creationTimestamp")
    return parse_time(ts) if ts else 0.0


def by_creation(rss: Iterable[dict]) -> list[dict]:
    """ReplicaSetsByCreationTimestamp: oldest first, name as tie breaker."""
    return sorted(rss, key=lambda rs: (_created(rs), rs["metadata"]["name"]))


def by_size_older(rss: Iterable[dict]) -> list[dict]:
    """ReplicaSetsBySizeOlder: larger first, older first among equals."""
    return sorted(by_creation(rss), key=lambda rs: -rs_replicas(rs))


def by_size_newer(rss: Iterable[dict]) -> list[dict]:
    """ReplicaSetsBySizeNewer: larger first, newer first among equals."""
    return sorted(list(reversed(by_creation(rss))), key=lambda rs: -rs_replicas(rs))


def revision(obj: dict | None) -> int:
    if obj is None:
        return 0
    value = (obj["metadata"].get("annotations") or {}).get(REVISION)
    try:
        return int(value) if value is not None else 0
    except ValueError:
        return 0


def max_revision(rss: Iterable[dict]) -> int:
    return max((revision(rs) for rs in rss), default=0)


def by_revision(rss: Iterable[dict]) -> list[dict]:
    """ReplicaSetsByRevision: lowest revision first, creation time as tie breaker."""
    return sorted(by_creation(rss), key=revision)


def template_without_hash(template: dict | None) -> dict:
    t = clone(template or {})
    labels = (t.get("metadata") or {}).get("labels")
    if labels and HASH_LABEL in labels:
        del labels[HASH_LABEL]
    return t


def equal_ignore_hash(t1: dict | None, t2: dict | None) -> bool:
    """EqualIgnoreHash (an empty labels map equals a missing one, as semantic DeepEqual)."""
    return _normal(t1) == _normal(t2)


def _normal(t: dict | None) -> dict:
    """A shallow view of the template without the hash label or empty metadata fields."""
    t = t or {}
    meta = {k: v for k, v in (t.get("metadata") or {}).items() if v not in (None, {}, [])}
    labels = meta.get("labels")
    if labels and HASH_LABEL in labels:
        labels = {k: v for k, v in labels.items() if k != HASH_LABEL}
        if labels:
            meta["labels"] = labels
        else:
            del meta["labels"]
    return {**t, "metadata": meta}


def find_new_replica_set(d: dict, rss: list[dict]) -> dict | None:
    """FindNewReplicaSet: the oldest RS whose template equals the Deployment's."""
    template = get_path(d, "spec", "template")
    for rs in by_creation(rss):
        if equal_ignore_hash(get_path(rs, "spec", "template"), template):
            return rs
    return None


def find_old_replica_sets(d: dict, rss: list[dict], new_rs: dict | None) -> list[dict]:
    uid = new_rs["metadata"]["uid"] if new_rs else None
    return [rs for rs in rss if rs["metadata"]["uid"] != uid]


def find_active_or_latest(new_rs: dict | None, old_rss: list[dict]) -> dict | None:
    """FindActiveOrLatest: the only active RS, or the newest when none is active."""
    if new_rs is None and not old_rss:
        return None
    olds = list(reversed(by_creation(old_rss)))
    active = filter_active([*olds, new_rs])
    if not active:
        return new_rs if new_rs is not None else olds[0]
    return active[0] if len(active) == 1 else None


# ---- annotations ---------------------------------------------------------------------------


def set_replicas_annotations(annotations: dict, desired: int, max_replicas: int) -> bool:
    changed = False
    for key, value in ((DESIRED_REPLICAS, str(desired)), (MAX_REPLICAS, str(max_replicas))):
        if annotations.get(key) != value:
            annotations[key] = value
            changed = True
    return changed


def replicas_annotations_need_update(rs: dict, desired: int, max_replicas: int) -> bool:
    return set_replicas_annotations(
        dict(rs["metadata"].get("annotations") or {}), desired, max_replicas
    )


def copy_deployment_annotations(d: dict, annotations: dict) -> bool:
    """copyDeploymentAnnotationsToReplicaSet: everything but the skipped keys."""
    changed = False
    for key, value in (d["metadata"].get("annotations") or {}).items():
        if key in ANNOTATIONS_TO_SKIP or annotations.get(key) == value:
            continue
        annotations[key] = value
        changed = True
    return changed


def set_new_replica_set_annotations(d: dict, rs: dict, new_revision: int, exists: bool) -> bool:
    """SetNewReplicaSetAnnotations on `rs` (a private copy): copy the Deployment's annotations,
    raise the revision to `new_revision` keeping the old one in revision-history."""
    annotations = rs["metadata"].setdefault("annotations", {})
    changed = copy_deployment_annotations(d, annotations)
    old_text = annotations.get(REVISION)
    try:
        old = int(old_text) if old_text else 0
    except ValueError:
        return changed
    if old < new_revision:
        annotations[REVISION] = str(new_revision)
        changed = True
        if old_text:
            _append_history(annotations, old_text)
    if not exists and set_replicas_annotations(
        annotations, replicas_of(d), replicas_of(d) + max_surge(d)
    ):
        changed = True
    return changed


def _append_history(annotations: dict, old_revision: str) -> None:
    history = annotations.get(REVISION_HISTORY, "")
    if not history:
        annotations[REVISION_HISTORY] = old_revision
        return
    parts = history.split(",")
    total = len(history) + len(old_revision) + 1
    start = 0
    while total > MAX_REV_HISTORY_CHARS and start < len(parts):
        total -= len(parts[start]) + 1
        start += 1
    if total <= MAX_REV_HISTORY_CHARS:
        annotations[REVISION_HISTORY] = ",".join([*parts[start:], old_revision])


# ---- kubectl rollout undo (client side) ----------------------------------------------------


class RollbackError(Exception):
    """kubectl prints `error: <message>` and exits 1."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class RollbackSkipped(Exception):
    """Not an error: kubectl prints `deployment.apps/<name> <message>`."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def owned_replica_sets(cluster: Cluster, d: dict) -> list[dict]:
    """ListReplicaSets: RSes matching the selector and controlled by the Deployment."""
    selector = compiled_selector(get_path(d, "spec", "selector"))
    return [
        rs
        for rs in cluster.store.list("ReplicaSet", d["metadata"].get("namespace", ""))
        if labelsel.matches(selector, rs["metadata"].get("labels") or {})
        and is_controlled_by(rs, d)
    ]


def rollback_template(
    cluster: Cluster, deployment: dict, to_revision: int = 0
) -> tuple[dict, dict]:
    """What `kubectl rollout undo [--to-revision=N]` patches into the Deployment: the chosen
    ReplicaSet's template (without pod-template-hash) and the Deployment's new annotations.
    Raises RollbackError (paused, unknown revision, no history) or RollbackSkipped."""
    if is_paused(deployment):
        raise RollbackError(
            "you cannot rollback a paused deployment; resume it first with "
            "'kubectl rollout resume' and try again"
        )
    rs = _revision_replica_set(cluster, deployment, to_revision)
    if equal_ignore_hash(
        get_path(rs, "spec", "template"), get_path(deployment, "spec", "template")
    ):
        raise RollbackSkipped(
            f"skipped rollback (current template already matches revision {to_revision})"
        )
    annotations = {
        k: v
        for k, v in (deployment["metadata"].get("annotations") or {}).items()
        if k in ANNOTATIONS_TO_SKIP
    }
    for key, value in (rs["metadata"].get("annotations") or {}).items():
        if key not in ANNOTATIONS_TO_SKIP:
            annotations[key] = value
    return template_without_hash(get_path(rs, "spec", "template")), annotations


def _revision_replica_set(cluster: Cluster, d: dict, to_revision: int) -> dict:
    """deploymentRevision: the RS with revision N, or the second-newest one."""
    latest, latest_rev, previous, previous_rev = None, -1, None, -1
    for rs in owned_replica_sets(cluster, d):
        v = revision(rs)
        if to_revision == 0:
            if latest_rev < v:
                previous, previous_rev, latest, latest_rev = latest, latest_rev, rs, v
            elif previous_rev < v:
                previous, previous_rev = rs, v
        elif v == to_revision:
            return rs
    if to_revision > 0:
        raise RollbackError(f"unable to find specified revision {to_revision} in history")
    if previous is None:
        raise RollbackError(f'no rollout history found for deployment "{d["metadata"]["name"]}"')
    return previous
