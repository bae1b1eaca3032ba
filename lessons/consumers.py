"""The lesson page's socket: everything the sandbox page's socket carries (the map, clock
and timeline pushes), plus the lesson's own: when the current step passes, its status
(done, with "what just happened") and the step list, as out-of-band fragments.

The language is the page's (`?lang=ko`), since the socket has no LocaleMiddleware.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from django.utils import translation

from lessons.progress import lesson_group
from playground.consumers import SandboxConsumer

LANGS = ("en", "ko")


class LessonConsumer(SandboxConsumer):
    async def connect(self) -> None:
        query = parse_qs(self.scope.get("query_string", b"").decode())
        lang = (query.get("lang") or ["en"])[0]
        self.lang = lang if lang in LANGS else "en"
        with translation.override(self.lang):  # the map and timeline sent on connect
            await super().connect()
        if not hasattr(self, "group"):  # refused
            return
        self.lesson_group = lesson_group(self.sandbox_id)
        await self.channel_layer.group_add(self.lesson_group, self.channel_name)
        # the current state first: a step that passed while the socket was away shows now
        html = await render_lesson(self.sandbox_id, self.lang)
        if html:
            await self.send(text_data=html)

    async def disconnect(self, code: int) -> None:
        await super().disconnect(code)
        if hasattr(self, "lesson_group"):
            await self.channel_layer.group_discard(self.lesson_group, self.channel_name)

    async def sandbox_changed(self, event: dict) -> None:
        with translation.override(self.lang):
            await super().sandbox_changed(event)

    async def lesson_checked(self, event: dict) -> None:
        html = await render_lesson(self.sandbox_id, self.lang)
        if html:
            await self.send(text_data=html)


@database_sync_to_async
def render_lesson(sandbox_id: int, lang: str) -> str:
    from lessons.models import LessonProgress
    from lessons.views import render_pushed

    progress = LessonProgress.objects.filter(sandbox_id=sandbox_id).select_related("lesson").first()
    if progress is None:
        return ""
    with translation.override(lang):
        return render_pushed(progress, lang)
