"""Helpers shared by the workload controllers, after pkg/controller/controller_utils.go.

- `compute_hash` / `safe_encode_string`: pod-template-hash (ComputeHash, rand.SafeEncodeString).
- pod predicates: `is_pod_active`, `is_pod_ready`, `is_pod_available` (podutil.IsPodAvailable).
- `rank_pods_for_deletion`: ActivePodsWithRanks.Less (which pod a ReplicaSet deletes first).
- `slow_start_batches`: the 1, 2, 4, ... batch sizes of slowStartBatch.
- `claim`: ControllerRefManager.ClaimObject (adopt orphans, release objects that stopped matching).
- `Backoff`: the workqueue's per-key exponential rate limiter (5 ms doubling up to 1000 s).

Simplified: Go hashes the template with spew (DeepHashObject); we hash a canonical JSON
serialisation, so hashes differ from a real cluster's but keep their alphabet, length and
"identical templates hash identically". The workqueue's retry memory lives in the store's
`meta` (the real controller keeps it in process memory), so a reloaded cluster keeps its backoff.
"""

from __future__ import annotations

import contextlib
import functools
import json
import math
from collections.abc import Callable
from functools import cmp_to_key
from typing import TYPE_CHECKING

from .. import labels as labelsel
from ..objects import controller_ref, get_path, owner_reference
from ..objects import parse_time as _parse_time

if TYPE_CHECKING:
    from ..cluster import Cluster

# k8s.io/apimachinery/pkg/util/rand alphanums
_ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789"
_FNV32_OFFSET = 0x811C9DC5
_FNV32_PRIME = 0x01000193

# timestamps repeat across pods and passes: parse each one once
parse_time = functools.lru_cache(maxsize=8192)(_parse_time)

POD_DELETION_COST = "controller.kubernetes.io/pod-deletion-cost"
BURST_REPLICAS = 500  # replicaset controller --concurrent burst (BurstReplicas)
SLOW_START_INITIAL_BATCH_SIZE = 1


# ---- pod-template-hash ---------------------------------------------------------------------


def fnv32a(data: bytes, h: int = _FNV32_OFFSET) -> int:
    for byte in data:
        h = ((h ^ byte) * _FNV32_PRIME) & 0xFFFFFFFF
    return h


def safe_encode_string(s: str) -> str:
    """rand.SafeEncodeString: each byte mapped into the vowel-free alphabet (digits -> 4-9bcdf)."""
    return "".join(_ALPHANUMS[b % len(_ALPHANUMS)] for b in s.encode())


def compute_hash(template: dict, collision_count: int | None = None) -> str:
    """controller.ComputeHash: FNV-32a of the template (+ collisionCount little-endian), printed
    as a decimal and safe-encoded. Same template, same hash."""
    data = json.dumps(template, sort_keys=True, separators=(",", ":")).encode()
    h = fnv32a(data)
    if collision_count is not None:
        h = fnv32a(int(collision_count).to_bytes(4, "little", signed=False), h)
    return safe_encode_string(str(h))


# ---- pods ----------------------------------------------------------------------------------


def is_pod_active(pod: dict) -> bool:
    """IsPodActive: not Succeeded/Failed and not being deleted."""
    phase = pod.get("status", {}).get("phase")
    return phase not in ("Succeeded", "Failed") and not pod["metadata"].get("deletionTimestamp")


def ready_condition(pod: dict) -> dict | None:
    for cond in pod.get("status", {}).get("conditions") or ():
        if cond.get("type") == "Ready":
            return cond
    return None


def is_pod_ready(pod: dict) -> bool:
    cond = ready_condition(pod)
    return cond is not None and cond.get("status") == "True"


def ready_since(pod: dict) -> float | None:
    """When the pod became Ready (the Ready condition's lastTransitionTime), None if not ready."""
    cond = ready_condition(pod)
    if cond is None or cond.get("status") != "True":
        return None
    ltt = cond.get("lastTransitionTime")
    return parse_time(ltt) if ltt else None


def is_pod_available(pod: dict, min_ready_seconds: int, now: float) -> bool:
    """podutil.IsPodAvailable: Ready for at least minReadySeconds. The simulation compares with
    >= (timestamps are whole seconds, the real controller re-checks a moment later)."""
    if not is_pod_ready(pod):
        return False
    if not min_ready_seconds:
        return True
    since = ready_since(pod)
    return since is not None and since + min_ready_seconds <= now


def available_at(pod: dict, min_ready_seconds: int) -> float | None:
    """When a Ready pod will count as available (None if not ready)."""
    since = ready_since(pod)
    return None if since is None else since + min_ready_seconds


def max_container_restarts(pod: dict) -> int:
    statuses = get_path(pod, "status", "containerStatuses", default=[]) or []
    return max((int(s.get("restartCount", 0)) for s in statuses), default=0)


_PHASE_ORDINAL = {"Pending": 0, "Unknown": 1, "Running": 2}


