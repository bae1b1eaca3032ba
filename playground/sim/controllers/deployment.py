"""The Deployment controller: ReplicaSets per pod template, rollouts, scaling, history, status.

Models pkg/controller/deployment/deployment_controller.go (syncDeployment), sync.go
(getNewReplicaSet, scale, cleanupDeployment, calculateStatus, checkPausedConditions),
progress.go (requeueStuckDeployment). The pieces live next to it, one per upstream file:
deployment_newrs.py (getNewReplicaSet), deployment_sync.py (scale, cleanupDeployment),
deployment_rollout.py (rolling.go, recreate.go, syncRolloutStatus), deployment_conditions.py and
deployment_util.py (util/deployment_util.go), controller_utils.py (controller_utils.go).

One sync per Deployment and pass, in upstream order: adopt/release ReplicaSets, status only when
being deleted, paused-condition bookkeeping, `sync` (scaling only) when paused or on a scaling
event, else RollingUpdate / Recreate. The new ReplicaSet is `<name>-<pod-template-hash>`;
revisions, desired/max-replicas and the Deployment's annotations are kept on ReplicaSets like
upstream. Events (source deployment-controller): ScalingReplicaSet "Scaled up replica set <rs> to
<n>" on creation, "Scaled up|down replica set <rs> to <n> from <m>" afterwards.

Simplified: the deprecated rollbackTo annotation is ignored (kubectl rolls back client-side,
see deployment_util.rollback_template); a failed sync retries after the workqueue backoff, or at
once when the Deployment or its ReplicaSets change (what an informer event would do). A sync whose
inputs did not change since a sync that wrote nothing is skipped (memo in cluster.cache).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import labels as labelsel
from ..errors import ApiError, Conflict
from ..objects import clone, parse_time
from . import deployment_conditions as dc
from . import deployment_newrs, deployment_sync
from . import deployment_util as du
from .base import Controller
from .controller_utils import Backoff, claim, compiled_selector, prune_memos
from .deployment_newrs import SyncError
from .pod_index import PodIndex

if TYPE_CHECKING:
    from ..cluster import Cluster

NAME = "deployment-controller"
INPUTS_MEMO = "deployment-controller/inputs"


class DeploymentController(Controller):
    name = NAME

    def reconcile(self, cluster: Cluster) -> None:
        backoff = Backoff(cluster, NAME)
        rs_by_ns: dict[str, list[dict]] = {}
        for rs in cluster.store.list("ReplicaSet"):
            rs_by_ns.setdefault(rs["metadata"].get("namespace", ""), []).append(rs)
        deployments = cluster.store.list("Deployment")
        live = {d["metadata"]["uid"] for d in deployments}
        prune_memos(cluster, (INPUTS_MEMO,), live)
        backoff.prune(live)
        for d in deployments:
            key = d["metadata"]["uid"]
            namespace_rss = rs_by_ns.get(d["metadata"].get("namespace", ""), [])
            # what the sync watches: an update of any of it requeues a failed sync at once
            seen = [
                d["metadata"].get("resourceVersion"),
                len(namespace_rss),
                max((int(rs["metadata"]["resourceVersion"]) for rs in namespace_rss), default=0),
            ]
            if backoff.waiting(key, seen) or unchanged_since_last_sync(cluster, d, namespace_rss):
                continue
            sync = DeploymentSync(cluster, d, namespace_rss)
            try:
                sync.run()
            except Conflict:
                forget_inputs(cluster, key)  # someone else wrote first: the next pass re-reads
                continue
            except (SyncError, ApiError) as err:
                forget_inputs(cluster, key)  # the retry must run even if nothing changes
                delay = backoff.failed(key, seen)
                cluster.record(
                    NAME, d, f"Deployment {d['metadata']['name']}: {err}; retrying in {delay:.3g}s"
                )
                continue
            backoff.forget(key)

    def next_wakeup(self, cluster: Cluster) -> float | None:
        """requeueStuckDeployment: a rollout without progress is re-checked one second after its
        progress deadline; plus pending retries."""
        now = cluster.clock.now
        times, uids = [], set()
        for d in cluster.store.list("Deployment"):
            uids.add(d["metadata"]["uid"])
            t = stuck_check_time(d)
            if t is not None and t > now:
                times.append(t)
        retry = Backoff(cluster, NAME).next_retry(uids)
        if retry is not None and retry > now:
            times.append(retry)
        return min(times) if times else None


def unchanged_since_last_sync(cluster: Cluster, d: dict, namespace_rss: list[dict]) -> bool:
    """True when nothing a sync of `d` reads changed since its previous sync, which then wrote
    nothing: the Deployment, the ReplicaSets of its namespace, whether its progress deadline
    passed, and for Recreate the pods of the namespace. The memo lives in cluster.cache."""
    meta = d["metadata"]
    stuck = stuck_check_time(d)
    rss = max((int(rs["metadata"].get("resourceVersion") or 0) for rs in namespace_rss), default=0)
    pods = None
    if not du.is_rolling_update(d):
        index = PodIndex.of(cluster)
        pods = sum(index.stamp(rs["metadata"]["uid"]) for rs in namespace_rss)
    inputs = (
        meta.get("resourceVersion"),
        len(namespace_rss),
        rss,
        pods,
        stuck is not None and cluster.clock.now >= stuck,
    )
    memo = cluster.cache.setdefault(INPUTS_MEMO, {})
    if memo.get(meta["uid"]) == inputs:
        return True
    memo[meta["uid"]] = inputs
    return False


def forget_inputs(cluster: Cluster, uid: str) -> None:
    cluster.cache.get(INPUTS_MEMO, {}).pop(uid, None)


def stuck_check_time(d: dict) -> float | None:
    deadline = du.progress_deadline(d)
    status = d.get("status") or {}
    cond = dc.get_condition(status, "Progressing")
    if deadline is None or cond is None or du.is_paused(d):
        return None
    if cond["reason"] in (du.TIMED_OUT, du.NEW_RS_AVAILABLE) or dc.deployment_complete(d, status):
        return None
    return parse_time(cond["lastUpdateTime"]) + deadline + 1


class DeploymentSync:
    """One syncDeployment: `self.d` is the working copy, refreshed after every write."""

    def __init__(self, cluster: Cluster, d: dict, namespace_rss: list[dict]):
        self.cluster = cluster
        self.now = cluster.clock.now
        self.d = clone(d)
        self.name = d["metadata"]["name"]
        self.namespace_rss = namespace_rss

    # ---- the sync loop -----------------------------------------------------------------------

    def run(self) -> None:
        from . import deployment_rollout as rollout

        d = self.d
        if d["spec"].get("selector") in ({}, {"matchLabels": {}}):
            self.selecting_all()
            return
        rs_list = self.get_replica_sets_for_deployment()
        if d["metadata"].get("deletionTimestamp"):
            new_rs, old_rss = self.get_all_replica_sets_and_sync_revision(rs_list, False)
            self.sync_deployment_status([*old_rss, new_rs], new_rs)
            return
        self.check_paused_conditions()
        if du.is_paused(self.d) or self.is_scaling_event(rs_list):
            self.sync(rs_list)
        elif du.is_rolling_update(self.d):
            rollout.rollout_rolling(self, rs_list)
        else:
            rollout.rollout_recreate(self, rs_list)

    def selecting_all(self) -> None:
        d = self.d
        status = d.get("status") or {}
        if status.get("observedGeneration", 0) < d["metadata"].get("generation", 0):
            self.cluster.event(
                d,
                "Warning",
                "SelectingAll",
                "This deployment is selecting all pods. A non-empty selector is required.",
                component=NAME,
            )
            self.write_status({**status, "observedGeneration": d["metadata"]["generation"]})

    def get_replica_sets_for_deployment(self) -> list[dict]:
        """ClaimReplicaSets: adopt matching orphans, release owned RSes that stopped matching."""
        selector = compiled_selector(self.d["spec"].get("selector"))
        owned = []
        for rs in self.namespace_rss:
            live = self.cluster.store.get(
                "ReplicaSet", rs["metadata"].get("namespace", ""), rs["metadata"]["name"]
            )
            if live is None:
                continue
            got = claim(self.cluster, self.d, selector, live, actor=NAME, describe=self._claimed)
            if got is not None:
                owned.append(got)
        return owned

    def _claimed(self, rs: dict, verb: str) -> str:
        if verb == "adopted":
            return (
                f"Deployment {self.name} adopted ReplicaSet {rs['metadata']['name']}: it had "
                "no controller and its labels match the selector"
            )
        return (
            f"Deployment {self.name} released ReplicaSet {rs['metadata']['name']}: its labels "
            "no longer match the selector"
        )

    def check_paused_conditions(self) -> None:
        d = self.d
        if du.progress_deadline(d) is None:
            return
        status = clone(d.get("status") or {})
        cond = dc.get_condition(status, "Progressing")
        if cond is not None and cond["reason"] == du.TIMED_OUT:
            return
        paused_cond = cond is not None and cond["reason"] == du.PAUSED
        if du.is_paused(d) and not paused_cond:
            dc.set_condition(
                status,
                dc.new_condition(
                    "Progressing", "Unknown", du.PAUSED, "Deployment is paused", self.now
                ),
            )
            self.cluster.record(
                NAME,
                d,
                f"Deployment {self.name} is paused: template changes wait, scaling still applies",
            )
        elif not du.is_paused(d) and paused_cond:
            dc.set_condition(
                status,
                dc.new_condition(
                    "Progressing", "Unknown", du.RESUMED, "Deployment is resumed", self.now
                ),
            )
            self.cluster.record(
                NAME, d, f"Deployment {self.name} is resumed: the rollout continues"
            )
        else:
            return
        self.write_status(status)

    def is_scaling_event(self, rs_list: list[dict]) -> bool:
        new_rs, old_rss = self.get_all_replica_sets_and_sync_revision(rs_list, False)
        want = du.replicas_of(self.d)
        for rs in du.filter_active([*old_rss, new_rs]):
            desired = (rs["metadata"].get("annotations") or {}).get(du.DESIRED_REPLICAS)
            if desired is not None and desired.lstrip("-").isdigit() and int(desired) != want:
                return True
        return False

    def sync(self, rs_list: list[dict]) -> None:
        """Scaling only (paused, or replicas changed): proportional scale, history cleanup
        while paused, then the plain status."""
        new_rs, old_rss = self.get_all_replica_sets_and_sync_revision(rs_list, False)
        deployment_sync.scale(self, new_rs, old_rss)
        if du.is_paused(self.d):
            deployment_sync.cleanup_deployment(self, old_rss)
        new_rs, old_rss = self.refresh(new_rs), [self.refresh(rs) for rs in old_rss]
        self.sync_deployment_status([*old_rss, new_rs], new_rs)

    def refresh(self, rs: dict | None) -> dict | None:
        if rs is None:
            return None
        meta = rs["metadata"]
        return self.cluster.store.get("ReplicaSet", meta.get("namespace", ""), meta["name"]) or rs

    # ---- the new ReplicaSet ------------------------------------------------------------------

    def get_all_replica_sets_and_sync_revision(
        self, rs_list: list[dict], create: bool
    ) -> tuple[dict | None, list[dict]]:
        existing = du.find_new_replica_set(self.d, rs_list)
        old_rss = du.find_old_replica_sets(self.d, rs_list, existing)
        new_rs = self.get_new_replica_set(existing, old_rss, create)
        return new_rs, old_rss

    def get_new_replica_set(
        self, existing: dict | None, old_rss: list[dict], create: bool
    ) -> dict | None:
        new_revision = du.max_revision(old_rss) + 1
        if existing is not None:
            return deployment_newrs.sync_existing_new_rs(self, existing, new_revision)
        if not create:
            return None
        return deployment_newrs.create_new_rs(self, old_rss, new_revision)

    # ---- scaling -----------------------------------------------------------------------------

    def scale_replica_set_and_record_event(self, rs: dict, new_scale: int, why: str = "") -> dict:
        if du.rs_replicas(rs) == new_scale:
            return rs
        operation = "up" if du.rs_replicas(rs) < new_scale else "down"
        return self.scale_replica_set(rs, new_scale, operation, why)

    def scale_replica_set(self, rs: dict, new_scale: int, operation: str, why: str = "") -> dict:
        d = self.d
        desired, max_replicas = du.replicas_of(d), du.replicas_of(d) + du.max_surge(d)
        size_changes = du.rs_replicas(rs) != new_scale
        if not size_changes and not du.replicas_annotations_need_update(rs, desired, max_replicas):
            return rs
        old_scale = du.rs_replicas(rs)
        rs_copy = clone(self.refresh(rs))
        rs_copy["spec"]["replicas"] = new_scale
        du.set_replicas_annotations(
            rs_copy["metadata"].setdefault("annotations", {}), desired, max_replicas
        )
        updated = self.cluster.api.update(rs_copy, actor=NAME)
        if size_changes:
            rs_name = rs["metadata"]["name"]
            self.cluster.event(
                d,
                "Normal",
                "ScalingReplicaSet",
                f"Scaled {operation} replica set {rs_name} to {new_scale} from {old_scale}",
                component=NAME,
            )
            because = f" ({why})" if why else ""
            self.cluster.record(
                NAME,
                d,
                f"Deployment {self.name}: scaled {operation} ReplicaSet "
                f"{rs_name} from {old_scale} to {new_scale}{because}",
            )
        return updated

    # ---- status ------------------------------------------------------------------------------

    def calculate_status(self, all_rss: list[dict | None], new_rs: dict | None) -> dict:
        d = self.d
        old = d.get("status") or {}
        available = du.total_status(all_rss, "availableReplicas")
        unavailable = max(du.total_replicas(all_rss) - available, 0)
        status: dict = {}
        for key, value in (
            ("observedGeneration", d["metadata"].get("generation", 0)),
            ("replicas", du.total_status(all_rss, "replicas")),
            ("updatedReplicas", du.status_of(new_rs, "replicas")),
            ("readyReplicas", du.total_status(all_rss, "readyReplicas")),
            ("availableReplicas", available),
            ("unavailableReplicas", unavailable),
        ):
            if value:
                status[key] = value
        if old.get("conditions"):
            status["conditions"] = clone(old["conditions"])
        if "collisionCount" in old:
            status["collisionCount"] = old["collisionCount"]
        if available >= du.replicas_of(d) - du.max_unavailable(d):
            cond = dc.new_condition(
                "Available",
                "True",
                du.MIN_AVAILABLE,
                "Deployment has minimum availability.",
                self.now,
            )
        else:
            cond = dc.new_condition(
                "Available",
                "False",
                du.MIN_UNAVAILABLE,
                "Deployment does not have minimum availability.",
                self.now,
            )
        dc.set_condition(status, cond)
        return status

    def sync_deployment_status(self, all_rss: list[dict | None], new_rs: dict | None) -> None:
        self.write_status(self.calculate_status(all_rss, new_rs))

    def write_status(self, status: dict) -> None:
        """UpdateStatus with the working copy (its annotations carry the revision)."""
        d = self.d
        wanted = (d["metadata"].get("annotations") or {}).get(du.REVISION)
        if d.get("status") == status and self._stored_revision() == wanted:
            return
        body = {**d, "status": status}
        # a working copy again: the API server's result is shared with its store
        self.d = clone(self.cluster.api.update(body, subresource="status", actor=NAME))
        self._persist_revision(wanted)

    def _stored_revision(self) -> str | None:
        meta = self.d["metadata"]
        live = self.cluster.store.get("Deployment", meta.get("namespace", ""), meta["name"])
        return ((live or self.d)["metadata"].get("annotations") or {}).get(du.REVISION)

    def _persist_revision(self, wanted: str | None) -> None:
        """Upstream writes the revision annotation with UpdateStatus (the Deployment status
        strategy keeps annotations). If this API server dropped it, write it directly."""
        if wanted is None or self._stored_revision() == wanted:
            return
        self.d = clone(self.cluster.api.patch(
            "Deployment",
            self.name,
            {"metadata": {"annotations": {du.REVISION: wanted}}},
            namespace=self.d["metadata"].get("namespace"),
            actor=NAME,
        ))

    def selector_matches(self, obj: dict) -> bool:
        return labelsel.matches(
            compiled_selector(self.d["spec"].get("selector")), obj["metadata"].get("labels") or {}
        )


CONTROLLERS = [DeploymentController]
