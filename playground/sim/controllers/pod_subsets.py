"""Pods (or another kind) sorted into subsets (tags), kept up to date from the change log.

Several controllers start their pass with "every pod such that ..." (the scheduler: pods
waiting for a node; the pod garbage collector: pods being deleted, pods by node). Visiting
every pod on every pass is O(pods) each time, thousands of passes in a large rollout; an
informer-like index answers from the change log instead: each written Pod is re-classified,
the others keep their tags. Members come back in the store's own order (insertion order: a
rewrite keeps a pod's place, a re-creation moves it to the end), the order a full scan sees.

A derived index, never the truth: it lives in cluster.cache and is rebuilt from the store when
the change log was replaced, cleared in place (the Django store after a save) or rewritten,
or when pods appeared without a change record.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import TYPE_CHECKING

from .change_cursor import ChangeCursor, StoreOrder, count

if TYPE_CHECKING:
    from ..cluster import Cluster

Key = tuple[str, str]
Classify = Callable[[dict], Iterable[Hashable]]


class PodSubsets:
    def __init__(self, cluster: Cluster, classify: Classify, kind: str = "Pod") -> None:
        store = cluster.store
        self.store = store
        self.classify = classify
        self.kind = kind
        self.cursor = ChangeCursor(store)
        self.order = StoreOrder()
        self.tags: dict[Key, tuple[Hashable, ...]] = {}
        self.subsets: dict[Hashable, dict[Key, dict]] = {}
        self.versions: dict[Hashable, int] = {}  # bumped whenever a subset changes
        self.serial = 0
        # the bulk build skips _add's version bookkeeping: a new index is a new identity, which
        # is what the users of `versions` compare first
        place, tags_of, subsets = self.order.place, self.tags, self.subsets
        for pod in store.list(kind):
            meta = pod["metadata"]
            key = (meta.get("namespace", ""), meta["name"])
            place[key] = len(place)
            tags = tuple(classify(pod))
            if tags:
                tags_of[key] = tags
                for tag in tags:
                    members = subsets.get(tag)
                    if members is None:
                        members = subsets[tag] = {}
                    members[key] = pod
        self.order.next = len(place)

    @classmethod
    def of(cls, cluster: Cluster, name: str, classify: Classify,
           kind: str = "Pod") -> PodSubsets:
        cache_key = f"pod-subsets:{name}"
        index = cluster.cache.get(cache_key)
        if index is None or not index._catch_up(cluster):
            index = cls(cluster, classify, kind)
            cluster.cache[cache_key] = index
        return index

    def _catch_up(self, cluster: Cluster) -> bool:
        store = cluster.store
        fresh = self.cursor.read(store)
        if fresh is None:
            return False
        for change in fresh:
            if change.kind != self.kind:
                continue
            key = (change.namespace, change.name)
            self._remove(key)
            self.order.follow(change.type, key)
            if change.type != "DELETED":
                self._add(key, change.object)
        return len(self.order) == count(store, self.kind)  # else: loaded without a record

    def _add(self, key: Key, pod: dict) -> None:
        tags = tuple(self.classify(pod))
        if tags:
            self.tags[key] = tags
            self.serial += 1
            for tag in tags:
                self.subsets.setdefault(tag, {})[key] = pod
                self.versions[tag] = self.serial

    def _remove(self, key: Key) -> None:
        self.serial += 1
        for tag in self.tags.pop(key, ()):
            self.versions[tag] = self.serial
            members = self.subsets.get(tag)
            if members is not None:
                members.pop(key, None)
                if not members:
                    del self.subsets[tag]

    def members(self, tag: Hashable) -> list[dict]:
        """The pods tagged `tag`, in the store's order."""
        members = self.subsets.get(tag)
        if not members:
            return []
        return [members[k] for k in self.order.sorted(members)]

    def present_tags(self) -> list[Hashable]:
        return list(self.subsets)

    def in_store_order(self, pods: dict[Key, dict]) -> list[dict]:
        return [pods[k] for k in self.order.sorted(pods)]


def node_tag(pod: dict) -> tuple[str, ...]:
    node_name = (pod.get("spec") or {}).get("nodeName")
    return (node_name,) if node_name else ()


def runtime_node_tag(rt: dict) -> tuple[str, ...]:
    node_name = rt["state"].get("node")
    return (node_name,) if node_name else ()


def pods_on_node(cluster: Cluster, node_name: str) -> list[dict]:
    """Pods bound to `node_name` (spec.nodeName), in the store's order."""
    return PodSubsets.of(cluster, "by-node", node_tag).members(node_name)


def runtimes_on_node(cluster: Cluster, node_name: str) -> list[dict]:
    """The kubelet's PodRuntime records whose state names `node_name`, in the store's order."""
    return PodSubsets.of(cluster, "runtimes-by-node", runtime_node_tag,
                         "PodRuntime").members(node_name)