def _deletion_cost(pod: dict) -> int:
    try:
        return int((pod["metadata"].get("annotations") or {}).get(POD_DELETION_COST, 0))
    except ValueError:
        return 0


def _log_rank(t: float, now: float) -> int:
    """floor(log2(nanoseconds since t)), -1 for the future (logarithmicRankDiff)."""
    d = (now - t) * 1e9
    return int(math.log2(d)) if d > 0 else -1


def _created(pod: dict) -> float:
    ts = pod["metadata"].get("creationTimestamp")
    return parse_time(ts) if ts else 0.0


def rank_pods_for_deletion(pods: list[dict], related: list[dict], now: float) -> list[dict]:
    """Sort `pods` so the ones to delete first come first (ActivePodsWithRanks with
    LogarithmicScaleDown and PodDeletionCost on, as in v1.33). `related` are the active pods of
    every ReplicaSet of the same owner: pods on nodes crowded with them go first."""
    on_node: dict[str, int] = {}
    for p in related:  # is_pod_active inlined: a large rollout ranks ~1,000 pods ~70 times
        if (p.get("status", {}).get("phase") not in ("Succeeded", "Failed")
                and not p["metadata"].get("deletionTimestamp")):
            node = p.get("spec", {}).get("nodeName", "")
            on_node[node] = on_node.get(node, 0) + 1
    keyed = [(_rank_facts(p, on_node, now), p) for p in pods]
    keyed.sort(key=cmp_to_key(lambda a, b: _compare(a[0], b[0], a[1], b[1], now)))
    return [p for _, p in keyed]


def _rank_facts(pod: dict, on_node: dict[str, int], now: float) -> tuple:
    node = pod.get("spec", {}).get("nodeName", "")
    return (
        node,
        _PHASE_ORDINAL.get(get_path(pod, "status", "phase"), 0),
        is_pod_ready(pod),
        _deletion_cost(pod),
        on_node.get(node, 0),
        ready_since(pod),
        max_container_restarts(pod),
        _created(pod),
        pod["metadata"].get("uid", ""),
    )


def _compare(a: tuple, b: tuple, pa: dict, pb: dict, now: float) -> int:
    """-1 when `a` should be deleted before `b` (ActivePodsWithRanks.Less)."""
    (node_a, phase_a, ready_a, cost_a, rank_a, since_a, restarts_a, created_a, uid_a) = a
    (node_b, phase_b, ready_b, cost_b, rank_b, since_b, restarts_b, created_b, uid_b) = b
    if node_a != node_b and (not node_a or not node_b):
        return -1 if not node_a else 1
    if phase_a != phase_b:
        return -1 if phase_a < phase_b else 1
    if ready_a != ready_b:
        return -1 if not ready_a else 1
    if cost_a != cost_b:
        return -1 if cost_a < cost_b else 1
    if rank_a != rank_b:
        return -1 if rank_a > rank_b else 1
    if ready_a and ready_b and since_a != since_b:
        result = _time_order(since_a, since_b, uid_a, uid_b, now)
        if result:
            return result
    if restarts_a != restarts_b:
        return -1 if restarts_a > restarts_b else 1
    if created_a != created_b:
        return _time_order(created_a, created_b, uid_a, uid_b, now)
    return 0


def _time_order(t_a: float | None, t_b: float | None, uid_a: str, uid_b: str, now: float) -> int:
    """Newer first, compared in log2 buckets of age; same bucket -> lower UID first."""
    if t_a is None or t_b is None:
        return -1 if t_a is None else 1  # afterOrZero: zero time first
    diff = _log_rank(t_a, now) - _log_rank(t_b, now)
    if diff == 0:
        return -1 if uid_a < uid_b else (1 if uid_a > uid_b else 0)
    return -1 if diff < 0 else 1


def deletion_reason(pod: dict) -> str:
    """A plain explanation of why a pod ranks early for deletion (for the timeline)."""
    if not pod.get("spec", {}).get("nodeName"):
        return "it is not scheduled yet"
    phase = get_path(pod, "status", "phase")
    if phase != "Running":
        return f"it is still {phase}"
    if not is_pod_ready(pod):
        return "it is not ready"
    return (
        "Ready pods go by pod-deletion-cost, then the most crowded node, then the shortest time "
        "Ready"
    )


def slow_start_batches(count: int, initial: int = SLOW_START_INITIAL_BATCH_SIZE) -> list[int]:
    """slowStartBatch: 1, 2, 4, ... until `count` calls are made."""
    sizes, remaining, size = [], count, min(count, initial)
    while remaining > 0 and size > 0:
        sizes.append(size)
        remaining -= size
        size = min(2 * size, remaining)
    return sizes


def prune_memos(cluster: Cluster, names: tuple[str, ...], live: set[str]) -> None:
    """Forget cluster.cache memos of objects that no longer exist (keyed by uid)."""
    for name in names:
        memo = cluster.cache.get(name)
        if memo and len(memo) > len(live):
            for uid in [u for u in memo if u not in live]:
                del memo[uid]


