"""The control loops of the simulated cluster, in the order one pass runs them.

Each module listed in MODULES exposes `CONTROLLERS`, a list of Controller
classes. Order matters only for how many passes a fixpoint takes, never for the
result (controllers are level-triggered).
"""

from __future__ import annotations

from importlib import import_module

from .base import Controller

MODULES = (
    "namespace",
    "quotadefaults",
    "resourcequota",
    "garbagecollector",
    "deployment",
    "replicaset",
    "statefulset",
    "volume",
    "kubeproxy",
    "scheduler",
    "kubelet",
    "nodelifecycle",
    "podgc",
    "lease",
    "endpoints",
    "endpointslice",
    "endpointslicemirroring",
    "service",
    "scheduledfaults",
    "eventttl",
)


def default_controllers() -> list[Controller]:
    """Fresh controller instances for one cluster (controllers keep no state between runs)."""
    controllers: list[Controller] = []
    for name in MODULES:
        module = import_module(f"{__name__}.{name}")
        controllers.extend(cls() for cls in module.CONTROLLERS)
    return controllers
