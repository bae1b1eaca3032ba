"""The new ReplicaSet of a Deployment, after sync.go getNewReplicaSet.

The new ReplicaSet is the (oldest) one whose template equals the Deployment's ignoring
pod-template-hash. When it exists its annotations are synced (revision raised to max(old)+1 with
the former one appended to revision-history, the Deployment's annotations copied) and the
Deployment's revision annotation mirrors it. Otherwise `<name>-<hash>` is created with the
size NewRSNewReplicas allows, event "Scaled up replica set <rs> to <n>", condition
NewReplicaSetCreated; a name taken by a foreign ReplicaSet bumps status.collisionCount.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import AlreadyExists, ApiError
from ..objects import clone, controller_ref, owner_reference
from . import deployment_conditions as dc
from . import deployment_sync
from . import deployment_util as du
from .controller_utils import compute_hash

if TYPE_CHECKING:
    from .deployment import DeploymentSync

NAME = "deployment-controller"


class SyncError(Exception):
    """A sync step failed; the Deployment is retried after the workqueue backoff."""


def sync_existing_new_rs(s: DeploymentSync, existing: dict, new_revision: int) -> dict:
    live = s.refresh(existing)
    # a shallow copy is enough to find out whether anything changes (most syncs: nothing)
    meta = live["metadata"]
    rs_copy = {**live, "metadata": {**meta, "annotations": dict(meta.get("annotations") or {})}}
    d, before = s.d, du.revision(existing)
    changed = du.set_new_replica_set_annotations(d, rs_copy, new_revision, True)
    if changed or live["spec"].get("minReadySeconds", 0) != du.min_ready_seconds(d):
        rs_copy["spec"] = {**live["spec"], "minReadySeconds": du.min_ready_seconds(d)}
        updated = s.cluster.api.update(rs_copy, actor=NAME)
        if before and du.revision(updated) > before:
            s.cluster.record(
                NAME,
                d,
                f"Deployment {s.name}: the pod template matches "
                f"ReplicaSet {rs_copy['metadata']['name']} again, "
                f"so it becomes revision {du.revision(updated)} "
                f"(was {before})",
            )
        return updated
    status = clone(d.get("status") or {})
    needs = set_revision(s, rs_copy)
    if du.progress_deadline(d) is not None and dc.get_condition(status, "Progressing") is None:
        dc.set_condition(
            status,
            dc.new_condition(
                "Progressing",
                "True",
                du.FOUND_NEW_RS,
                f'Found new replica set "{rs_copy["metadata"]["name"]}"',
                s.now,
            ),
        )
        needs = True
    if needs:
        s.write_status(status)
    return rs_copy


def set_revision(s: DeploymentSync, rs: dict) -> bool:
    """SetDeploymentRevision on the working copy (written with the next status update)."""
    value = (rs["metadata"].get("annotations") or {}).get(du.REVISION, "")
    annotations = s.d["metadata"].setdefault("annotations", {})
    if annotations.get(du.REVISION) == value:
        return False
    annotations[du.REVISION] = value
    return True


def new_replica_set_manifest(s: DeploymentSync) -> tuple[dict, str]:
    d = s.d
    template = clone(d["spec"]["template"])
    pod_hash = compute_hash(template, (d.get("status") or {}).get("collisionCount"))
    labels = dict((template.get("metadata") or {}).get("labels") or {})
    labels[du.HASH_LABEL] = pod_hash
    template.setdefault("metadata", {})["labels"] = labels
    selector = clone(d["spec"]["selector"])
    selector.setdefault("matchLabels", {})[du.HASH_LABEL] = pod_hash
    rs = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": f"{s.name}-{pod_hash}",
            "namespace": d["metadata"].get("namespace", "default"),
            "labels": dict(labels),
            "ownerReferences": [owner_reference(d)],
        },
        "spec": {
            "replicas": 0,
            "minReadySeconds": du.min_ready_seconds(d),
            "selector": selector,
            "template": template,
        },
    }
    return rs, pod_hash


def create_new_rs(s: DeploymentSync, old_rss: list[dict], new_revision: int) -> dict | None:
    d = s.d
    rs, _ = new_replica_set_manifest(s)
    rs_name = rs["metadata"]["name"]
    count = deployment_sync.new_rs_new_replicas(d, [*old_rss, rs], rs)
    rs["spec"]["replicas"] = count
    du.set_new_replica_set_annotations(d, rs, new_revision, False)
    try:
        created = s.cluster.api.create(rs, actor=NAME)
        already = False
    except AlreadyExists:
        created, already = _existing_or_collision(s, rs)
    except ApiError as err:
        _create_failed(s, rs_name, err)
        raise
    if not already:
        if count > 0:
            s.cluster.event(
                d,
                "Normal",
                "ScalingReplicaSet",
                f"Scaled up replica set {rs_name} to {count}",
                component=NAME,
            )
        s.cluster.record(NAME, d, _created_sentence(s, rs_name, new_revision, count))
    status = clone(d.get("status") or {})
    needs = set_revision(s, created)
    if not already and du.progress_deadline(d) is not None:
        dc.set_condition(
            status,
            dc.new_condition(
                "Progressing",
                "True",
                du.NEW_REPLICASET,
                f'Created new replica set "{rs_name}"',
                s.now,
            ),
        )
        needs = True
    if needs:
        s.write_status(status)
    return created


def _created_sentence(s: DeploymentSync, rs_name: str, revision: int, count: int) -> str:
    d = s.d
    why = "no ReplicaSet has the current pod template"
    if du.is_rolling_update(d):
        limit = du.replicas_of(d) + du.max_surge(d)
        return (
            f"Deployment {s.name}: {why}: created ReplicaSet {rs_name} (revision "
            f"{revision}) with {_replicas(count)} (maxSurge allows {limit} pods in total)"
        )
    return (
        f"Deployment {s.name}: {why} and the old pods are gone (Recreate): created "
        f"ReplicaSet {rs_name} (revision {revision}) with {_replicas(count)}"
    )


def _replicas(n: int) -> str:
    return "1 replica" if n == 1 else f"{n} replicas"


def _existing_or_collision(s: DeploymentSync, rs: dict) -> tuple[dict, bool]:
    meta = rs["metadata"]
    live = s.cluster.store.get("ReplicaSet", meta["namespace"], meta["name"])
    ref = controller_ref(live) if live else None
    if (
        live is not None
        and ref is not None
        and ref.get("uid") == s.d["metadata"]["uid"]
        and du.equal_ignore_hash(s.d["spec"]["template"], live["spec"]["template"])
    ):
        return clone(live), True
    status = clone(s.d.get("status") or {})
    status["collisionCount"] = int(status.get("collisionCount", 0)) + 1
    s.write_status(status)
    s.cluster.record(
        NAME,
        s.d,
        f"Deployment {s.name}: ReplicaSet {meta['name']} "
        "already exists with another template (hash "
        "collision): collisionCount is now "
        f"{status['collisionCount']}",
    )
    raise SyncError(f'replicasets.apps "{meta["name"]}" already exists')


def _create_failed(s: DeploymentSync, rs_name: str, err: ApiError) -> None:
    causes = (err.details or {}).get("causes") or []
    if any(c.get("reason") == "NamespaceTerminating" for c in causes):
        return
    msg = f'Failed to create new replica set "{rs_name}": {err.message}'
    if du.progress_deadline(s.d) is not None:
        status = clone(s.d.get("status") or {})
        dc.set_condition(
            status, dc.new_condition("Progressing", "False", du.FAILED_RS_CREATE, msg, s.now)
        )
        s.write_status(status)
    s.cluster.event(s.d, "Warning", du.FAILED_RS_CREATE, msg, component=NAME)
