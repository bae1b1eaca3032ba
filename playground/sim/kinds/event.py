"""Event (core/v1)."""

from __future__ import annotations

from ..resources import ResourceType, Strategy, register

register(
    ResourceType("Event", "events", "event", namespaced=True, short_names=("ev",)),
    Strategy(),
)
