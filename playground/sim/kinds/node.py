"""Node (core/v1). Nodes may carry status on create (pkg/registry/core/node/strategy.go)."""

from __future__ import annotations

from ..resources import ResourceType, Strategy, register


class NodeStrategy(Strategy):
    pass


register(
    ResourceType("Node", "nodes", "node", namespaced=False, short_names=("no",),
                 subresources=("status",)),
    NodeStrategy(),
)
