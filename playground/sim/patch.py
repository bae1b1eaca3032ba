"""PATCH bodies: JSON merge patch (RFC 7386), JSON patch (RFC 6902) and strategic merge.

Strategic merge patch follows k8s.io/apimachinery/pkg/util/strategicpatch (patch.go) with
the `patchStrategy`/`patchMergeKey` struct tags of the core and apps types: lists with a
merge key (containers by `name`, container ports by `containerPort`, Service ports by
`port`, conditions by `type`...) merge item by item, `finalizers` merge as a set, other
lists are replaced. Directives: `$patch: replace|delete|merge` (maps and list items),
`$retainKeys`, `$deleteFromPrimitiveList/<field>`, `$setElementOrder/<field>`.
JSON patch failures are 422s with the generic message the API server returns
(patch.go applyJSPatch -> NewGenericServerResponse); kubectl prints "The request is
invalid: the server rejected our request due to an error in our request".
"""

from __future__ import annotations

from typing import Any

from .errors import ApiError, BadRequest
from .objects import clone

POD_SPEC_LISTS = {"containers": "name", "initContainers": "name", "ephemeralContainers": "name",
                  "imagePullSecrets": "name", "volumes": "name", "hostAliases": "ip",
                  "topologySpreadConstraints": "topologyKey", "schedulingGates": "name",
                  "resourceClaims": "name"}
CONTAINER_LISTS = {"ports": "containerPort", "env": "name", "volumeMounts": "mountPath",
                   "volumeDevices": "devicePath", "resizePolicy": "resourceName"}
STATUS_LISTS = {"conditions": "type", "podIPs": "ip", "hostIPs": "ip", "addresses": "type"}
SET_LISTS = ("finalizers", "podCIDRs")  # patchStrategy:"merge" on a list of strings
_CONTAINER_FIELDS = ("containers", "initContainers", "ephemeralContainers")


class UnprocessableEntity(ApiError):
    """A patch that cannot be applied: NewGenericServerResponse(422) keeps only the generic
    message (the json-patch text stays in `.cause`, for the timeline and tests)."""

    code = 422
    reason = "Invalid"

    def __init__(self, cause: str):
        super().__init__("the server rejected our request due to an error in our request")
        self.cause = cause

    def kubectl_message(self) -> str:
        return f"The request is invalid: {self.message}"


