"""Authoring and classes: every write an instructor makes goes through here.

Permissions are checked by the views (exercises/access.py); these functions assume the
caller may act. Errors a person can fix raise ExerciseError with a plain message.
"""

from __future__ import annotations

import hashlib
import json

from django.db import IntegrityError, transaction
from django.utils import timezone

from exercises import runner, spec
from exercises.dashboard import classroom_group
from exercises.models import Assignment, Classroom, Exercise, Membership


class ExerciseError(ValueError):
    """Something the instructor or learner can fix; the message says what."""


def digest(doc: dict) -> str:
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


# ---- exercises ---------------------------------------------------------------------------------


def _fields(doc: dict) -> dict:
    return {"title": doc["title"], "difficulty": doc["difficulty"],
            "estimated_minutes": doc["estimated_minutes"], "document": doc}


def exercise_create(*, owner, doc: dict) -> Exercise:
    return Exercise.objects.create(owner=owner, **_fields(doc))


def exercise_update(*, exercise: Exercise, doc: dict) -> Exercise:
    """A changed document must pass the test again: a published exercise goes back to
    draft until it does (and learners cannot open it meanwhile). Attempts read the
    current document: a fixed typo or hint reaches attempts already under way."""
    for name, value in _fields(doc).items():
        setattr(exercise, name, value)
    if exercise.tested_digest and exercise.tested_digest != digest(doc):
        exercise.tested_digest = ""
        if exercise.status == Exercise.PUBLISHED:
            exercise.status = Exercise.DRAFT
    exercise.save()
    return exercise


def exercise_import(*, owner, text: str | bytes) -> tuple[Exercise | None, list[str]]:
    """A new draft from an exported file, or the problems (nothing is created)."""
    doc, problems = spec.parse(text)
    if not problems:
        problems = runner.start_problems(doc)
    if problems:
        return None, problems
    return exercise_create(owner=owner, doc=doc), []


def exercise_export(exercise: Exercise) -> str:
    return spec.dump(exercise.document)


def exercise_duplicate(*, exercise: Exercise, owner) -> Exercise:
    doc = dict(exercise.document, title=f"{exercise.title} (copy)"[:200])
    return exercise_create(owner=owner, doc=doc)


def exercise_test(*, exercise: Exercise) -> runner.TestReport:
    """Run the solution on a fresh cluster (and the checks on the starting state); a pass
    makes the exercise publishable."""
    report = runner.test_exercise(exercise.document)
    exercise.tested_digest = digest(exercise.document) if report.solution_passes else ""
    exercise.save(update_fields=["tested_digest", "updated_at"])
    return report


def exercise_set_status(*, exercise: Exercise, status: str) -> Exercise:
    if status == Exercise.PUBLISHED and exercise.tested_digest != digest(exercise.document):
        raise ExerciseError("Test the exercise first: it can be published once its solution "
                            "passes every check.")
    if status not in dict(Exercise.STATUSES):
        raise ExerciseError(f"unknown status {status!r}")
    exercise.status = status
    exercise.save(update_fields=["status", "updated_at"])
    return exercise


# ---- classes -----------------------------------------------------------------------------------


def classroom_create(*, owner, name: str) -> Classroom:
    name = name.strip()
    if not name or len(name) > 120:
        raise ExerciseError("A class needs a name of 1 to 120 characters.")
    for _ in range(5):  # a clash of random 8-letter codes is rare; retry anyway
        try:
            with transaction.atomic():
                return Classroom.objects.create(owner=owner, name=name)
        except IntegrityError:
            continue
    raise ExerciseError("Could not make a join code; try again.")


def classroom_join(*, user, code: str) -> Classroom:
    classroom = Classroom.objects.filter(join_code=code.strip().upper()).first()
    if classroom is None:
        raise ExerciseError("No class has that join code.")
    _, created = Membership.objects.get_or_create(classroom=classroom, user=user)
    if created:
        push_board(classroom.pk)
    return classroom


def push_board(classroom_id: int) -> None:
    """After the commit: the dashboard has a new row or column, so it is sent whole."""
    from playground.sandboxes import group_send

    event = {"type": "classroom.board"}
    transaction.on_commit(lambda: group_send(classroom_group(classroom_id), event),
                          robust=True)


def assignment_create(*, classroom: Classroom, exercise: Exercise | None = None, lesson=None,
                      due_at=None) -> Assignment:
    if (exercise is None) == (lesson is None):
        raise ExerciseError("Assign either an exercise or a lesson.")
    if exercise is not None and exercise.status != Exercise.PUBLISHED:
        raise ExerciseError("Only a published exercise can be assigned.")
    if due_at is not None and due_at < timezone.now():
        raise ExerciseError("The due date is in the past.")
    existing = Assignment.objects.filter(classroom=classroom, exercise=exercise, lesson=lesson)
    if existing.exists():
        raise ExerciseError("This class already has that assignment.")
    assignment = Assignment.objects.create(classroom=classroom, exercise=exercise,
                                           lesson=lesson, due_at=due_at)
    push_board(classroom.pk)
    return assignment
