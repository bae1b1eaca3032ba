"""Request-level helpers of the API server: decoding checks, namespaces, NamespaceLifecycle.

Models EnsureObjectNamespaceMatchesRequestNamespace (k8s.io/apiserver/pkg/registry/rest/
meta.go), the NamespaceLifecycle admission plugin
(k8s.io/apiserver/pkg/admission/plugin/namespace/lifecycle/admission.go) and the small
object comparisons the registry needs (no-op detection, key order on the wire).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import BadRequest, FieldError, Forbidden, NotFound
from .objects import get_path
from .resources import REGISTRY, ResourceType

if TYPE_CHECKING:
    from .store import Store

IMMORTAL_NAMESPACES = ("default", "kube-system", "kube-public")


def type_of(obj: dict) -> ResourceType:
    """The kind of a request body, with the decoder's errors."""
    if not isinstance(obj, dict):
        raise BadRequest("Object 'Kind' is missing in the object")
    kind = obj.get("kind")
    if not kind or not isinstance(kind, str):
        raise BadRequest("Object 'Kind' is missing in the object")
    rt = REGISTRY.types.get(kind)
    if rt is None:
        raise NotFound("resource", kind)
    api_version = obj.get("apiVersion")
    if not api_version:
        raise BadRequest("Object 'apiVersion' is missing in the object")
    if api_version != rt.api_version:
        raise BadRequest(
            f'no kind "{kind}" is registered for version "{api_version}" in scheme '
            '"pkg/api/legacyscheme/scheme.go:30"'
        )
    return rt


def set_namespace(rt: ResourceType, meta: dict, namespace: str | None) -> None:
    """EnsureObjectNamespaceMatchesRequestNamespace."""
    if not rt.namespaced:
        meta.pop("namespace", None)
        return
    request_ns = namespace or meta.get("namespace") or "default"
    if meta.get("namespace") and meta["namespace"] != request_ns:
        raise BadRequest(
            "the namespace of the provided object does not match the namespace sent on "
            "the request"
        )
    meta["namespace"] = request_ns


def admission_name(meta: dict) -> str:
    """extractResourceName: the name admission errors show (generateName before a name is
    generated, else "Unknown")."""
    return meta.get("name") or meta.get("generateName") or "Unknown"


def admit_namespace(store: Store, rt: ResourceType, namespace: str, name: str) -> None:
    """NamespaceLifecycle admission (create): the namespace exists and is not terminating."""
    if not rt.namespaced:
        return
    ns = store.get("Namespace", "", namespace)
    if ns is None:
        raise NotFound("namespaces", namespace)
    if get_path(ns, "status", "phase") == "Terminating":
        raise Forbidden(
            rt.resource, name,
            f"unable to create new content in namespace {namespace} because it is being "
            "terminated",
            causes=[{
                "reason": "NamespaceTerminating",
                "message": f"namespace {namespace} is being terminated",
                "field": "metadata.namespace",
            }],
        )


def copy_key(dst: dict, src: dict, key: str) -> None:
    if key in src:
        dst[key] = src[key]
    else:
        dst.pop(key, None)


def dedupe(errors: list[FieldError]) -> list[FieldError]:
    seen: set[str] = set()
    out = []
    for e in errors:
        if str(e) not in seen:
            seen.add(str(e))
            out.append(e)
    return out


def same(a: dict, b: dict) -> bool:
    """Equality ignoring resourceVersion (a no-op update writes nothing)."""
    ma = {k: v for k, v in a["metadata"].items() if k != "resourceVersion"}
    mb = {k: v for k, v in b["metadata"].items() if k != "resourceVersion"}
    if ma != mb:
        return False
    keys = (set(a) | set(b)) - {"metadata"}
    return all(a.get(k) == b.get(k) for k in keys)


TOP_ORDER = ("apiVersion", "kind", "metadata")


def ordered(obj: dict) -> dict:
    """Key order as the API server serialises: apiVersion, kind, metadata, then the rest."""
    out = {k: obj[k] for k in TOP_ORDER if k in obj}
    for k, v in obj.items():
        if k not in out:
            out[k] = v
    return out
