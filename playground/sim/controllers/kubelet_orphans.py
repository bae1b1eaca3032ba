"""PodRuntimes whose pod is gone (deleted, re-created with another uid, or unbound), kept
from the store's change log.

The kubelet's pass deletes such runtimes. Finding them by checking every runtime against its
pod costs O(runtimes) per pass, and during a large rollout nearly every pass has one: a pod
finished terminating, or a runtime was created after the pass counted the matched ones. A
runtime's answer can only change when it or its pod is written, so only those are looked at
again. The orphans are handed back in the store's order of runtimes, the order the full scan
deleted them in.

A derived index, never the truth: rebuilt from the store when the change log is not the
continuation of what it read (change_cursor), or when runtimes appeared without a record.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .change_cursor import ChangeCursor, StoreOrder, count

if TYPE_CHECKING:
    from ..cluster import Cluster

CACHE_KEY = "kubelet.orphans"


def runtime_name(namespace: str, name: str) -> str:
    return f"{namespace or 'default'}/{name}"


def pod_gone(store, runtime: dict) -> bool:
    ns, _, name = runtime["metadata"]["name"].partition("/")
    pod = store.get("Pod", ns, name)
    return (
        pod is None
        or pod["metadata"].get("uid") != runtime["state"].get("podUID")
        or not (pod.get("spec") or {}).get("nodeName")
    )


class RuntimeOrphans:
    def __init__(self, cluster: Cluster) -> None:
        store = cluster.store
        self.store = store
        self.cursor = ChangeCursor(store)
        self.order = StoreOrder(rt["metadata"]["name"] for rt in store.list("PodRuntime"))
        self.orphans = {n for n in self.order.place
                        if pod_gone(store, store.get("PodRuntime", "", n))}

    @classmethod
    def of(cls, cluster: Cluster) -> RuntimeOrphans:
        index = cluster.cache.get(CACHE_KEY)
        if index is None or not index._catch_up(cluster):
            index = cluster.cache[CACHE_KEY] = cls(cluster)
        return index

    def _catch_up(self, cluster: Cluster) -> bool:
        store = cluster.store
        fresh = self.cursor.read(store)
        if fresh is None:
            return False
        touched: set[str] = set()
        for change in fresh:
            if change.kind == "PodRuntime":
                self.order.follow(change.type, change.name)
                touched.add(change.name)
            elif change.kind == "Pod":
                touched.add(runtime_name(change.namespace, change.name))
        for name in touched:
            runtime = store.get("PodRuntime", "", name)
            if runtime is not None and pod_gone(store, runtime):
                self.orphans.add(name)
            else:
                self.orphans.discard(name)
        return len(self.order) == count(store, "PodRuntime")

    def gone(self) -> list[str]:
        """Names of the runtimes whose pod is gone, in the store's order."""
        return self.order.sorted(self.orphans)
