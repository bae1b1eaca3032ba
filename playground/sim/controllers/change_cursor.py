"""A reader's position in the store's change log, for indexes kept up to date from it.

An index derived from the change log (an informer's indexer, in Kubernetes terms) must notice
when the log it read is no longer the one it continues: replaced by another list, cleared in
place (the Django store does so after each save, and may go on using the same cluster),
rewritten, or written behind the API server's back. `read()` then answers None and the index
rebuilds itself from the store, which stays the truth. Besides the log's identity and the last
entry read, the cursor checks that the log grew by exactly as many entries as the store's
resourceVersion moved (every write through the API server bumps it once and logs once): this
also catches a clear made while the reader sat at the very start of the log.
"""

from __future__ import annotations

from typing import Any


class ChangeCursor:
    def __init__(self, store: Any) -> None:
        self.store = store
        self.changes = store.changes
        self.position = len(self.changes)
        self.last = self.changes[-1] if self.changes else None
        self.rv = int(store.meta.get("resourceVersion", 0))

    def read(self, store: Any) -> list | None:
        """The changes since the previous read (advancing past them), or None when the log is
        not the continuation of what was read: the caller rebuilds from the store."""
        changes = store.changes
        position = self.position
        rv = int(store.meta.get("resourceVersion", 0))
        if (store is not self.store or changes is not self.changes or position > len(changes)
                or (position and changes[position - 1] is not self.last)
                or len(changes) - position != rv - self.rv):
            return None
        fresh = changes[position:]
        self.position = len(changes)
        self.last = changes[-1] if changes else None
        self.rv = rv
        return fresh


def count(store: Any, kind: str) -> int:
    """How many objects of `kind` the store holds, without listing them when it can tell
    (a MemoryStore's bucket): indexes compare it with what they hold on every read."""
    objects = getattr(store, "objects", None)
    if isinstance(objects, dict):
        return len(objects.get(kind) or ())
    return len(store.list(kind))


class StoreOrder:
    """Where each object of one kind stands in the store's listing order, followed from the
    change log: insertion order, where a rewrite keeps an object's place and a re-creation
    moves it to the end. Indexes hand objects back in this order, the order a full scan of
    the store would visit them in."""

    def __init__(self, keys: Any = ()) -> None:
        self.place: dict[Any, int] = {}
        for key in keys:
            self.place[key] = len(self.place)
        self.next = len(self.place)

    def follow(self, change_type: str, key: Any) -> None:
        if change_type == "ADDED":
            self.place[key] = self.next
            self.next += 1
        elif change_type == "DELETED":
            self.place.pop(key, None)

    def sorted(self, keys: Any) -> list:
        return sorted(keys, key=self.place.__getitem__)

    def __len__(self) -> int:
        return len(self.place)
