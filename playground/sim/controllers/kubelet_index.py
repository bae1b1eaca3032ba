"""Which bound pods the kubelets' pass must look at, kept from the store's change log.

The kubelet's pass skips a pod whose PodRuntime is in sync (same pod resourceVersion, not
blocked, no timer due). Finding those by visiting every pod every pass is O(pods) per pass,
thousands of times during a large rollout. A pod's "in sync" answer can only change when the
Pod or its PodRuntime is written (both show in the change log) or when its timer falls due
(time only moves forward), so this index re-examines only those pods, like an informer's
work queue. Pods found out of sync stay out of sync until written again, so they are kept in
a set and handed to every pass, exactly as the full scan would.

A derived index, never the truth: it lives in cluster.cache and is rebuilt from the store
when the change log was replaced, cleared in place (the Django store after a save) or
rewritten, or when pods appeared without a change record (change_cursor). Pods are handed
back in the store's own order (insertion order: a rewrite keeps a pod's place, a re-creation
moves it to the end), which the full scan used.
"""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING

from .change_cursor import ChangeCursor, StoreOrder, count

if TYPE_CHECKING:
    from ..cluster import Cluster

Key = tuple[str, str]


def in_sync(st: dict, pod_rv: str, now: float) -> bool:
    nxt = st.get("next")
    return st.get("podRV") == pod_rv and not st.get("blocked") and (nxt is None or nxt > now)


class KubeletIndex:
    CACHE_KEY = "kubelet.index"

    def __init__(self, cluster: Cluster) -> None:
        store = cluster.store
        self.store = store
        self.cursor = ChangeCursor(store)
        pods = store.list("Pod")
        self.order = StoreOrder(_key(pod) for pod in pods)
        self.quiet: dict[Key, float | None] = {}  # in sync; value: its timer
        self.unquiet: dict[Key, bool] = {}  # out of sync; value: its runtime matches the pod
        self.timers: list[tuple[float, Key]] = []  # heap over quiet pods' timers (lazy)
        self.dirty: set[Key] = set(self.order.place)

    @classmethod
    def of(cls, cluster: Cluster) -> KubeletIndex:
        index = cluster.cache.get(cls.CACHE_KEY)
        if index is None or not index._catch_up(cluster):
            index = cls(cluster)
            cluster.cache[cls.CACHE_KEY] = index
        return index

    def _catch_up(self, cluster: Cluster) -> bool:
        store = cluster.store
        fresh = self.cursor.read(store)
        if fresh is None:
            return False
        for change in fresh:
            kind = change.kind
            if kind == "Pod":
                key = (change.namespace, change.name)
                self.order.follow(change.type, key)
                self.dirty.add(key)
            elif kind == "PodRuntime":
                ns, _, name = change.name.partition("/")
                self.dirty.add((ns, name))
        return len(self.order) == count(store, "Pod")  # else: loaded without a record

    def scan(self, now: float) -> tuple[list[tuple[dict, bool]], int]:
        """(pods the pass must sync, in store order, each with "its runtime matches"), and how
        many bound pods have a matching runtime (quiet ones included)."""
        timers, quiet, dirty = self.timers, self.quiet, self.dirty
        while timers and timers[0][0] <= now:
            t, key = heapq.heappop(timers)
            if key in quiet and quiet[key] == t:
                dirty.add(key)
        store = self.store
        for key in dirty:
            quiet.pop(key, None)
            self.unquiet.pop(key, None)
            pod = store.get("Pod", *key)
            if pod is None or not (pod.get("spec") or {}).get("nodeName"):
                continue
            meta = pod["metadata"]
            rt = store.get("PodRuntime", "", f"{meta.get('namespace', 'default')}/{meta['name']}")
            matches = rt is not None and rt["state"].get("podUID") == meta.get("uid")
            if matches and in_sync(rt["state"], meta["resourceVersion"], now):
                nxt = rt["state"].get("next")
                quiet[key] = nxt
                if nxt is not None:
                    heapq.heappush(timers, (nxt, key))
            else:
                self.unquiet[key] = matches
        dirty.clear()
        keys = self.order.sorted(self.unquiet)
        out = [(store.get("Pod", *key), self.unquiet[key]) for key in keys]
        return out, len(quiet) + sum(1 for _, m in out if m)


def _key(pod: dict) -> Key:
    meta = pod["metadata"]
    return (meta.get("namespace", ""), meta["name"])
