"""Filters of the sandbox page."""

from django import template

register = template.Library()


@register.filter
def sim_elapsed(t: float, start: float) -> str:
    """Simulated time as H:MM:SS since the cluster started (the clock's face)."""
    seconds = max(0, int(float(t) - float(start or 0)))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h:02d}:{m:02d}:{s:02d}"


@register.filter
def get(mapping: dict, key: str):
    """A dict item whose key is not a valid template name (`CLUSTER-IP`)."""
    return (mapping or {}).get(key, "")
