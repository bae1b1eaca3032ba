"""A learner's progress through a lesson, and the checks that move it.

Every save of a sandbox runs `check_after_reconcile` (sandboxes.AFTER_RECONCILE): when
the sandbox belongs to an unfinished lesson, the current step's check is evaluated on
the cluster just saved; a pass marks the step done and, after the commit, pushes a
`lesson.checked` event to the lesson page's socket (lessons/consumers.py). Sandboxes
outside lessons cost one indexed query.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.db import transaction
from django.utils import timezone

from lessons.engine import CheckResult, evaluate_check, start_lesson
from lessons.models import Lesson, LessonProgress, Step
from playground import sandboxes

HISTORY_LIMIT = 500


def lesson_group(sandbox_id: int) -> str:
    return f"lesson-{sandbox_id}"


# ---- whose progress ---------------------------------------------------------------------------


def progress_get(*, lesson: Lesson, user=None, visitor: str = "") -> LessonProgress | None:
    if user is not None and user.is_authenticated:
        return LessonProgress.objects.filter(lesson=lesson, user=user).first()
    if not visitor:
        return None
    return LessonProgress.objects.filter(lesson=lesson, user__isnull=True, visitor=visitor).first()


def progress_list(*, user=None, visitor: str = "") -> dict[int, LessonProgress]:
    """Progress by lesson id, for the lesson list."""
    if user is not None and user.is_authenticated:
        query = LessonProgress.objects.filter(user=user)
    elif visitor:
        query = LessonProgress.objects.filter(user__isnull=True, visitor=visitor)
    else:
        return {}
    return {p.lesson_id: p for p in query}


def progress_start(*, lesson: Lesson, user=None, visitor: str = "") -> LessonProgress:
    """The learner's progress, with a sandbox in the lesson's starting state."""
    owner = user if user is not None and user.is_authenticated else None
    progress = progress_get(lesson=lesson, user=owner, visitor=visitor)
    if progress is None:
        progress = LessonProgress.objects.create(
            lesson=lesson, user=owner, visitor="" if owner else visitor
        )
    if progress.sandbox_id is None:
        name = f"lesson-{lesson.slug}"
        if owner is not None:
            name = sandboxes.next_free_name(owner, name)
        sandbox = sandboxes.sandbox_create(name=name, owner=owner, visitor=progress.visitor)
        apply_starting_state(lesson, sandbox.pk)
        progress.sandbox = sandbox
        progress.save(update_fields=["sandbox", "updated_at"])
    return progress


def apply_starting_state(lesson: Lesson, sandbox_id: int) -> None:
    """The lesson's manifests and setup commands, through the console, in one save."""
    spec = SimpleNamespace(slug=lesson.slug, manifests=lesson.manifests, setup=lesson.setup)
    with sandboxes.opened(sandbox_id, seen=True) as loaded:
        start_lesson(loaded.cluster, spec)


def progress_restart(*, progress: LessonProgress) -> LessonProgress:
    """A fresh sandbox in the starting state, and the lesson from its first step."""
    sandbox = progress.sandbox
    # detached while it is rebuilt: a check must not see the bare cluster before the
    # starting state (an `absent` goal would pass there)
    progress.completed_steps, progress.history, progress.sandbox = [], [], None
    progress.current_step, progress.completed_at = 1, None
    progress.save()
    if sandbox is None:
        return progress_start(lesson=progress.lesson, user=progress.user, visitor=progress.visitor)
    sandboxes.sandbox_reset(sandbox=sandbox)
    apply_starting_state(progress.lesson, sandbox.pk)
    progress.sandbox = sandbox
    progress.save(update_fields=["sandbox", "updated_at"])
    return progress


def progress_goto(*, progress: LessonProgress, number: int) -> Step:
    step = Step.objects.filter(lesson_id=progress.lesson_id, number=number).first()
    if step is None:
        raise Step.DoesNotExist(f"no step {number}")
    if progress.current_step != number:
        progress.current_step = number
        progress.save(update_fields=["current_step", "updated_at"])
    return step


def record_command(*, progress: LessonProgress, line: str) -> None:
    """A console line run in the lesson's sandbox (button or typed): `command` checks
    match against these."""
    line = line.strip("\n")
    if not line.strip():
        return
    with transaction.atomic():
        locked = LessonProgress.objects.select_for_update().get(pk=progress.pk)
        locked.history = [*locked.history, line][-HISTORY_LIMIT:]
        locked.save(update_fields=["history", "updated_at"])
    progress.history = locked.history


def progress_adopt(*, visitor: str, user) -> int:
    """Signing up (or logging in) keeps a visitor's lessons. Where the account already
    has progress in a lesson, the further of the two is kept."""
    if not visitor:
        return 0
    adopted = 0
    for progress in LessonProgress.objects.filter(user__isnull=True, visitor=visitor):
        mine = LessonProgress.objects.filter(lesson_id=progress.lesson_id, user=user).first()
        if mine is not None:
            if len(mine.completed_steps) >= len(progress.completed_steps):
                progress.delete()
                continue
            mine.delete()
        progress.user, progress.visitor = user, ""
        progress.save(update_fields=["user", "visitor", "updated_at"])
        adopted += 1
    return adopted


# ---- checks -----------------------------------------------------------------------------------


def current_step(progress: LessonProgress) -> Step | None:
    return Step.objects.filter(lesson_id=progress.lesson_id, number=progress.current_step).first()


def evaluate_step(cluster, progress: LessonProgress, step: Step, lang: str) -> CheckResult:
    return evaluate_check(cluster, step.goal, list(progress.history), lang)


def mark_done(progress: LessonProgress, number: int) -> None:
    """Inside the sandbox's saving transaction: the step is done (and the lesson when it
    was the last one not done)."""
    locked = LessonProgress.objects.select_for_update().get(pk=progress.pk)
    if number in locked.completed_steps:
        return
    locked.completed_steps = sorted({*locked.completed_steps, number})
    total = Step.objects.filter(lesson_id=locked.lesson_id).count()
    if len(locked.completed_steps) >= total and locked.completed_at is None:
        locked.completed_at = timezone.now()
    locked.save(update_fields=["completed_steps", "completed_at", "updated_at"])
    progress.completed_steps, progress.completed_at = locked.completed_steps, locked.completed_at
    sandbox_id = locked.sandbox_id
    transaction.on_commit(lambda: push_checked(sandbox_id, number), robust=True)


def check_after_reconcile(loaded) -> None:
    """sandboxes.AFTER_RECONCILE hook: only the current step of an unfinished lesson."""
    progress = LessonProgress.objects.filter(
        sandbox_id=loaded.sandbox.pk, completed_at__isnull=True
    ).first()
    if progress is None or progress.is_done(progress.current_step):
        return
    step = current_step(progress)
    if step is None:
        return
    if evaluate_step(loaded.cluster, progress, step, "en").passed:
        mark_done(progress, step.number)


def push_checked(sandbox_id: int, number: int) -> None:
    sandboxes.group_send(lesson_group(sandbox_id), {"type": "lesson.checked", "step": number})


def step_check(*, progress: LessonProgress, lang: str) -> tuple[Step, CheckResult]:
    """The Check button: the current step's check now, with feedback in `lang`."""
    step = current_step(progress)
    with sandboxes.opened(progress.sandbox_id, seen=True) as loaded:
        result = evaluate_step(loaded.cluster, progress, step, lang)
        if result.passed:
            mark_done(progress, step.number)
    return step, result
