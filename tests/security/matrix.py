"""The persona matrix's machinery: doors written as table rows, one expected outcome per
persona, and a runner that asks each door as each persona and records what it answered.

Outcomes: "200", "302" (a redirect that is not to the login page), "login" (a redirect
to the login page), "403" (read-only for you), "404" (as if it did not exist).

A refused request (403, 404, login) must also have done nothing: the runner takes a
fingerprint of everything alice, vera and carol own before each request and compares it
after every refusal. And no answer to anyone may carry vera's session token or any
persona's session key (the owner's kubeconfig carries its own API secret, by design).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse

from exercises.models import Attempt, Classroom, Exercise
from k8sapi.models import ApiAccess
from lessons.models import LessonProgress
from playground.models import Sandbox
from tests.security.world import PERSONAS, World

REFUSED = {"403", "404", "login"}
MISSING_ID = 987654  # no sandbox, class, exercise or user has it


@dataclass(frozen=True)
class Door:
    name: str  # the URL name
    method: str
    expect: dict[str, str]  # persona -> outcome
    params: dict[str, str]  # URL kwarg -> key of World.ids()
    data: dict = field(default_factory=dict)
    query: str = ""

    def url(self, ids: dict, *, missing: bool = False) -> str:
        kwargs = {
            k: (MISSING_ID if missing and k != "slug" else ids[v]) for k, v in self.params.items()
        }
        return reverse(self.name, kwargs=kwargs) + (f"?{self.query}" if self.query else "")


def table(rows: list[tuple], **params: str) -> list[Door]:
    """Rows of (url name, method, "outcome per persona in PERSONAS order"[, data[, query]])."""
    doors = []
    for name, method, cells, *rest in rows:
        outcomes = cells.split()
        assert len(outcomes) == len(PERSONAS), name
        data = rest[0] if rest else {}
        query = rest[1] if len(rest) > 1 else ""
        doors.append(
            Door(
                name,
                method,
                dict(zip(PERSONAS, outcomes, strict=True)),
                dict(params),
                data or {},
                query,
            )
        )
    return doors


def outcome(response) -> str:
    if response.status_code == 302:
        return "login" if response["Location"].startswith("/accounts/login/") else "302"
    return str(response.status_code)


def ask(world: World, who: str, door: Door, *, missing: bool = False):
    client = world.clients[who]
    url = door.url(world.ids(), missing=missing)
    if door.method == "GET":
        return client.get(url)
    return client.post(url, door.data)


def fingerprint(world: World) -> dict:
    """Everything a refused request must leave as it was."""
    sandbox_ids = [world.sandbox.pk, world.visitor_sandbox.pk, world.attempt.sandbox_id]
    progress = LessonProgress.objects.filter(user=world.users["alice"]).order_by("pk")
    return {
        "sandboxes": sorted(
            Sandbox.objects.filter(pk__in=sandbox_ids).values_list(
                "pk", "name", "resource_version", "paused", "speed", "owner_id", "visitor"
            )
        ),
        "counts": (
            Sandbox.objects.count(),
            Exercise.objects.count(),
            Attempt.objects.count(),
            LessonProgress.objects.count(),
        ),
        "secrets": sorted(ApiAccess.objects.values_list("sandbox_id", "secret")),
        "exercise": Exercise.objects.filter(pk=world.exercise.pk)
        .values_list("status", "title", "document")
        .first(),
        "classroom": (
            list(Classroom.objects.get(pk=world.classroom.pk).assignments.values_list("pk")),
            list(Classroom.objects.get(pk=world.classroom.pk).memberships.values_list("user")),
        ),
        "attempt": Attempt.objects.filter(pk=world.attempt.pk)
        .values_list("sandbox_id", "commands", "passed_tasks", "hints_used")
        .first(),
        "progress": list(
            progress.values_list("sandbox_id", "current_step", "completed_steps", "history")
        ),
    }


def leaks(world: World, door: Door, response) -> list[str]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode(errors="replace")
    secrets = world.secrets()
    if not (door.name == "k8sapi_kubeconfig" and response.status_code == 200):
        secrets += [s for s in ApiAccess.objects.values_list("secret", flat=True)]
    return [s for s in secrets if s and s in text]


def run(world: World, doors: list[Door], owner: str) -> dict[tuple[str, str], str]:
    """Ask every door as every persona, the owner last (its writes change the world);
    the doors in table order (so a table puts reset and delete last)."""
    order = [p for p in PERSONAS if p != owner] + [owner]
    seen: dict[tuple[str, str], str] = {}
    for door in doors:
        for who in order:
            before = fingerprint(world)
            response = ask(world, who, door)
            got = seen[(door.name, who)] = outcome(response)
            assert leaks(world, door, response) == [], (door.name, who)
            if got in REFUSED:
                assert fingerprint(world) == before, f"{who} changed something at {door.name}"
            if got == "404" and set(door.params) - {"slug"}:
                # existence is private: a stranger's answer is the one a missing id gets
                assert outcome(ask(world, who, door, missing=True)) == "404", (door.name, who)
    return seen


def expected(doors: list[Door]) -> dict[tuple[str, str], str]:
    return {(d.name, who): d.expect[who] for d in doors for who in PERSONAS}
