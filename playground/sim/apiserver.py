"""The one write path: create / get / list / update / patch / delete.

Models the generic registry of the real API server
(k8s.io/apiserver/pkg/registry/generic/registry/store.go and
pkg/registry/rest/{create,update,delete}.go): namespace handling, generateName,
admission (NamespaceLifecycle), defaulting, validation with Kubernetes' messages,
allocation, uid/creationTimestamp/resourceVersion/generation, optimistic
concurrency, no-op updates that write nothing, graceful deletion with
deletionTimestamp and finalizers, and propagation policies (the garbage
collector controller finishes them).

Every door (console, web editor, lessons, controllers, a future REST API) calls
these methods; nothing else writes to the store. `actor` names who acted, for the
teaching timeline: "you" for a learner, a controller's name otherwise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import labels as labelsel
from .errors import (
    AlreadyExists,
    BadRequest,
    Conflict,
    FieldError,
    Forbidden,
    Invalid,
    NotFound,
    invalid,
    required,
)
from .objects import clone, format_time, get_path
from .patch import apply_patch
from .resources import REGISTRY, ResourceType, Strategy

if TYPE_CHECKING:
    from .cluster import Cluster

USER = "you"
IMMORTAL_NAMESPACES = ("default", "kube-system", "kube-public")
SYSTEM_FIELDS = ("uid", "creationTimestamp", "resourceVersion", "generation",
                 "deletionTimestamp", "deletionGracePeriodSeconds")


class ApiServer:
    def __init__(self, cluster: Cluster):
        self.cluster = cluster
        self.store = cluster.store

    # ---- lookups -------------------------------------------------------------------------

    def resource_type(self, kind: str) -> ResourceType:
        rt = REGISTRY.resolve(kind, include_internal=True)
        if rt is None:
            raise NotFound("resource", kind)  # the server could not find the requested resource
        return rt

    def _ns(self, rt: ResourceType, namespace: str | None) -> str:
        return (namespace or "default") if rt.namespaced else ""

    def _existing(self, rt: ResourceType, name: str, namespace: str) -> dict:
        obj = self.store.get(rt.kind, namespace, name)
        if obj is None:
            raise NotFound(rt.resource, name)
        return obj

    # ---- reads ---------------------------------------------------------------------------

    def get(self, kind: str, name: str, namespace: str | None = None) -> dict:
        rt = self.resource_type(kind)
        return clone(self._existing(rt, name, self._ns(rt, namespace)))

    def list(
        self,
        kind: str,
        namespace: str | None = None,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> list[dict]:
        """List objects; `namespace=None` means all namespaces. Sorted by namespace, name
        (etcd key order, as the real API server returns them)."""
        rt = self.resource_type(kind)
        ns = namespace if rt.namespaced else None
        items = self.store.list(rt.kind, ns)
        if label_selector:
            sel = labelsel.parse(label_selector)
            items = [o for o in items if labelsel.matches(sel, o["metadata"].get("labels") or {})]
        if field_selector:
            items = [o for o in items if _field_selector_matches(field_selector, o)]
        items.sort(key=lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"]))
        return [clone(o) for o in items]

    # ---- create --------------------------------------------------------------------------

    def create(
        self,
        obj: dict,
        *,
        namespace: str | None = None,
        dry_run: bool = False,
        actor: str = USER,
    ) -> dict:
        obj = clone(obj)
        rt = self._type_of(obj)
        strategy = REGISTRY.strategy(rt.kind)
        meta = obj.setdefault("metadata", {})
        if not isinstance(meta, dict):
            raise BadRequest("metadata must be an object")
        self._set_namespace(rt, meta, namespace)
        self._generate_name(meta)
        name = meta.get("name") or ""
        self._validate_name(rt, strategy, meta)
        self._admit_namespace(rt, meta.get("namespace", ""), name)
        if self.store.get(rt.kind, meta.get("namespace", ""), name) is not None:
            raise AlreadyExists(rt.resource, name)
        for f in SYSTEM_FIELDS:
            meta.pop(f, None)
        strategy.prepare_for_create(obj, self.cluster)
        strategy.default(obj, self.cluster)
        strategy.admit(obj, None, self.cluster)
        errors = strategy.validate(obj, self.cluster)
        if errors:
            raise Invalid(rt.qualified_kind, name, errors)
        strategy.allocate(obj, None, self.cluster, dry_run)
        meta["uid"] = self.cluster.rand.uuid()
        meta["creationTimestamp"] = format_time(self.cluster.clock.now)
        if strategy.uses_generation:
            meta["generation"] = 1
        if dry_run:
            meta["resourceVersion"] = ""
            return obj
        meta["resourceVersion"] = str(self.store.next_resource_version())
        obj = _ordered(obj)
        self.store.put(obj)
        self._note(actor, obj, "created")
        return clone(obj)

    def _type_of(self, obj: dict) -> ResourceType:
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

    def _set_namespace(self, rt: ResourceType, meta: dict, namespace: str | None) -> None:
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

    def _generate_name(self, meta: dict) -> None:
        """names.SimpleNameGenerator: base truncated to 58 chars + 5 random chars."""
        if not meta.get("name") and meta.get("generateName"):
            meta["name"] = meta["generateName"][:58] + self.cluster.rand.string(5)

    def _validate_name(self, rt: ResourceType, strategy: Strategy, meta: dict) -> None:
        name = meta.get("name")
        if not name:
            raise Invalid(
                rt.qualified_kind, "",
                [required("metadata.name", "name or generateName is required")],
            )
        if not isinstance(name, str):
            raise BadRequest("metadata.name must be a string")
        errs = [invalid("metadata.name", name, msg) for msg in strategy.validate_name(name)]
        if errs:
            raise Invalid(rt.qualified_kind, name, errs)

    def _admit_namespace(self, rt: ResourceType, namespace: str, name: str) -> None:
        """NamespaceLifecycle admission."""
        if not rt.namespaced:
            return
        ns = self.store.get("Namespace", "", namespace)
        if ns is None:
            raise NotFound("namespaces", namespace)
        if ns["metadata"].get("deletionTimestamp") or get_path(ns, "status", "phase") == "Terminating":
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

    # ---- update / patch ------------------------------------------------------------------

    def update(
        self,
        obj: dict,
        *,
        namespace: str | None = None,
        subresource: str | None = None,
        dry_run: bool = False,
        actor: str = USER,
    ) -> dict:
        obj = clone(obj)
        rt = self._type_of(obj)
        strategy = REGISTRY.strategy(rt.kind)
        meta = obj.setdefault("metadata", {})
        self._set_namespace(rt, meta, namespace)
        name = meta.get("name") or ""
        old = self._existing(rt, name, meta.get("namespace", ""))
        return self._update(rt, strategy, obj, old, subresource, dry_run, actor)

    def patch(
        self,
        kind: str,
        name: str,
        patch: Any,
        *,
        namespace: str | None = None,
        patch_type: str = "merge",
        subresource: str | None = None,
        dry_run: bool = False,
        actor: str = USER,
    ) -> dict:
        """`patch_type`: "merge" (RFC 7386), "json" (RFC 6902) or "strategic"."""
        rt = self.resource_type(kind)
        strategy = REGISTRY.strategy(rt.kind)
        ns = self._ns(rt, namespace)
        old = self._existing(rt, name, ns)
        obj = apply_patch(clone(old), patch, patch_type, rt.kind)
        if not isinstance(obj, dict):
            raise BadRequest("patched object is not an object")
        obj.setdefault("metadata", {})
        obj["metadata"].setdefault("resourceVersion", old["metadata"]["resourceVersion"])
        if obj.get("kind") != old["kind"] or obj.get("apiVersion") != old["apiVersion"]:
            raise BadRequest("the kind or apiVersion of an object cannot be changed by a patch")
        if obj["metadata"].get("name") != name:
            raise BadRequest("the name of the object cannot be changed by a patch")
        obj["metadata"]["namespace"] = old["metadata"].get("namespace", "")
        if not rt.namespaced:
            obj["metadata"].pop("namespace", None)
        return self._update(rt, strategy, obj, old, subresource, dry_run, actor)

    def _update(
        self,
        rt: ResourceType,
        strategy: Strategy,
        obj: dict,
        old: dict,
        subresource: str | None,
        dry_run: bool,
        actor: str,
    ) -> dict:
        meta, old_meta = obj["metadata"], old["metadata"]
        name = old_meta["name"]
        rv = meta.get("resourceVersion")
        if rv and rv != old_meta["resourceVersion"]:
            raise Conflict(rt.resource, name)
        if not rv and not strategy.allow_unconditional_update:
            raise Invalid(rt.qualified_kind, name, [invalid(
                "metadata.resourceVersion", 0,
                "must be specified for an update")])
        errs = _immutable_meta_errors(meta, old_meta)
        if errs:
            raise Invalid(rt.qualified_kind, name, errs)
        for f in SYSTEM_FIELDS:
            if f in old_meta:
                meta[f] = old_meta[f]
            else:
                meta.pop(f, None)
        if subresource == "status":
            strategy.prepare_for_status_update(obj, old, self.cluster)
            meta["labels"], meta["annotations"] = old_meta.get("labels"), old_meta.get("annotations")
            _drop_none(meta)
        else:
            strategy.prepare_for_update(obj, old, self.cluster)
            strategy.default(obj, self.cluster)
            strategy.admit(obj, old, self.cluster)
            errors = strategy.validate_update(obj, old, self.cluster)
            if errors:
                raise Invalid(rt.qualified_kind, name, errors)
            strategy.allocate(obj, old, self.cluster, dry_run)
            if strategy.uses_generation and strategy.generation_changed(obj, old):
                meta["generation"] = int(old_meta.get("generation", 1)) + 1
        obj = _ordered(obj)
        if _same(obj, old):
            return clone(old)
        if dry_run:
            return obj
        if meta.get("deletionTimestamp") and not meta.get("finalizers"):
            self._remove(rt, strategy, old, actor)
            return obj
        meta["resourceVersion"] = str(self.store.next_resource_version())
        self.store.put(obj)
        if subresource != "status":
            self._note(actor, obj, "updated")
        return clone(obj)

    # ---- delete --------------------------------------------------------------------------

    def delete(
        self,
        kind: str,
        name: str,
        *,
        namespace: str | None = None,
        propagation_policy: str | None = None,
        grace_period_seconds: int | None = None,
        preconditions: dict | None = None,
        dry_run: bool = False,
        actor: str = USER,
    ) -> dict:
        """Returns the object: gone, or (graceful / finalizers) carrying deletionTimestamp."""
        rt = self.resource_type(kind)
        strategy = REGISTRY.strategy(rt.kind)
        ns = self._ns(rt, namespace)
        old = self._existing(rt, name, ns)
        self._check_preconditions(rt, old, preconditions)
        if rt.kind == "Namespace" and name in IMMORTAL_NAMESPACES:
            raise Forbidden("namespaces", name, "this namespace may not be deleted")
        policy = propagation_policy or strategy.default_propagation()
        if policy not in ("Background", "Foreground", "Orphan"):
            raise BadRequest(f'unsupported propagationPolicy "{policy}"')
        obj = clone(old)
        meta = obj["metadata"]
        finalizers = list(meta.get("finalizers") or [])
        if policy == "Foreground" and "foregroundDeletion" not in finalizers:
            finalizers.append("foregroundDeletion")
        if policy == "Orphan" and "orphan" not in finalizers:
            finalizers.append("orphan")
        grace = strategy.graceful_delete_seconds(old, grace_period_seconds)
        if not finalizers and grace <= 0:
            if dry_run:
                return obj
            self._remove(rt, strategy, old, actor)
            return obj
        return self._mark_deleting(obj, old, finalizers, grace, dry_run, actor)

    def _mark_deleting(
        self, obj: dict, old: dict, finalizers: list[str], grace: int, dry_run: bool, actor: str
    ) -> dict:
        meta = obj["metadata"]
        now = self.cluster.clock.now
        old_grace = meta.get("deletionGracePeriodSeconds")
        if not meta.get("deletionTimestamp") or (old_grace is not None and grace < old_grace):
            meta["deletionTimestamp"] = format_time(now + max(grace, 0))
            meta["deletionGracePeriodSeconds"] = max(grace, 0)
        if finalizers:
            meta["finalizers"] = finalizers
        if dry_run or _same(obj, old):
            return obj
        meta["resourceVersion"] = str(self.store.next_resource_version())
        self.store.put(obj)
        self._note(actor, obj, "deleted")
        return clone(obj)

    def _remove(self, rt: ResourceType, strategy: Strategy, old: dict, actor: str) -> None:
        meta = old["metadata"]
        self.store.remove(rt.kind, meta.get("namespace", ""), meta["name"])
        strategy.release(old, self.cluster)
        if not meta.get("deletionTimestamp"):
            self._note(actor, old, "deleted")

    def _check_preconditions(self, rt: ResourceType, old: dict, pre: dict | None) -> None:
        if not pre:
            return
        meta = old["metadata"]
        if pre.get("uid") and pre["uid"] != meta["uid"]:
            raise Conflict(
                rt.resource, meta["name"],
                f"Precondition failed: UID in precondition: {pre['uid']}, UID in object meta: "
                f"{meta['uid']}",
            )
        if pre.get("resourceVersion") and pre["resourceVersion"] != meta["resourceVersion"]:
            raise Conflict(
                rt.resource, meta["name"],
                "Precondition failed: ResourceVersion in precondition: "
                f"{pre['resourceVersion']}, ResourceVersion in object meta: "
                f"{meta['resourceVersion']}",
            )

    # ---- timeline ------------------------------------------------------------------------

    def _note(self, actor: str, obj: dict, verb: str) -> None:
        """A learner's own writes appear on the timeline too ("you created Deployment web")."""
        if actor != USER or REGISTRY.get(obj["kind"]).internal:
            return
        self.cluster.record(actor, obj, f"you {verb} {obj['kind']} {obj['metadata']['name']}")


