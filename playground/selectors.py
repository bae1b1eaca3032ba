"""Reads of the playground app."""

from playground.models import Notice


def notice_latest() -> Notice | None:
    return Notice.objects.first()
