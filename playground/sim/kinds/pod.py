"""Pod (core/v1)."""

from __future__ import annotations

from ..resources import ResourceType, Strategy, register


class PodStrategy(Strategy):
    status_subresource = True

    def prepare_for_create(self, obj, cluster):
        obj["status"] = {"phase": "Pending", "qosClass": "BestEffort"}

    def graceful_delete_seconds(self, obj, requested):
        if not obj.get("spec", {}).get("nodeName"):
            return 0
        if obj.get("status", {}).get("phase") in ("Succeeded", "Failed"):
            return 0
        if requested is not None:
            return requested
        return int(obj["spec"].get("terminationGracePeriodSeconds", 30))


register(
    ResourceType("Pod", "pods", "pod", namespaced=True, short_names=("po",), categories=("all",),
                 subresources=("status", "log", "exec", "binding", "eviction")),
    PodStrategy(),
)
