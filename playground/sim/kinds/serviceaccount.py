"""ServiceAccount (core/v1)."""

from __future__ import annotations

from ..resources import ResourceType, Strategy, register

register(
    ResourceType("ServiceAccount", "serviceaccounts", "serviceaccount", namespaced=True,
                 short_names=("sa",)),
    Strategy(),
)
