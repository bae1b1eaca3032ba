"""PATCH bodies: JSON merge patch (RFC 7386), JSON patch (RFC 6902) and strategic merge.

Strategic merge patch follows k8s.io/apimachinery/pkg/util/strategicpatch: lists
with a merge key (containers by `name`, ports by `containerPort`, ...) merge by
that key instead of being replaced.
"""

from __future__ import annotations

from typing import Any

from .errors import BadRequest, Invalid, invalid
from .objects import clone

# patchMergeKey of the list fields this simulation knows (from the Go struct tags).
MERGE_KEYS: dict[str, str] = {
    "containers": "name",
    "initContainers": "name",
    "ephemeralContainers": "name",
    "env": "name",
    "volumeMounts": "mountPath",
    "volumes": "name",
    "ports": "containerPort",
    "imagePullSecrets": "name",
    "tolerations": "key",
    "conditions": "type",
    "ownerReferences": "uid",
    "hostAliases": "ip",
    "volumeClaimTemplates": "name",
    "addresses": "type",
    "topologySpreadConstraints": "topologyKey",
}


def apply_patch(obj: dict, patch: Any, patch_type: str, kind: str) -> Any:
    if patch_type == "merge":
        if not isinstance(patch, dict):
            raise BadRequest("json: cannot unmarshal into Go value of type map[string]interface {}")
        return merge_patch(obj, patch)
    if patch_type == "json":
        return json_patch(obj, patch)
    if patch_type == "strategic":
        if not isinstance(patch, dict):
            raise BadRequest("json: cannot unmarshal into Go value of type map[string]interface {}")
        return strategic_merge(obj, patch, kind)
    raise BadRequest(f"unsupported patch type: {patch_type}")


def merge_patch(target: Any, patch: Any) -> Any:
    if not isinstance(patch, dict):
        return clone(patch)
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def strategic_merge(target: Any, patch: Any, kind: str = "", field: str = "") -> Any:
    if isinstance(patch, dict) and isinstance(target, dict):
        result = dict(target)
        for key, value in patch.items():
            if key.startswith("$"):
                continue
            if value is None:
                result.pop(key, None)
            else:
                result[key] = strategic_merge(result.get(key), value, kind, key)
        return result
    if isinstance(patch, list) and isinstance(target, list) and field in MERGE_KEYS:
        return _merge_list(target, patch, MERGE_KEYS[field], kind)
    return clone(patch)


def _merge_list(target: list, patch: list, key: str, kind: str) -> list:
    if not all(isinstance(x, dict) for x in target + patch):
        return clone(patch)
    result = [dict(x) for x in target]
    for item in patch:
        if item.get("$patch") == "delete":
            result = [x for x in result if x.get(key) != item.get(key)]
            continue
        for i, existing in enumerate(result):
            if key in item and existing.get(key) == item.get(key):
                result[i] = strategic_merge(existing, item, kind)
                break
        else:
            result.append(clone({k: v for k, v in item.items() if k != "$patch"}))
    return result


def json_patch(doc: Any, ops: Any) -> Any:
    if not isinstance(ops, list):
        raise BadRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch")
    doc = clone(doc)
    for op in ops:
        if not isinstance(op, dict) or "op" not in op or "path" not in op:
            raise BadRequest("the server rejected our request due to an error in our request")
        doc = _json_op(doc, op)
    return doc


def _pointer(path: str) -> list[str]:
    if path == "":
        return []
    if not path.startswith("/"):
        raise BadRequest(f'invalid JSON pointer "{path}"')
    return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]


def _json_op(doc: Any, op: dict) -> Any:
    kind, parts = op["op"], _pointer(op["path"])
    if kind == "test":
        if _resolve(doc, parts) != op.get("value"):
            raise Invalid("", "", [invalid(op["path"], op.get("value"), "testing value failed")])
        return doc
    if kind in ("move", "copy"):
        src = _pointer(op.get("from", ""))
        value = clone(_resolve(doc, src))
        if kind == "move":
            doc = _remove(doc, src)
        return _add(doc, parts, value)
    if kind == "remove":
        return _remove(doc, parts)
    if kind == "add":
        return _add(doc, parts, clone(op.get("value")))
    if kind == "replace":
        _resolve(doc, parts)
        return _add(_remove(doc, parts), parts, clone(op.get("value")), replace=True)
    raise BadRequest(f"Unexpected kind: {kind}")


def _resolve(doc: Any, parts: list[str]) -> Any:
    cur = doc
    for p in parts:
        if isinstance(cur, dict) and p in cur:
            cur = cur[p]
        elif isinstance(cur, list) and p.isdigit() and int(p) < len(cur):
            cur = cur[int(p)]
        else:
            raise BadRequest(f"doc is missing path: \"/{'/'.join(parts)}\": missing value")
    return cur


def _add(doc: Any, parts: list[str], value: Any, replace: bool = False) -> Any:
    if not parts:
        return value
    parent = _resolve(doc, parts[:-1])
    last = parts[-1]
    if isinstance(parent, dict):
        parent[last] = value
    elif isinstance(parent, list):
        idx = len(parent) if last == "-" else int(last) if last.isdigit() else -1
        if idx < 0 or idx > len(parent):
            raise BadRequest(f"add operation does not apply: index {last} out of bounds")
        parent.insert(idx, value)
    else:
        raise BadRequest(f"doc is missing path: \"/{'/'.join(parts)}\"")
    return doc


def _remove(doc: Any, parts: list[str]) -> Any:
    parent = _resolve(doc, parts[:-1])
    last = parts[-1]
    if isinstance(parent, dict) and last in parent:
        del parent[last]
    elif isinstance(parent, list) and last.isdigit() and int(last) < len(parent):
        del parent[int(last)]
    else:
        raise BadRequest(f"doc is missing path: \"/{'/'.join(parts)}\": missing value")
    return doc
