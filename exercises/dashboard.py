"""What a class dashboard shows: one row per learner, one cell per assignment.

A cell is `{"state": "not-started" | "in-progress" | "done", "label": text}`; an exercise in
progress names the task the learner is on, a lesson the step. The same cells feed the
page, the live pushes and the CSV export.
"""

from __future__ import annotations

import csv
import io

from exercises.models import Assignment, Attempt, Classroom, Membership
from playground.groups import VALID_GROUP

NOT_STARTED, IN_PROGRESS, DONE = "not-started", "in-progress", "done"


def classroom_group(classroom_id: int) -> str:
    name = f"classroom-{classroom_id}"
    if not VALID_GROUP.match(name):
        raise ValueError(f"invalid channel group name: {name!r}")
    return name


def _assignments(classroom: Classroom) -> list[Assignment]:
    return list(classroom.assignments.select_related("exercise", "lesson"))


def exercise_cell(attempt: Attempt | None, tasks: list[dict]) -> dict:
    if attempt is None:
        return {"state": NOT_STARTED, "label": "not started"}
    if attempt.completed_at is not None:
        minutes = (attempt.seconds or 0) // 60
        return {"state": DONE, "label": f"done in {minutes} min, {attempt.hints_used} hint(s)"}
    current = next((i for i in range(len(tasks)) if i not in attempt.passed_tasks), 0)
    title = tasks[current]["title"] if tasks else ""
    return {"state": IN_PROGRESS, "label": f"task {current + 1}/{len(tasks)}: {title}"}


def lesson_cell(progress, total: int) -> dict:
    if progress is None:
        return {"state": NOT_STARTED, "label": "not started"}
    if progress.completed_at is not None:
        return {"state": DONE, "label": "done"}
    return {"state": IN_PROGRESS,
            "label": f"step {progress.current_step}/{total}, {len(progress.completed_steps)} done"}


def row_cells(classroom: Classroom, user, assignments: list[Assignment] | None = None
              ) -> list[dict]:
    from lessons.models import LessonProgress

    assignments = _assignments(classroom) if assignments is None else assignments
    attempts = {a.exercise_id: a for a in Attempt.objects.filter(
        user=user, exercise_id__in=[a.exercise_id for a in assignments if a.exercise_id])}
    progress = {p.lesson_id: p for p in LessonProgress.objects.filter(
        user=user, lesson_id__in=[a.lesson_id for a in assignments if a.lesson_id])}
    cells = []
    for a in assignments:
        if a.exercise_id:
            cells.append(exercise_cell(attempts.get(a.exercise_id), a.exercise.tasks))
        else:
            cells.append(lesson_cell(progress.get(a.lesson_id), a.lesson.steps.count()))
    return cells


def dashboard(classroom: Classroom) -> dict:
    assignments = _assignments(classroom)
    members = Membership.objects.filter(classroom=classroom).select_related("user")
    rows = [{"user": m.user, "cells": row_cells(classroom, m.user, assignments)}
            for m in members]
    return {"assignments": assignments, "rows": rows}


def results_csv(classroom: Classroom) -> str:
    board = dashboard(classroom)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    header = ["learner"]
    for a in board["assignments"]:
        header += [f"{a.title}: status", f"{a.title}: detail"]
    writer.writerow(header)
    for row in board["rows"]:
        line = [row["user"].get_username()]
        for cell in row["cells"]:
            line += [cell["state"], cell["label"]]
        writer.writerow([_safe(v) for v in line])
    return out.getvalue()


def _safe(value: str) -> str:
    """A learner's username or a title could start a spreadsheet formula: quote it."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
