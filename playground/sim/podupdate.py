"""Pod updates: which spec fields may change after creation, with Kubernetes' messages.

Models ValidatePodUpdate (pkg/apis/core/validation/validation.go): container and init
container images, activeDeadlineSeconds (only downwards, never back to nil), added
tolerations (existing ones may only shorten tolerationSeconds) and a negative grace
period set to 1. Anything else is refused with the upstream message followed by a diff;
simplified: the diff lists changed top-level PodSpec fields, not Go's cmp.Diff output.
In-place resize goes through the `resize` subresource in v1.33 and is not modelled.
"""

from __future__ import annotations

import json
from typing import Any

from .errors import FieldError, forbidden, invalid
from .podvalidation import validate_tolerations
from .validation import is_int

UPDATE_FORBIDDEN = (
    "pod updates may not change fields other than `spec.containers[*].image`,"
    "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only "
    "additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be "
    "set to 1 if it was previously negative)"
)


def validate_pod_spec_update(new: dict, old: dict, path: str = "spec") -> list[FieldError]:
    """ValidatePodUpdate's spec rules: only images, activeDeadlineSeconds (down), added
    tolerations and a negative grace period set to 1 may change."""
    new_c, old_c = new.get("containers") or [], old.get("containers") or []
    if len(new_c) != len(old_c):
        return [forbidden(f"{path}.containers", "pod updates may not add or remove containers")]
    new_i, old_i = new.get("initContainers") or [], old.get("initContainers") or []
    if len(new_i) != len(old_i):
        return [forbidden(f"{path}.initContainers",
                          "pod updates may not add or remove containers")]
    errs = _active_deadline_update(new.get("activeDeadlineSeconds"),
                                   old.get("activeDeadlineSeconds"), path)
    if errs:
        return errs
    errs = _tolerations_update(new.get("tolerations") or [], old.get("tolerations") or [],
                               f"{path}.tolerations")
    munged = dict(new)
    munged["containers"] = _with_old_images(new_c, old_c)
    if new_i:
        munged["initContainers"] = _with_old_images(new_i, old_i)
    _copy_key(munged, old, "activeDeadlineSeconds")
    _copy_key(munged, old, "tolerations")
    grace, old_grace = new.get("terminationGracePeriodSeconds"), old.get(
        "terminationGracePeriodSeconds")
    if old_grace is not None and old_grace < 0 and grace == 1:
        munged["terminationGracePeriodSeconds"] = old_grace
    if munged != old:
        errs.append(forbidden(path, UPDATE_FORBIDDEN + "\n" + spec_diff(old, munged)))
    return errs


def _with_old_images(new: list, old: list) -> list:
    return [{**c, "image": o.get("image")} for c, o in zip(new, old, strict=True)]


def _copy_key(dst: dict, src: dict, key: str) -> None:
    if key in src:
        dst[key] = src[key]
    else:
        dst.pop(key, None)


def _active_deadline_update(new: Any, old: Any, path: str) -> list[FieldError]:
    p = f"{path}.activeDeadlineSeconds"
    if new is not None:
        if not is_int(new) or not 0 <= new <= 2147483647:
            return [invalid(p, new, "must be between 0 and 2147483647, inclusive")]
        if old is not None and old < new:
            return [invalid(p, new, "must be less than or equal to previous value")]
    elif old is not None:
        return [invalid(p, None, "must not update from a positive integer to nil value")]
    return []


def _tolerations_update(new: list, old: list, path: str) -> list[FieldError]:
    """validateOnlyAddedTolerations: existing tolerations stay (tolerationSeconds may shrink)."""
    errs: list[FieldError] = []
    for old_t in old:
        same = [t for t in new if _toleration_key(t) == _toleration_key(old_t)]
        if not same:
            idx = old.index(old_t)
            errs.append(forbidden(f"{path}[{idx}]", "existing toleration can not be modified "
                                                     "except its tolerationSeconds"))
    errs += validate_tolerations(new, path)
    return errs


def _toleration_key(t: dict) -> tuple:
    return (t.get("key", ""), t.get("operator") or "Equal", t.get("value", ""),
            t.get("effect", ""))


def spec_diff(old: dict, new: dict) -> str:
    """A short cmp.Diff-like listing of the changed top-level PodSpec fields."""
    lines = ["  core.PodSpec{"]
    for key in sorted(set(old) | set(new)):
        if old.get(key) == new.get(key):
            continue
        field_name = key[:1].upper() + key[1:]
        if key in old:
            lines.append(f"- \t{field_name}: {_short(old[key])},")
        if key in new:
            lines.append(f"+ \t{field_name}: {_short(new[key])},")
    lines.append("  }")
    return "\n".join(lines)


def _short(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(", ", ": "))
