"""ControllerRevision (apps/v1): an immutable snapshot of a StatefulSet's (or DaemonSet's) template.

Models pkg/registry/apps/controllerrevision/strategy.go and ValidateControllerRevision{,Update}
(pkg/apis/apps/validation/validation.go): `data` is required and immutable, `revision` >= 0 and the
only field that changes (the StatefulSet controller bumps it when an old template comes back).
"""

from __future__ import annotations

from ..errors import FieldError, GoValue, invalid, required
from ..resources import ResourceType, Strategy, register


class ControllerRevisionStrategy(Strategy):
    def validate(self, obj, cluster):
        errs: list[FieldError] = []
        if obj.get("data") is None:
            errs.append(required("data", "data is mandatory"))
        revision = obj.get("revision", 0)
        if not isinstance(revision, int) or revision < 0:
            errs.append(invalid("revision", revision, "must be greater than or equal to 0"))
        return errs

    def validate_update(self, obj, old, cluster):
        errs = self.validate(obj, cluster)
        if obj.get("data") != old.get("data"):
            errs.append(invalid("data", GoValue("runtime.RawExtension{...}"), "field is immutable"))
        return errs


register(
    ResourceType("ControllerRevision", "controllerrevisions", "controllerrevision",
                 namespaced=True, group="apps"),
    ControllerRevisionStrategy(),
)
