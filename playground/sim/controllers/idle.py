"""Skip a whole reconcile pass when nothing in the cluster changed since one that wrote nothing.

An optimisation only, never the truth: the marker lives in `cluster.cache` (lost on reload,
then the pass simply runs), and is keyed by the store's global resourceVersion plus, for
controllers with timers, the clock. A settled cluster therefore costs such a controller one
dictionary lookup per pass. It relies on the contract that every change goes through the
ApiServer (which bumps the resourceVersion); a store refilled behind its back needs a fresh
Cluster (empty cache), as the Django store does when it loads a snapshot.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..cluster import Cluster


class IdleMarker:
    def __init__(self, cluster: Cluster, name: str, *, timed: bool):
        self.cluster = cluster
        self.name = f"idle:{name}"
        self.key: tuple[Any, ...] = (cluster.store.meta["resourceVersion"],
                                     cluster.clock.now if timed else None)

    def unchanged(self) -> bool:
        """True when the previous pass at this key wrote nothing: this one would not either."""
        return self.cluster.cache.get(self.name) == self.key

    def done(self) -> None:
        """Call after the pass: remembers the key if the pass wrote nothing."""
        if self.cluster.store.meta["resourceVersion"] == self.key[0]:
            self.cluster.cache[self.name] = self.key
        else:
            self.cluster.cache.pop(self.name, None)
