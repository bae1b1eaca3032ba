"""ReplicaSet (apps/v1)."""

from __future__ import annotations

from ..resources import ResourceType, Strategy, register


class ReplicaSetStrategy(Strategy):
    uses_generation = True
    status_subresource = True


register(
    ResourceType("ReplicaSet", "replicasets", "replicaset", namespaced=True, group="apps",
                 short_names=("rs",), categories=("all",), subresources=("status", "scale")),
    ReplicaSetStrategy(),
)
