"""The REST verbs on one sandbox: get, list, create, update, patch, delete and the
`status` / `scale` subresources, each through `playground.sandboxes.opened` (lock,
catch up, act through the simulation's ApiServer, save, push), so kubectl's changes
appear live on the page. Models k8s.io/apiserver/pkg/endpoints/handlers
(get.go, create.go, update.go, patch.go, delete.go) over the simulated ApiServer."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import yaml

from k8sapi import schemas, tables
from playground.sandboxes import opened
from playground.sim.errors import BadRequest, MethodNotAllowed, NotFound
from playground.sim.resources import REGISTRY, ResourceType

PATCH_TYPES = {
    "application/json-patch+json": "json",
    "application/merge-patch+json": "merge",
    "application/strategic-merge-patch+json": "strategic",
    "application/apply-patch+yaml": "apply",
}


@dataclass
class Call:
    """One parsed request on a resource path."""

    rt: ResourceType
    method: str
    namespace: str | None
    name: str | None
    subresource: str | None
    query: dict[str, str]
    accept: str = ""
    content_type: str = ""
    body: Any = None
    warnings: list[str] = field(default_factory=list)
    raw_query: str = ""

    @property
    def dry_run(self) -> bool:
        return self.query.get("dryRun") == "All"


def truthy(value: str | None) -> bool:
    """strconv.ParseBool's true spellings (the Python client sends `True`)."""
    return value in ("1", "t", "T", "true", "TRUE", "True")


class Answer:
    def __init__(self, body: Any, status: int = 200, content_type: str = "application/json"):
        self.body, self.status, self.content_type = body, status, content_type
        self.warnings: list[str] = []


def handle(sandbox_id: int, call: Call) -> Answer:
    with opened(sandbox_id, seen=True) as loaded:
        # an ApiError leaves the block: the transaction rolls back, nothing is saved
        answer = _dispatch(loaded.cluster, call)
        warning = getattr(REGISTRY.strategy(call.rt.kind), "read_warning", None)
        if warning:  # deprecated kinds (v1 Endpoints) warn on every request
            call.warnings.append(warning.removeprefix("Warning: "))
        answer.warnings = call.warnings
        return answer


def _dispatch(cluster, call: Call) -> Answer:
    m = call.method
    if call.subresource == "scale":
        from k8sapi.subresources import scale

        return scale(cluster, call)
    if call.name is None:
        if m == "GET":
            return _list(cluster, call)
        if m == "POST":
            return _create(cluster, call)
        if m == "DELETE":
            return _delete_collection(cluster, call)
    else:
        if m == "GET" and call.subresource in (None, "status"):
            return _get(cluster, call)
        if m == "PUT":
            return _update(cluster, call)
        if m == "PATCH":
            return _patch(cluster, call)
        if m == "DELETE" and call.subresource is None:
            return _delete(cluster, call)
        if m == "POST" and call.subresource == "eviction" and call.rt.kind == "Pod":
            from k8sapi.subresources import evict

            return evict(cluster, call)
    raise MethodNotAllowed("the server does not allow this method on the requested resource")


def _object_answer(cluster, call: Call, obj: dict, status: int = 200) -> Answer:
    if tables.wants_table(call.accept):
        rv = obj.get("metadata", {}).get("resourceVersion", "")
        return Answer(
            tables.table(
                call.rt.kind,
                [obj],
                now=cluster.clock.now,
                include=call.query.get("includeObject", "Metadata"),
                resource_version=rv,
            ),
            status,
        )
    return Answer(obj, status)


def _get(cluster, call: Call) -> Answer:
    obj = cluster.api.get(call.rt.kind, call.name, call.namespace)
    return _object_answer(cluster, call, obj)


def list_objects(cluster, call: Call) -> list[dict]:
    return cluster.api.list(
        call.rt.kind,
        call.namespace,
        label_selector=call.query.get("labelSelector") or None,
        field_selector=_field_selector(call),
    )


def _field_selector(call: Call) -> str | None:
    sel = call.query.get("fieldSelector") or ""
    # metadata.name / metadata.namespace selectors are always supported by the real server
    return sel or None


