"""The operator's site-wide caps (settings.PLAYGROUND_LIMITS) on every sandbox.

The simulation reads its caps from `store.meta["limits"]` (playground/sim/limits.py). They
are site settings, not a sandbox's own data: each load replaces whatever an older load
saved there, so an operator's change reaches existing sandboxes at their next request,
and a cap taken out of the settings falls back to the simulation's default.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

# The caps that shape what a fresh cluster bootstraps (its `default` namespace's quota).
# The counting caps wait until bootstrap is done: they bound the learner's work, and a
# cap below the 48 objects of a fresh cluster must not break creating one.
BOOTSTRAP_KEYS = ("default_quota", "quota_compute")


def configured() -> dict[str, Any]:
    return dict(getattr(settings, "PLAYGROUND_LIMITS", None) or {})


def for_bootstrap() -> dict[str, Any]:
    return {k: v for k, v in configured().items() if k in BOOTSTRAP_KEYS}


def apply(meta: dict[str, Any]) -> None:
    """Put the site's caps into one sandbox's store meta (in place)."""
    limits = configured()
    if limits:
        meta["limits"] = limits
    else:
        meta.pop("limits", None)
