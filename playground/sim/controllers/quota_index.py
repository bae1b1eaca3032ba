"""What the resourcequota-controller needs from the change log, without rescanning pods.

Two questions were answered by listing every pod of a namespace on every pass: "did anything
that quota counts change here?" and "when does the next deleting pod stop being charged?".
Most pod writes in a rollout are the kubelet's status writes, which change nothing quota
counts, so the index keeps each pod's charge signature (everything pod_usage and the scopes
read) and marks a namespace dirty only when a signature changes; other kinds mark their
namespace dirty on any write, as before. Deleting pods with a grace period are kept with
their deadline. Dirty namespaces accumulate until the controller takes them, so a read from
next_wakeup loses nothing.

A derived index, never the truth: it lives in cluster.cache and is rebuilt from the store
(every namespace dirty) when the change cursor says the log is not the one it read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..objects import parse_time
from .change_cursor import ChangeCursor, count

if TYPE_CHECKING:
    from ..cluster import Cluster

_CACHE = "resourcequota:index"
Key = tuple[str, str]


def _resources(containers: Any) -> list:
    if not isinstance(containers, list):
        return [containers]
    return [c.get("resources") if isinstance(c, dict) else c for c in containers]


def charge_signature(pod: dict) -> tuple:
    """Everything quota.pod_usage and quota.matches_scopes read from a pod."""
    meta = pod.get("metadata") or {}
    status = pod.get("status")
    phase = status.get("phase") if isinstance(status, dict) else None
    spec = pod.get("spec")
    spec = spec if isinstance(spec, dict) else {}
    return (phase in ("Failed", "Succeeded"), meta.get("deletionTimestamp"),
            meta.get("deletionGracePeriodSeconds"), spec.get("activeDeadlineSeconds"),
            _resources(spec.get("containers") or []),
            _resources(spec.get("initContainers") or []))


def _deadline(pod: dict) -> float | None:
    """The moment just after which QuotaV1Pod stops charging a deleting pod."""
    meta = pod["metadata"]
    if not meta.get("deletionTimestamp") or meta.get("deletionGracePeriodSeconds") is None:
        return None
    # charged while now <= t: the change happens just after t
    return parse_time(meta["deletionTimestamp"]) + float(meta["deletionGracePeriodSeconds"]) \
        + 0.001


class QuotaIndex:
    def __init__(self, cluster: Cluster) -> None:
        store = cluster.store
        self.cursor = ChangeCursor(store)
        self.sigs: dict[Key, tuple] = {}
        self.deleting: dict[Key, float] = {}
        self.dirty: set[str] | None = None  # None: every namespace (a fresh index)
        for pod in store.list("Pod"):
            self._note(pod)

    @classmethod
    def of(cls, cluster: Cluster) -> QuotaIndex:
        index = cluster.cache.get(_CACHE)
        if index is None or not index._refresh(cluster):
            index = cluster.cache[_CACHE] = cls(cluster)
        return index

    def _key(self, pod: dict) -> Key:
        meta = pod["metadata"]
        return (meta.get("namespace", ""), meta["name"])

    def _note(self, pod: dict) -> tuple:
        key = self._key(pod)
        sig = self.sigs[key] = charge_signature(pod)
        t = _deadline(pod)
        if t is None:
            self.deleting.pop(key, None)
        else:
            self.deleting[key] = t
        return sig

    def _refresh(self, cluster: Cluster) -> bool:
        """Apply the changes since the last read; False when the index must be rebuilt."""
        store = cluster.store
        fresh = self.cursor.read(store)
        if fresh is None:
            return False
        dirty = self.dirty
        sigs = self.sigs
        for ch in fresh:
            ns = ch.namespace
            if ch.kind == "Event" or not ns:
                continue
            if ch.kind != "Pod":
                if dirty is not None:
                    dirty.add(ns)
                continue
            key = (ns, ch.name)
            if ch.type == "DELETED":
                sigs.pop(key, None)
                self.deleting.pop(key, None)
                if dirty is not None:
                    dirty.add(ns)
                continue
            old = sigs.get(key)
            if self._note(ch.object) != old and dirty is not None:
                dirty.add(ns)
        # pods written behind the log's back: rebuild
        return len(sigs) == count(store, "Pod")

    def take_dirty(self) -> set[str] | None:
        """Namespaces whose charges may have changed since the last take (None: all)."""
        dirty, self.dirty = self.dirty, set()
        return dirty

    def grace_deadline(self, namespaces, now: float) -> float | None:
        """The next moment a deleting pod in one of `namespaces` stops being charged."""
        best = None
        for (ns, _), t in self.deleting.items():
            if t > now and ns in namespaces and (best is None or t < best):
                best = t
        return best
