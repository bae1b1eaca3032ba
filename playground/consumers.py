"""Websocket consumers. The websocket only carries pushes from server to browser:
commands go over HTTP. Messages are HTML fragments with an id, which htmx's ws
extension swaps into the page (out-of-band, by id)."""

import logging
import time

import redis
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.template.loader import render_to_string

from playground.groups import sandbox_group, site_group
from playground.selectors import notice_latest

logger = logging.getLogger(__name__)


async def join(consumer: AsyncWebsocketConsumer, group: str) -> None:
    """group_add, tried twice: after a Redis restart the layer's pooled connection is a
    dead one, dropped on its first use ("Connection closed by server"); the second try
    opens a fresh one, so the first reconnect after the restart already succeeds."""
    try:
        await consumer.channel_layer.group_add(group, consumer.channel_name)
    except redis.ConnectionError:
        await consumer.channel_layer.group_add(group, consumer.channel_name)


@database_sync_to_async
def render_notice() -> str:
    return render_to_string("base.html#notice", {"notice": notice_latest()})


class SiteConsumer(AsyncWebsocketConsumer):
    """Every page connects here; it gets the current notice, then each new one."""

    async def connect(self) -> None:
        self.group = site_group()
        await join(self, self.group)
        await self.accept()
        # Current state first, so a page that connects late is never stale.
        await self.send(text_data=await render_notice())

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def notice_published(self, event: dict) -> None:
        await self.send(text_data=await render_notice())


class SandboxConsumer(AsyncWebsocketConsumer):
    """One open sandbox page. Only its owner (and staff and the instructors of the owner's
    classes, read-only) may connect; it gets the full current state first, then the
    fragments each committed change touches. A reconnect (after a network blip or a Redis
    restart, which also forgets the group membership) starts over with the full state,
    so the page resynchronises without a reload and nothing is missed."""

    async def connect(self) -> None:
        self.sandbox_id = self.scope["url_route"]["kwargs"]["sandbox_id"]
        access = await sandbox_access(self.scope, self.sandbox_id)
        if access is None:
            await self.close(code=4404)
            return
        self.readonly = access == "view"
        self.group = sandbox_group(self.sandbox_id)
        await join(self, self.group)
        # the page's one socket also carries the site-wide notices
        await join(self, site_group())
        await self.accept()
        html, self.last_seq = await render_sandbox_full(self.sandbox_id, self.readonly)
        await self.send(text_data=html)
        self.seen_at = time.monotonic()
        if not self.readonly:
            # seen now; and after a Redis restart the queued timers are gone: queue the
            # pending one again
            await mark_seen(self.sandbox_id, connecting=True)

    async def note_seen(self) -> None:
        """An open page is not idle: refresh last_seen now and then, so the sandbox keeps
        scheduling its timers while someone watches (at most once a minute)."""
        if self.readonly or time.monotonic() - self.seen_at < 60:
            return
        self.seen_at = time.monotonic()
        await mark_seen(self.sandbox_id)

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)
            await self.channel_layer.group_discard(site_group(), self.channel_name)

    async def notice_published(self, event: dict) -> None:
        await self.send(text_data=await render_notice())

    async def sandbox_changed(self, event: dict) -> None:
        try:
            rendered = await render_sandbox_update(
                self.sandbox_id, event, self.last_seq, self.readonly
            )
        except Exception:
            # Never drop the page's socket over one bad render: log it and resend the
            # whole state, which heals whatever the lost fragment would have shown.
            logger.exception("sandbox %s: rendering a push failed", self.sandbox_id)
            rendered = await render_sandbox_update(
                self.sandbox_id, {"full": True}, self.last_seq, self.readonly
            )
        if rendered is None:  # the sandbox was deleted
            await self.close(code=4404)
            return
        html, self.last_seq = rendered
        if html:
            await self.send(text_data=html)
        await self.note_seen()


@database_sync_to_async
def sandbox_access(scope: dict, sandbox_id: int) -> str | None:
    """ "drive", "view" or None (refused) for this websocket's user or visitor."""
    from playground.models import Sandbox
    from playground.views_sandbox import VISITOR_KEY, can_drive, can_view

    sandbox = Sandbox.objects.filter(pk=sandbox_id).first()
    if sandbox is None:
        return None
    user = scope.get("user")
    session = scope.get("session")
    visitor = session.get(VISITOR_KEY, "") if session is not None else ""
    if user is None:
        from django.contrib.auth.models import AnonymousUser

        user = AnonymousUser()
    if can_drive(user, visitor, sandbox):
        return "drive"
    return "view" if can_view(user, visitor, sandbox) else None


@database_sync_to_async
def mark_seen(sandbox_id: int, connecting: bool = False) -> None:
    from django.utils import timezone

    from playground.models import Sandbox
    from playground.sandboxes import sandbox_heal_timer

    Sandbox.objects.filter(pk=sandbox_id).update(last_seen_at=timezone.now())
    sandbox_heal_timer(sandbox_id=sandbox_id, connecting=connecting)


@database_sync_to_async
def render_sandbox_full(sandbox_id: int, readonly: bool) -> tuple[str, int]:
    from playground.models import Sandbox
    from playground.sandboxes_push import max_seq, render_full

    sandbox = Sandbox.objects.get(pk=sandbox_id)
    return render_full(sandbox, readonly), max_seq(sandbox)


@database_sync_to_async
def render_sandbox_update(
    sandbox_id: int, event: dict, last_seq: int, readonly: bool
) -> tuple[str, int] | None:
    from playground.models import Sandbox
    from playground.sandboxes_push import render_update

    sandbox = Sandbox.objects.filter(pk=sandbox_id).first()
    if sandbox is None:
        return None
    return render_update(sandbox, event, last_seq, readonly)
