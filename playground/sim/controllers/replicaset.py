"""The ReplicaSet controller: keep `spec.replicas` active pods matching the selector.

Models pkg/controller/replicaset/replica_set.go (syncReplicaSet, manageReplicas,
getPodsToDelete) and replica_set_utils.go (calculateStatus):
- counts only active pods (not Succeeded/Failed, not terminating), so a deleted pod is
  replaced at once even while it is still terminating;
- adopts orphan pods matching the selector and releases owned pods that stopped matching;
- creates pods from the template with generateName `<rs>-` in slow-start batches 1, 2, 4, ...
  (at most 500 per sync), stopping at the first failed batch: events SuccessfulCreate /
  FailedCreate, condition ReplicaFailure (reason FailedCreate, message = the API error);
- deletes the lowest-ranked pods first (controller_utils.rank_pods_for_deletion);
- status replicas / fullyLabeledReplicas / readyReplicas / availableReplicas
  (Ready for minReadySeconds) / observedGeneration, omitting zero fields as Go's omitempty does.

Simplified: no expectations (the store is read-your-writes); a failed sync is retried after the
workqueue's exponential backoff or as soon as the ReplicaSet's pods change, like a real
requeue. Event source component: replicaset-controller.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import ApiError, NotFound
from ..objects import clone, controller_ref, get_path
from .base import Controller
from .controller_utils import (
    BURST_REPLICAS,
    Backoff,
    available_at,
    claim,
    compiled_selector,
    deletion_reason,
    is_pod_active,
    prune_memos,
    rank_pods_for_deletion,
    slow_start_batches,
)
from .pod_index import PodIndex
from .replicaset_status import (
    FACTS_MEMO,
    PodFacts,
    calculate_counts,
    calculate_status,
    update_status,
)

if TYPE_CHECKING:
    from ..cluster import Cluster

NAME = "replicaset-controller"
NAMESPACE_TERMINATING = "NamespaceTerminating"
INPUTS_MEMO = "replicaset-controller/inputs"


class ReplicaSetController(Controller):
    name = NAME

    def reconcile(self, cluster: Cluster) -> None:
        index = PodIndex.of(cluster)
        backoff = Backoff(cluster, NAME)
        replica_sets = cluster.store.list("ReplicaSet")
        for rs in replica_sets:
            sync_replica_set(cluster, rs, index, backoff)
        live = {rs["metadata"]["uid"] for rs in replica_sets}
        prune_memos(cluster, (INPUTS_MEMO, FACTS_MEMO), live)
        backoff.prune(live)

    def next_wakeup(self, cluster: Cluster) -> float | None:
        times: list[float] = []
        now = cluster.clock.now
        index: PodIndex | None = None
        uids = set()
        for rs in cluster.store.list("ReplicaSet"):
            uids.add(rs["metadata"]["uid"])
            min_ready = int(get_path(rs, "spec", "minReadySeconds", default=0))
            if not min_ready:
                continue
            index = index or PodIndex.of(cluster)
            for pod in index.owned_by(rs["metadata"]["uid"]):
                t = available_at(pod, min_ready) if is_pod_active(pod) else None
                if t is not None and t > now:
                    times.append(t)
        retry = Backoff(cluster, NAME).next_retry(uids)
        if retry is not None and retry > now:
            times.append(retry)
        return min(times) if times else None


def unchanged_since_last_sync(
    cluster: Cluster, rs: dict, index: PodIndex, backoff: Backoff
) -> bool:
    """True when nothing this sync reads changed since the previous sync of `rs`, which then
    wrote nothing (a write changes the RS or its pods): the result would be the same no-op.
    The memo lives in cluster.cache, a rebuildable optimisation."""
    meta = rs["metadata"]
    uid = meta["uid"]
    min_ready = get_path(rs, "spec", "minReadySeconds", default=0)
    inputs = (
        meta.get("resourceVersion"),
        index.stamp(uid),
        index.stamp("orphans/" + meta.get("namespace", "")),
        backoff.waiting(uid, _seen(rs, index)),
        cluster.clock.now if min_ready else None,
    )
    memo = cluster.cache.setdefault(INPUTS_MEMO, {})
    if memo.get(uid) == inputs:
        return True
    memo[uid] = inputs
    return False


def sync_replica_set(cluster: Cluster, rs: dict, index: PodIndex, backoff: Backoff) -> None:
    meta = rs["metadata"]
    selector = compiled_selector(get_path(rs, "spec", "selector"))
    if selector is None or unchanged_since_last_sync(cluster, rs, index, backoff):
        return
    key = meta["uid"]
    seen = _seen(rs, index)
    if backoff.waiting(key, seen):
        return  # a failed sync waits for its retry unless the RS or its pods changed since
    pods, counts = claimed_pods_and_counts(cluster, rs, selector, index)
    error = None
    if not meta.get("deletionTimestamp"):
        written = cluster.store.meta["resourceVersion"]
        error = manage_replicas(cluster, rs, pods, index)
        if cluster.store.meta["resourceVersion"] != written:
            # upstream counts the pods it saw before acting and fixes the status on the next
            # sync a moment later; counting the pods after acting saves that round trip
            pods = [p for p in PodIndex.of(cluster).owned_by(key) if is_pod_active(p)]
            counts = calculate_counts(cluster, rs, pods)
    if error is None:
        backoff.forget(key)
    else:
        delay = backoff.failed(key, seen)
        cluster.record(
            NAME,
            rs,
            f"ReplicaSet {meta['name']} will retry in "
            f"{_human_delay(delay)} (exponential backoff after a failure)",
        )
    update_status(cluster, rs, calculate_status(cluster, rs, pods, error, counts))


def _seen(rs: dict, index: PodIndex) -> list:
    """What a sync of `rs` watches: its own version, its pods, the orphans of its namespace."""
    meta = rs["metadata"]
    return [
        meta.get("resourceVersion"),
        index.stamp(meta["uid"]),
        index.stamp("orphans/" + meta.get("namespace", "")),
    ]


def claimed_pods_and_counts(
    cluster: Cluster, rs: dict, selector, index: PodIndex
) -> tuple[list[dict], tuple[int, int, int, int]]:
    """claim_pods + calculate_counts, reusing the last result when no pod of this ReplicaSet
    or orphan of its namespace changed (e.g. the sync after its own status write)."""
    facts = PodFacts.of(cluster, rs, selector)
    meta = rs["metadata"]
    stamps = (index.stamp(meta["uid"]), index.stamp("orphans/" + meta.get("namespace", "")))
    timeless = not get_path(rs, "spec", "minReadySeconds", default=0)
    if facts.last is not None and facts.last[0] == stamps and timeless:
        return facts.last[1], facts.last[2]
    owned = index.groups.get(meta["uid"], {})
    if len(facts.pods) > 2 * len(owned) + 64:  # forget pods that are gone
        keep = {p["metadata"].get("uid") for p in owned.values()}
        facts.pods = {k: v for k, v in facts.pods.items() if k in keep}
    written = cluster.store.meta["resourceVersion"]
    pods = claim_pods(cluster, rs, selector, index)
    counts = calculate_counts(cluster, rs, pods)
    if cluster.store.meta["resourceVersion"] == written:
        facts.last = (stamps, pods, counts)
    return pods, counts


def claim_pods(cluster: Cluster, rs: dict, selector, index: PodIndex) -> list[dict]:
    """Active pods this ReplicaSet controls after adoption/release (claimPods)."""
    uid, ns = rs["metadata"]["uid"], rs["metadata"].get("namespace", "")
    facts = PodFacts.of(cluster, rs, selector)
    claimed = []
    memo, compute = facts.pods, facts.get
    for pod in index.owned_by(uid):
        meta = pod["metadata"]
        found = memo.get(meta.get("uid"))  # inlined facts.get: this loop is the hot path
        facts_of = found[1] if found and found[0] == meta.get("resourceVersion") else compute(pod)
        active, matches = facts_of[0], facts_of[1]
        if active and matches:
            claimed.append(pod)  # already ours and still matching: nothing to claim
        elif active:
            claim(cluster, rs, selector, pod, actor=NAME, describe=_describe_claim(rs))
    for pod in index.orphans(ns):
        got = claim(cluster, rs, selector, pod, actor=NAME, describe=_describe_claim(rs))
        if got is not None:
            claimed.append(got)
    return claimed


def _describe_claim(rs: dict):
    def describe(pod: dict, verb: str) -> str:
        name, rs_name = pod["metadata"]["name"], rs["metadata"]["name"]
        if verb == "adopted":
            return (
                f"ReplicaSet {rs_name} adopted pod {name}: it had no controller and its "
                "labels match the selector"
            )
        return f"ReplicaSet {rs_name} released pod {name}: its labels no longer match the selector"

    return describe


def manage_replicas(
    cluster: Cluster, rs: dict, pods: list[dict], index: PodIndex
) -> ApiError | None:
    """Create or delete pods so that len(pods) == spec.replicas (manageReplicas)."""
    want = int(get_path(rs, "spec", "replicas", default=1))
    diff = len(pods) - want
    if diff < 0:
        return create_pods(cluster, rs, min(-diff, BURST_REPLICAS), len(pods), want)
    if diff > 0:
        victims = pods_to_delete(cluster, rs, pods, min(diff, BURST_REPLICAS), index)
        return delete_pods(cluster, rs, victims, len(pods), want)
    return None


def pod_from_template(rs: dict) -> dict:
    """GetPodFromTemplate: labels, annotations, finalizers and spec from the template."""
    template = get_path(rs, "spec", "template", default={}) or {}
    tmeta = template.get("metadata") or {}
    meta: dict = {
        "generateName": _pods_prefix(rs["metadata"]["name"]),
        "namespace": rs["metadata"].get("namespace", "default"),
    }
    for field in ("labels", "annotations", "finalizers"):
        if tmeta.get(field):
            meta[field] = clone(tmeta[field])
    meta["ownerReferences"] = [
        {
            "apiVersion": rs["apiVersion"],
            "kind": rs["kind"],
            "name": rs["metadata"]["name"],
            "uid": rs["metadata"]["uid"],
            "controller": True,
            "blockOwnerDeletion": True,
        }
    ]
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": meta,
        "spec": clone(template.get("spec") or {}),
    }


def _pods_prefix(name: str) -> str:
    """getPodsPrefix: `<name>-` unless that is not a valid pod name prefix."""
    from ..validation import is_dns1123_subdomain

    prefix = f"{name}-"
    return prefix if not is_dns1123_subdomain(prefix + "x") else name


def create_pods(cluster: Cluster, rs: dict, count: int, have: int, want: int) -> ApiError | None:
    """slowStartBatch over CreatePods: stop after the first batch with a failure."""
    rs_name = rs["metadata"]["name"]
    created = 0
    for size in slow_start_batches(count):
        errors = []
        for _ in range(size):
            try:
                pod = cluster.api.create(pod_from_template(rs), actor=NAME)
            except ApiError as err:
                if _namespace_terminating(err):
                    continue  # every create will fail; nothing to report
                errors.append(err)
                cluster.event(
                    rs, "Warning", "FailedCreate", f"Error creating: {err.message}", component=NAME
                )
                cluster.record(
                    NAME,
                    rs,
                    f"ReplicaSet {rs_name} has {_pods(have + created)}, "
                    f"wants {want}: could not create one: {err.message}",
                )
                continue
            cluster.event(
                rs,
                "Normal",
                "SuccessfulCreate",
                f"Created pod: {pod['metadata']['name']}",
                component=NAME,
            )
            cluster.record(
                NAME,
                rs,
                f"ReplicaSet {rs_name} has {_pods(have + created)}, wants "
                f"{want}: created {pod['metadata']['name']}",
            )
            created += 1
        if errors:
            return errors[0]
    return None


def _namespace_terminating(err: ApiError) -> bool:
    causes = (err.details or {}).get("causes") or []
    return any(c.get("reason") == NAMESPACE_TERMINATING for c in causes)


def pods_to_delete(
    cluster: Cluster, rs: dict, pods: list[dict], diff: int, index: PodIndex
) -> list[dict]:
    """getPodsToDelete: rank only when some pods stay."""
    if diff >= len(pods):
        return pods[:diff]
    related = related_pods(cluster, rs, index)
    return rank_pods_for_deletion(pods, related, cluster.clock.now)[:diff]


def related_pods(cluster: Cluster, rs: dict, index: PodIndex) -> list[dict]:
    """Pods of every ReplicaSet with the same controller (getIndirectlyRelatedPods)."""
    ref = controller_ref(rs)
    if ref is None:
        return list(index.owned_by(rs["metadata"]["uid"]))
    pods: list[dict] = []
    for other in cluster.store.list("ReplicaSet", rs["metadata"].get("namespace", "")):
        other_ref = controller_ref(other)
        if other_ref is not None and other_ref.get("uid") == ref.get("uid"):
            pods.extend(index.owned_by(other["metadata"]["uid"]))
    return pods


def delete_pods(
    cluster: Cluster, rs: dict, victims: list[dict], have: int, want: int
) -> ApiError | None:
    rs_name = rs["metadata"]["name"]
    error = None
    for rank, pod in enumerate(victims, 1):
        name = pod["metadata"]["name"]
        try:
            cluster.api.delete("Pod", name, namespace=pod["metadata"].get("namespace"), actor=NAME)
        except NotFound:
            continue
        except ApiError as err:
            cluster.event(
                rs, "Warning", "FailedDelete", f"Error deleting: {err.message}", component=NAME
            )
            error = error or err
            continue
        cluster.event(rs, "Normal", "SuccessfulDelete", f"Deleted pod: {name}", component=NAME)
        why = (
            ""
            if want == 0 or len(victims) >= have
            else f" (ranked #{rank} for deletion: {deletion_reason(pod)})"
        )
        cluster.record(
            NAME, rs, f"ReplicaSet {rs_name} has {_pods(have)}, wants {want}: deleted {name}{why}"
        )
    return error


def _pods(n: int) -> str:
    return "1 pod" if n == 1 else f"{n} pods"


def _human_delay(seconds: float) -> str:
    return f"{seconds * 1000:.0f}ms" if seconds < 1 else f"{seconds:.0f}s"


CONTROLLERS = [ReplicaSetController]
