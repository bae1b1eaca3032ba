"""Deployment (apps/v1)."""

from __future__ import annotations

from ..resources import ResourceType, Strategy, register


class DeploymentStrategy(Strategy):
    uses_generation = True
    status_subresource = True

    def generation_changed(self, obj, old):
        # pkg/registry/apps/deployment/strategy.go: spec or annotations (copied to RSes)
        return obj.get("spec") != old.get("spec") or (
            obj["metadata"].get("annotations") != old["metadata"].get("annotations")
        )


register(
    ResourceType("Deployment", "deployments", "deployment", namespaced=True, group="apps",
                 short_names=("deploy",), categories=("all",), subresources=("status", "scale")),
    DeploymentStrategy(),
)
