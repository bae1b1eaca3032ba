"""ConfigMap (core/v1): key rules, 1 MiB total, `immutable: true`.

Models pkg/apis/core/validation/validation.go ValidateConfigMap / ValidateConfigMapUpdate
and IsConfigMapKey (apimachinery validation.go).
"""

from __future__ import annotations

import re

from ..errors import BadRequest, FieldError, duplicate, forbidden, invalid, too_long
from ..resources import ResourceType, Strategy, register

_KEY_FMT = "[-._a-zA-Z0-9]+"
_KEY_RE = re.compile(f"^{_KEY_FMT}$")
_KEY_MSG = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'"
MAX_SIZE = 1024 * 1024


def is_config_map_key(key: str) -> list[str]:
    """IsConfigMapKey (also used for Secret keys)."""
    from ..validation import max_len_error, regex_error

    errs = []
    if len(key) > 253:
        errs.append(max_len_error(253))
    if not _KEY_RE.match(key):
        errs.append(regex_error(_KEY_MSG, _KEY_FMT, "key.name", "KEY_NAME", "key-name"))
    if key == ".":
        errs.append("must not be '.'")
    elif key == "..":
        errs.append("must not be '..'")
    elif key.startswith(".."):
        errs.append("must not start with '..'")
    return errs


def validate_config_map(obj: dict) -> list[FieldError]:
    errs: list[FieldError] = []
    data, binary = obj.get("data") or {}, obj.get("binaryData") or {}
    for value in data.values():
        if not isinstance(value, str):
            kind = "number" if isinstance(value, (int, float)) else type(value).__name__
            raise BadRequest(f"json: cannot unmarshal {kind} into Go struct field "
                             "ConfigMap.data of type string")
    total = 0
    for key in sorted(data):
        errs += [invalid("data", key, m) for m in is_config_map_key(key)]
        total += len(str(data[key]))
    for key in sorted(binary):
        errs += [invalid("binaryData", key, m) for m in is_config_map_key(key)]
        if key in data:
            errs.append(duplicate("data", key))
        total += len(str(binary[key])) * 3 // 4
    if total > MAX_SIZE:
        errs.append(too_long("", "", MAX_SIZE))
    return errs


class ConfigMapStrategy(Strategy):
    def validate(self, obj, cluster):
        return validate_config_map(obj)

    def validate_update(self, obj, old, cluster):
        errs = []
        if old.get("immutable") is True:
            if obj.get("immutable") is not True:
                errs.append(forbidden("immutable", "field is immutable when `immutable` is set"))
            if (obj.get("data") or {}) != (old.get("data") or {}):
                errs.append(forbidden("data", "field is immutable when `immutable` is set"))
            if (obj.get("binaryData") or {}) != (old.get("binaryData") or {}):
                errs.append(forbidden("binaryData", "field is immutable when `immutable` is set"))
        return errs + validate_config_map(obj)


register(
    ResourceType("ConfigMap", "configmaps", "configmap", namespaced=True, short_names=("cm",)),
    ConfigMapStrategy(),
)
