"""ConfigMap (core/v1)."""

from __future__ import annotations

from ..resources import ResourceType, Strategy, register

register(
    ResourceType("ConfigMap", "configmaps", "configmap", namespaced=True, short_names=("cm",)),
    Strategy(),
)
