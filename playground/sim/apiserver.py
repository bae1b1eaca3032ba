"""The one write path: create / get / list / update / patch / delete.

Models the generic registry of the real API server
(k8s.io/apiserver/pkg/registry/generic/registry/store.go and
pkg/registry/rest/{create,update,delete}.go) in the real order: decode-time defaulting,
NamespaceLifecycle, the kind's mutating admission (ServiceAccount, Priority,
DefaultTolerationSeconds for pods), PrepareForCreate/Update, ObjectMeta and kind
validation with Kubernetes' messages, uniqueness, allocation, then
uid/creationTimestamp/resourceVersion/generation. Updates: optimistic concurrency
(409 on a stale resourceVersion, unconditional when it is empty), no-op updates write
nothing, subresources (`status`, pods `binding`, namespaces `finalize`),
ShouldDeleteDuringUpdate when the last finalizer goes. Deletes (deletion.py): graceful
periods, finalizers and propagation policies (the garbage collector finishes them).
Patches (patch.py): merge, JSON and strategic merge.

Every door (console, web editor, lessons, controllers, a future REST API) calls
these methods; nothing else writes to the store. `actor` names who acted, for the
teaching timeline: "you" for a learner, a controller's name otherwise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import admission, decode, deletion
from . import labels as labelsel
from .apirequest import (
    IMMORTAL_NAMESPACES,
    admission_name,
    admit_namespace,
    copy_key,
    dedupe,
    ordered,
    same,
    set_namespace,
    type_of,
)
from .errors import (
    AlreadyExists,
    BadRequest,
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    invalid,
)
from .objects import clone, format_time
from .patch import apply_patch
from .resources import REGISTRY, ResourceType, Strategy
from .shared import CHECK, shared
from .validation import validate_object_meta, validate_object_meta_update

if TYPE_CHECKING:
    from .cluster import Cluster

USER = "you"
SYSTEM_FIELDS = ("uid", "creationTimestamp", "resourceVersion", "generation",
                 "deletionTimestamp", "deletionGracePeriodSeconds")


def _decode_check(obj: dict, rt: ResourceType, actor: str) -> None:
    """The decoder's type checks, for bodies from outside. The controllers' bodies are
    built by this package from stored objects, so outside the tests (shared.CHECK) their
    check is skipped: it cost about a tenth of a large rollout."""
    if actor == USER or CHECK:
        decode.check(obj, rt.version)


def _own_copy(body: Any, subresource: str | None) -> Any:
    """The API server's own copy of an update body. A status update keeps only the body's
    metadata and status (the status strategies take everything else from the stored
    object), so only those two are copied: a pod's spec is most of what a copy costs."""
    if subresource != "status" or not isinstance(body, dict):
        return clone(body)
    return {k: clone(v) if k in ("metadata", "status") else v for k, v in body.items()}


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
            fsel = labelsel.parse_field_selector(field_selector, rt.kind)
            items = [o for o in items if labelsel.field_selector_matches(fsel, o)]
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
        """Decode (defaults) -> NamespaceLifecycle -> mutating admission -> PrepareForCreate
        -> validation -> uniqueness -> allocation -> storage, as the real create path."""
        if actor == USER:  # a learner's body; the controllers' are ours and bounded
            admission.check_body(self.cluster, obj)
        obj = clone(obj)
        rt = type_of(obj)
        _decode_check(obj, rt, actor)
        return decode.guard(rt.kind, rt.version,
                            lambda: self._create(rt, obj, namespace, dry_run, actor))

    def _create(self, rt: ResourceType, obj: dict, namespace: str | None, dry_run: bool,
                actor: str) -> dict:
        strategy = REGISTRY.strategy(rt.kind)
        meta = obj.setdefault("metadata", {})
        if meta.get("resourceVersion"):
            raise BadRequest("resourceVersion should not be set on objects to be created")
        set_namespace(rt, meta, namespace)
        strategy.default(obj, self.cluster)
        admit_namespace(self.store, rt, meta.get("namespace", ""), admission_name(meta))
        admission.mutate(self.cluster, rt, obj, None)
        strategy.admit(obj, None, self.cluster)
        for f in SYSTEM_FIELDS:
            meta.pop(f, None)
        strategy.prepare_for_create(obj, self.cluster)
        self._generate_name(meta)
        name = meta.get("name") or ""
        errors = validate_object_meta(meta, namespaced=rt.namespaced,
                                      name_fn=strategy.validate_name)
        errors += strategy.validate(obj, self.cluster)
        if errors:
            raise Invalid(rt.qualified_kind, name, errors)
        admission.validate(self.cluster, rt, obj, None, dry_run)
        if self.store.get(rt.kind, meta.get("namespace", ""), name) is not None:
            raise AlreadyExists(rt.resource, name)
        strategy.allocate(obj, None, self.cluster, dry_run)
        meta["uid"] = self.cluster.rand.uuid()
        meta["creationTimestamp"] = format_time(self.cluster.clock.now)
        if strategy.uses_generation:
            meta["generation"] = 1
        obj = ordered(obj)
        if dry_run:
            return obj
        meta["resourceVersion"] = str(self.store.next_resource_version())
        self.store.put(obj)
        self._note(actor, obj, "created")
        return self._result(obj, actor)

    def _generate_name(self, meta: dict) -> None:
        """names.SimpleNameGenerator: base truncated to 58 chars + 5 random chars."""
        if not meta.get("name") and meta.get("generateName"):
            meta["name"] = meta["generateName"][:58] + self.cluster.rand.string(5)

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
        """PUT. `subresource`: None, "status", or one the kind serves ("binding" for pods,
        "finalize" for namespaces). An empty resourceVersion is an unconditional update."""
        if actor == USER:  # a learner's body; the controllers' are ours and bounded
            admission.check_body(self.cluster, obj)
        obj = _own_copy(obj, subresource)
        rt = type_of(obj)
        _decode_check(obj, rt, actor)
        strategy = REGISTRY.strategy(rt.kind)
        meta = obj.setdefault("metadata", {})
        set_namespace(rt, meta, namespace)
        name = meta.get("name") or ""
        old = self._existing(rt, name, meta.get("namespace", ""))
        return decode.guard(rt.kind, rt.version, lambda: self._update(
            rt, strategy, obj, old, subresource, dry_run, actor))

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
        if actor == USER:
            admission.check_body(self.cluster, patch)
        rt = self.resource_type(kind)
        strategy = REGISTRY.strategy(rt.kind)
        ns = self._ns(rt, namespace)
        old = self._existing(rt, name, ns)
        obj = decode.guard(rt.kind, rt.version,
                           lambda: apply_patch(clone(old), patch, patch_type, rt.kind))
        if not isinstance(obj, dict) or not isinstance(obj.get("metadata", {}), dict):
            raise BadRequest("patched object is not an object")
        if obj.get("kind") == old["kind"]:
            _decode_check(obj, rt, actor)
        meta = obj.setdefault("metadata", {})
        if not meta.get("resourceVersion"):
            # a patch without a resourceVersion applies to whatever is stored now
            meta["resourceVersion"] = old["metadata"]["resourceVersion"]
        if obj.get("kind") != old["kind"] or obj.get("apiVersion") != old["apiVersion"]:
            raise BadRequest("the kind or apiVersion of an object cannot be changed by a patch")
        if meta.get("name") != name:
            raise BadRequest(f'the name of the object ({meta.get("name")}) does not match the '
                             f"name on the URL ({name})")
        if rt.namespaced and meta.get("namespace", ns) != ns:
            raise BadRequest("the namespace of the provided object does not match the namespace "
                             "sent on the request")
        return decode.guard(rt.kind, rt.version, lambda: self._update(
            rt, strategy, obj, old, subresource, dry_run, actor))

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
        if subresource == "binding":
            rv = ""  # a Binding names its pod, not a version of it
        if rv and rv != old_meta["resourceVersion"]:
            raise Conflict(rt.resource, name)
        if not rv:
            if not strategy.allow_unconditional_update:
                raise Invalid(rt.qualified_kind, name, [invalid(
                    "metadata.resourceVersion", "", "must be specified for an update")])
            meta["resourceVersion"] = old_meta["resourceVersion"]
        if subresource is None:
            obj = self._prepare_main_update(rt, strategy, obj, old)
        else:
            self._prepare_subresource_update(rt, strategy, subresource, obj, old)
        obj = ordered(obj)
        meta = obj["metadata"]
        if same(obj, old):
            return self._result(old, actor)
        if dry_run:
            return obj
        if strategy.should_delete_during_update(obj, old):
            self._remove(rt, strategy, old, actor)
            return obj
        meta["resourceVersion"] = str(self.store.next_resource_version())
        self.store.put(obj)
        if subresource is None:
            self._note(actor, obj, "updated")
        return self._result(obj, actor)

    def _prepare_main_update(
        self, rt: ResourceType, strategy: Strategy, obj: dict, old: dict
    ) -> dict:
        meta, old_meta = obj["metadata"], old["metadata"]
        # BeforeUpdate: identity and deletion fields always come from the stored object
        for f in ("creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds"):
            copy_key(meta, old_meta, f)
        if not meta.get("uid"):
            meta["uid"] = old_meta["uid"]
        # PrepareForUpdate: generation is the server's (bumped below when the spec changed)
        copy_key(meta, old_meta, "generation")
        if rt.namespaced and not meta.get("namespace"):
            meta["namespace"] = old_meta.get("namespace", "")
        strategy.default(obj, self.cluster)
        strategy.admit(obj, old, self.cluster)
        strategy.prepare_for_update(obj, old, self.cluster)
        errors = validate_object_meta_update(meta, old_meta)
        errors += validate_object_meta(meta, namespaced=rt.namespaced,
                                       name_fn=strategy.validate_name)
        errors = dedupe(errors) + strategy.validate_update(obj, old, self.cluster)
        if errors:
            raise Invalid(rt.qualified_kind, old_meta["name"], errors)
        admission.validate(self.cluster, rt, obj, old, False)
        strategy.allocate(obj, old, self.cluster, False)
        if strategy.uses_generation and strategy.generation_changed(obj, old):
            meta["generation"] = int(old_meta.get("generation") or 0) + 1
        return obj

    def _prepare_subresource_update(
        self, rt: ResourceType, strategy: Strategy, subresource: str, obj: dict, old: dict
    ) -> None:
        """Status updates keep the sent metadata except identity fields (the controllers'
        UpdateStatus may carry annotations, e.g. a Deployment's revision); the kind's status
        strategy resets what it protects. Other subresources change only their part."""
        meta, old_meta = obj["metadata"], old["metadata"]
        if subresource != "status":
            rv = meta["resourceVersion"]
            obj["metadata"] = clone(old_meta)
            obj["metadata"]["resourceVersion"] = rv
            strategy.prepare_for_subresource_update(subresource, obj, old, self.cluster)
            return
        for f in ("name", "namespace", "uid", "creationTimestamp", "deletionTimestamp",
                  "deletionGracePeriodSeconds", "generation"):
            copy_key(meta, old_meta, f)
        strategy.prepare_for_status_update(obj, old, self.cluster)
        errors = validate_object_meta_update(obj["metadata"], old_meta)
        errors += strategy.validate_status_update(obj, old, self.cluster)
        if errors:
            raise Invalid(rt.qualified_kind, old_meta["name"], errors)

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
        """Returns the object: gone, or (graceful / finalizers) carrying deletionTimestamp.
        `propagation_policy`: Background (default), Foreground or Orphan."""
        rt = self.resource_type(kind)
        strategy = REGISTRY.strategy(rt.kind)
        old = self._existing(rt, name, self._ns(rt, namespace))
        if rt.kind == "Namespace" and name in IMMORTAL_NAMESPACES:
            # NamespaceLifecycle admission runs before the storage preconditions
            raise Forbidden("namespaces", name, "this namespace may not be deleted")
        deletion.check_preconditions(rt, old, preconditions)
        if rt.kind == "Namespace":
            return deletion.delete_namespace(self, rt, strategy, old, dry_run, actor)
        if propagation_policy not in (None, "Background", "Foreground", "Orphan"):
            raise BadRequest(f'unsupported propagationPolicy "{propagation_policy}"')
        if grace_period_seconds is not None and grace_period_seconds < 0:
            grace_period_seconds = 1
        return deletion.delete_object(self, rt, strategy, old, propagation_policy,
                                      grace_period_seconds, dry_run, actor)

    def _write(self, obj: dict, actor: str, verb: str) -> dict:
        obj["metadata"]["resourceVersion"] = str(self.store.next_resource_version())
        self.store.put(obj)
        self._note(actor, obj, verb)
        return self._result(obj, actor)

    @staticmethod
    def _result(stored: dict, actor: str) -> dict:
        """A learner's (or the REST API's) copy to keep; a controller's shared object."""
        return clone(stored) if actor == USER else shared(stored)

    def _remove(self, rt: ResourceType, strategy: Strategy, old: dict, actor: str) -> None:
        meta = old["metadata"]
        self.store.remove(rt.kind, meta.get("namespace", ""), meta["name"])
        strategy.release(old, self.cluster)
        if not meta.get("deletionTimestamp"):
            self._note(actor, old, "deleted")

    # ---- timeline ------------------------------------------------------------------------

    def _note(self, actor: str, obj: dict, verb: str) -> None:
        """A learner's own writes appear on the timeline too ("you created Deployment web")."""
        if actor != USER or REGISTRY.get(obj["kind"]).internal:
            return
        self.cluster.record(actor, obj, f"you {verb} {obj['kind']} {obj['metadata']['name']}")
