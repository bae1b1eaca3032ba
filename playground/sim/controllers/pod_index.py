"""An informer-like index of pods for the workload controllers.

Pods grouped by controller uid, and active orphans by namespace, kept up to date from the
store's change log instead of a full scan per pass (what a shared informer's indexer gives the
real controllers). Rebuilt from the store whenever the change log was drained or replaced, or
pods appeared without a change record.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .change_cursor import ChangeCursor, count
from .controller_utils import is_pod_active

if TYPE_CHECKING:
    from ..cluster import Cluster


class PodIndex:
    """Pods grouped by controller uid, and active orphan pods by namespace, kept up to date
    from the store's change log (a watch, like an informer's indexer) instead of a full scan
    per pass. Each group has a stamp: the resourceVersion of the last change that touched it,
    so a controller can tell that nothing it reads has changed. Lives in cluster.cache and is
    rebuilt from the store whenever the change log was drained or replaced."""

    CACHE_KEY = "pod-index"

    def __init__(self, store) -> None:
        self.store = store
        self.changes = store.changes
        self.position = 0
        self.cursor = ChangeCursor(store)
        self.pods: dict[tuple[str, str], tuple[str, dict]] = {}
        self.groups: dict[str, dict[tuple[str, str], dict]] = {}
        self.stamps: dict[str, int] = {}
        # a rebuild stamps every group with the current resourceVersion, newer than any stamp
        # handed out before, so memos taken against an older index never match by accident
        built = int(store.meta.get("resourceVersion", 0))
        pods = store.list("Pod")
        self.count = len(pods)
        for pod in pods:
            self._add(pod, built)
        self.position = len(self.changes)

    @classmethod
    def of(cls, cluster: Cluster) -> PodIndex:
        index = cluster.cache.get(cls.CACHE_KEY)
        store = cluster.store
        if (
            index is None
            or index.store is not store
            or index.changes is not store.changes
            or len(store.changes) < index.position
            or not index.catch_up()
        ):
            index = cls(store)
            cluster.cache[cls.CACHE_KEY] = index
            return index
        if index.count != count(store, "Pod"):  # objects loaded without a change record
            index = cls(store)
            cluster.cache[cls.CACHE_KEY] = index
        return index

    def catch_up(self) -> bool:
        """Read the new changes; False when the log is not the continuation of what was read
        (cleared in place, rewritten: see change_cursor), and the index must be rebuilt."""
        fresh = self.cursor.read(self.store)
        if fresh is None:
            return False
        for change in fresh:
            if change.kind != "Pod":
                continue
            key = (change.namespace, change.name)
            rv = change.resource_version
            if change.type == "MODIFIED" and self._replace(key, change.object, rv):
                continue
            self._remove(key, change.resource_version)
            if change.type == "ADDED":
                self.count += 1
            elif change.type == "DELETED":
                self.count -= 1
            if change.type != "DELETED":
                self._add(change.object, change.resource_version)
        self.position = len(self.changes)
        return True

    @staticmethod
    def _group_of(pod: dict) -> str | None:
        meta = pod["metadata"]
        for ref in meta.get("ownerReferences") or ():
            if ref.get("controller"):
                return ref.get("uid", "")
        if is_pod_active(pod):
            return "orphans/" + meta.get("namespace", "")
        return None

    def _add(self, pod: dict, rv: int) -> None:
        group = self._group_of(pod)
        if group is None:
            return
        meta = pod["metadata"]
        key = (meta.get("namespace", ""), meta["name"])
        self.pods[key] = (group, pod)
        self.groups.setdefault(group, {})[key] = pod
        self.stamps[group] = rv

    def _replace(self, key: tuple[str, str], pod: dict, rv: int) -> bool:
        """A pod rewritten within its group keeps its place there, as it does in the store:
        a rebuilt index (a cluster loaded from the database) lists pods in the same order
        as one kept up to date, so controllers choose the same pods either way."""
        found = self.pods.get(key)
        group = self._group_of(pod)
        if found is None or found[0] != group:
            return False
        self.pods[key] = (group, pod)
        self.groups[group][key] = pod
        self.stamps[group] = rv
        return True

    def _remove(self, key: tuple[str, str], rv: int) -> None:
        found = self.pods.pop(key, None)
        if found is None:
            return
        group = found[0]
        members = self.groups.get(group)
        if members is not None:
            members.pop(key, None)
        self.stamps[group] = rv

    def owned_by(self, uid: str) -> list[dict]:
        """Every pod (active or not) whose controller is `uid`."""
        return list(self.groups.get(uid, {}).values())

    def orphans(self, namespace: str) -> list[dict]:
        """Active pods without a controller in `namespace`."""
        return list(self.groups.get("orphans/" + namespace, {}).values())

    def stamp(self, group: str) -> int:
        return self.stamps.get(group, 0)
