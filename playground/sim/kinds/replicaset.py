"""ReplicaSet (apps/v1): defaults, validation, selector immutability, generation.

Models SetDefaults_ReplicaSet, ValidateReplicaSetSpec (which, upstream, also says
"empty selector is invalid for deployment") and pkg/registry/apps/replicaset/strategy.go
(status subresource, generation bumps on spec changes, immutable selector in apps/v1).
"""

from __future__ import annotations

from ..defaults import default_replicaset
from ..errors import BadRequest
from ..podvalidation import check_int_fields, json_type
from ..resources import ResourceType, Strategy, register
from ..validation import validate_nonnegative
from .deployment import (
    keep_stored_labels,
    validate_selector_and_template,
    validate_selector_immutable,
)


def validate_replicaset_spec(spec) -> list:
    if not isinstance(spec, dict):
        raise BadRequest(f"json: cannot unmarshal {json_type(spec)} into Go struct field "
                         "ReplicaSet.spec of type v1.ReplicaSetSpec")
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
        if obj.get("spec") is None:
            obj["spec"] = {}
        if isinstance(obj["spec"], dict):
            check_int_fields(obj["spec"], ("replicas", "minReadySeconds"), "ReplicaSetSpec.spec",
                             "int32")
            default_replicaset(obj)

    def validate(self, obj, cluster):
        return validate_replicaset_spec(obj.get("spec"))

    def validate_update(self, obj, old, cluster):
        return self.validate(obj, cluster) + validate_selector_immutable(obj, old)

    def prepare_for_status_update(self, obj, old, cluster):
        """The apps status strategies keep spec and labels; annotations may change."""
        super().prepare_for_status_update(obj, old, cluster)
        keep_stored_labels(obj, old)


register(
    ResourceType("ReplicaSet", "replicasets", "replicaset", namespaced=True, group="apps",
                 short_names=("rs",), categories=("all",), subresources=("status", "scale")),
    ReplicaSetStrategy(),
)
