"""A learner's attempt: the task text beside the live sandbox, like a lesson page.

Every URL names an exercise, never an attempt or sandbox id: the attempt is looked up for
the request's user, so a learner only ever reaches their own. Console and apply go
through here so `command` checks see every line.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_POST

from exercises import access, live
from exercises.models import Attempt
from lessons.markdown import render as markdown
from lessons.views import current_lang
from playground import sandboxes, views_sandbox
from playground.sandboxes_render import page_context

PAGE = "exercises/attempt.html"


def task_views(attempt: Attempt, results: list | None = None) -> list[dict]:
    tasks = attempt.exercise.tasks
    return [{"number": i + 1, "index": i, "title": t["title"], "hints": t["hints"],
             "done": i in attempt.passed_tasks,
             "feedback": results[i].feedback if results and not results[i].passed else ""}
            for i, t in enumerate(tasks)]


def attempt_context(attempt: Attempt, results: list | None = None, **extra) -> dict:
    return {"attempt": attempt, "exercise": attempt.exercise,
            "tasks": task_views(attempt, results), "total": len(attempt.exercise.tasks),
            "minutes": (attempt.seconds or 0) // 60, **extra}


def render_pushed(attempt: Attempt) -> str:
    """What the attempt page receives when a task passes: the task list, out of band."""
    return render_to_string(f"{PAGE}#tasks", attempt_context(attempt, oob=True))


@require_GET
@login_required
def attempt_page(request: HttpRequest, exercise_id: int) -> HttpResponse:
    exercise = access.attemptable_exercise(request.user, exercise_id)
    attempt = live.attempt_get(exercise=exercise, user=request.user)
    ctx = {"exercise": exercise, "description": markdown(exercise.document["description"])}
    if attempt is None or attempt.sandbox_id is None:
        return render(request, "exercises/attempt_start.html", ctx)
    sandboxes.sandbox_touch(sandbox_id=attempt.sandbox_id)
    sandbox = attempt.sandbox
    sandbox.refresh_from_db()
    ctx.update(attempt_context(attempt))
    ctx.update(page_context(sandbox, readonly=False))
    ctx.update(speeds=views_sandbox.SPEEDS, starter_manifest="",
               console_url=f"/exercises/{exercise.pk}/attempt/console",
               apply_url=f"/exercises/{exercise.pk}/attempt/apply")
    return render(request, PAGE, ctx)


@require_POST
@login_required
def attempt_start(request: HttpRequest, exercise_id: int) -> HttpResponse:
    exercise = access.attemptable_exercise(request.user, exercise_id)
    live.attempt_start(exercise=exercise, user=request.user)
    return redirect("attempt_page", exercise.pk)


def _attempt(request: HttpRequest, exercise_id: int) -> Attempt:
    exercise = access.attemptable_exercise(request.user, exercise_id)
    return access.own_attempt(request.user, exercise)


@require_POST
@login_required
def attempt_restart(request: HttpRequest, exercise_id: int) -> HttpResponse:
    live.attempt_restart(attempt=_attempt(request, exercise_id))
    return redirect("attempt_page", exercise_id)


@require_POST
@login_required
def attempt_check(request: HttpRequest, exercise_id: int) -> HttpResponse:
    attempt = _attempt(request, exercise_id)
    results = live.attempt_check(attempt=attempt, lang=current_lang())
    return render(request, f"{PAGE}#tasks", attempt_context(attempt, results))


@require_POST
@login_required
def attempt_hint(request: HttpRequest, exercise_id: int) -> HttpResponse:
    attempt = _attempt(request, exercise_id)
    try:
        task = int(request.POST.get("task", ""))
    except ValueError:
        return HttpResponse("no such task", status=400)
    if not 0 <= task < len(attempt.exercise.tasks):
        return HttpResponse("no such task", status=400)
    shown = int(request.POST.get("shown", "0") or 0)
    hints = attempt.exercise.tasks[task]["hints"]
    if shown >= len(hints):
        return HttpResponse("", status=204)
    live.hint_used(attempt=attempt, task=task)
    return render(request, "exercises/_hint.html", {"hint": hints[shown]})


@require_POST
@login_required
def attempt_console(request: HttpRequest, exercise_id: int) -> HttpResponse:
    attempt = _attempt(request, exercise_id)
    refused = views_sandbox.refuse_write(request, attempt.sandbox_id, as_json=True)
    if refused is not None:  # neither run nor recorded
        return refused
    live.record_command(attempt=attempt, line=request.POST.get("line", ""))
    return views_sandbox.sandbox_console(request, attempt.sandbox_id)


@require_POST
@login_required
def attempt_apply(request: HttpRequest, exercise_id: int) -> HttpResponse:
    attempt = _attempt(request, exercise_id)
    refused = views_sandbox.refuse_write(request, attempt.sandbox_id, as_json=True)
    if refused is not None:
        return refused
    live.record_command(attempt=attempt, line="kubectl apply -f -")
    return views_sandbox.sandbox_apply(request, attempt.sandbox_id)