def _list(cluster, call: Call) -> Answer:
    items = list_objects(cluster, call)
    rv = str(cluster.store.meta.get("resourceVersion", 0))
    if tables.wants_table(call.accept):
        return Answer(
            tables.table(
                call.rt.kind,
                items,
                now=cluster.clock.now,
                include=call.query.get("includeObject", "Metadata"),
                resource_version=rv,
            )
        )
    return Answer(
        {
            "kind": f"{call.rt.kind}List",
            "apiVersion": call.rt.api_version,
            "metadata": {"resourceVersion": rv},
            "items": items,
        }
    )


def _body_object(call: Call) -> dict:
    body = call.body
    if not isinstance(body, dict):
        raise BadRequest(
            "the body of the request was in an unknown format - accepted media "
            "types include: application/json, application/yaml, "
            "application/vnd.kubernetes.protobuf"
        )
    kind = body.get("kind")
    if kind and kind != call.rt.kind and call.subresource is None:
        raise BadRequest(
            f"the API version in the data ({body.get('apiVersion')}) does not "
            f"match the expected API version ({call.rt.api_version})"
            if body.get("apiVersion") != call.rt.api_version
            else f'{kind} in version "{call.rt.version}" cannot be handled as a '
            f'{call.rt.kind}: no kind "{kind}" is registered'
        )
    body.setdefault("kind", call.rt.kind)
    body.setdefault("apiVersion", call.rt.api_version)
    _check_fields(call, body)
    return body


def _check_fields(call: Call, body: dict, *, patch: bool = False) -> None:
    """Unknown fields are dropped, as the real decoder does; fieldValidation says whether
    that is silent (Ignore), a warning (Warn, the server's default) or a 400 (Strict)."""
    mode = call.query.get("fieldValidation") or "Warn"
    unknown = schemas.unknown_fields(call.rt, body, prune=mode != "Strict")
    if not unknown or mode == "Ignore":
        return
    if mode != "Strict":
        call.warnings += [f'unknown field "{f}"' for f in unknown]
        return
    fields = ", ".join(f'unknown field "{f}"' for f in unknown)
    if patch:  # the patch handler reports the decoder's errors alone (patch.go)
        raise BadRequest(f"strict decoding error: {fields}")
    raise BadRequest(
        f'{call.rt.kind} in version "{call.rt.version}" cannot be handled as a '
        f"{call.rt.kind}: strict decoding error: {fields}"
    )


def _create(cluster, call: Call) -> Answer:
    obj = _body_object(call)
    if call.namespace and call.rt.namespaced:
        ns = obj.setdefault("metadata", {}).get("namespace")
        if ns and ns != call.namespace:
            raise BadRequest(
                "the namespace of the provided object does not match the "
                "namespace sent on the request"
            )
    created = cluster.api.create(obj, namespace=call.namespace, dry_run=call.dry_run)
    return _object_answer(cluster, call, created, 201)


def _update(cluster, call: Call) -> Answer:
    obj = _body_object(call)
    meta = obj.setdefault("metadata", {})
    if meta.get("name") and meta["name"] != call.name:
        raise BadRequest(
            f"the name of the object ({meta['name']}) does not match the name on "
            f"the URL ({call.name})"
        )
    meta.setdefault("name", call.name)
    updated = cluster.api.update(
        obj, namespace=call.namespace, subresource=call.subresource, dry_run=call.dry_run
    )
    return _object_answer(cluster, call, updated)


def patch_type(call: Call) -> str:
    ctype = call.content_type.split(";")[0].strip()
    if ctype not in PATCH_TYPES:
        from k8sapi.errors import PATCH_MEDIA_TYPES, UnsupportedMediaType

        raise UnsupportedMediaType(PATCH_MEDIA_TYPES, ctype)
    return PATCH_TYPES[ctype]


