"""Instructors' exercises, learners' attempts, classes and their assignments.

An exercise's content is one normalised document (exercises/spec.py) kept in `document`:
the export file is that document, so export/import is exact. Title, difficulty and time
are copied out of it for listing, searching and filtering.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models

from exercises.fields import OrderedJSONField

JOIN_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud in class


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_ALPHABET) for _ in range(8))


class Exercise(models.Model):
    DRAFT, PUBLISHED, ARCHIVED = "draft", "published", "archived"
    STATUSES = [(DRAFT, "draft"), (PUBLISHED, "published"), (ARCHIVED, "archived")]

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="exercises")
    title = models.CharField(max_length=200)
    difficulty = models.CharField(max_length=10, default="easy")
    estimated_minutes = models.PositiveIntegerField(default=10)
    document = OrderedJSONField()  # key order matters: export must give back the same bytes
    status = models.CharField(max_length=10, choices=STATUSES, default=DRAFT, db_index=True)
    # The document's fingerprint when its solution last passed the test (publishing needs it).
    tested_digest = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def tasks(self) -> list[dict]:
        return self.document.get("tasks", [])


class Classroom(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="classrooms")
    name = models.CharField(max_length=120)
    join_code = models.CharField(max_length=12, unique=True, default=new_join_code)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="memberships")
    joined_at = models.DateTimeField(auto_now_add=True)
    # What the dashboard last showed for this learner: a push only when it changes.
    row_signature = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["user__username"]
        constraints = [
            models.UniqueConstraint(fields=["classroom", "user"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.classroom}"


class Assignment(models.Model):
    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="assignments")
    exercise = models.ForeignKey(Exercise, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="assignments")
    lesson = models.ForeignKey("lessons.Lesson", null=True, blank=True,
                               on_delete=models.CASCADE, related_name="assignments")
    due_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(exercise__isnull=False, lesson__isnull=True)
                           | models.Q(exercise__isnull=True, lesson__isnull=False)),
                name="assignment_exercise_xor_lesson",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        if self.exercise_id:
            return self.exercise.title
        return self.lesson.text("en")["title"]


class Attempt(models.Model):
    """One learner's go at one exercise, in a sandbox of its own."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="attempts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="attempts")
    sandbox = models.ForeignKey("playground.Sandbox", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="attempts")
    passed_tasks = models.JSONField(default=list)  # 0-based task indexes
    hints_used = models.PositiveIntegerField(default=0)
    # Console lines run in the attempt's sandbox (what `command` checks read).
    commands = models.JSONField(default=list)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["exercise", "user"], name="attempt_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.exercise}"

    @property
    def seconds(self) -> int | None:
        if self.completed_at is None:
            return None
        return int((self.completed_at - self.started_at).total_seconds())

    def current_task(self) -> int | None:
        """The first task not passed yet (0-based), None when all passed."""
        for i in range(len(self.exercise.tasks)):
            if i not in self.passed_tasks:
                return i
        return None


class HistoryRecord(models.Model):
    """A compact fact of an attempt sandbox's past (exercises/history.py), in save order."""

    sandbox = models.ForeignKey("playground.Sandbox", on_delete=models.CASCADE,
                                related_name="history_records")
    seq = models.BigIntegerField()
    data = models.JSONField()

    class Meta:
        ordering = ["sandbox", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["sandbox", "seq"], name="history_unique_seq"),
        ]

    def __str__(self) -> str:
        return f"{self.sandbox_id}#{self.seq}"
