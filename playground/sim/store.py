"""Where a cluster's objects live: the Store protocol and the in-memory store.

Like etcd behind the real API server, the store knows nothing of kinds' rules:
it keeps objects by (kind, namespace, name), hands out a single increasing
resourceVersion counter, and records every write as a watch event
(ADDED / MODIFIED / DELETED) so callers can push exactly what changed.

Objects returned by `get`/`list` are the stored dicts themselves, for speed:
callers treat them as read-only (clone before changing). Only the ApiServer
writes.

The Django-backed store (playground/store.py) loads a sandbox into a
MemoryStore, lets the simulation run, then persists `changes`, `timeline` and
`meta`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

Key = tuple[str, str]  # (namespace or "", name)


@dataclass(frozen=True)
class Change:
    """A watch event: `type` is ADDED, MODIFIED or DELETED; `object` is the stored dict
    (for DELETED, the last state with the deletion's resourceVersion)."""

    type: str
    kind: str
    namespace: str
    name: str
    object: dict
    resource_version: int


class Store(Protocol):
    meta: dict[str, Any]
    changes: list[Change]
    timeline: list[dict]

    def get(self, kind: str, namespace: str, name: str) -> dict | None: ...
    def list(self, kind: str, namespace: str | None = None) -> list[dict]: ...
    def put(self, obj: dict) -> None: ...
    def remove(self, kind: str, namespace: str, name: str) -> dict | None: ...
    def next_resource_version(self) -> int: ...


@dataclass
class MemoryStore:
    """All objects of one cluster in dicts; `meta` holds the cluster's own counters."""

    objects: dict[str, dict[Key, dict]] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=lambda: {"resourceVersion": 0})
    changes: list[Change] = field(default_factory=list)
    timeline: list[dict] = field(default_factory=list)
    # kind -> namespace -> objects, in the same relative order as `objects` (a derived index,
    # built on the first namespaced list of a kind): a namespaced list is then O(its result),
    # not O(every object of the kind), and controllers list pods of one namespace every pass
    _by_namespace: dict[str, dict[str, dict[Key, dict]]] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    @property
    def resource_version(self) -> int:
        return int(self.meta["resourceVersion"])

    def next_resource_version(self) -> int:
        self.meta["resourceVersion"] = self.resource_version + 1
        return self.resource_version

    def get(self, kind: str, namespace: str, name: str) -> dict | None:
        return self.objects.get(kind, {}).get((namespace or "", name))

    def list(self, kind: str, namespace: str | None = None) -> list[dict]:
        bucket = self.objects.get(kind, {})
        if namespace is None:
            return list(bucket.values())
        by_ns = self._by_namespace.get(kind)
        if by_ns is None:
            by_ns = self._by_namespace[kind] = {}
            for key, obj in bucket.items():
                by_ns.setdefault(key[0], {})[key] = obj
        members = by_ns.get(namespace)
        return list(members.values()) if members else []

    def kinds(self) -> Iterable[str]:
        return list(self.objects)

    def all(self) -> Iterator[dict]:
        for bucket in self.objects.values():
            yield from bucket.values()

    def put(self, obj: dict) -> None:
        """Store `obj` (already carrying its new resourceVersion) and log the change."""
        meta = obj["metadata"]
        key = (meta.get("namespace", ""), meta["name"])
        bucket = self.objects.setdefault(obj["kind"], {})
        change_type = "MODIFIED" if key in bucket else "ADDED"
        bucket[key] = obj
        by_ns = self._by_namespace.get(obj["kind"])
        if by_ns is not None:  # a new key goes last in both, a rewrite keeps its place in both
            by_ns.setdefault(key[0], {})[key] = obj
        self.changes.append(
            Change(change_type, obj["kind"], key[0], key[1], obj, int(meta["resourceVersion"]))
        )

    def remove(self, kind: str, namespace: str, name: str) -> dict | None:
        """Remove an object; the DELETED event carries a fresh resourceVersion, like etcd."""
        old = self.objects.get(kind, {}).pop((namespace or "", name), None)
        if old is not None:
            members = self._by_namespace.get(kind, {}).get(namespace or "")
            if members is not None:
                members.pop((namespace or "", name), None)
            rv = self.next_resource_version()
            last = {**old, "metadata": {**old["metadata"], "resourceVersion": str(rv)}}
            self.changes.append(Change("DELETED", kind, namespace or "", name, last, rv))
        return old

    def drain_changes(self) -> list[Change]:
        changes, self.changes = self.changes, []
        return changes

    def load(self, objects: Iterable[dict]) -> None:
        """Fill from a snapshot without recording changes (used by persistent stores)."""
        self._by_namespace.clear()
        for obj in objects:
            meta = obj["metadata"]
            key = (meta.get("namespace", ""), meta["name"])
            self.objects.setdefault(obj["kind"], {})[key] = obj
