"""Dotted field paths and the simple operators of a `matches` check.

Paths: `spec.replicas`, `spec.template.spec.containers.0.image` (a number indexes a list),
`metadata.labels[app.kubernetes.io/name]` (brackets hold a key that contains dots).

Expected values: a plain value means "equals" (numbers compare as numbers, so 3 matches
"3"; a missing field equals 0, false and "", as the API omits zero values); a one-key
mapping picks an operator:
`{not: x}`, `{gt: n}`, `{gte: n}`, `{lt: n}`, `{lte: n}`, `{in: [a, b]}`,
`{contains: x}` (substring, list item or mapping key), `{startswith: s}`,
`{exists: true|false}`, `{length: n}`.
"""

from __future__ import annotations

import re
from typing import Any

OPERATORS = ("not", "gt", "gte", "lt", "lte", "in", "contains", "startswith", "exists",
             "length")
_TOKEN = re.compile(r"\[([^\]]+)\]|([^.\[\]]+)")


def split_path(path: str) -> list[str]:
    return [a or b for a, b in _TOKEN.findall(path)]


def read_path(obj: Any, path: str) -> tuple[bool, Any]:
    """(found, value) at `path`; found is False when any step is missing."""
    cur = obj
    for seg in split_path(path):
        if isinstance(cur, list) and seg.isdigit() and int(seg) < len(cur):
            cur = cur[int(seg)]
        elif isinstance(cur, dict) and seg in cur:
            cur = cur[seg]
        else:
            return False, None
    return True, cur


def validate_expected(expected: Any) -> None:
    if isinstance(expected, dict):
        if len(expected) != 1 or next(iter(expected)) not in OPERATORS:
            raise ValueError(f"an operator mapping has exactly one key, one of "
                             f"{', '.join(OPERATORS)}")
        (op, value), = expected.items()
        if op in ("gt", "gte", "lt", "lte", "length") and not _is_number(value):
            raise ValueError(f"{op} needs a number")
        if op == "in" and not isinstance(value, list):
            raise ValueError("in needs a list")
        if op == "exists" and not isinstance(value, bool):
            raise ValueError("exists needs true or false")


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    try:
        float(str(value))
    except ValueError:
        return False
    return True


def equal(actual: Any, expected: Any) -> bool:
    if isinstance(actual, bool) or isinstance(expected, bool):
        return actual is expected or str(actual).lower() == str(expected).lower()
    if _is_number(actual) and _is_number(expected):
        return float(actual) == float(expected)
    return actual == expected


def is_zero(value: Any) -> bool:
    return value is False or value == "" or (_is_number(value) and float(value) == 0)


def compare(found: bool, actual: Any, expected: Any) -> bool:
    if not isinstance(expected, dict):
        # the API omits zero values (Go's omitempty): a missing field equals 0, false or ""
        return equal(actual, expected) if found else is_zero(expected)
    (op, value), = expected.items()
    if op == "exists":
        return found == value
    if op == "not":
        return not (found and equal(actual, value))
    if not found:
        return False
    if op in ("gt", "gte", "lt", "lte"):
        if not _is_number(actual):
            return False
        a, v = float(actual), float(value)
        return {"gt": a > v, "gte": a >= v, "lt": a < v, "lte": a <= v}[op]
    if op == "in":
        return any(equal(actual, v) for v in value)
    if op == "contains":
        if isinstance(actual, str):
            return str(value) in actual
        return value in actual if isinstance(actual, (list, dict)) else False
    if op == "startswith":
        return str(actual).startswith(str(value))
    return isinstance(actual, (list, dict, str)) and len(actual) == int(value)  # length


def show(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def describe_expected(expected: Any) -> str:
    if not isinstance(expected, dict):
        return show(expected)
    (op, value), = expected.items()
    words = {"not": "not {}", "gt": "> {}", "gte": ">= {}", "lt": "< {}", "lte": "<= {}",
             "in": "one of {}", "contains": "containing {}", "startswith": "starting with {}",
             "length": "{} item(s)"}
    if op == "exists":
        return "set" if value else "not set"
    shown = ", ".join(map(show, value)) if isinstance(value, list) else show(value)
    return words[op].format(shown)
