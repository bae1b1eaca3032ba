"""The simulated clock of one cluster. Nothing in the simulation reads the wall clock.

The time lives in the store's meta (`meta["now"]`, float seconds since the Unix
epoch) so it is saved and restored with the cluster.
"""

from __future__ import annotations

import re
from typing import Any

# 2026-01-01T00:00:00Z: the default start of a scripted cluster
DEFAULT_START = 1767225600.0


class Clock:
    def __init__(self, meta: dict[str, Any], start: float = DEFAULT_START):
        self.meta = meta
        meta.setdefault("now", start)
        meta.setdefault("start", meta["now"])

    @property
    def now(self) -> float:
        return float(self.meta["now"])

    def set(self, t: float) -> None:
        if t < self.now:
            raise ValueError("the simulated clock never goes back")
        self.meta["now"] = t

    @property
    def elapsed(self) -> float:
        return self.now - float(self.meta["start"])


_DURATION_RE = re.compile(r"(\d+(?:\.\d+)?)(ms|h|m|s)")


def parse_duration(text: str) -> float:
    """Go-style durations: `30s`, `5m`, `1h30m`, `1.5s`, `250ms`; a bare number is seconds."""
    text = text.strip()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    pos, total = 0, 0.0
    for m in _DURATION_RE.finditer(text):
        if m.start() != pos:
            raise ValueError(f'time: invalid duration "{text}"')
        value, unit = float(m.group(1)), m.group(2)
        total += value * {"ms": 0.001, "s": 1, "m": 60, "h": 3600}[unit]
        pos = m.end()
    if pos != len(text) or not text:
        raise ValueError(f'time: invalid duration "{text}"')
    return total


def human_duration(seconds: float) -> str:
    """k8s.io/apimachinery/pkg/util/duration.HumanDuration (kubectl's AGE column)."""
    seconds = int(seconds)
    if seconds < 0:
        seconds = 0
    if seconds < 60 * 2:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 10:
        s = seconds % 60
        return f"{minutes}m{s}s" if s else f"{minutes}m"
    if minutes < 60 * 3:
        return f"{minutes}m"
    hours = seconds // 3600
    if hours < 8:
        m = minutes % 60
        return f"{hours}h{m}m" if m else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        h = hours % 24
        return f"{hours // 24}d{h}h" if h else f"{hours // 24}d"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        dy = (hours // 24) % 365
        return f"{hours // 24 // 365}y{dy}d" if dy else f"{hours // 24 // 365}y"
    return f"{hours // 24 // 365}y"
