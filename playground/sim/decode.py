"""Request decoding: wrong JSON types are refused the way the real API server refuses them.

The real API server decodes a body into Go structs before any defaulting or validation,
so `metadata.name: 5` or `spec: "x"` never reach a strategy: the answer is 400 BadRequest,
`Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal number into Go
struct field ObjectMeta.metadata.name of type string` (k8s.io/apiserver/pkg/endpoints/
handlers/create.go, encoding/json's UnmarshalTypeError). Our strategies work on plain
dicts, so this module checks the shapes everything relies on (ObjectMeta, spec/status
objects, pod templates' containers) and `guard()` turns any type confusion a strategy
still meets into the same 400 instead of a crash: a learner's body is the cause.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from .decode_schema import SCHEMAS, L, M, S
from .errors import BadRequest
from .quota import parse

T = TypeVar("T")

STRING_FIELDS = ("name", "namespace", "generateName", "resourceVersion", "uid",
                 "creationTimestamp", "deletionTimestamp", "selfLink")
SPEC_TYPES = {
    "Pod": "v1.PodSpec", "Deployment": "v1.DeploymentSpec", "ReplicaSet": "v1.ReplicaSetSpec",
    "StatefulSet": "v1.StatefulSetSpec", "Service": "v1.ServiceSpec",
    "Namespace": "v1.NamespaceSpec", "Node": "v1.NodeSpec",
    "PersistentVolumeClaim": "v1.PersistentVolumeClaimSpec",
    "PersistentVolume": "v1.PersistentVolumeSpec", "ResourceQuota": "v1.ResourceQuotaSpec",
    "LimitRange": "v1.LimitRangeSpec",
}


def go_type(value: Any) -> str:
    """encoding/json's name for a JSON value's type."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def cannot_handle(kind: str, version: str, detail: str) -> BadRequest:
    return BadRequest(f'{kind} in version "{version}" cannot be handled as a {kind}: {detail}')


def _unmarshal(kind: str, version: str, value: Any, field: str, type_: str) -> BadRequest:
    return cannot_handle(kind, version, f"json: cannot unmarshal {go_type(value)} into Go "
                                        f"struct field {field} of type {type_}")


def check(obj: dict, version: str) -> None:
    """Raise BadRequest for the type errors decoding would find (`metadata: null` decodes
    as an empty ObjectMeta: normalised in place)."""
    kind = obj["kind"]
    if "metadata" in obj and obj["metadata"] is None:
        obj["metadata"] = {}
    meta = obj.get("metadata")
    if meta is not None and not isinstance(meta, dict):
        raise _unmarshal(kind, version, meta, f"{kind}.metadata", "v1.ObjectMeta")
    meta = meta or {}
    for key in STRING_FIELDS:
        if meta.get(key) is not None and not isinstance(meta[key], str):
            raise _unmarshal(kind, version, meta[key], f"ObjectMeta.metadata.{key}", "string")
    for key in ("labels", "annotations"):
        value = meta.get(key)
        if value is None:
            continue
        if not isinstance(value, dict):
            raise _unmarshal(kind, version, value, f"ObjectMeta.metadata.{key}",
                             "map[string]string")
        for v in value.values():
            if not isinstance(v, str):
                raise _unmarshal(kind, version, v, f"ObjectMeta.metadata.{key}", "string")
    _check_list_of(kind, version, meta.get("finalizers"), str, "ObjectMeta.metadata.finalizers",
                   "[]string", "string")
    _check_list_of(kind, version, meta.get("ownerReferences"), dict,
                   "ObjectMeta.metadata.ownerReferences", "[]v1.OwnerReference",
                   "v1.OwnerReference")
    for key in ("spec", "status"):
        value = obj.get(key)
        if value is not None and not isinstance(value, dict):
            type_ = SPEC_TYPES.get(kind, "map[string]interface {}") if key == "spec" else \
                f"v1.{kind}Status"
            raise _unmarshal(kind, version, value, f"{kind}.{key}", type_)
    schema = SCHEMAS.get(kind)
    if schema is not None:
        _walk(kind, version, schema, obj, "", kind)
    if kind == "Event":
        _check_event(version, obj)


