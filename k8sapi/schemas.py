"""Kubernetes v1.33 object schemas (the JSON schemas `kubernetes-validate` ships, generated
from the real OpenAPI document) as OpenAPI v3 documents per group-version
(/openapi/v3/...), which kubectl needs for `apply`/`create -f` field validation, strategic
merge patches and `explain`; and the strict decoder's unknown-field check
(fieldValidation=Strict|Warn)."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

import kubernetes_validate

from playground.sim.resources import ResourceType

SCHEMA_DIR = Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema" / "v1.33.0-local"
DEFS_PREFIX = "#/$defs/"
COMPONENTS = "#/components/schemas/"
META = "io.k8s.apimachinery.pkg.apis.meta.v1."


@cache
def raw_definitions() -> dict[str, dict]:
    return json.loads((SCHEMA_DIR / "_definitions.json").read_text())["$defs"]


@cache
def gvk_index() -> dict[tuple[str, str], str]:
    """(apiVersion, kind) -> definition name, from the kinds' apiVersion/kind enums."""
    out = {}
    for name, schema in raw_definitions().items():
        props = schema.get("properties") or {}
        kinds = (props.get("kind") or {}).get("enum") or []
        versions = (props.get("apiVersion") or {}).get("enum") or []
        if len(kinds) == 1 and len(versions) == 1:
            out[(versions[0], kinds[0])] = name
    return out


def definition_for(api_version: str, kind: str) -> str | None:
    return gvk_index().get((api_version, kind))


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


# ---- unknown fields (the strict decoder) ------------------------------------------------------


def unknown_fields(rt: ResourceType, body: dict, *, prune: bool = False) -> list[str]:
    """Paths of the fields the kind's schema does not declare; `prune` also drops them,
    as the real decoder does whatever the fieldValidation level."""
    name = definition_for(rt.api_version, rt.kind)
    if name is None:
        return []
    found: list[str] = []
    _walk(raw_definitions()[name], body, "", found, prune)
    return found


def _resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = raw_definitions().get(_ref_name(schema["$ref"]), {})
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return _resolve(schema["allOf"][0])
    return schema


def _walk(schema: dict, value: Any, path: str, found: list[str], prune: bool) -> None:
    schema = _resolve(schema)
    if isinstance(value, dict):
        props = schema.get("properties")
        if props is not None:
            for key, sub in list(value.items()):
                where = f"{path}.{key}" if path else key
                if key.startswith("$"):
                    continue  # strategic merge patch directives ($patch, $setElementOrder/...)
                if key not in props:
                    found.append(where)
                    if prune:
                        del value[key]
                else:
                    _walk(props[key], sub, where, found, prune)
        elif isinstance(schema.get("additionalProperties"), dict):
            for key, sub in value.items():
                _walk(schema["additionalProperties"], sub, f"{path}.{key}", found, prune)
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for i, item in enumerate(value):
            _walk(schema["items"], item, f"{path}[{i}]", found, prune)


# ---- OpenAPI v3 ---------------------------------------------------------------------------


