"""Node (core/v1): DNS-1123 subdomain names; status may be set on create.

Models pkg/registry/core/node/strategy.go: unlike most kinds, PrepareForCreate keeps the
status a kubelet registers with; main-resource updates keep the stored status (the
kubelet and node lifecycle controller write it through the status subresource).
Simplified: ValidateNode's podCIDR/taint checks are limited to taint effects and keys.
"""

from __future__ import annotations

from ..errors import forbidden, not_supported, required
from ..resources import ResourceType, Strategy, register
from ..validation import validate_label_name

TAINT_EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"]


class NodeStrategy(Strategy):
    status_subresource = True

    def prepare_for_create(self, obj, cluster):
        """Nodes register with their status (nodeStrategy keeps it)."""

    def validate(self, obj, cluster):
        errs = []
        for i, taint in enumerate((obj.get("spec") or {}).get("taints") or ()):
            path = f"spec.taints[{i}]"
            if not taint.get("key"):
                errs.append(required(f"{path}.key"))
            else:
                errs += validate_label_name(taint["key"], f"{path}.key")
            effect = taint.get("effect")
            if not effect:
                errs.append(required(f"{path}.effect"))
            elif effect not in TAINT_EFFECTS:
                errs.append(not_supported(f"{path}.effect", effect, TAINT_EFFECTS))
        return errs


    def validate_update(self, obj, old, cluster):
        """ValidateNodeUpdate: podCIDRs may only go from empty to set."""
        errs = self.validate(obj, cluster)
        new_spec, old_spec = obj.get("spec") or {}, old.get("spec") or {}
        old_cidrs = old_spec.get("podCIDRs") or ([old_spec["podCIDR"]]
                                                 if old_spec.get("podCIDR") else [])
        new_cidrs = new_spec.get("podCIDRs") or ([new_spec["podCIDR"]]
                                                 if new_spec.get("podCIDR") else [])
        if old_cidrs and new_cidrs != old_cidrs:
            errs.append(forbidden("spec.podCIDRs",
                                  'node updates may not change podCIDR except from "" to valid'))
        return errs


register(
    ResourceType("Node", "nodes", "node", namespaced=False, short_names=("no",),
                 subresources=("status",)),
    NodeStrategy(),
)
