"""Namespace (core/v1): DNS-1123 label names, Active/Terminating phase, the kubernetes finalizer.

Models pkg/registry/core/namespace/strategy.go and SetDefaults_Namespace.
"""

from __future__ import annotations

from ..resources import ResourceType, Strategy, register
from ..validation import is_dns1123_label


class NamespaceStrategy(Strategy):
    def validate_name(self, name: str) -> list[str]:
        return is_dns1123_label(name)

    def prepare_for_create(self, obj, cluster):
        obj["spec"] = {"finalizers": ["kubernetes"]}
        obj["status"] = {"phase": "Active"}

    def default(self, obj, cluster):
        labels = obj["metadata"].setdefault("labels", {})
        labels["kubernetes.io/metadata.name"] = obj["metadata"]["name"]


register(
    ResourceType("Namespace", "namespaces", "namespace", namespaced=False, short_names=("ns",)),
    NamespaceStrategy(),
)