def _convert(node: Any) -> Any:
    """JSON-schema spellings to the OpenAPI v3 ones the real server serves."""
    if isinstance(node, list):
        return [_convert(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {k: _convert(v) for k, v in node.items()}
    if "$ref" in out:
        ref = COMPONENTS + _ref_name(out.pop("$ref"))
        if out:
            return {"allOf": [{"$ref": ref}], **out}
        return {"$ref": ref}
    kind = out.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        if len(kinds) == 1:
            out["type"] = kinds[0]
        else:
            out.pop("type")
    return out


def _closure(roots: list[str]) -> list[str]:
    defs, seen, todo = raw_definitions(), set(), list(roots)
    while todo:
        name = todo.pop()
        if name in seen or name not in defs:
            continue
        seen.add(name)
        todo += [_ref_name(r) for r in _refs(defs[name])]
    return sorted(seen)


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        for v in node.values():
            found += _refs(v)
        return found
    if isinstance(node, list):
        return [r for x in node for r in _refs(x)]
    return []


def _gvk(rt_or_gv: str, kind: str) -> dict:
    group, _, version = rt_or_gv.rpartition("/")
    return {"group": group, "version": version, "kind": kind}


def _component(name: str, gvks: dict[str, dict]) -> dict:
    schema = _convert(raw_definitions()[name])
    props = schema.get("properties") or {}
    for field in ("apiVersion", "kind"):
        if isinstance(props.get(field), dict):
            props[field].pop("enum", None)
    if name in gvks:
        schema["x-kubernetes-group-version-kind"] = [gvks[name]]
    return schema


PARAM = {"in": "query", "schema": {"type": "string", "uniqueItems": True}}
PATCH_BODY = [
    "application/apply-patch+yaml",
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
]


def _operation(rt: ResourceType, action: str, response: str, params: list[str]) -> dict:
    op: dict = {
        "operationId": f"{action}{rt.kind}",
        "parameters": [{"name": p, **PARAM} for p in params],
        "responses": {
            "200": {
                "description": "OK",
                "content": {"application/json": {"schema": {"$ref": COMPONENTS + response}}},
            }
        },
        "x-kubernetes-action": action,
        "x-kubernetes-group-version-kind": _gvk(rt.api_version, rt.kind),
    }
    if action == "patch":
        op["requestBody"] = {
            "content": {t: {"schema": {"$ref": COMPONENTS + META + "Patch"}} for t in PATCH_BODY}
        }
    elif action in ("post", "put"):
        op["requestBody"] = {"content": {"*/*": {"schema": {"$ref": COMPONENTS + response}}}}
    return op


def _paths(rt: ResourceType, kind_def: str) -> dict:
    base = "/api/v1" if not rt.group else f"/apis/{rt.api_version}"
    scope = f"{base}/namespaces/{{namespace}}/" if rt.namespaced else f"{base}/"
    collection, item = scope + rt.plural, scope + rt.plural + "/{name}"
    write = ["dryRun", "fieldManager", "fieldValidation", "pretty"]
    list_def = definition_for(rt.api_version, rt.kind + "List") or kind_def
    return {
        collection: {
            "get": _operation(
                rt, "list", list_def, ["labelSelector", "fieldSelector", "resourceVersion", "watch"]
            ),
            "post": _operation(rt, "post", kind_def, write),
        },
        item: {
            "get": _operation(rt, "get", kind_def, ["pretty"]),
            "put": _operation(rt, "put", kind_def, write),
            "patch": _operation(rt, "patch", kind_def, [*write, "force"]),
            "delete": _operation(
                rt, "delete", META + "Status", ["dryRun", "gracePeriodSeconds", "propagationPolicy"]
            ),
        },
    }


@cache
def group_version_document(group_version: str, kinds: tuple[ResourceType, ...]) -> bytes:
    gvks, paths, roots = (
        {},
        {},
        [META + "Status", META + "DeleteOptions", META + "Patch", META + "APIResourceList"],
    )
    for rt in kinds:
        name = definition_for(rt.api_version, rt.kind)
        if name is None:
            continue
        gvks[name] = _gvk(rt.api_version, rt.kind)
        roots.append(name)
        list_name = definition_for(rt.api_version, rt.kind + "List")
        if list_name:
            gvks[list_name] = _gvk(rt.api_version, rt.kind + "List")
            roots.append(list_name)
        paths.update(_paths(rt, name))
    for extra in ("Scale",) if any("scale" in rt.subresources for rt in kinds) else ():
        name = definition_for("autoscaling/v1", extra)
        if name:
            gvks[name] = _gvk("autoscaling/v1", extra)
            roots.append(name)
    doc = {
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": "v1.33.0"},
        "paths": paths,
        "components": {"schemas": {n: _component(n, gvks) for n in _closure(roots)}},
    }
    return json.dumps(doc, separators=(",", ":")).encode()


def document_hash(data: bytes) -> str:
    return hashlib.sha512(data).hexdigest()[:128].upper()
