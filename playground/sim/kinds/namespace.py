"""Namespace (core/v1): DNS-1123 label names, Active/Terminating phase, the kubernetes finalizer.

Models pkg/registry/core/namespace/strategy.go (PrepareForCreate adds the `kubernetes`
finalizer and phase Active; updates keep spec.finalizers and status; the `finalize`
subresource changes spec.finalizers only), SetDefaults_Namespace (the
`kubernetes.io/metadata.name` label) and storage.go (ShouldDeleteDuringUpdate waits for
spec.finalizers too). The first DELETE is handled in deletion.py.
"""

from __future__ import annotations

from ..errors import invalid
from ..objects import clone
from ..resources import ResourceType, Strategy, register
from ..validation import is_dns1123_label, is_qualified_name

FINALIZER = "kubernetes"
NAME_LABEL = "kubernetes.io/metadata.name"


class NamespaceStrategy(Strategy):
    status_subresource = True

    def validate_name(self, name: str) -> list[str]:
        return is_dns1123_label(name)

    def prepare_for_create(self, obj, cluster):
        spec = obj.get("spec") if isinstance(obj.get("spec"), dict) else {}
        finalizers = list(spec.get("finalizers") or [])
        if FINALIZER not in finalizers:
            finalizers.append(FINALIZER)
        obj["spec"] = {**spec, "finalizers": finalizers}
        obj["status"] = {"phase": "Active"}

    def prepare_for_update(self, obj, old, cluster):
        obj["spec"] = clone(old.get("spec") or {})
        obj["status"] = clone(old.get("status") or {})

    def prepare_for_subresource_update(self, subresource, obj, old, cluster):
        if subresource != "finalize":
            super().prepare_for_subresource_update(subresource, obj, old, cluster)
        finalizers = list((obj.get("spec") or {}).get("finalizers") or [])
        for key in [k for k in obj if k != "metadata"]:
            obj.pop(key)
        obj.update({k: clone(v) for k, v in old.items() if k != "metadata"})
        obj["spec"] = {**(old.get("spec") or {}), "finalizers": finalizers}
        if not finalizers:
            obj["spec"].pop("finalizers")

    def default(self, obj, cluster):
        meta = obj["metadata"]
        if meta.get("name"):
            labels = meta.get("labels") or {}
            meta["labels"] = {**labels, NAME_LABEL: meta["name"]}

    def validate(self, obj, cluster):
        errs = []
        for f in (obj.get("spec") or {}).get("finalizers") or ():
            if "/" not in f and f != FINALIZER:
                errs.append(invalid("spec.finalizers", f, "name is neither a standard finalizer "
                                                         "name nor is it fully qualified"))
            errs += [invalid("spec.finalizers", f, m) for m in is_qualified_name(f)]
        return errs

    def validate_update(self, obj, old, cluster):
        return []

    def should_delete_during_update(self, obj, old):
        return not (obj.get("spec") or {}).get("finalizers") and super(
        ).should_delete_during_update(obj, old)


register(
    ResourceType("Namespace", "namespaces", "namespace", namespaced=False, short_names=("ns",),
                 subresources=("status", "finalize")),
    NamespaceStrategy(),
)