def _patch(cluster, call: Call) -> Answer:
    ptype = patch_type(call)
    if ptype == "apply":
        return _apply(cluster, call)
    if call.body is None:
        raise BadRequest("the body of the request was in an unknown format")
    if isinstance(call.body, dict) and call.subresource is None:
        _check_fields(call, call.body, patch=True)
    patched = cluster.api.patch(
        call.rt.kind,
        call.name,
        call.body,
        namespace=call.namespace,
        patch_type=ptype,
        subresource=call.subresource,
        dry_run=call.dry_run,
    )
    return _object_answer(cluster, call, patched)


def _apply(cluster, call: Call) -> Answer:
    """Server-side apply as create-or-merge: the applied configuration is created when the
    object does not exist, else strategic-merged into it (no field ownership tracking)."""
    body = call.body
    if not isinstance(body, dict):
        raise BadRequest("error decoding YAML: the applied configuration is not an object")
    body.setdefault("metadata", {}).setdefault("name", call.name)
    if not call.query.get("fieldManager"):
        raise BadRequest("PATCH, application/apply-patch+yaml requires fieldManager to be set")
    try:
        cluster.api.get(call.rt.kind, call.name, call.namespace)
    except NotFound:
        call.body = body
        return _create(cluster, call)
    _check_fields(call, body, patch=True)
    body["metadata"].pop("resourceVersion", None)
    patched = cluster.api.patch(
        call.rt.kind,
        call.name,
        body,
        namespace=call.namespace,
        patch_type="strategic",
        subresource=call.subresource,
        dry_run=call.dry_run,
    )
    return _object_answer(cluster, call, patched)


def delete_options(call: Call) -> dict:
    opts = dict(call.body) if isinstance(call.body, dict) else {}
    q = call.query
    if "gracePeriodSeconds" in q:
        opts["gracePeriodSeconds"] = int(q["gracePeriodSeconds"])
    if "propagationPolicy" in q:
        opts["propagationPolicy"] = q["propagationPolicy"]
    if "orphanDependents" in q and "propagationPolicy" not in opts:
        opts["propagationPolicy"] = "Orphan" if truthy(q["orphanDependents"]) else "Background"
    if opts.get("orphanDependents") is not None and not opts.get("propagationPolicy"):
        opts["propagationPolicy"] = "Orphan" if opts["orphanDependents"] else "Background"
    if q.get("dryRun") == "All" or "All" in (opts.get("dryRun") or []):
        call.query["dryRun"] = "All"
    return opts


def _delete(cluster, call: Call) -> Answer:
    opts = delete_options(call)
    obj = cluster.api.delete(
        call.rt.kind,
        call.name,
        namespace=call.namespace,
        propagation_policy=opts.get("propagationPolicy"),
        grace_period_seconds=opts.get("gracePeriodSeconds"),
        preconditions=opts.get("preconditions"),
        dry_run=call.dry_run,
    )
    return Answer(obj)


def _delete_collection(cluster, call: Call) -> Answer:
    opts = delete_options(call)
    items = list_objects(cluster, call)
    deleted = []
    for item in items:
        meta = item["metadata"]
        try:
            deleted.append(
                cluster.api.delete(
                    call.rt.kind,
                    meta["name"],
                    namespace=meta.get("namespace"),
                    propagation_policy=opts.get("propagationPolicy"),
                    grace_period_seconds=opts.get("gracePeriodSeconds"),
                    dry_run=call.dry_run,
                )
            )
        except NotFound:
            continue
    rv = str(cluster.store.meta.get("resourceVersion", 0))
    return Answer(
        {
            "kind": f"{call.rt.kind}List",
            "apiVersion": call.rt.api_version,
            "metadata": {"resourceVersion": rv},
            "items": deleted,
        }
    )


def parse_body(raw: bytes, content_type: str) -> Any:
    if not raw:
        return None
    ctype = content_type.split(";")[0].strip()
    if ctype == "application/vnd.kubernetes.protobuf":
        from k8sapi import protobuf

        return protobuf.decode(raw)
    text = raw.decode("utf-8", errors="replace")
    try:
        if ctype.endswith("yaml"):
            return yaml.safe_load(text)
        return json.loads(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise BadRequest(f"error decoding request body: {exc}") from None