# ---- adoption / release --------------------------------------------------------------------


def compiled_selector(label_selector: dict | None) -> labelsel.Selector | None:
    return labelsel.from_label_selector(label_selector)


def claim(
    cluster: Cluster,
    owner: dict,
    selector: labelsel.Selector | None,
    obj: dict,
    *,
    actor: str,
    describe: Callable[[dict, str], str],
) -> dict | None:
    """ClaimObject: returns the (possibly adopted) object when `owner` controls it afterwards,
    None otherwise. Releases owned objects that stopped matching; adopts matching orphans."""
    owner_meta, meta = owner["metadata"], obj["metadata"]
    ref = controller_ref(obj)
    matches = labelsel.matches(selector, meta.get("labels") or {})
    if ref is not None:
        if ref.get("uid") != owner_meta["uid"]:
            return None
        if matches:
            return obj
        if owner_meta.get("deletionTimestamp"):
            return None
        _release(cluster, owner, obj, actor)
        cluster.record(actor, owner, describe(obj, "released"))
        return None
    if owner_meta.get("deletionTimestamp") or not matches or meta.get("deletionTimestamp"):
        return None
    if meta.get("namespace", "") != owner_meta.get("namespace", ""):
        return None
    adopted = _adopt(cluster, owner, obj, actor)
    if adopted is not None:
        cluster.record(actor, owner, describe(obj, "adopted"))
    return adopted


def _adopt(cluster: Cluster, owner: dict, obj: dict, actor: str) -> dict | None:
    from ..errors import ApiError

    refs = list(obj["metadata"].get("ownerReferences") or [])
    refs.append(owner_reference(owner))
    patch = {
        "metadata": {
            "ownerReferences": refs,
            "uid": obj["metadata"]["uid"],
            "resourceVersion": obj["metadata"]["resourceVersion"],
        }
    }
    try:
        return cluster.api.patch(
            obj["kind"],
            obj["metadata"]["name"],
            patch,
            namespace=obj["metadata"].get("namespace"),
            actor=actor,
        )
    except ApiError:
        return None


def _release(cluster: Cluster, owner: dict, obj: dict, actor: str) -> None:
    from ..errors import ApiError

    uid = owner["metadata"]["uid"]
    refs = [r for r in obj["metadata"].get("ownerReferences") or [] if r.get("uid") != uid]
    patch = {"metadata": {"ownerReferences": refs or None, "uid": obj["metadata"]["uid"]}}
    with contextlib.suppress(ApiError):
        cluster.api.patch(
            obj["kind"],
            obj["metadata"]["name"],
            patch,
            namespace=obj["metadata"].get("namespace"),
            actor=actor,
        )


# ---- workqueue backoff ---------------------------------------------------------------------

BACKOFF_BASE = 0.005
BACKOFF_MAX = 1000.0
_META_KEY = "workqueueBackoff"


class Backoff:
    """ItemExponentialFailureRateLimiter per controller key, kept in the store's meta."""

    def __init__(self, cluster: Cluster, controller: str):
        self.meta = cluster.store.meta
        self.controller = controller
        self.now = cluster.clock.now

    def _items(self) -> dict:
        return self.meta.setdefault(_META_KEY, {}).setdefault(self.controller, {})

    def failed(self, key: str, seen: list | None = None) -> float:
        """Record a failure; returns the delay before the next retry. `seen` is what the failed
        sync read (versions): any change to it is a watch event that retries at once."""
        items = self._items()
        failures = int(items.get(key, {}).get("failures", 0))
        delay = min(BACKOFF_BASE * (2**failures), BACKOFF_MAX)
        items[key] = {"failures": failures + 1, "next": self.now + delay, "seen": seen}
        return delay

    def forget(self, key: str) -> None:
        items = self.meta.get(_META_KEY, {}).get(self.controller)
        if items and key in items:
            del items[key]

    def waiting(self, key: str, seen: list | None = None) -> bool:
        """Still backing off: the retry time is ahead and nothing the failed sync read changed
        (a real controller is requeued at once by an update event of what it watches)."""
        item = self.meta.get(_META_KEY, {}).get(self.controller, {}).get(key)
        return item is not None and self.now < item["next"] and item.get("seen") == seen

    def prune(self, live: set[str]) -> None:
        """Drop the memory of objects that are gone (the workqueue forgets deleted keys)."""
        items = self.meta.get(_META_KEY, {}).get(self.controller)
        for key in [k for k in items or () if k not in live]:
            del items[key]

    def next_retry(self, keys: set[str]) -> float | None:
        """The earliest pending retry among `keys` (keys of objects that still exist)."""
        items = self.meta.get(_META_KEY, {}).get(self.controller, {})
        times = [item["next"] for key, item in items.items() if key in keys]
        return min(times) if times else None
