"""LimitRange (core/v1, `limits`): per-container defaults and bounds in a namespace.

Models pkg/apis/core/v1/defaults.go SetDefaults_LimitRangeItem (a Container item's
`default` falls back to `max`, `defaultRequest` to `default`, then `min`) and
ValidateLimitRange (types, quantities, min <= defaultRequest <= default <= max). The
admission side (LimitRanger defaulting pods' containers and enforcing min/max) is in
admission_limitrange.py.
"""

from __future__ import annotations

from ..errors import BadRequest, FieldError, invalid, not_supported, required
from ..quota import parse
from ..resources import ResourceType, Strategy, register
from .resourcequota import decode_resource_list

TYPES = ["Container", "Pod", "PersistentVolumeClaim"]
FIELDS = ("max", "min", "default", "defaultRequest", "maxLimitRequestRatio")


def _items(obj: dict) -> list:
    spec = obj.get("spec")
    if spec is None:
        return []
    if not isinstance(spec, dict) or not isinstance(spec.get("limits", []), list):
        raise BadRequest('LimitRange in version "v1" cannot be handled as a LimitRange: json: '
                         "cannot unmarshal into Go struct field LimitRange.spec")
    return spec.get("limits") or []


def default_item(item: dict) -> None:
    if item.get("type") != "Container":
        return
    for name, value in (item.get("max") or {}).items():
        item.setdefault("default", {}).setdefault(name, value)
    for name, value in (item.get("default") or {}).items():
        item.setdefault("defaultRequest", {}).setdefault(name, value)
    for name, value in (item.get("min") or {}).items():
        item.setdefault("defaultRequest", {}).setdefault(name, value)


def _value(item: dict, field: str, name: str):
    q = parse((item.get(field) or {}).get(name))
    return q.value if q is not None else None


def validate_limit_range(obj: dict) -> list[FieldError]:
    errs: list[FieldError] = []
    limits = _items(obj)
    if not limits:
        errs.append(required("spec.limits"))
    for i, item in enumerate(limits):
        path = f"spec.limits[{i}]"
        if not isinstance(item, dict):
            raise BadRequest('LimitRange in version "v1" cannot be handled as a LimitRange: '
                             "json: cannot unmarshal into Go struct field LimitRangeSpec.limits")
        if item.get("type") not in TYPES:
            errs.append(not_supported(f"{path}.type", item.get("type"), TYPES))
        names = sorted({n for f in FIELDS for n in (item.get(f) or {})})
        for name in names:
            lo, hi = _value(item, "min", name), _value(item, "max", name)
            dflt, req = _value(item, "default", name), _value(item, "defaultRequest", name)
            if lo is not None and hi is not None and lo > hi:
                errs.append(invalid(f"{path}.min[{name}]", str(item["min"][name]),
                                    f"min value {item['min'][name]} is greater than max value "
                                    f"{item['max'][name]}"))
            if req is not None and hi is not None and req > hi:
                errs.append(invalid(f"{path}.defaultRequest[{name}]",
                                    str(item["defaultRequest"][name]),
                                    f"default request value {item['defaultRequest'][name]} is "
                                    f"greater than max value {item['max'][name]}"))
            if req is not None and dflt is not None and req > dflt:
                errs.append(invalid(f"{path}.defaultRequest[{name}]",
                                    str(item["defaultRequest"][name]),
                                    f"default request value {item['defaultRequest'][name]} is "
                                    f"greater than default limit value {item['default'][name]}"))
            if dflt is not None and hi is not None and dflt > hi:
                errs.append(invalid(f"{path}.default[{name}]", str(item["default"][name]),
                                    f"default value {item['default'][name]} is greater than "
                                    f"max value {item['max'][name]}"))
    return errs


class LimitRangeStrategy(Strategy):
    def default(self, obj, cluster):
        for item in _items(obj):
            if isinstance(item, dict):
                for field in FIELDS:
                    decode_resource_list("LimitRange", item.get(field))
                default_item(item)

    def validate(self, obj, cluster):
        return validate_limit_range(obj)


register(
    ResourceType("LimitRange", "limitranges", "limitrange", namespaced=True,
                 short_names=("limits",)),
    LimitRangeStrategy(),
)
