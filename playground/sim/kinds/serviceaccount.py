"""ServiceAccount (core/v1): DNS-1123 subdomain names; nothing else to validate here.

Models pkg/registry/core/serviceaccount/strategy.go. The ServiceAccount `default` of
every namespace is created by controllers/namespace.py (the serviceaccounts controller).
"""

from __future__ import annotations

from ..resources import ResourceType, Strategy, register

register(
    ResourceType("ServiceAccount", "serviceaccounts", "serviceaccount", namespaced=True,
                 short_names=("sa",)),
    Strategy(),
)
