"""Websockets of exercises and classes.

- ClassroomConsumer (/ws/classroom/<id>/): the class dashboard. Only the class's owner
  and staff may connect (others are closed with 4404). It gets the whole table first, then
  the row of each learner whose cells changed (`classroom.changed`), out of band; the
  whole table again when a learner joins or an assignment is added (`classroom.board`).
- AttemptConsumer (/ws/attempt/<sandbox_id>/): everything the sandbox page's socket
  carries, plus the attempt's task list whenever a task passes (`attempt.checked`).
- ObserveConsumer (/ws/observe/<classroom>/<learner>/<assignment>/): the class owner's
  read-only live view of a learner's sandbox (map, clock, timeline), with the same access
  rule as the page that opens it.
"""

from __future__ import annotations

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.template.loader import render_to_string

from exercises.dashboard import classroom_group
from exercises.live import attempt_group
from playground.consumers import SandboxConsumer, render_sandbox_full
from playground.groups import sandbox_group


class ClassroomConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        self.classroom_id = int(self.scope["url_route"]["kwargs"]["classroom_id"])
        if not await may_watch(self.scope.get("user"), self.classroom_id):
            await self.close(code=4404)
            return
        self.group = classroom_group(self.classroom_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send(text_data=await render_board(self.classroom_id))

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def classroom_board(self, event: dict) -> None:
        await self.send(text_data=await render_board(self.classroom_id))

    async def classroom_changed(self, event: dict) -> None:
        html = await render_row(self.classroom_id, int(event.get("user_id", 0)))
        if html:
            await self.send(text_data=html)


@database_sync_to_async
def may_watch(user, classroom_id: int) -> bool:
    from exercises.access import can_run_class
    from exercises.models import Classroom

    classroom = Classroom.objects.filter(pk=classroom_id).first()
    return bool(user is not None and classroom is not None and can_run_class(user, classroom))


@database_sync_to_async
def render_board(classroom_id: int) -> str:
    from exercises.dashboard import dashboard
    from exercises.models import Classroom

    classroom = Classroom.objects.get(pk=classroom_id)
    return render_to_string("exercises/dashboard.html#board",
                            {"classroom": classroom, "board": dashboard(classroom), "oob": True})


@database_sync_to_async
def render_row(classroom_id: int, user_id: int) -> str:
    from exercises.dashboard import row_cells
    from exercises.models import Classroom, Membership

    classroom = Classroom.objects.filter(pk=classroom_id).first()
    membership = Membership.objects.filter(classroom_id=classroom_id, user_id=user_id).first()
    if classroom is None or membership is None:
        return ""
    assignments = list(classroom.assignments.select_related("exercise", "lesson"))
    row = {"user": membership.user, "cells": row_cells(classroom, membership.user, assignments)}
    return render_to_string("exercises/dashboard.html#row", {
        "classroom": classroom, "row": row, "assignments": assignments, "oob": True})


class AttemptConsumer(SandboxConsumer):
    async def connect(self) -> None:
        await super().connect()
        if not hasattr(self, "group"):  # refused
            return
        self.attempt_group = attempt_group(self.sandbox_id)
        await self.channel_layer.group_add(self.attempt_group, self.channel_name)
        html = await render_tasks(self.sandbox_id)
        if html:
            await self.send(text_data=html)

    async def disconnect(self, code: int) -> None:
        await super().disconnect(code)
        if hasattr(self, "attempt_group"):
            await self.channel_layer.group_discard(self.attempt_group, self.channel_name)

    async def attempt_checked(self, event: dict) -> None:
        html = await render_tasks(self.sandbox_id)
        if html:
            await self.send(text_data=html)


@database_sync_to_async
def render_tasks(sandbox_id: int) -> str:
    from exercises.models import Attempt
    from exercises.views_attempt import render_pushed

    attempt = Attempt.objects.filter(sandbox_id=sandbox_id).select_related("exercise").first()
    return render_pushed(attempt) if attempt is not None else ""


class ObserveConsumer(SandboxConsumer):
    async def connect(self) -> None:
        kwargs = self.scope["url_route"]["kwargs"]
        sandbox_id = await observed_sandbox(self.scope.get("user"), kwargs["classroom_id"],
                                            kwargs["user_id"], kwargs["assignment_id"])
        if sandbox_id is None:
            await self.close(code=4404)
            return
        self.sandbox_id, self.readonly = sandbox_id, True
        self.group = sandbox_group(sandbox_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        html, self.last_seq = await render_sandbox_full(sandbox_id, True)
        await self.send(text_data=html)
        self.seen_at = 0.0

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)


@database_sync_to_async
def observed_sandbox(user, classroom_id: int, user_id: int, assignment_id: int) -> int | None:
    from django.http import Http404

    from exercises import access
    from exercises.models import Assignment
    from exercises.views_class import learner_sandbox_of

    if user is None or not user.is_authenticated:
        return None
    try:
        classroom = access.run_classroom(user, classroom_id)
        membership = access.learner_in(classroom, user_id)
    except Http404:
        return None
    assignment = Assignment.objects.filter(pk=assignment_id, classroom=classroom).first()
    if assignment is None:
        return None
    sandbox, _ = learner_sandbox_of(assignment, membership.user)
    return sandbox.pk if sandbox is not None else None
