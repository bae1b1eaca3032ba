"""Cell helpers shared by the kubectl table printers (printers.py, printers_cluster.py)."""

from __future__ import annotations

from .clock import human_duration
from .objects import parse_time


def age(timestamp: str | None, now: float) -> str:
    """translateTimestampSince: `<unknown>` for a zero time."""
    if not timestamp:
        return "<unknown>"
    return human_duration(now - parse_time(timestamp))


def created(obj: dict, now: float) -> str:
    return age(obj["metadata"].get("creationTimestamp"), now)


def format_labels(labels: dict | None) -> str:
    """labels.FormatLabels: sorted `k=v` pairs joined by commas, `<none>` when empty."""
    if not labels:
        return "<none>"
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items()))


def containers(template_spec: dict | None) -> tuple[str, str]:
    """layoutContainerCells: names and images joined by commas."""
    items = (template_spec or {}).get("containers") or []
    return (",".join(c.get("name", "") for c in items),
            ",".join(c.get("image", "") for c in items))
