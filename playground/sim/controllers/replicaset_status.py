"""ReplicaSet status, after pkg/controller/replicaset/replica_set_utils.go (calculateStatus).

replicas (active pods claimed), fullyLabeledReplicas, readyReplicas, availableReplicas (Ready
for minReadySeconds), observedGeneration, and the ReplicaFailure condition (reason FailedCreate
or FailedDelete, message = the API error) added on a failed sync and removed on a good one.
Zero counts are omitted, as Go's omitempty does. PodFacts memoises what is derived from each pod.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from .. import labels as labelsel
from ..errors import ApiError
from ..objects import format_time, get_path
from .controller_utils import compiled_selector, is_pod_active, is_pod_ready, ready_since

if TYPE_CHECKING:
    from ..cluster import Cluster

NAME = "replicaset-controller"
FACTS_MEMO = "replicaset-controller/facts"


class PodFacts:
    """Per-ReplicaSet memo of what its sync derives from each pod (active, matches the selector,
    fully labeled, Ready since), valid while the pod's resourceVersion and the ReplicaSet's
    selector and template labels are unchanged (not its generation: a rollout scales each
    ReplicaSet many times, and a scale changes none of these facts). A rebuildable
    optimisation in cluster.cache."""

    def __init__(self, rs: dict, selector) -> None:
        self.key = _facts_key(rs)
        self.selector = selector
        labels = get_path(rs, "spec", "template", "metadata", "labels", default={}) or {}
        self.wanted = tuple(labels.items())
        self.pods: dict[str, tuple] = {}
        #: (pod stamps, claimed pods, counts) of the last claim that wrote nothing
        self.last: tuple | None = None

    @classmethod
    def of(cls, cluster: Cluster, rs: dict, selector) -> PodFacts:
        memo = cluster.cache.setdefault(FACTS_MEMO, {})
        uid = rs["metadata"]["uid"]
        facts = memo.get(uid)
        if facts is None or facts.key != _facts_key(rs):
            facts = memo[uid] = cls(rs, selector)
        return facts

    def get(self, pod: dict) -> tuple[bool, bool, bool, bool, float | None]:
        meta = pod["metadata"]
        key, rv = meta.get("uid"), meta.get("resourceVersion")
        found = self.pods.get(key)
        if found is not None and found[0] == rv:
            return found[1]
        labels = meta.get("labels") or {}
        ready = is_pod_ready(pod)
        facts = (
            is_pod_active(pod),
            labelsel.matches(self.selector, labels),
            all(labels.get(k) == v for k, v in self.wanted),
            ready,
            ready_since(pod) if ready else None,
        )
        self.pods[key] = (rv, facts)
        return facts


def _facts_key(rs: dict) -> tuple:
    """What PodFacts derive from the ReplicaSet (and claims depend on): its uid is the memo's
    key, its selector and template labels are these."""
    return (get_path(rs, "spec", "selector"),
            get_path(rs, "spec", "template", "metadata", "labels", default={}) or {})


_COUNT_FIELDS = ("replicas", "fullyLabeledReplicas", "readyReplicas", "availableReplicas")


def calculate_counts(cluster: Cluster, rs: dict, pods: list[dict]) -> tuple[int, int, int, int]:
    """replicas, fullyLabeledReplicas, readyReplicas, availableReplicas of the claimed pods."""
    now = cluster.clock.now
    min_ready = int(get_path(rs, "spec", "minReadySeconds", default=0))
    facts = PodFacts.of(cluster, rs, compiled_selector(get_path(rs, "spec", "selector")))
    fully = ready = available = 0
    memo, compute = facts.pods, facts.get
    for pod in pods:
        meta = pod["metadata"]
        found = memo.get(meta.get("uid"))
        facts_of = found[1] if found and found[0] == meta.get("resourceVersion") else compute(pod)
        _, _, labeled, is_ready, since = facts_of
        fully += labeled
        if is_ready:
            ready += 1
            if not min_ready or (since is not None and since + min_ready <= now):
                available += 1
    return len(pods), fully, ready, available


def calculate_status(
    cluster: Cluster,
    rs: dict,
    pods: list[dict],
    error: ApiError | None,
    counts: tuple[int, int, int, int] | None = None,
) -> dict:
    """calculateStatus: counts plus the ReplicaFailure condition, zero fields omitted."""
    counts = counts or calculate_counts(cluster, rs, pods)
    old = rs.get("status") or {}
    status: dict = {"replicas": counts[0]}
    for key, value in (
        *zip(_COUNT_FIELDS[1:], counts[1:], strict=True),
        ("observedGeneration", old.get("observedGeneration", 0)),
    ):
        if value:
            status[key] = value
    conditions = _conditions(old.get("conditions") or [], error, len(pods), rs, cluster.clock.now)
    if conditions:
        status["conditions"] = conditions
    return status


def _conditions(
    conds: list[dict], error: ApiError | None, have: int, rs: dict, now: float
) -> list[dict]:
    failure = next((c for c in conds if c.get("type") == "ReplicaFailure"), None)
    if error is not None and failure is None:
        want = int(get_path(rs, "spec", "replicas", default=1))
        reason = "FailedCreate" if have < want else "FailedDelete"
        return [
            *conds,
            {
                "type": "ReplicaFailure",
                "status": "True",
                "lastTransitionTime": format_time(now),
                "reason": reason,
                "message": error.message,
            },
        ]
    if error is None and failure is not None:
        return [c for c in conds if c.get("type") != "ReplicaFailure"]
    return list(conds)


def _counts(status: dict) -> tuple:
    return tuple(status.get(k, 0) for k in _COUNT_FIELDS)


def update_status(cluster: Cluster, rs: dict, status: dict) -> None:
    """updateReplicaSetStatus: write only when something changed, with observedGeneration."""
    generation = rs["metadata"].get("generation", 0)
    if generation:
        status["observedGeneration"] = generation
    if (rs.get("status") or {}) == status:
        return
    with contextlib.suppress(ApiError):  # the next pass recomputes from the store
        cluster.api.update({**rs, "status": status}, subresource="status", actor=NAME)
