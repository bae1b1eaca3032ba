"""The StatefulSet controller: stable pod names, ordered creation, stable storage, updates.

Models pkg/controller/statefulset/{stateful_set.go,stateful_set_control.go,
stateful_pod_control.go} of Kubernetes v1.33:
- pods `<set>-<ordinal>` with hostname/subdomain, the pod-name, pod-index and
  controller-revision-hash labels; ControllerRevisions `<set>-<hash>` (revision numbers bumped
  when an old template comes back);
- OrderedReady: walk ordinals upwards, create the first missing pod and stop, stop at the first
  pod that is Terminating or not Running+Ready (+ minReadySeconds); scale down the highest
  ordinal first, one at a time, only when everything else is healthy. Parallel: no waiting;
- claims `<template>-<set>-<ordinal>` created before the pod and reused when they exist; the
  retention policy is enforced with ownerReferences (garbage collection does the deleting);
- RollingUpdate from the highest ordinal down to `partition`, one pod at a time, and OnDelete.
  MaxUnavailableStatefulSet is alpha (off) in v1.33, so `maxUnavailable` is ignored;
- the "broken state": with OrderedReady a pod that never becomes Ready blocks everything,
  even after the template is reverted, until a user deletes it;
- at most one pod per identity: a Terminating pod is never replaced before it is gone.
v1.33 (since PR #123809) deletes Failed/Succeeded pods and recreates them on a later sync, with
the ordinary SuccessfulDelete/SuccessfulCreate events (no RecreatingFailedPod any more).

Simplified: API errors are retried with the workqueue's exponential backoff (5 ms doubling to
1000 s) kept in the store's meta; slow-start batches of Parallel mode happen within one pass;
a pod whose volumes no longer match the claim templates only gets its missing claims created.
Speed: a set whose inputs (its own, its pods', revisions' and claims' resourceVersions) are
unchanged since a sync that wrote nothing is skipped; the fingerprints live in cluster.cache
and are only an optimisation.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from .. import labels as labelsel
from ..errors import AlreadyExists, ApiError, NotFound
from ..objects import clone, controller_ref, get_path, owner_reference
from . import history
from . import statefulset_utils as su
from .base import Controller
from .idle import IdleMarker
from .pod_subsets import PodSubsets
from .statefulset_control import update_statefulset

if TYPE_CHECKING:
    from ..cluster import Cluster

ACTOR = "statefulset-controller"
BACKOFF_KEY = "statefulsetBackoff"
BACKOFF_BASE, BACKOFF_MAX = 0.005, 1000.0


class SyncError(Exception):
    """An API error during a sync: the set is retried after a backoff."""


class StatefulSetController(Controller):
    name = ACTOR

    def reconcile(self, cluster: Cluster) -> None:
        timed = bool(cluster.store.meta.get(BACKOFF_KEY)) or any(
            s["spec"].get("minReadySeconds") for s in cluster.store.list("StatefulSet"))
        idle = IdleMarker(cluster, self.name, timed=timed)
        if idle.unchanged():
            return
        self._reconcile(cluster)
        idle.done()

    def _reconcile(self, cluster: Cluster) -> None:
        pods = _index_pods(cluster)
        revisions = _index_revisions(cluster)
        claims = _claims_summary(cluster)
        backoff = cluster.store.meta.setdefault(BACKOFF_KEY, {})
        seen = cluster.cache.setdefault("statefulset-fingerprints", {})
        live = set()
        for sts in cluster.store.list("StatefulSet"):
            key = f"{sts['metadata']['namespace']}/{sts['metadata']['name']}"
            live.add(key)
            if key in backoff and cluster.clock.now < backoff[key]["next"]:
                continue
            fingerprint = _fingerprint(cluster, sts, pods, revisions, claims)
            if seen.get(sts["metadata"]["uid"]) == fingerprint:
                continue  # nothing this sync reads has changed since a sync that wrote nothing
            before = cluster.store.meta["resourceVersion"]
            sync = StatefulSetSync(cluster, sts)
            try:
                sync.run(pods, revisions)
                backoff.pop(key, None)
                if cluster.store.meta["resourceVersion"] == before:
                    seen[sts["metadata"]["uid"]] = fingerprint
            except SyncError:
                failures = backoff.get(key, {}).get("failures", 0)
                delay = min(BACKOFF_BASE * 2**failures, BACKOFF_MAX)
                backoff[key] = {"failures": failures + 1, "next": cluster.clock.now + delay}
        for key in [k for k in backoff if k not in live]:
            del backoff[key]
        if len(seen) > len(live):
            uids = {sts["metadata"]["uid"] for sts in cluster.store.list("StatefulSet")}
            for uid in [u for u in seen if u not in uids]:
                del seen[uid]

    def next_wakeup(self, cluster: Cluster) -> float | None:
        times = [b["next"] for b in cluster.store.meta.get(BACKOFF_KEY, {}).values()]
        waiting = [s for s in cluster.store.list("StatefulSet") if s["spec"].get("minReadySeconds")]
        pods = _index_pods(cluster) if waiting else {}
        for sts in waiting:
            wait = int(sts["spec"]["minReadySeconds"])
            ns, name = sts["metadata"]["namespace"], sts["metadata"]["name"]
            for pod in pods.get((ns, name), []):
                at = su.available_at(pod, wait)
                if at is not None and at > cluster.clock.now:
                    times.append(at)
        return min(times) if times else None


def _fingerprint(cluster: Cluster, sts: dict, pods: dict, revisions: dict,
                 claims: dict[str, tuple[int, int]]) -> tuple:
    """The resourceVersions of everything one sync of `sts` reads (its pods and revisions, a
    summary of its namespace's claims) and the time when minReadySeconds makes availability
    time-dependent. A rebuildable optimisation only: an unchanged fingerprint means the sync
    would write nothing again."""
    ns, uid = sts["metadata"]["namespace"], sts["metadata"]["uid"]
    return (
        sts["metadata"]["resourceVersion"],
        tuple(p["metadata"]["resourceVersion"] for p in pods.get((ns, sts["metadata"]["name"]),
                                                                 ())),
        tuple(r["metadata"]["resourceVersion"] for r in revisions.get(uid, ())),
        len(revisions.get(f"ns:{ns}", ())),
        claims.get(ns) if sts["spec"].get("volumeClaimTemplates") else None,
        cluster.clock.now if sts["spec"].get("minReadySeconds") else None,
    )


def _claims_summary(cluster: Cluster) -> dict[str, tuple[int, int]]:
    """Per namespace: (number of claims, highest resourceVersion) — changes with any claim."""
    out: dict[str, tuple[int, int]] = {}
    for claim in cluster.store.list("PersistentVolumeClaim"):
        ns = claim["metadata"]["namespace"]
        count, top = out.get(ns, (0, 0))
        out[ns] = (count + 1, max(top, int(claim["metadata"]["resourceVersion"])))
    return out


def _index_pods(cluster: Cluster) -> _PodsByParent:
    """Pods by (namespace, parent name from the `<parent>-<ordinal>` pattern), from an index
    kept from the change log (pod_subsets), in store order; each group read once per pass."""
    return _PodsByParent(PodSubsets.of(cluster, "statefulset-pods", _parent_tag))


def _parent_tag(pod: dict) -> tuple[tuple[str, str], ...]:
    meta = pod["metadata"]
    parent, ordinal = su.parent_and_ordinal(meta["name"])
    return ((meta["namespace"], parent),) if ordinal >= 0 else ()


class _PodsByParent:
    """The `.get((namespace, parent), default)` view the sync uses, fixed at first read."""

    def __init__(self, index: PodSubsets) -> None:
        self.index = index
        self.read: dict[tuple[str, str], list[dict]] = {}

    def get(self, key: tuple[str, str], default: list[dict] | None = None) -> list[dict]:
        found = self.read.get(key)
        if found is None:
            found = self.read[key] = self.index.members(key)
        return found if found or default is None else default


def _index_revisions(cluster: Cluster) -> dict[str, list[dict]]:
    """ControllerRevisions by controller uid; orphans under "ns:<namespace>"."""
    out: dict[str, list[dict]] = {}
    for rev in cluster.store.list("ControllerRevision"):
        ref = controller_ref(rev)
        key = ref["uid"] if ref else f"ns:{rev['metadata']['namespace']}"
        out.setdefault(key, []).append(rev)
    return out


class StatefulSetSync:
    """One syncStatefulSet call for one set."""

    def __init__(self, cluster: Cluster, sts: dict):
        self.cluster = cluster
        self.api = cluster.api
        self.sts = sts
        self.name = sts["metadata"]["name"]
        self.ns = sts["metadata"]["namespace"]
        self.now = cluster.clock.now
        self.min_ready = int(sts["spec"].get("minReadySeconds") or 0)
        self.selector = labelsel.from_label_selector(sts["spec"].get("selector"))
        self.error: ApiError | None = None

    # ---- entry point -----------------------------------------------------------------------

    def run(self, pods: dict, revisions: dict) -> None:
        mine = self._claim_pods(pods.get((self.ns, self.name), []))
        revs = self._claim_revisions(revisions)
        current, update, collisions = self._get_revisions(revs)
        status, mine = update_statefulset(self, mine, current, update, collisions)
        self._write_status(status)
        self._truncate_history(revs, mine, current, update)
        if self.error is not None:
            raise SyncError(str(self.error))

    # ---- adoption ------------------------------------------------------------------------------

    def _claim_pods(self, candidates: list[dict]) -> list[dict]:
        """ClaimPods filtered by isMemberOf: adopt matching orphans, release non-matching."""
        out = []
        uid = self.sts["metadata"]["uid"]
        deleting = bool(self.sts["metadata"].get("deletionTimestamp"))
        for pod in candidates:
            ref = controller_ref(pod)
            matches = labelsel.matches(self.selector, pod["metadata"].get("labels") or {})
            if ref is not None and ref.get("uid") != uid:
                continue
            if ref is not None and matches:
                out.append(pod)
            elif ref is not None and not deleting:
                self._set_pod_owner(pod, release=True)
            elif ref is None and matches and not deleting and not su.is_terminating(pod):
                adopted = self._set_pod_owner(pod, release=False)
                if adopted is not None:
                    out.append(adopted)
        return out

    def _set_pod_owner(self, pod: dict, *, release: bool) -> dict | None:
        uid = self.sts["metadata"]["uid"]
        refs = [r for r in pod["metadata"].get("ownerReferences") or [] if r.get("uid") != uid]
        if not release:
            refs.append(owner_reference(self.sts))
        patch = {"metadata": {"ownerReferences": refs or None, "uid": pod["metadata"]["uid"]}}
        verb = "released" if release else "adopted"
        try:
            result = self.api.patch("Pod", pod["metadata"]["name"], patch, namespace=self.ns,
                                    actor=ACTOR)
        except ApiError:
            return None
        self.cluster.record(ACTOR, self.sts, f"StatefulSet {self.name} {verb} pod "
                            f"{pod['metadata']['name']} (its labels "
                            f"{'no longer ' if release else ''}match the selector)")
        return result

    def _claim_revisions(self, index: dict) -> list[dict]:
        uid = self.sts["metadata"]["uid"]
        revs = list(index.get(uid, []))
        if self.sts["metadata"].get("deletionTimestamp"):
            return history.sort_revisions(revs)
        for rev in index.get(f"ns:{self.ns}", []):
            if labelsel.matches(self.selector, rev["metadata"].get("labels") or {}):
                patch = {"metadata": {"ownerReferences": [owner_reference(self.sts)],
                                      "uid": rev["metadata"]["uid"]}}
                try:
                    revs.append(self.api.patch("ControllerRevision", rev["metadata"]["name"],
                                               patch, namespace=self.ns, actor=ACTOR))
                except ApiError:
                    continue
        return history.sort_revisions(revs)

    # ---- revisions -----------------------------------------------------------------------------

    def _get_revisions(self, revs: list[dict]) -> tuple[dict, dict, int]:
        """getStatefulSetRevisions: find or create the update revision; current from status."""
        collisions = int(get_path(self.sts, "status", "collisionCount", default=0) or 0)
        data = su.revision_data(self.sts)
        labels = get_path(self.sts, "spec", "template", "metadata", "labels", default={})
        wanted = history.new_revision(self.sts, labels, data, history.next_revision(revs),
                                      collisions)
        equal = history.find_equal_revisions(revs, wanted)
        if equal and history.equal_revision(revs[-1], equal[-1]):
            update = revs[-1]
        elif equal:
            update = self._bump_revision(equal[-1], wanted["revision"])
        else:
            update, collisions = self._create_revision(wanted, data, labels, collisions)
        current = next((r for r in revs if r["metadata"]["name"] ==
                        get_path(self.sts, "status", "currentRevision")), None)
        return current or update, update, collisions

    def _bump_revision(self, rev: dict, number: int) -> dict:
        updated = clone(rev)
        updated["revision"] = number
        try:
            result = self.api.update(updated, actor=ACTOR)
        except ApiError as exc:
            self.error = exc
            return rev
        self.cluster.record(ACTOR, self.sts, f"the template of StatefulSet {self.name} matches "
                            f"the earlier ControllerRevision {rev['metadata']['name']}: reusing "
                            f"it as revision {number} instead of creating a new one")
        return result

    def _create_revision(self, wanted: dict, data: dict, labels: dict,
                         collisions: int) -> tuple[dict, int]:
        """CreateControllerRevision: on a name clash with different data, bump collisionCount."""
        annotations = self.sts["metadata"].get("annotations")
        for _ in range(100):
            if annotations:
                wanted["metadata"]["annotations"] = dict(annotations)
            try:
                created = self.api.create(wanted, namespace=self.ns, actor=ACTOR)
            except AlreadyExists:
                existing = self.cluster.store.get("ControllerRevision", self.ns,
                                                  wanted["metadata"]["name"])
                if existing is not None and existing.get("data") == data:
                    return existing, collisions
                collisions += 1
                wanted = history.new_revision(self.sts, labels, data, wanted["revision"],
                                              collisions)
                continue
            what = "a new pod template" if created["revision"] > 1 else "its pod template"
            self.cluster.record(ACTOR, self.sts, f"recorded {what} of StatefulSet {self.name} "
                                f"as ControllerRevision {created['metadata']['name']} "
                                f"(revision {created['revision']})")
            return created, collisions
        raise SyncError("too many ControllerRevision name collisions")

    def _truncate_history(self, revs: list[dict], pods: list[dict], current: dict,
                          update: dict) -> None:
        live = {current["metadata"]["name"], update["metadata"]["name"]}
        live |= {su.pod_revision(p) for p in pods}
        old = [r for r in revs if r["metadata"]["name"] not in live]
        limit = int(self.sts["spec"].get("revisionHistoryLimit", 10))
        if limit < 0 or len(old) <= limit:
            return
        for rev in old[: len(old) - limit]:
            with contextlib.suppress(NotFound):
                self.api.delete("ControllerRevision", rev["metadata"]["name"], namespace=self.ns,
                                actor=ACTOR)

    def _write_status(self, status: dict) -> None:
        """updateStatefulSetStatus with completeRollingUpdate; writes only on change."""
        spec = self.sts["spec"]
        replicas = int(spec.get("replicas", 1))
        if (get_path(spec, "updateStrategy", "type") == "RollingUpdate"
                and status.get("updatedReplicas", 0) == replicas
                and status.get("readyReplicas", 0) == replicas
                and status["replicas"] == replicas):
            status["currentReplicas"] = status.get("updatedReplicas", 0)
            status["currentRevision"] = status["updateRevision"]
        status = {k: v for k, v in status.items()
                  if v or k in ("replicas", "availableReplicas", "collisionCount")}
        old = self.sts.get("status") or {}
        if status == {k: v for k, v in old.items() if k != "conditions"}:
            return
        if old.get("conditions"):
            status["conditions"] = old["conditions"]
        updated = clone(self.sts)
        updated["status"] = status
        try:
            self.api.update(updated, subresource="status", actor=ACTOR)
        except ApiError as exc:
            self.error = self.error or exc


CONTROLLERS = [StatefulSetController]
