"""Site-wide caps of one sandbox, and the admission check that enforces them.

Not a Kubernetes component: a public playground must stop one learner from filling memory
or CPU for everyone. The caps are configured by the operator: the Django layer copies them
from settings into `cluster.store.meta["limits"]` (any key left out keeps the default
below). Refusals are Kubernetes-shaped: a 403 Forbidden Status in the API server's words
(`configmaps "x" is forbidden: this sandbox is limited to 2000 objects`) or, for an
oversized body, the API server's own 413 (`Request entity too large: limit is 3145728`).

What counts: every served object except Events (they expire, and components write them
while reporting failures, so capping them would hide the failure itself). Namespaces and
Nodes have their own, smaller caps. Per-namespace limits a learner can see are
ResourceQuotas (controllers/quotadefaults.py), not these.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from .controllers.change_cursor import count
from .errors import ApiError, Forbidden
from .resources import REGISTRY, ResourceType

if TYPE_CHECKING:
    from .cluster import Cluster


@dataclass(frozen=True)
class Limits:
    #: served objects in the whole sandbox (Events excluded)
    max_objects: int = 2000
    #: namespaces, the four system ones included
    max_namespaces: int = 20
    #: nodes, the control plane included
    max_nodes: int = 10
    #: bytes of one create/update body (JSON) or one manifest given to the console
    max_manifest_bytes: int = 512 * 1024
    #: characters of one console command line (a heredoc body counts as a manifest)
    max_console_line: int = 4096
    #: simulated seconds one request may advance the clock (`clock advance`)
    max_advance_seconds: float = 6 * 3600.0
    #: Events kept at once (they are not counted in max_objects; a controller retrying a
    #: failure must not fill memory: beyond this, new Events are refused, which the
    #: components' event recorders shrug off as the real ones do)
    max_events: int = 1000
    #: YAML: nesting depth, documents per stream, nodes after alias expansion
    max_yaml_depth: int = 64
    max_yaml_documents: int = 200
    max_yaml_nodes: int = 100_000
    #: the per-namespace ResourceQuota's hard limits; None sizes it to the nodes, False
    #: creates none
    default_quota: dict | bool | None = None
    #: also quota requests.cpu / requests.memory (and default them with a LimitRange)
    quota_compute: bool = False


DEFAULTS = Limits()
_NAMES = {f.name for f in fields(Limits)}


def limits_of(meta: dict[str, Any] | None) -> Limits:
    """The sandbox's caps: `meta["limits"]` over the defaults (unknown keys ignored)."""
    given = (meta or {}).get("limits")
    if not isinstance(given, dict) or not given:
        return DEFAULTS
    # every create asks: answers are remembered by the settings they were built from
    key = repr(sorted(given.items()))
    found = _BUILT.get(key)
    if found is None:
        if len(_BUILT) > 64:
            _BUILT.clear()
        found = _BUILT[key] = Limits(**{k: v for k, v in given.items() if k in _NAMES})
    return found


_BUILT: dict[str, Limits] = {}


def get(cluster: Cluster) -> Limits:
    return limits_of(cluster.store.meta)


class RequestEntityTooLarge(ApiError):
    """apierrors.NewRequestEntityTooLargeError, as the API server answers an oversized body."""

    code = 413
    reason = "RequestEntityTooLarge"

    def __init__(self, limit: int):
        super().__init__(f"Request entity too large: limit is {limit}")


def body_size(obj: Any) -> int:
    """Bytes of the object as a JSON request body."""
    try:
        return len(json.dumps(obj, separators=(",", ":"), ensure_ascii=False,
                              default=str).encode())
    except (ValueError, RecursionError):  # circular or absurdly deep: certainly too large
        return 1 << 62


def check_body(cluster: Cluster, obj: Any) -> None:
    cap = get(cluster).max_manifest_bytes
    if body_size(obj) > cap:
        raise RequestEntityTooLarge(cap)


def _counted(rt: ResourceType) -> bool:
    return not rt.internal and rt.kind != "Event"


def object_count(cluster: Cluster) -> int:
    objects = getattr(cluster.store, "objects", None)
    if objects is not None:  # MemoryStore: count buckets without listing
        return sum(len(bucket) for kind, bucket in objects.items()
                   if kind in REGISTRY.types and _counted(REGISTRY.types[kind]))
    return sum(len(cluster.store.list(rt.kind)) for rt in REGISTRY.served() if _counted(rt))


def events_full(cluster: Cluster) -> bool:
    return count(cluster.store, "Event") >= get(cluster).max_events


def check_create(cluster: Cluster, rt: ResourceType, obj: dict) -> None:
    """Refuse a create that would pass one of the sandbox's caps (403 Forbidden)."""
    if rt.internal:
        return
    caps = get(cluster)
    name = obj.get("metadata", {}).get("name") or obj.get("metadata", {}).get("generateName")
    name = name or "Unknown"
    if rt.kind == "Event":
        if events_full(cluster):
            raise Forbidden(rt.resource, name,
                            f"this sandbox keeps at most {caps.max_events} events")
        return
    if rt.kind == "Namespace" and len(cluster.store.list("Namespace")) >= caps.max_namespaces:
        raise Forbidden(rt.resource, name,
                        f"this sandbox is limited to {caps.max_namespaces} namespaces")
    if rt.kind == "Node" and len(cluster.store.list("Node")) >= caps.max_nodes:
        raise Forbidden(rt.resource, name, f"this sandbox is limited to {caps.max_nodes} nodes")
    if object_count(cluster) >= caps.max_objects:
        raise Forbidden(rt.resource, name,
                        f"this sandbox is limited to {caps.max_objects} objects")
