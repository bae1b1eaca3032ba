"""What every controller looks like.

A controller is level-triggered: `reconcile` reads the whole cluster from the
store (read-only dicts), compares with spec, and writes differences through
`cluster.api` with `actor=self.name`. Running it twice in a row writes nothing.
`next_wakeup` returns the earliest simulated time at which this controller has
timed work (an image pull finishing, a grace period expiring), or None; it is
computed from state so nothing needs to be remembered between runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..cluster import Cluster


class Controller:
    #: the component name Kubernetes uses (events' source, the timeline's actor)
    name: str = "controller"

    def reconcile(self, cluster: Cluster) -> None:
        raise NotImplementedError

    def next_wakeup(self, cluster: Cluster) -> float | None:
        return None
