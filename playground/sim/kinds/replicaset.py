"""ReplicaSet (apps/v1): defaults, validation, selector immutability, generation.

Models SetDefaults_ReplicaSet, ValidateReplicaSetSpec (which, upstream, also says
"empty selector is invalid for deployment") and pkg/registry/apps/replicaset/strategy.go
(status subresource, generation bumps on spec changes, immutable selector in apps/v1).
"""

from __future__ import annotations

from ..defaults import default_replicaset
from ..errors import required
from ..resources import ResourceType, Strategy, register
from ..validation import validate_nonnegative
from .deployment import validate_selector_and_template, validate_selector_immutable


def validate_replicaset_spec(spec) -> list:
    if not isinstance(spec, dict):
        return [required("spec")]
    errs = validate_nonnegative(spec.get("replicas"), "spec.replicas")
    errs += validate_nonnegative(spec.get("minReadySeconds"), "spec.minReadySeconds")
    errs += validate_selector_and_template(spec, "deployment")
    return errs


class ReplicaSetStrategy(Strategy):
    uses_generation = True
    status_subresource = True

    def prepare_for_create(self, obj, cluster):
        obj["status"] = {"replicas": 0}

    def default(self, obj, cluster):
        if isinstance(obj.get("spec"), dict) or "spec" not in obj:
            default_replicaset(obj)

    def validate(self, obj, cluster):
        return validate_replicaset_spec(obj.get("spec"))

    def validate_update(self, obj, old, cluster):
        return self.validate(obj, cluster) + validate_selector_immutable(obj, old)


register(
    ResourceType("ReplicaSet", "replicasets", "replicaset", namespaced=True, group="apps",
                 short_names=("rs",), categories=("all",), subresources=("status", "scale")),
    ReplicaSetStrategy(),
)
