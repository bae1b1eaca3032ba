"""Websocket consumers. The websocket only carries pushes from server to browser:
commands go over HTTP. Messages are HTML fragments with an id, which htmx's ws
extension swaps into the page (out-of-band, by id)."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.template.loader import render_to_string

from playground.groups import site_group
from playground.selectors import notice_latest


@database_sync_to_async
def render_notice() -> str:
    return render_to_string("base.html#notice", {"notice": notice_latest()})


class SiteConsumer(AsyncWebsocketConsumer):
    """Every page connects here; it gets the current notice, then each new one."""

    async def connect(self) -> None:
        self.group = site_group()
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        # Current state first, so a page that connects late is never stale.
        await self.send(text_data=await render_notice())

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def notice_published(self, event: dict) -> None:
        await self.send(text_data=await render_notice())
