"""Kind definitions: discovery data plus the API server strategy of each kind.

Importing this package registers every kind in `playground.sim.resources.REGISTRY`.
"""

from __future__ import annotations

from importlib import import_module

MODULES = (
    "namespace",
    "node",
    "pod",
    "configmap",
    "secret",
    "serviceaccount",
    "event",
    "deployment",
    "replicaset",
    "service",
    "ipaddress",
    "endpoints",
    "endpointslice",
    "storage",
    "statefulset",
    "controllerrevision",
    "lease",
    "resourcequota",
    "limitrange",
    "internal",
)

for _name in MODULES:
    import_module(f"{__name__}.{_name}")
