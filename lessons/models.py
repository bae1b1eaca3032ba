"""Lessons as loaded from lessons/content/ (`manage.py load_lessons`), and each learner's
progress through them.

Text is stored per language as JSON (`content["en"]`, `content["ko"]`): the content files
are the source of truth, the rows a loaded copy the pages read. What is language-neutral
(order, time, starting state, checks, solutions) is stored once.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

BASE_LANG = "en"


class Lesson(models.Model):
    slug = models.SlugField(unique=True)
    order = models.PositiveIntegerField()
    estimated_minutes = models.PositiveIntegerField()
    # Starting state of the lesson's sandbox: YAML documents applied, then console commands.
    manifests = models.JSONField(default=list)
    setup = models.JSONField(default=list)
    # {lang: {"title", "summary", "body"}}
    content = models.JSONField(default=dict)

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.slug

    def text(self, lang: str) -> dict:
        return self.content.get(lang) or self.content[BASE_LANG]


class Step(models.Model):
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveIntegerField()  # 1-based
    slug = models.SlugField()
    goal = models.JSONField()  # the declarative check (lessons.engine.checks)
    solution = models.JSONField(default=list)
    # {lang: {"title", "body", "hints", "explanation"}}
    content = models.JSONField(default=dict)

    class Meta:
        ordering = ["lesson", "number"]
        constraints = [
            models.UniqueConstraint(fields=["lesson", "number"], name="step_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.lesson.slug} {self.number}. {self.slug}"

    def text(self, lang: str) -> dict:
        return self.content.get(lang) or self.content[BASE_LANG]


class LessonProgress(models.Model):
    """One learner's way through one lesson: a signed-in user, or an anonymous visitor
    (the sandbox visitor token of their session, carried over on sign-up)."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="lesson_progress",
    )
    visitor = models.CharField(max_length=64, blank=True, db_index=True)
    sandbox = models.ForeignKey(
        "playground.Sandbox",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lesson_progress",
    )
    current_step = models.PositiveIntegerField(default=1)
    completed_steps = models.JSONField(default=list)
    # Console lines run in this lesson's sandbox, typed or pressed (what `command` checks read).
    history = models.JSONField(default=list)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["lesson__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["lesson", "user"],
                condition=models.Q(user__isnull=False),
                name="progress_unique_per_user",
            ),
            models.UniqueConstraint(
                fields=["lesson", "visitor"],
                condition=models.Q(user__isnull=True) & ~models.Q(visitor=""),
                name="progress_unique_per_visitor",
            ),
        ]

    def __str__(self) -> str:
        who = self.user or f"visitor {self.visitor[:6]}"
        return f"{who}: {self.lesson.slug} step {self.current_step}"

    def is_done(self, number: int) -> bool:
        return number in self.completed_steps