def _immutable_meta_errors(meta: dict, old: dict) -> list[FieldError]:
    errs = []
    for f in ("uid", "creationTimestamp"):
        if meta.get(f) and meta[f] != old.get(f):
            errs.append(invalid(f"metadata.{f}", meta[f], "field is immutable"))
    return errs


def _same(a: dict, b: dict) -> bool:
    """Equality ignoring resourceVersion (a no-op update writes nothing)."""
    ma = {k: v for k, v in a["metadata"].items() if k != "resourceVersion"}
    mb = {k: v for k, v in b["metadata"].items() if k != "resourceVersion"}
    if ma != mb:
        return False
    keys = (set(a) | set(b)) - {"metadata"}
    return all(a.get(k) == b.get(k) for k in keys)


def _drop_none(d: dict) -> None:
    for k in [k for k, v in d.items() if v is None]:
        del d[k]


_TOP_ORDER = ("apiVersion", "kind", "metadata")


def _ordered(obj: dict) -> dict:
    """Key order as the API server serialises: apiVersion, kind, metadata, then the rest."""
    out = {k: obj[k] for k in _TOP_ORDER if k in obj}
    for k, v in obj.items():
        if k not in out:
            out[k] = v
    return out


def _field_selector_matches(selector: str, obj: dict) -> bool:
    """Field selectors: `metadata.name=x`, `spec.nodeName=worker-1`, `status.phase!=Running`."""
    for part in selector.split(","):
        part = part.strip()
        if not part:
            continue
        if "!=" in part:
            path, value, negate = *part.split("!=", 1), True
        else:
            path, value = part.replace("==", "=").split("=", 1)
            negate = False
        actual = get_path(obj, *path.strip().split("."), default="")
        if path.strip() == "metadata.namespace":
            actual = obj["metadata"].get("namespace", "")
        if (str(actual) == value.strip()) == negate:
            return False
    return True
