"""Small helpers over plain object dicts: copying, timestamps, owner references.

Objects are the dicts the API server stores (`apiVersion`, `kind`, `metadata`,
`spec`, `status`). Timestamps are RFC 3339 UTC strings with second precision,
like `metav1.Time`; the simulation's clock is a float of seconds since the epoch.
"""

from __future__ import annotations

import time as _time
from calendar import timegm
from typing import Any

# values clone returns as they are: most leaves of an object, copied without a call each
_SCALARS = frozenset({str, int, float, bool, type(None)})


def clone(value: Any) -> Any:
    """Deep copy of JSON-shaped data (much faster than copy.deepcopy)."""
    if isinstance(value, dict):
        return {k: v if type(v) in _SCALARS else clone(v) for k, v in value.items()}
    if isinstance(value, list):
        return [v if type(v) in _SCALARS else clone(v) for v in value]
    return value


def format_time(t: float) -> str:
    """`metav1.Time` on the wire: 2026-01-01T00:00:05Z (seconds, UTC)."""
    return _time.strftime("%Y-%m-%dT%H:%M:%SZ", _time.gmtime(int(t)))


def format_micro_time(t: float) -> str:
    """`metav1.MicroTime`: 2026-01-01T00:00:05.123456Z."""
    whole = int(t)
    micros = int(round((t - whole) * 1_000_000))
    if micros >= 1_000_000:
        whole, micros = whole + 1, micros - 1_000_000
    return _time.strftime("%Y-%m-%dT%H:%M:%S", _time.gmtime(whole)) + f".{micros:06d}Z"


# parse_time is pure and hot (controllers compare timestamps of every pod each pass; strptime
# costs ~20 us): remember results, bounded so a long-lived process does not grow without end
_PARSED: dict[str, float] = {}
_PARSED_MAX = 200_000


def parse_time(text: str) -> float:
    """Inverse of format_time / format_micro_time."""
    try:
        return _PARSED[text]
    except (KeyError, TypeError):
        pass
    main, _, frac = text.rstrip("Z").partition(".")
    seconds = timegm(_time.strptime(main, "%Y-%m-%dT%H:%M:%S"))
    value = seconds + (float("0." + frac) if frac else 0.0)
    if len(_PARSED) >= _PARSED_MAX:
        _PARSED.clear()
    _PARSED[text] = value
    return value


def ref_key(obj: dict) -> tuple[str, str, str]:
    meta = obj["metadata"]
    return (obj["kind"], meta.get("namespace", ""), meta["name"])


def owner_reference(owner: dict, *, controller: bool = True) -> dict:
    """metav1.NewControllerRef(owner, gvk)."""
    ref = {
        "apiVersion": owner["apiVersion"],
        "kind": owner["kind"],
        "name": owner["metadata"]["name"],
        "uid": owner["metadata"]["uid"],
    }
    if controller:
        ref["controller"] = True
        ref["blockOwnerDeletion"] = True
    return ref


def controller_ref(obj: dict) -> dict | None:
    """metav1.GetControllerOf: the ownerReference with controller=true, if any."""
    for ref in obj["metadata"].get("ownerReferences") or ():
        if ref.get("controller"):
            return ref
    return None


def is_controlled_by(obj: dict, owner: dict) -> bool:
    ref = controller_ref(obj)
    return ref is not None and ref.get("uid") == owner["metadata"]["uid"]


def labels_of(obj: dict) -> dict[str, str]:
    return obj["metadata"].get("labels") or {}


def annotations_of(obj: dict) -> dict[str, str]:
    return obj["metadata"].get("annotations") or {}


def is_deleting(obj: dict) -> bool:
    return bool(obj["metadata"].get("deletionTimestamp"))


def get_path(obj: Any, *path: str | int, default: Any = None) -> Any:
    """obj["a"]["b"][0] without KeyErrors: get_path(pod, "status", "phase")."""
    cur = obj
    for step in path:
        try:
            cur = cur[step]
        except (KeyError, IndexError, TypeError):
            return default
        if cur is None:
            return default
    return cur
