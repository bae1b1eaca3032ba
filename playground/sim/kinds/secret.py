"""Secret (core/v1): base64 `data`, `stringData` folded into `data`, type defaults to Opaque.

Models pkg/apis/core/validation/validation.go ValidateSecret / ValidateSecretUpdate (key
rules shared with ConfigMap, 1 MiB total, the keys each well-known type requires, type and
`immutable` data frozen), pkg/apis/core/v1/conversion.go (stringData overwrites data keys on
write, so the stored object never carries stringData) and SetDefaults_Secret (type Opaque).
Simplified: service-account-token and dockercfg secrets only get their required-key checks.
"""

from __future__ import annotations

import base64
import binascii
import json

from ..errors import BadRequest, FieldError, forbidden, invalid, required, too_long
from ..resources import ResourceType, Strategy, register
from .configmap import MAX_SIZE, is_config_map_key

#: type -> the data keys ValidateSecret requires for it
REQUIRED_KEYS = {
    "kubernetes.io/tls": ("tls.crt", "tls.key"),
    "kubernetes.io/dockerconfigjson": (".dockerconfigjson",),
    "kubernetes.io/dockercfg": (".dockercfg",),
    "kubernetes.io/ssh-auth": ("ssh-privatekey",),
    "kubernetes.io/service-account-token": (),
}


def encode(value: str) -> str:
    return base64.b64encode(value.encode()).decode()


_UNDECODABLE = 'Secret in version "v1" cannot be handled as a Secret: '


def decode(value: str) -> bytes:
    """A data value as the JSON decoder reads []byte, or its decoding error (400)."""
    if not isinstance(value, str):
        kind = "number" if isinstance(value, (int, float)) else type(value).__name__
        raise BadRequest(f"{_UNDECODABLE}json: cannot unmarshal {kind} into Go struct field "
                         "Secret.data of type []uint8")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        bad = next((i for i, ch in enumerate(value) if not (ch.isalnum() or ch in "+/=")),
                   len(value) - len(value) % 4)
        raise BadRequest(f"{_UNDECODABLE}illegal base64 data at input byte {bad}") from None


def fold_string_data(obj: dict) -> None:
    """Convert_v1_Secret_To_core_Secret: stringData entries overwrite data entries."""
    string_data = obj.pop("stringData", None) or {}
    if string_data:
        data = dict(obj.get("data") or {})
        for key, value in string_data.items():
            data[key] = encode(str(value))
        obj["data"] = data


def validate_secret(obj: dict) -> list[FieldError]:
    errs: list[FieldError] = []
    data = obj.get("data") or {}
    total = 0
    for key in sorted(data):
        errs += [invalid(f"data[{key}]", key, m) for m in is_config_map_key(key)]
        total += len(decode(data[key]))
    if total > MAX_SIZE:
        errs.append(too_long("data", "", MAX_SIZE))
    kind = obj.get("type", "Opaque")
    if kind == "kubernetes.io/basic-auth" and "username" not in data and "password" not in data:
        errs += [required("data[username]"), required("data[password]")]
    for key in REQUIRED_KEYS.get(kind, ()):
        if key not in data:
            errs.append(required(f"data[{key}]"))
            if kind != "kubernetes.io/tls":
                break
    if kind == "kubernetes.io/dockerconfigjson" and ".dockerconfigjson" in data:
        try:
            json.loads(decode(data[".dockerconfigjson"]) or b"")
        except ValueError:
            errs.append(invalid("data[.dockerconfigjson]", "<secret contents redacted>",
                                "unexpected end of JSON input"))
    return errs


class SecretStrategy(Strategy):
    def default(self, obj, cluster=None):
        fold_string_data(obj)
        obj.setdefault("type", "Opaque")
        return obj

    def validate(self, obj, cluster):
        return validate_secret(obj)

    def validate_update(self, obj, old, cluster):
        errs: list[FieldError] = []
        if obj.get("type", "Opaque") != old.get("type", "Opaque"):
            errs.append(invalid("type", obj.get("type"), "field is immutable"))
        if old.get("immutable") is True:
            if obj.get("immutable") is not True:
                errs.append(forbidden("immutable", "field is immutable when `immutable` is set"))
            if (obj.get("data") or {}) != (old.get("data") or {}):
                errs.append(forbidden("data", "field is immutable when `immutable` is set"))
        return errs + validate_secret(obj)


register(
    ResourceType("Secret", "secrets", "secret", namespaced=True),
    SecretStrategy(),
)
