"""Attempts on the live sandbox, the recorded history their checks read, and the pushes
that keep a class dashboard current.

Two hooks on playground.sandboxes' single save path (registered in apps.py):

- `record_history` (AFTER_SAVE): for an attempt's sandbox, the compact history records of
  every store change of the save, and the learner's own actions from the new timeline
  rows, written in the same transaction;
- `check_after_reconcile` (AFTER_RECONCILE): the attempt's unpassed tasks are checked on
  the cluster just saved; and for any member of a class, when their dashboard row changed
  (an exercise task or a lesson step), the class dashboard gets a push after the commit.

Sandboxes outside exercises and classes cost one or two indexed queries.
"""

from __future__ import annotations

import hashlib
import json

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from exercises import checks, history, runner
from exercises.dashboard import classroom_group, row_cells
from exercises.models import Attempt, Exercise, HistoryRecord, Membership
from lessons.engine.checks import CheckResult
from playground import sandboxes
from playground.models import TimelineEntry

COMMAND_LIMIT = 500


# ---- attempts ----------------------------------------------------------------------------------


def attempt_get(*, exercise: Exercise, user) -> Attempt | None:
    return Attempt.objects.filter(exercise=exercise, user=user).first()


def attempt_start(*, exercise: Exercise, user) -> Attempt:
    """The learner's attempt, with a sandbox in the exercise's starting state."""
    attempt, _ = Attempt.objects.get_or_create(exercise=exercise, user=user)
    if attempt.sandbox_id is None:
        name = sandboxes.next_free_name(user, f"exercise-{exercise.pk}")
        sandbox = sandboxes.sandbox_create(name=name, owner=user)
        attempt.sandbox = sandbox
        attempt.save(update_fields=["sandbox", "updated_at"])
        apply_start(attempt)
    return attempt


def apply_start(attempt: Attempt) -> None:
    with sandboxes.opened(attempt.sandbox_id, seen=True) as loaded:
        runner.start_exercise(loaded.cluster, attempt.exercise.document)


def attempt_restart(*, attempt: Attempt) -> Attempt:
    """A fresh sandbox in the starting state; passed tasks start over (hints used and the
    clock of the attempt do not: they measure the whole attempt)."""
    attempt.passed_tasks, attempt.commands, attempt.completed_at = [], [], None
    attempt.save()
    if attempt.sandbox is None:
        return attempt_start(exercise=attempt.exercise, user=attempt.user)
    HistoryRecord.objects.filter(sandbox_id=attempt.sandbox_id).delete()
    sandboxes.sandbox_reset(sandbox=attempt.sandbox)
    apply_start(attempt)
    return attempt


def record_command(*, attempt: Attempt, line: str) -> None:
    line = line.strip("\n")
    if not line.strip():
        return
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        locked.commands = [*locked.commands, line][-COMMAND_LIMIT:]
        locked.save(update_fields=["commands", "updated_at"])
    attempt.commands = locked.commands


def hint_used(*, attempt: Attempt, task: int) -> int:
    """One more hint shown; returns how many hints of this task may now be shown."""
    hints = attempt.exercise.tasks[task]["hints"] if task < len(attempt.exercise.tasks) else []
    Attempt.objects.filter(pk=attempt.pk).update(hints_used=F("hints_used") + 1)
    attempt.refresh_from_db(fields=["hints_used"])
    return len(hints)


def sandbox_records(sandbox_id: int) -> list[dict]:
    return list(HistoryRecord.objects.filter(sandbox_id=sandbox_id).order_by("seq")
                .values_list("data", flat=True))


def evaluate_tasks(cluster, attempt: Attempt, lang: str = "en") -> list:
    """Every task not passed yet (passed ones stay passed and are not re-evaluated); the
    history is read only when one of those tasks needs it."""
    tasks = attempt.exercise.tasks
    open_tasks = [i for i in range(len(tasks)) if i not in attempt.passed_tasks]
    needs_history = any(checks.uses_history(tasks[i]["check"]) for i in open_tasks)
    records = sandbox_records(attempt.sandbox_id) if needs_history else []
    return [checks.evaluate(cluster, t["check"], list(attempt.commands), records, lang)
            if i in open_tasks else CheckResult(True, "")
            for i, t in enumerate(tasks)]


