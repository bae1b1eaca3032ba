"""Whether anything the garbage collector reads changed since its last quiet pass.

The collector's pass reads, of each object, only its identity (kind, namespace, name, uid),
its ownerReferences, its deletionTimestamp and its finalizers. A pass that wrote nothing
would write nothing again until one of those changes, however many other writes (pod status,
events, controller status) happen meanwhile. This watch keeps each object's signature from
the store's change log and says whether any changed, so the collector can skip the pass
instead of rescanning every object whenever anything at all was written.

A derived index, never the truth: it lives in cluster.cache and reports "changed" whenever
the change log was replaced, cleared in place (the Django store after a save) or rewritten.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .change_cursor import ChangeCursor

if TYPE_CHECKING:
    from ..cluster import Cluster

CACHE_KEY = "gc.watch"


def signature(obj: dict) -> tuple[Any, ...]:
    meta = obj["metadata"]
    return (meta.get("uid"), meta.get("ownerReferences"), meta.get("deletionTimestamp"),
            meta.get("finalizers"))


class GCWatch:
    def __init__(self, cluster: Cluster, skipped: tuple[str, ...]) -> None:
        self.skipped = skipped
        self.cursor = ChangeCursor(cluster.store)
        self.quiet = False  # the last pass wrote nothing and nothing relevant changed since
        self.sigs: dict[tuple[str, str, str], tuple[Any, ...]] = {}
        store = cluster.store
        for kind in list(store.kinds()) if hasattr(store, "kinds") else ():
            if kind in skipped:
                continue
            for obj in store.list(kind):
                meta = obj["metadata"]
                self.sigs[(kind, meta.get("namespace", ""), meta["name"])] = signature(obj)

    @classmethod
    def of(cls, cluster: Cluster, skipped: tuple[str, ...]) -> GCWatch:
        watch = cluster.cache.get(CACHE_KEY)
        if watch is None or not watch.catch_up(cluster):
            watch = cls(cluster, skipped)
            cluster.cache[CACHE_KEY] = watch
        return watch

    def catch_up(self, cluster: Cluster) -> bool:
        """Read the new changes; False when the log is not the one read before."""
        fresh = self.cursor.read(cluster.store)
        if fresh is None:
            return False
        sigs = self.sigs
        for change in fresh:
            if change.kind in self.skipped:
                continue
            key = (change.kind, change.namespace, change.name)
            if change.type == "DELETED":
                sigs.pop(key, None)
                self.quiet = False
                continue
            sig = signature(change.object)
            if change.type == "ADDED" or sigs.get(key) != sig:
                self.quiet = False
            sigs[key] = sig
        return True
