"""Whether anything the garbage collector reads changed since its last quiet pass.

The collector's pass reads, of each object, only its identity (kind, namespace, name, uid),
its ownerReferences, its deletionTimestamp and its finalizers. A pass that wrote nothing
would write nothing again until one of those changes, however many other writes (pod status,
events, controller status) happen meanwhile. Even such a change is harmless when the object
is nobody's owner, carries no orphan/foreground finalizer and all its owners are present and
not being deleted with a finalizer (a pod of a ReplicaSet created, terminating or removed, the
bulk of a rollout's writes): the pass would find only solid owners again. This watch keeps
each object's signature and the owner uids referenced, from the store's change log, so the
collector can skip the pass instead of rescanning every object whenever anything was written.

A derived index, never the truth: it lives in cluster.cache and reports "changed" whenever
the change log was replaced, cleared in place (the Django store after a save) or rewritten.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..deletion import FOREGROUND, ORPHAN
from ..resources import REGISTRY
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
        self.referenced: dict[str, int] = {}  # owner uid -> how many ownerReferences name it
        store = cluster.store
        for kind in list(store.kinds()) if hasattr(store, "kinds") else ():
            if kind in skipped:
                continue
            for obj in store.list(kind):
                meta = obj["metadata"]
                sig = signature(obj)
                self.sigs[(kind, meta.get("namespace", ""), meta["name"])] = sig
                self._count_refs(sig, 1)

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
            old = sigs.get(key)
            new = None if change.type == "DELETED" else signature(change.object)
            if change.type == "MODIFIED" and old == new:
                continue
            if new is None:
                sigs.pop(key, None)
            else:
                sigs[key] = new
            if self.quiet and not self._harmless(cluster, change.namespace, old, new):
                self.quiet = False
            self._count_refs(old, -1)
            self._count_refs(new, 1)
        return True

    def _count_refs(self, sig: tuple[Any, ...] | None, step: int) -> None:
        for ref in (sig[1] if sig else None) or ():
            uid = ref.get("uid", "")
            self.referenced[uid] = self.referenced.get(uid, 0) + step

    def _harmless(self, cluster: Cluster, ns: str, old: tuple[Any, ...] | None,
                  new: tuple[Any, ...] | None) -> bool:
        """Whether a collector pass that wrote nothing before this change would still write
        nothing after it. True only for an object that is nobody's owner, carries neither the
        orphan nor the foreground finalizer, and whose owners (before and after) are all
        present, not waiting for their dependents and not being deleted with a finalizer: its
        own check finds only solid owners, and no owner's dependents changed in a way that
        matters. A change to an owner itself names a referenced uid: never harmless."""
        for sig in (old, new):
            if sig is None:
                continue
            if self.referenced.get(sig[0], 0) or any(
                    f in (ORPHAN, FOREGROUND) for f in sig[3] or ()):
                return False
            for ref in sig[1] or ():
                owner = owner_of(cluster, ns, ref)
                if owner is None:
                    return False
                meta = owner["metadata"]
                if meta.get("deletionTimestamp") and meta.get("finalizers"):
                    return False
        return old is not None or new is not None


def owner_of(cluster: Cluster, ns: str, ref: dict) -> dict | None:
    """The garbage collector's _owner_of: the live owner, None when gone or replaced."""
    rt = REGISTRY.types.get(ref.get("kind", ""))
    if rt is None:
        return {"metadata": {}}  # unknown kind: never treated as dangling
    owner = cluster.store.get(rt.kind, ns if rt.namespaced else "", ref.get("name", ""))
    if owner is None or owner["metadata"].get("uid") != ref.get("uid"):
        return None
    return owner
