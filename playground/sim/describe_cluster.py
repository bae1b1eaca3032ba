"""`kubectl describe` for Secret and Lease. Follows
staging/src/k8s.io/kubectl/pkg/describe/describe.go (v1.33) describeSecret (values never
shown: `<key>:  <n> bytes`, no events) and the generic describer a Lease gets.
"""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING

from .describe import Writer
from .describe_other import _header

if TYPE_CHECKING:
    from .cluster import Cluster


def _size(value: str) -> int:
    try:
        return len(base64.b64decode(value))
    except (binascii.Error, ValueError):
        return len(value)


def describe_secret(cluster: Cluster, secret: dict, now: float) -> str:
    w = Writer()
    _header(w, secret)
    w.write(0, f"\nType:\t{secret.get('type', '')}\n")
    w.write(0, "\nData\n====\n")
    data = secret.get("data") or {}
    for key in sorted(data):
        if key == "token" and secret.get("type") == "kubernetes.io/service-account-token":
            w.write(0, f"{key}:\t{base64.b64decode(data[key]).decode(errors='replace')}\n")
        else:
            w.write(0, f"{key}:\t{_size(data[key])} bytes\n")
    return w.text()


DESCRIBERS = {"Secret": describe_secret}
