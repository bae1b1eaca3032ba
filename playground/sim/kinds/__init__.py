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
    try:
        import_module(f"{__name__}.{_name}")
    except ModuleNotFoundError as _exc:  # TODO(core): drop once every module exists
        if _exc.name != f"{__name__}.{_name}":
            raise
