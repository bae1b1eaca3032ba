"""Request bodies in Kubernetes' protobuf encoding (`application/vnd.kubernetes.protobuf`),
which kubectl 1.32+ sends for `create deployment|service|configmap|secret|namespace|job`,
`auth can-i` and `autoscale` and never retries as JSON. The envelope is the magic
`k8s\\x00` then a runtime.Unknown (typeMeta=1, raw=2, contentEncoding=3, contentType=4)
whose `raw` is the object's message (k8s.io/apimachinery/pkg/runtime/types_proto.go).

A small decoder for the messages of the kinds we serve, with the field numbers of
k8s.io/api's generated.proto. gogo-protobuf writes every non-pointer scalar, so zero
values come back as Go's omitempty would drop them, except the pointer fields listed in
KEEP_ZERO (`--replicas=0`)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

from playground.sim.errors import BadRequest

MAGIC = b"k8s\x00"
KEEP_ZERO = {"replicas", "revisionHistoryLimit", "terminationGracePeriodSeconds"}

# message -> {field number: (json name, type, repeated)}; type is a scalar
# ("string", "int", "bool", "bytes") or a message name, or "map:<value type>".
S, N, B = "string", "int", "bool"
M: dict[str, dict[int, tuple[str, str, bool]]] = {
    "TypeMeta": {1: ("apiVersion", S, False), 2: ("kind", S, False)},
    "Unknown": {
        1: ("typeMeta", "TypeMeta", False),
        2: ("raw", "bytes", False),
        3: ("contentEncoding", S, False),
        4: ("contentType", S, False),
    },
    "ObjectMeta": {
        1: ("name", S, False),
        2: ("generateName", S, False),
        3: ("namespace", S, False),
        4: ("selfLink", S, False),
        5: ("uid", S, False),
        6: ("resourceVersion", S, False),
        7: ("generation", N, False),
        8: ("creationTimestamp", "Time", False),
        9: ("deletionTimestamp", "Time", False),
        10: ("deletionGracePeriodSeconds", N, False),
        11: ("labels", "map:string", False),
        12: ("annotations", "map:string", False),
        13: ("ownerReferences", "OwnerReference", True),
        14: ("finalizers", S, True),
    },
    "OwnerReference": {
        1: ("kind", S, False),
        3: ("name", S, False),
        4: ("uid", S, False),
        5: ("apiVersion", S, False),
        6: ("controller", B, False),
        7: ("blockOwnerDeletion", B, False),
    },
    "Time": {1: ("seconds", N, False), 2: ("nanos", N, False)},
    "LabelSelector": {
        1: ("matchLabels", "map:string", False),
        2: ("matchExpressions", "LabelSelectorRequirement", True),
    },
    "LabelSelectorRequirement": {
        1: ("key", S, False),
        2: ("operator", S, False),
        3: ("values", S, True),
    },
    "IntOrString": {1: ("type", N, False), 2: ("intVal", N, False), 3: ("strVal", S, False)},
    "Quantity": {1: ("string", S, False)},
    # apps/v1
    "Deployment": {
        1: ("metadata", "ObjectMeta", False),
        2: ("spec", "DeploymentSpec", False),
        3: ("status", "Empty", False),
    },
    "DeploymentSpec": {
        1: ("replicas", N, False),
        2: ("selector", "LabelSelector", False),
        3: ("template", "PodTemplateSpec", False),
        4: ("strategy", "DeploymentStrategy", False),
        5: ("minReadySeconds", N, False),
        6: ("revisionHistoryLimit", N, False),
        7: ("paused", B, False),
        9: ("progressDeadlineSeconds", N, False),
    },
    "DeploymentStrategy": {1: ("type", S, False), 2: ("rollingUpdate", "RollingUpdate", False)},
    "RollingUpdate": {
        1: ("maxUnavailable", "IntOrString", False),
        2: ("maxSurge", "IntOrString", False),
    },
    # core/v1
    "PodTemplateSpec": {1: ("metadata", "ObjectMeta", False), 2: ("spec", "PodSpec", False)},
    "PodSpec": {
        2: ("containers", "Container", True),
        3: ("restartPolicy", S, False),
        4: ("terminationGracePeriodSeconds", N, False),
        6: ("dnsPolicy", S, False),
        7: ("nodeSelector", "map:string", False),
        8: ("serviceAccountName", S, False),
        10: ("nodeName", S, False),
        19: ("schedulerName", S, False),
        20: ("initContainers", "Container", True),
    },
    "Container": {
        1: ("name", S, False),
        2: ("image", S, False),
        3: ("command", S, True),
        4: ("args", S, True),
        5: ("workingDir", S, False),
        6: ("ports", "ContainerPort", True),
        7: ("env", "EnvVar", True),
        8: ("resources", "ResourceRequirements", False),
        13: ("terminationMessagePath", S, False),
        14: ("imagePullPolicy", S, False),
        16: ("stdin", B, False),
        17: ("stdinOnce", B, False),
        18: ("tty", B, False),
        20: ("terminationMessagePolicy", S, False),
    },
    "ContainerPort": {
        1: ("name", S, False),
        2: ("hostPort", N, False),
        3: ("containerPort", N, False),
        4: ("protocol", S, False),
        5: ("hostIP", S, False),
    },
    "EnvVar": {1: ("name", S, False), 2: ("value", S, False)},
    "ResourceRequirements": {
        1: ("limits", "map:Quantity", False),
        2: ("requests", "map:Quantity", False),
    },
    "Service": {
        1: ("metadata", "ObjectMeta", False),
        2: ("spec", "ServiceSpec", False),
        3: ("status", "Empty", False),
    },
    "ServiceSpec": {
        1: ("ports", "ServicePort", True),
        2: ("selector", "map:string", False),
        3: ("clusterIP", S, False),
        4: ("type", S, False),
        5: ("externalIPs", S, True),
        7: ("sessionAffinity", S, False),
        8: ("loadBalancerIP", S, False),
        10: ("externalName", S, False),
        11: ("externalTrafficPolicy", S, False),
        18: ("clusterIPs", S, True),
    },
    "ServicePort": {
        1: ("name", S, False),
        2: ("protocol", S, False),
        3: ("port", N, False),
        4: ("targetPort", "IntOrString", False),
        5: ("nodePort", N, False),
        6: ("appProtocol", S, False),
    },
    "ConfigMap": {
        1: ("metadata", "ObjectMeta", False),
        2: ("data", "map:string", False),
        3: ("binaryData", "map:bytes", False),
        4: ("immutable", B, False),
    },
    "Secret": {
        1: ("metadata", "ObjectMeta", False),
        2: ("data", "map:bytes", False),
        3: ("type", S, False),
        4: ("stringData", "map:string", False),
    },
    "Namespace": {
        1: ("metadata", "ObjectMeta", False),
        2: ("spec", "NamespaceSpec", False),
        3: ("status", "Empty", False),
    },
    "NamespaceSpec": {1: ("finalizers", S, True)},
    # authorization/v1
    "SelfSubjectAccessReview": {
        1: ("metadata", "ObjectMeta", False),
        2: ("spec", "SelfSubjectAccessReviewSpec", False),
        3: ("status", "Empty", False),
    },
    "SelfSubjectAccessReviewSpec": {
        1: ("resourceAttributes", "ResourceAttributes", False),
        2: ("nonResourceAttributes", "NonResourceAttributes", False),
    },
    "ResourceAttributes": {
        1: ("namespace", S, False),
        2: ("verb", S, False),
        3: ("group", S, False),
        4: ("version", S, False),
        5: ("resource", S, False),
        6: ("subresource", S, False),
        7: ("name", S, False),
    },
    "SelfSubjectRulesReview": {
        1: ("metadata", "ObjectMeta", False),
        2: ("spec", "SelfSubjectRulesReviewSpec", False),
        3: ("status", "Empty", False),
    },
    "SelfSubjectRulesReviewSpec": {1: ("namespace", S, False)},
    "NonResourceAttributes": {1: ("path", S, False), 2: ("verb", S, False)},
    "Empty": {},
}


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(data):
            raise BadRequest("protobuf: truncated varint")
        b = data[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7


def fields(data: bytes) -> list[tuple[int, int, Any]]:
    """(field number, wire type, value: int for varints, bytes for length-delimited)."""
    out, pos = [], 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(data, pos)
        elif wire == 2:
            length, pos = _varint(data, pos)
            value, pos = data[pos : pos + length], pos + length
        elif wire == 1:
            value, pos = int.from_bytes(data[pos : pos + 8], "little"), pos + 8
        elif wire == 5:
            value, pos = int.from_bytes(data[pos : pos + 4], "little"), pos + 4
        else:
            raise BadRequest(f"protobuf: unsupported wire type {wire}")
        out.append((number, wire, value))
    return out


def _signed(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


def _scalar(kind: str, value: Any) -> Any:
    if kind == S:
        return value.decode("utf-8")
    if kind == N:
        return _signed(value)
    if kind == B:
        return bool(value)
    if kind == "bytes":
        return base64.b64encode(value).decode()
    return _message(kind, value)


def _special(kind: str, msg: dict) -> Any:
    if kind == "Time":
        seconds = msg.get("seconds", 0)
        if not seconds:
            return None
        return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if kind == "IntOrString":
        return msg.get("strVal", "") if msg.get("type") == 1 else msg.get("intVal", 0)
    if kind == "Quantity":
        return msg.get("string", "")
    return msg


def _message(kind: str, data: bytes) -> Any:
    spec = M.get(kind, {})
    msg: dict[str, Any] = {}
    raw_ints: dict[str, int] = {}
    for number, _wire, value in fields(data):
        if number not in spec:
            continue
        name, ftype, repeated = spec[number]
        if ftype.startswith("map:"):
            entry = dict((n, v) for n, _w, v in fields(value))
            key = entry.get(1, b"").decode()
            msg.setdefault(name, {})[key] = _scalar(ftype[4:], entry.get(2, b""))
            continue
        decoded = _scalar(ftype, value)
        if ftype == N:
            raw_ints[name] = decoded
        if repeated:
            msg.setdefault(name, []).append(decoded)
        else:
            msg[name] = decoded
    if kind in ("Time", "IntOrString", "Quantity"):
        return _special(kind, {**msg, **raw_ints})
    return _omit_empty(msg)


def _omit_empty(msg: dict) -> dict:
    out = {}
    for key, value in msg.items():
        if value is None or value == "" or value is False:
            continue
        if value == 0 and not isinstance(value, bool) and key not in KEEP_ZERO:
            continue
        out[key] = value
    return out


def decode(raw: bytes) -> dict:
    if not raw.startswith(MAGIC):
        raise BadRequest("provided protobuf is not a Kubernetes object (no k8s magic prefix)")
    env = {n: v for n, _w, v in fields(raw[len(MAGIC) :])}
    type_meta = {n: v.decode() for n, _w, v in fields(env.get(1, b""))}
    api_version, kind = type_meta.get(1, ""), type_meta.get(2, "")
    if kind not in M:
        raise BadRequest(f'no kind "{kind}" is registered for version "{api_version}"')
    obj = _message(kind, env.get(2, b""))
    return {"kind": kind, "apiVersion": api_version, **obj}
