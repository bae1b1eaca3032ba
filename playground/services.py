"""Writes of the playground app. Pushes go out after the commit, so no page ever
hears about a row that another process cannot read yet."""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from playground.groups import site_group
from playground.models import Notice


def notice_publish(*, text: str) -> Notice:
    with transaction.atomic():
        notice = Notice.objects.create(text=text)
        # robust: a Redis outage must not turn a committed write into an error.
        transaction.on_commit(lambda: site_push_notice(notice_id=notice.pk), robust=True)
    return notice


def site_push_notice(*, notice_id: int) -> None:
    # A small event with the id only: each consumer renders the current state,
    # so a page that missed an earlier event still ends up right.
    event = {"type": "notice.published", "notice_id": notice_id}
    async_to_sync(get_channel_layer().group_send)(site_group(), event)
