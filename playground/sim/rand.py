"""Deterministic randomness for one cluster.

Every random choice (pod name suffixes, UIDs, IPs, allocation) draws from a
generator seeded by the cluster's seed and a counter kept in the store's meta,
so a cluster saved and reloaded continues the same sequence, and the same
seed with the same commands gives the same cluster.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any, TypeVar

T = TypeVar("T")

# k8s.io/apimachinery/pkg/util/rand: alphanums ("bcdfghjklmnpqrstvwxz2456789")
ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789"


class SimRandom:
    def __init__(self, meta: dict[str, Any]):
        self.meta = meta
        meta.setdefault("seed", 0)
        meta.setdefault("randCounter", 0)

    def _rng(self) -> random.Random:
        self.meta["randCounter"] += 1
        # seeded on purpose: the same seed and commands give the same cluster (not crypto)
        return random.Random(f"{self.meta['seed']}:{self.meta['randCounter']}")  # noqa: S311

    def string(self, n: int, alphabet: str = ALPHANUMS) -> str:
        """utilrand.String(n): the generateName suffix alphabet by default."""
        rng = self._rng()
        return "".join(rng.choice(alphabet) for _ in range(n))

    def randint(self, a: int, b: int) -> int:
        return self._rng().randint(a, b)

    def random(self) -> float:
        return self._rng().random()

    def choice(self, seq: Sequence[T]) -> T:
        return self._rng().choice(seq)

    def shuffled(self, seq: Sequence[T]) -> list[T]:
        items = list(seq)
        self._rng().shuffle(items)
        return items

    def uuid(self) -> str:
        """A version-4 UUID string, drawn from the cluster's sequence."""
        rng = self._rng()
        value = rng.getrandbits(128)
        value &= ~(0xF000 << 64)
        value |= 0x4000 << 64
        value &= ~(0xC000 << 48)
        value |= 0x8000 << 48
        h = f"{value:032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