def mark_passed(attempt: Attempt, results: list) -> bool:
    """Inside the saving transaction: tasks that pass stay passed. True when it changed."""
    locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
    passed = sorted({*locked.passed_tasks, *(i for i, r in enumerate(results) if r.passed)})
    if passed == locked.passed_tasks:
        return False
    locked.passed_tasks = passed
    if len(passed) >= len(attempt.exercise.tasks) and locked.completed_at is None:
        locked.completed_at = timezone.now()
    locked.save(update_fields=["passed_tasks", "completed_at", "updated_at"])
    attempt.passed_tasks, attempt.completed_at = locked.passed_tasks, locked.completed_at
    return True


def attempt_check(*, attempt: Attempt, lang: str = "en") -> list:
    """The Check button: every task now, with feedback in `lang`."""
    with sandboxes.opened(attempt.sandbox_id, seen=True) as loaded:
        results = evaluate_tasks(loaded.cluster, attempt, lang)
        mark_passed(attempt, results)
    return results


# ---- hooks on the sandbox save path -----------------------------------------------------------


HISTORY_MARK = "exercise_history"  # in sandbox.meta; a sandbox reset clears the meta


def record_history(sandbox, saved, changes) -> None:
    if not Attempt.objects.filter(sandbox_id=sandbox.pk).exists():
        return
    if not sandbox.meta.get(HISTORY_MARK):
        # first save of this cluster's life (the attempt began, or the sandbox was reset
        # from the sandbox pages): the records of an earlier cluster no longer apply
        HistoryRecord.objects.filter(sandbox=sandbox).delete()
        sandbox.meta[HISTORY_MARK] = True
    new_rows = TimelineEntry.objects.filter(
        sandbox=sandbox, seq__gt=sandbox.timeline_seq - saved.timeline, actor=history.USER
    ).order_by("seq").values("time", "actor", "kind", "namespace", "name", "message")
    records = history.records_from(changes, list(new_rows))
    if not records:
        return
    last = HistoryRecord.objects.filter(sandbox=sandbox).aggregate(m=Max("seq"))["m"] or 0
    HistoryRecord.objects.bulk_create(
        HistoryRecord(sandbox=sandbox, seq=last + i, data=r) for i, r in enumerate(records, 1))


def check_after_reconcile(loaded) -> None:
    sandbox = loaded.sandbox
    attempt = (Attempt.objects.filter(sandbox_id=sandbox.pk, completed_at__isnull=True)
               .select_related("exercise").first())
    if attempt is not None:
        results = evaluate_tasks(loaded.cluster, attempt)
        if mark_passed(attempt, results):
            sandbox_id = sandbox.pk
            transaction.on_commit(lambda: push_attempt(sandbox_id), robust=True)
    if sandbox.owner_id is not None:
        refresh_rows(sandbox.owner_id)


def attempt_group(sandbox_id: int) -> str:
    return f"attempt-{sandbox_id}"


def push_attempt(sandbox_id: int) -> None:
    sandboxes.group_send(attempt_group(sandbox_id), {"type": "attempt.checked"})


# ---- class dashboards ---------------------------------------------------------------------------


def refresh_rows(user_id: int) -> None:
    """Push the learner's dashboard row to each class whose view of it changed."""
    for membership in Membership.objects.filter(user_id=user_id).select_related("classroom"):
        cells = row_cells(membership.classroom, membership.user)
        signature = hashlib.sha256(json.dumps(cells, sort_keys=True).encode()).hexdigest()
        if signature == membership.row_signature:
            continue
        Membership.objects.filter(pk=membership.pk).update(row_signature=signature)
        group, uid = classroom_group(membership.classroom_id), user_id
        transaction.on_commit(
            lambda g=group, u=uid: sandboxes.group_send(g, {"type": "classroom.changed",
                                                            "user_id": u}),
            robust=True)