def apply_patch(obj: dict, patch: Any, patch_type: str, kind: str) -> Any:
    if patch_type == "merge":
        if not isinstance(patch, dict):
            raise BadRequest("json: cannot unmarshal array into Go value of type "
                             "map[string]interface {}")
        return merge_patch(obj, patch)
    if patch_type == "json":
        return json_patch(obj, patch)
    if patch_type == "strategic":
        if not isinstance(patch, dict):
            raise BadRequest("json: cannot unmarshal array into Go value of type "
                             "map[string]interface {}")
        return strategic_merge(obj, patch, kind)
    raise BadRequest(f"unsupported patch type: {patch_type}")


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386: maps merge, null deletes, everything else (lists too) replaces."""
    if not isinstance(patch, dict):
        return clone(patch)
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


# ---- strategic merge ---------------------------------------------------------------------------


def list_strategy(kind: str, path: tuple[str, ...]) -> str | None:
    """The merge key of the list at `path` (field names, indices dropped); "" for a set-merged
    primitive list; None when the list is replaced."""
    field = path[-1]
    parent = path[:-1]
    if field in SET_LISTS:
        return ""
    if field == "ownerReferences" and parent[-1:] == ("metadata",):
        return "uid"
    if parent and parent[-1] in _CONTAINER_FIELDS and field in CONTAINER_LISTS:
        return CONTAINER_LISTS[field]
    if field in POD_SPEC_LISTS and parent[-1:] == ("spec",) and kind != "Service":
        return POD_SPEC_LISTS[field]
    if kind == "Service" and path == ("spec", "ports"):
        return "port"
    if parent[:1] == ("status",) and field in STATUS_LISTS:
        return STATUS_LISTS[field]
    return None


def strategic_merge(target: Any, patch: Any, kind: str = "",
                    path: tuple[str, ...] = ()) -> Any:
    if not isinstance(patch, dict):
        return clone(patch)
    directive = patch.get("$patch")
    if directive == "replace":
        return {k: clone(v) for k, v in patch.items() if k != "$patch"}
    if directive == "delete":
        return None
    if directive not in (None, "merge"):
        raise BadRequest(f"Unknown patch type: {directive}")
    result = dict(target) if isinstance(target, dict) else {}
    orders: dict[str, list] = {}
    for key, value in patch.items():
        if key.startswith("$deleteFromPrimitiveList/"):
            name = key.split("/", 1)[1]
            result[name] = [v for v in result.get(name) or [] if v not in (value or [])]
        elif key.startswith("$setElementOrder/"):
            orders[key.split("/", 1)[1]] = value or []
        elif key.startswith("$"):
            continue
        elif value is None:
            result.pop(key, None)
        else:
            merged = _merge_value(result.get(key), value, kind, (*path, key))
            if merged is None:
                result.pop(key, None)
            else:
                result[key] = merged
    for name, order in orders.items():
        if isinstance(result.get(name), list):
            result[name] = _set_order(result[name], order, list_strategy(kind, (*path, name)))
    if "$retainKeys" in patch:
        keep = set(patch["$retainKeys"] or [])
        result = {k: v for k, v in result.items() if k in keep}
    return result


def _merge_value(target: Any, value: Any, kind: str, path: tuple[str, ...]) -> Any:
    if isinstance(value, dict):
        return strategic_merge(target, value, kind, path)
    if isinstance(value, list):
        strategy = list_strategy(kind, path)
        if strategy == "":
            base = target if isinstance(target, list) else []
            return base + [v for v in value if v not in base]
        if strategy is not None:
            return _merge_list(target if isinstance(target, list) else [], value, strategy,
                               kind, path)
    return clone(value)


def _merge_list(target: list, patch: list, key: str, kind: str,
                path: tuple[str, ...]) -> list:
    if any(isinstance(x, dict) and x.get("$patch") == "replace" for x in patch):
        return [clone(x) for x in patch if not (isinstance(x, dict) and "$patch" in x)]
    result = [x for x in target]
    for item in patch:
        if not isinstance(item, dict):
            raise BadRequest(f"unable to find api field in struct for the list item {item!r}")
        if key not in item:
            raise BadRequest(f"map: {_go_map(item)} does not contain declared merge key: {key}")
        index = next((i for i, x in enumerate(result)
                      if isinstance(x, dict) and x.get(key) == item[key]), None)
        if item.get("$patch") == "delete":
            result = [x for x in result if not (isinstance(x, dict) and x.get(key) == item[key])]
        elif index is None:
            result.append(strategic_merge({}, item, kind, path))
        else:
            result[index] = strategic_merge(result[index], item, kind, path)
    return result


def _set_order(items: list, order: list, key: str | None) -> list:
    """$setElementOrder: listed items first, in that order; the rest keep their order."""
    def ident(x: Any) -> Any:
        return x.get(key) if key and isinstance(x, dict) else x

    wanted = [o.get(key) if key and isinstance(o, dict) else o for o in order]
    first = [x for w in wanted for x in items if ident(x) == w]
    return first + [x for x in items if ident(x) not in wanted]


def _go_map(item: dict) -> str:
    return "map[" + " ".join(f"{k}:{v}" for k, v in sorted(item.items())) + "]"


# ---- JSON patch --------------------------------------------------------------------------------


def json_patch(doc: Any, ops: Any) -> Any:
    if not isinstance(ops, list):
        raise BadRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch")
    doc = clone(doc)
    for op in ops:
        if not isinstance(op, dict) or "op" not in op:
            raise UnprocessableEntity("Unexpected kind: unknown")
        if "path" not in op:
            raise UnprocessableEntity(f"{op['op']} operation does not apply: doc is missing "
                                      "path: \"\": missing value")
        doc = _json_op(doc, op)
    return doc


def _pointer(path: str) -> list[str]:
    if path == "":
        return []
    if not path.startswith("/"):
        raise UnprocessableEntity(f'add operation does not apply: doc is missing path: "{path}"')
    return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]


def _json_op(doc: Any, op: dict) -> Any:
    kind, path = op["op"], op["path"]
    parts = _pointer(path)
    if kind == "test":
        if _resolve(doc, parts, kind, path) != op.get("value"):
            raise UnprocessableEntity(f"testing value {path} failed: test failed")
        return doc
    if kind in ("move", "copy"):
        src_path = op.get("from", "")
        value = clone(_resolve(doc, _pointer(src_path), kind, src_path))
        if kind == "move":
            doc = _remove(doc, _pointer(src_path), kind, src_path)
        return _add(doc, parts, value, kind, path)
    if kind == "remove":
        return _remove(doc, parts, kind, path)
    if kind == "add":
        return _add(doc, parts, clone(op.get("value")), kind, path)
    if kind == "replace":
        _resolve(doc, parts, kind, path)
        return _add(_remove(doc, parts, kind, path), parts, clone(op.get("value")), kind, path)
    raise UnprocessableEntity(f"Unexpected kind: {kind}")


def _missing(kind: str, path: str) -> UnprocessableEntity:
    return UnprocessableEntity(f'{kind} operation does not apply: doc is missing path: "{path}": '
                               "missing value")


def _resolve(doc: Any, parts: list[str], kind: str, path: str) -> Any:
    cur = doc
    for p in parts:
        if isinstance(cur, dict) and p in cur:
            cur = cur[p]
        elif isinstance(cur, list) and p.isdigit() and int(p) < len(cur):
            cur = cur[int(p)]
        else:
            raise _missing(kind, path)
    return cur


def _add(doc: Any, parts: list[str], value: Any, kind: str, path: str) -> Any:
    if not parts:
        return value
    parent = _resolve(doc, parts[:-1], kind, path)
    last = parts[-1]
    if isinstance(parent, dict):
        parent[last] = value
    elif isinstance(parent, list):
        idx = len(parent) if last == "-" else int(last) if last.isdigit() else -1
        if idx < 0 or idx > len(parent):
            raise UnprocessableEntity(f"{kind} operation does not apply: index out of bounds: "
                                      f"{last}")
        parent.insert(idx, value)
    else:
        raise _missing(kind, path)
    return doc


def _remove(doc: Any, parts: list[str], kind: str, path: str) -> Any:
    if not parts:
        raise _missing(kind, path)
    parent = _resolve(doc, parts[:-1], kind, path)
    last = parts[-1]
    if isinstance(parent, dict) and last in parent:
        del parent[last]
    elif isinstance(parent, list) and last.isdigit() and int(last) < len(parent):
        del parent[int(last)]
    else:
        raise _missing(kind, path)
    return doc
