"""Resource quantities (`500m`, `128Mi`, `1.5`, `2e3`) as plain numbers.

Models k8s.io/apimachinery/pkg/api/resource/quantity.go ParseQuantity closely enough
to validate specs and compare requests with limits; canonical re-serialisation is not
modelled (objects keep what the user wrote).
"""

from __future__ import annotations

import re
from typing import Any

_QUANTITY_RE = re.compile(r"^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$")
_SUFFIXES = {
    "": 1.0, "n": 1e-9, "u": 1e-6, "m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12,
    "P": 1e15, "E": 1e18, "Ki": 2.0**10, "Mi": 2.0**20, "Gi": 2.0**30, "Ti": 2.0**40,
    "Pi": 2.0**50, "Ei": 2.0**60,
}


def parse_quantity(value: Any) -> float | None:
    """The quantity's value, or None when it is not a valid quantity."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if not isinstance(value, str):
        return None
    m = _QUANTITY_RE.match(value.strip())
    if not m:
        return None
    number, suffix = m.groups()
    try:
        base = float(number)
    except ValueError:
        return None
    if suffix in _SUFFIXES:
        return base * _SUFFIXES[suffix]
    exp = re.fullmatch(r"[eE]([-+]?[0-9]+)", suffix)
    if exp:
        return base * 10.0 ** int(exp.group(1))
    return None
