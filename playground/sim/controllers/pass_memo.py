"""Skip a controller pass when nothing it reads can have changed.

A pass of a level-triggered controller depends only on the store and the clock. If the
store's resourceVersion is the one seen right after this controller's previous pass (nobody
wrote since) and none of its timers is due, the pass would write nothing: skip it. The memo
lives in `cluster.cache` (per Cluster instance, rebuilt from nothing: a fresh instance always
runs the full pass), so it is an optimisation, never the truth.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..cluster import Cluster


def can_skip(cluster: Cluster, key: str) -> bool:
    memo = cluster.cache.get(f"pass:{key}")
    if memo is None or memo[0] != cluster.store.meta["resourceVersion"]:
        return False
    return memo[1] is None or memo[1] > cluster.clock.now


def remember(cluster: Cluster, key: str, next_time: float | None) -> None:
    cluster.cache[f"pass:{key}"] = (cluster.store.meta["resourceVersion"], next_time)


def cached_wakeup(cluster: Cluster, key: str) -> tuple[bool, float | None]:
    """(hit, value) of the next_wakeup memo for the current resourceVersion."""
    memo = cluster.cache.get(f"wake:{key}")
    if memo is not None and memo[0] == cluster.store.meta["resourceVersion"]:
        return True, memo[1]
    return False, None


def remember_wakeup(cluster: Cluster, key: str, value: float | None) -> float | None:
    cluster.cache[f"wake:{key}"] = (cluster.store.meta["resourceVersion"], value)
    return value
