"""Client-side apply's three-way merge (`kubectl apply` without --server-side).

Models k8s.io/apimachinery/pkg/util/strategicpatch CreateThreeWayMergePatch as kubectl
apply uses it (staging/src/k8s.io/kubectl/pkg/cmd/apply/patcher.go): `original` is the
last-applied-configuration, `modified` the new manifest, `current` the live object.
Fields set in `modified` that differ from `current` are patched; fields that were in
`original` but are gone from `modified` are deleted; fields only the server or a
controller set are left alone. Lists of containers, env, ports, volumes... merge by
their key (name, containerPort, port, mountPath); other lists are replaced whole.
Simplified: no `$setElementOrder` / `$retainKeys` directives (element order is kept
from the live object, new elements are appended).
"""

from __future__ import annotations

from typing import Any

from ..objects import clone

DELETE = "$patch"


def merge_key(field: str, items: list[Any]) -> str | None:
    """The strategic-merge key of a list field, judged by its field name and elements."""
    sample = next((i for i in items if isinstance(i, dict)), None)
    if sample is None:
        return None
    if field == "ports":
        return "containerPort" if "containerPort" in sample else "port"
    return {
        "containers": "name", "initContainers": "name", "ephemeralContainers": "name",
        "env": "name", "volumes": "name", "volumeMounts": "mountPath",
        "imagePullSecrets": "name", "hostAliases": "ip",
    }.get(field)


def three_way(original: Any, modified: Any, current: Any) -> dict:
    """The patch that takes `current` to `modified`, deleting what `original` had."""
    original = original if isinstance(original, dict) else {}
    current = current if isinstance(current, dict) else {}
    patch: dict = {}
    for key, mv in modified.items():
        cv = current.get(key)
        if isinstance(mv, dict) and isinstance(cv, dict):
            sub = three_way(original.get(key), mv, cv)
            if sub:
                patch[key] = sub
        elif isinstance(mv, list) and isinstance(cv, list) and merge_key(key, mv + cv):
            sub_list = _list_patch(key, original.get(key), mv, cv)
            if sub_list:
                patch[key] = sub_list
        elif mv != cv:
            patch[key] = clone(mv)
    for key in original:
        if key not in modified and key in current:
            patch[key] = None
    return patch


def _list_patch(field: str, original: Any, modified: list, current: list) -> list:
    key = merge_key(field, modified + current)
    original = original if isinstance(original, list) else []
    cur = {i.get(key): i for i in current if isinstance(i, dict)}
    orig = {i.get(key): i for i in original if isinstance(i, dict)}
    wanted = {i.get(key) for i in modified if isinstance(i, dict)}
    out = []
    for item in modified:
        if not isinstance(item, dict):
            continue
        k = item.get(key)
        if k not in cur:
            out.append(clone(item))
            continue
        sub = three_way(orig.get(k), item, cur[k])
        if sub:
            out.append({key: k, **sub})
    for k in orig:
        if k not in wanted and k in cur:
            out.append({key: k, DELETE: "delete"})
    return out


def apply_patch(current: Any, patch: Any, field: str = "") -> Any:
    """Strategic merge of `patch` into `current` (a new object; inputs untouched)."""
    if isinstance(patch, dict) and isinstance(current, dict):
        result = clone(current)
        for key, value in patch.items():
            if value is None:
                result.pop(key, None)
            else:
                result[key] = apply_patch(result.get(key), value, key)
        return result
    if isinstance(patch, list) and isinstance(current, list):
        key = merge_key(field, patch + current)
        if key:
            return _merge_list(current, patch, key)
    return clone(patch)


def _merge_list(current: list, patch: list, key: str) -> list:
    result = [clone(i) for i in current]
    for item in patch:
        index = next((n for n, e in enumerate(result)
                      if isinstance(e, dict) and e.get(key) == item.get(key)), None)
        if item.get(DELETE) == "delete":
            if index is not None:
                result.pop(index)
        elif index is None:
            result.append(clone(item))
        else:
            result[index] = apply_patch(result[index], item)
    return result
