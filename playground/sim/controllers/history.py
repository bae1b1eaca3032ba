"""ControllerRevision history helpers, after pkg/controller/history/controller_history.go.

A revision stores a snapshot (`data`) of its owner's template; its name is
`<owner>-<hash>` where the hash is FNV-1 (32 bit) over the serialised data plus the decimal
collision count, printed in decimal and passed through rand.SafeEncodeString, so it uses only
the characters `4-9bcdf` (like `web-7c5ddbdf54`). Go hashes the JSON bytes it serialised; we hash
a canonical JSON dump, so names differ from a real cluster's but identical templates always get
identical names.
"""

from __future__ import annotations

import json

from ..objects import get_path, owner_reference

HASH_LABEL = "controller.kubernetes.io/hash"
_ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789"
_FNV32_OFFSET = 0x811C9DC5
_FNV32_PRIME = 0x01000193


def fnv1_32(data: bytes, h: int = _FNV32_OFFSET) -> int:
    """hash/fnv New32 (FNV-1: multiply, then xor)."""
    for byte in data:
        h = (h * _FNV32_PRIME) & 0xFFFFFFFF
        h ^= byte
    return h


def safe_encode_string(s: str) -> str:
    return "".join(_ALPHANUMS[b % len(_ALPHANUMS)] for b in s.encode())


def hash_revision(data: dict, collision_count: int | None) -> str:
    """HashControllerRevision."""
    h = fnv1_32(json.dumps(data, sort_keys=True, separators=(",", ":")).encode())
    if collision_count is not None:
        h = fnv1_32(str(int(collision_count)).encode(), h)
    return safe_encode_string(str(h))


def revision_name(prefix: str, hash_: str) -> str:
    """ControllerRevisionName: the prefix is cut to 223 characters."""
    return f"{prefix[:223]}-{hash_}"


def new_revision(owner: dict, template_labels: dict | None, data: dict, revision: int,
                 collision_count: int) -> dict:
    """NewControllerRevision plus the name/hash label CreateControllerRevision adds."""
    hash_ = hash_revision(data, collision_count)
    labels = dict(template_labels or {})
    labels[HASH_LABEL] = hash_
    meta = owner["metadata"]
    return {
        "apiVersion": "apps/v1",
        "kind": "ControllerRevision",
        "metadata": {
            "name": revision_name(meta["name"], hash_),
            "namespace": meta.get("namespace", ""),
            "labels": labels,
            "ownerReferences": [owner_reference(owner)],
        },
        "data": data,
        "revision": revision,
    }


def sort_revisions(revisions: list[dict]) -> list[dict]:
    """SortControllerRevisions: by revision, then creation time, then name."""
    return sorted(revisions, key=lambda r: (int(r.get("revision", 0)),
                                            r["metadata"].get("creationTimestamp", ""),
                                            r["metadata"]["name"]))


def equal_revision(a: dict | None, b: dict | None) -> bool:
    """EqualRevision: same hash label and the same data."""
    if a is None or b is None:
        return a is b
    ha = get_path(a, "metadata", "labels", HASH_LABEL)
    hb = get_path(b, "metadata", "labels", HASH_LABEL)
    return ha == hb and a.get("data") == b.get("data")


def find_equal_revisions(revisions: list[dict], needle: dict) -> list[dict]:
    return [r for r in revisions if equal_revision(r, needle)]


def next_revision(revisions: list[dict]) -> int:
    return int(revisions[-1].get("revision", 0)) + 1 if revisions else 1
