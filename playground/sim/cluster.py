"""One simulated cluster: its store, clock, randomness, API server and control loops.

`reconcile()` runs every controller, pass after pass, until a pass writes
nothing (a fixpoint) at the current simulated time. `advance(seconds)` moves the
clock timer by timer (`next_wakeup()`), reconciling at each. The cluster holds
no state of its own outside the store: a Cluster built over a saved store
continues exactly where the saved one stopped.
"""

from __future__ import annotations

from typing import Any

from . import kinds as _kinds  # noqa: F401  (registers every kind)
from .apiserver import ApiServer
from .clock import DEFAULT_START, Clock
from .controllers import Controller, default_controllers
from .events import record_event
from .rand import SimRandom
from .store import MemoryStore, Store

MAX_PASSES = 200
SETTLE_LIMIT = 3600.0
BOOTSTRAP_LEAD = 60.0


class ReconcileLimitExceeded(RuntimeError):
    """Controllers kept writing: a bug (two controllers fighting), never a learner's fault."""


class Cluster:
    def __init__(self, store: Store | None = None, *, seed: int = 0, start: float = DEFAULT_START):
        self.store: Store = store if store is not None else MemoryStore()
        self.store.meta.setdefault("seed", seed)
        self.clock = Clock(self.store.meta, start)
        self.rand = SimRandom(self.store.meta)
        self.api = ApiServer(self)
        self.controllers: list[Controller] = default_controllers()
        # per-instance derived indexes (never the truth; rebuilt from the store when lost)
        self.cache: dict[str, Any] = {}

    @classmethod
    def new(cls, *, seed: int = 0, start: float = DEFAULT_START, workers: int = 2,
            limits: dict | None = None) -> Cluster:
        """A fresh default cluster: cp-1 plus `workers` worker nodes, system namespaces.
        `limits` (limits.py) are in place before bootstrap, so its quotas follow them."""
        from .bootstrap import bootstrap

        # kubeadm ran a little before `start`: the learner arrives to a settled cluster at
        # exactly `start`, with system objects a minute old
        cluster = cls(seed=seed, start=start - BOOTSTRAP_LEAD)
        if limits:
            cluster.store.meta["limits"] = dict(limits)
        bootstrap(cluster, workers=workers)
        if cluster.clock.now < start:
            cluster.run_until(start)
        cluster.store.meta["start"] = cluster.clock.now
        return cluster

    # ---- the timeline and events ----------------------------------------------------------

    def record(self, actor: str, obj: dict, message: str, **extra: Any) -> None:
        """One plain sentence on the teaching timeline: who acted, on what, and why."""
        meta = obj["metadata"]
        entry = {
            "time": self.clock.now,
            "actor": actor,
            "kind": obj["kind"],
            "namespace": meta.get("namespace", ""),
            "name": meta["name"],
            "uid": meta.get("uid", ""),
            "message": message,
        }
        entry.update(extra)
        self.store.timeline.append(entry)

    def event(self, obj: dict, type_: str, reason: str, message: str, *, component: str,
              host: str | None = None, field_path: str | None = None) -> dict | None:
        return record_event(self, obj, type_, reason, message, component=component, host=host,
                            field_path=field_path)

    # ---- running ---------------------------------------------------------------------------

    def reconcile(self) -> int:
        """Run controllers to a fixpoint at the current time; returns the number of passes
        that wrote something."""
        for busy in range(MAX_PASSES):  # each pass before a quiet one wrote something
            before = self.store.meta["resourceVersion"]
            for controller in self.controllers:
                controller.reconcile(self)
            if self.store.meta["resourceVersion"] == before:
                return busy
        raise ReconcileLimitExceeded(f"no fixpoint after {MAX_PASSES} passes")

    def next_wakeup(self) -> float | None:
        times = [t for c in self.controllers if (t := c.next_wakeup(self)) is not None]
        return min(times) if times else None

    def advance(self, seconds: float) -> None:
        """Move the clock forward by `seconds`, firing every timer due on the way."""
        self.run_until(self.clock.now + seconds)

    def run_until(self, target: float) -> None:
        self.reconcile()
        while True:
            wake = self.next_wakeup()
            if wake is None or wake > target:
                break
            self.clock.set(max(wake, self.clock.now))
            self.reconcile()
        self.clock.set(max(target, self.clock.now))
        self.reconcile()

    def step(self) -> float | None:
        """Jump to the next timer and reconcile; returns the new time (None: nothing pending)."""
        self.reconcile()
        wake = self.next_wakeup()
        if wake is None:
            return None
        self.clock.set(max(wake, self.clock.now))
        self.reconcile()
        return self.clock.now

    def settle(self, limit: float = SETTLE_LIMIT) -> tuple[float, bool]:
        """Advance until nothing is pending, at most `limit` simulated seconds.
        Returns (seconds advanced, settled?)."""
        start = self.clock.now
        self.reconcile()
        while True:
            wake = self.next_wakeup()
            if wake is None:
                return self.clock.now - start, True
            if wake > start + limit:
                self.clock.set(start + limit)
                self.reconcile()
                return limit, False
            self.clock.set(max(wake, self.clock.now))
            self.reconcile()