def _check_event(version: str, obj: dict) -> None:
    for key in ("reason", "message", "type", "action", "reportingComponent",
                "reportingInstance", "firstTimestamp", "lastTimestamp", "eventTime"):
        if obj.get(key) is not None and not isinstance(obj[key], str):
            raise _unmarshal("Event", version, obj[key], f"Event.{key}", "string")
    for key, struct in (("involvedObject", "v1.ObjectReference"), ("source", "v1.EventSource")):
        value = obj.get(key)
        if value is None:
            continue
        if not isinstance(value, dict):
            raise _unmarshal("Event", version, value, f"Event.{key}", struct)
        for field, item in value.items():
            if item is not None and not isinstance(item, str):
                raise _unmarshal("Event", version, item, f"{struct[3:]}.{key}.{field}",
                                 "string")
    if obj.get("count") is not None and (isinstance(obj["count"], bool)
                                         or not isinstance(obj["count"], int)):
        raise _unmarshal("Event", version, obj["count"], "Event.count", "int32")


def _check_list_of(kind: str, version: str, value: Any, item_type: type, field: str,
                   list_type: str, item_name: str) -> None:
    if value is None:
        return
    if not isinstance(value, list):
        raise _unmarshal(kind, version, value, field, list_type)
    for item in value:
        if not isinstance(item, item_type):
            raise _unmarshal(kind, version, item, field, item_name)


_INT_RANGES = {"int32": 2**31, "int64": 2**63}


def _walk(kind: str, version: str, schema: Any, value: Any, path: str, struct: str) -> None:
    """Check `value` against a decode_schema type; `path` is the JSON path Go prints."""
    if value is None:
        return
    if isinstance(schema, S):
        if not isinstance(value, dict):
            raise _unmarshal(kind, version, value, f"{struct}.{path}" if path else kind,
                             f"v1.{schema.name}")
        for key, sub in schema.fields.items():
            if key in value:
                _walk(kind, version, sub, value[key], f"{path}.{key}" if path else key,
                      schema.name)
    elif isinstance(schema, L):
        if not isinstance(value, list):
            raise _unmarshal(kind, version, value, f"{struct}.{path}", schema.go)
        for item in value:
            _walk(kind, version, schema.item, item, path, struct)
    elif isinstance(schema, M):
        if not isinstance(value, dict):
            raise _unmarshal(kind, version, value, f"{struct}.{path}", schema.go)
        for item in value.values():
            _walk(kind, version, schema.value, item, path, struct)
    else:
        _scalar(kind, version, schema, value, f"{struct}.{path}")


def _scalar(kind: str, version: str, type_: str, value: Any, field: str) -> None:
    ok = {
        "string": isinstance(value, str),
        "bytes": isinstance(value, str),
        "bool": isinstance(value, bool),
        "quantity": isinstance(value, (str, int, float)) and not isinstance(value, bool),
        "intstr": isinstance(value, (str, int, float)) and not isinstance(value, bool),
    }.get(type_)
    if ok is None:  # an integer type
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        if ok and (value != int(value) or not -_INT_RANGES[type_] <= value < _INT_RANGES[type_]):
            raise cannot_handle(kind, version, f"json: cannot unmarshal number {value} into Go "
                                               f"struct field {field} of type {type_}")
    elif ok and type_ == "intstr" and isinstance(value, float) and value != int(value):
        ok = False
    if ok and type_ == "quantity":
        _check_quantity(kind, version, value)
    if not ok:
        go = {"quantity": "resource.Quantity", "intstr": "intstr.IntOrString",
              "bytes": "[]uint8"}.get(type_, type_)
        raise _unmarshal(kind, version, value, field, go)


_MAX_QUANTITY = 2**63 - 1


def _check_quantity(kind: str, version: str, value: Any) -> None:
    """Quantity.Value() saturates at int64; the simulation computes in floats, so values
    beyond it (`1e400`, `9e300Ei`) are refused here rather than turning into infinity."""
    q = parse(value)
    if q is not None and abs(q.value) > _MAX_QUANTITY:
        raise cannot_handle(kind, version, f"quantity {value} is too large (this playground "
                                           f"accepts at most {_MAX_QUANTITY})")


def guard(kind: str, version: str, fn: Callable[[], T]) -> T:
    """Run a strategy step on a learner's body; a type confusion is a bad request."""
    try:
        return fn()
    except (TypeError, AttributeError, KeyError, IndexError, ValueError) as exc:
        raise cannot_handle(kind, version, "json: cannot unmarshal the request body into "
                                           f"the {kind} schema") from exc
