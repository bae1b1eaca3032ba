"""ResourceQuota (core/v1, `quota`): hard limits per namespace; status.used by the controller.

Models pkg/apis/core/validation/validation.go ValidateResourceQuota (resource names, the
standard quota resources, non-negative and integer quantities, scopes) and
pkg/registry/core/resourcequota/strategy.go (status is a subresource; a create drops the
status a client sent). Bad quantities fail decoding with the API server's BadRequest.
"""

from __future__ import annotations

from ..errors import BadRequest, FieldError, invalid, not_supported
from ..quota import REGEX_MESSAGE, parse
from ..resources import ResourceType, Strategy, register
from ..validation import is_qualified_name

STANDARD_RESOURCES = {
    "cpu", "memory", "ephemeral-storage", "storage", "requests.cpu", "requests.memory",
    "requests.storage", "requests.ephemeral-storage", "limits.cpu", "limits.memory",
    "limits.ephemeral-storage", "pods", "services", "replicationcontrollers",
    "resourcequotas", "secrets", "configmaps", "persistentvolumeclaims",
    "services.nodeports", "services.loadbalancers",
}
STANDARD_QUOTA_RESOURCES = STANDARD_RESOURCES - {"storage"}
INTEGER_RESOURCES = {
    "pods", "services", "replicationcontrollers", "resourcequotas", "secrets", "configmaps",
    "persistentvolumeclaims", "services.nodeports", "services.loadbalancers",
}
SCOPES = ["Terminating", "NotTerminating", "BestEffort", "NotBestEffort", "PriorityClass",
          "CrossNamespacePodAffinity"]


def decode_resource_list(kind: str, raw) -> None:
    """What json decoding into a ResourceList refuses (400 before any validation)."""
    if raw is None:
        return
    if not isinstance(raw, dict):
        raise BadRequest(f'{kind} in version "v1" cannot be handled as a {kind}: json: cannot '
                         "unmarshal into Go struct field of type v1.ResourceList")
    for value in raw.values():
        if parse(value) is None:
            raise BadRequest(f'{kind} in version "v1" cannot be handled as a {kind}: '
                             f"{REGEX_MESSAGE}")


def _is_integer(name: str) -> bool:
    return name in INTEGER_RESOURCES or name.startswith("count/")


def validate_quota_resource_list(raw: dict | None, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    for name in sorted(raw or {}):
        at = f"{path}[{name}]"
        name_errs = [invalid(at, name, m) for m in is_qualified_name(name)]
        if not name_errs and "/" not in name:
            if name not in STANDARD_RESOURCES:
                name_errs.append(invalid(at, name,
                                         "must be a standard resource type or fully qualified"))
            if name not in STANDARD_QUOTA_RESOURCES:
                name_errs.append(invalid(at, name, "must be a standard resource for quota"))
        errs += name_errs
        value = raw[name]
        q = parse(value)
        if q is None:
            continue
        if q.value < 0:
            errs.append(invalid(at, str(value), "must be greater than or equal to 0"))
        if _is_integer(name) and q.value != q.value.to_integral_value():
            errs.append(invalid(at, str(value), "must be an integer"))
    return errs


def validate_resource_quota(obj: dict) -> list[FieldError]:
    spec = obj.get("spec") or {}
    if not isinstance(spec, dict):
        raise BadRequest('ResourceQuota in version "v1" cannot be handled as a ResourceQuota: '
                         "json: cannot unmarshal into Go struct field ResourceQuota.spec")
    errs = validate_quota_resource_list(spec.get("hard"), "spec.hard")
    status = obj.get("status") or {}
    if isinstance(status, dict):
        errs += validate_quota_resource_list(status.get("hard"), "status.hard")
        errs += validate_quota_resource_list(status.get("used"), "status.used")
    scopes = spec.get("scopes") or []
    if not isinstance(scopes, list):
        scopes = [scopes]
    seen: set[str] = set()
    for scope in scopes:
        if scope not in SCOPES:
            errs.append(not_supported("spec.scopes", scope, SCOPES))
        elif scope in seen:
            errs.append(invalid("spec.scopes", scope, "duplicate scope"))
        seen.add(str(scope))
    if {"Terminating", "NotTerminating"} <= seen or {"BestEffort", "NotBestEffort"} <= seen:
        errs.append(invalid("spec.scopes", scopes, "conflicting scopes"))
    return errs


def _decode(obj: dict) -> None:
    spec = obj.get("spec")
    if isinstance(spec, dict):
        decode_resource_list("ResourceQuota", spec.get("hard"))
    status = obj.get("status")
    if isinstance(status, dict):
        decode_resource_list("ResourceQuota", status.get("hard"))
        decode_resource_list("ResourceQuota", status.get("used"))


class ResourceQuotaStrategy(Strategy):
    status_subresource = True

    def default(self, obj, cluster):
        _decode(obj)

    def validate(self, obj, cluster):
        return validate_resource_quota(obj)

    def validate_status_update(self, obj, old, cluster):
        return validate_resource_quota(obj)


register(
    ResourceType("ResourceQuota", "resourcequotas", "resourcequota", namespaced=True,
                 short_names=("quota",), subresources=("status",)),
    ResourceQuotaStrategy(),
)
