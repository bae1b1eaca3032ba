"""Event TTL: Events disappear an hour after they last happened.

The real API server stores each Event with an etcd lease of --event-ttl (default 1h,
renewed on every update of the Event), so `kubectl get events` shows only the last hour.
This is the simulation's lease expiry: an Event whose lastTimestamp (or eventTime, or
creation) is more than TTL_SECONDS ago is deleted, and nothing is recorded on the timeline
(etcd expiring a key is not an action anyone took). The sandbox's cap on Events
(limits.py max_events) stays the guard against a burst within the hour.

Which Events expire when is kept in an index fed by the store's change log, so a pass over
a thousand Events looks at the Events that changed, not at all of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import ApiError
from ..objects import parse_time
from .base import Controller
from .change_cursor import ChangeCursor, count

if TYPE_CHECKING:
    from ..cluster import Cluster

NAME = "kube-apiserver"
TTL_SECONDS = 3600.0
_INDEX = "eventttl:index"


def happened_at(event: dict) -> float | None:
    """When the Event last happened: what its lease was last renewed from."""
    for value in (
        event.get("lastTimestamp"),
        event.get("eventTime"),
        event.get("metadata", {}).get("creationTimestamp"),
    ):
        if value:
            return parse_time(value)
    return None


class ExpiryIndex:
    """(namespace, name) -> expiry time of every stored Event."""

    def __init__(self, cluster: Cluster) -> None:
        self.cursor = ChangeCursor(cluster.store)
        self.expiry: dict[tuple[str, str], float] = {}
        for event in cluster.store.list("Event"):
            self._put(event)

    @classmethod
    def of(cls, cluster: Cluster) -> ExpiryIndex:
        index = cluster.cache.get(_INDEX)
        changes = index.cursor.read(cluster.store) if index is not None else None
        if changes is None:
            index = cluster.cache[_INDEX] = cls(cluster)
            return index
        for change in changes:
            if change.kind != "Event":
                continue
            if change.type == "DELETED":
                index.expiry.pop((change.namespace, change.name), None)
            else:
                index._put(change.object)
        if len(index.expiry) != count(cluster.store, "Event"):  # written behind our back
            index = cluster.cache[_INDEX] = cls(cluster)
        return index

    def _put(self, event: dict) -> None:
        meta = event["metadata"]
        at = happened_at(event)
        key = (meta.get("namespace", ""), meta["name"])
        if at is None:
            self.expiry.pop(key, None)
        else:
            self.expiry[key] = at + TTL_SECONDS

    def next_expiry(self) -> float | None:
        return min(self.expiry.values(), default=None)

    def expired(self, now: float) -> list[tuple[str, str]]:
        return sorted(key for key, at in self.expiry.items() if at <= now)


class EventTTLController(Controller):
    name = NAME

    def reconcile(self, cluster: Cluster) -> None:
        index = ExpiryIndex.of(cluster)
        first = index.next_expiry()
        if first is None or first > cluster.clock.now:
            return
        for namespace, name in index.expired(cluster.clock.now):
            try:
                cluster.api.delete(
                    "Event", name, namespace=namespace, grace_period_seconds=0, actor=NAME
                )
            except ApiError:  # already gone: nothing to expire
                continue

    # No next_wakeup: an expiry is housekeeping, not something to wait for. Every pass at
    # a later time (a command, a tick of the running clock) deletes what has expired, and
    # `clock settle` still stops when the workloads do instead of running to the next expiry.


CONTROLLERS = [EventTTLController]
