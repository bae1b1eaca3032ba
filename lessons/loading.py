"""Content files -> Lesson/Step rows (`manage.py load_lessons`): validated by the engine's
loader, written only where something changed, so running it again changes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from lessons.engine import CONTENT_ROOT, load_all
from lessons.engine import Lesson as LessonText
from lessons.models import BASE_LANG, Lesson, Step


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def lesson_fields(texts: dict[str, LessonText]) -> dict:
    base = texts[BASE_LANG]
    return {
        "order": base.order,
        "estimated_minutes": base.estimated_minutes,
        "manifests": list(base.manifests),
        "setup": list(base.setup),
        "content": {
            lang: {"title": t.title, "summary": t.summary, "body": t.body}
            for lang, t in sorted(texts.items())
        },
    }


def step_fields(texts: dict[str, LessonText], index: int) -> dict:
    base = texts[BASE_LANG].steps[index]
    content = {}
    for lang, lesson in sorted(texts.items()):
        s = lesson.steps[index]
        content[lang] = {
            "title": s.title,
            "body": s.body,
            "hints": list(s.hints),
            "explanation": s.explanation,
        }
    return {
        "slug": base.slug,
        "goal": base.check,
        "solution": list(base.solution),
        "content": content,
    }


def _sync(obj, fields: dict) -> bool:
    """Set the fields that differ; True when something did."""
    changed = False
    for name, value in fields.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def load_lessons(root: Path | str = CONTENT_ROOT) -> LoadReport:
    """Raises the loader's LessonFormatError (naming the file and field) before writing
    anything when a content file is wrong."""
    course = load_all(root)
    by_slug: dict[str, dict[str, LessonText]] = {}
    for lang, lessons in course.items():
        for text in lessons:
            by_slug.setdefault(text.slug, {})[lang] = text
    report = LoadReport()
    with transaction.atomic():
        for slug, texts in by_slug.items():
            _load_one(slug, texts, report)
        gone = Lesson.objects.exclude(slug__in=list(by_slug))
        report.removed = list(gone.values_list("slug", flat=True))
        gone.delete()
    return report


def _load_one(slug: str, texts: dict[str, LessonText], report: LoadReport) -> None:
    lesson = Lesson.objects.filter(slug=slug).first()
    created = lesson is None
    lesson = lesson or Lesson(slug=slug)
    changed = _sync(lesson, lesson_fields(texts))
    if changed or created:
        lesson.save()
    count = len(texts[BASE_LANG].steps)
    existing = {s.number: s for s in Step.objects.filter(lesson=lesson)}
    for index in range(count):
        step = existing.get(index + 1) or Step(lesson=lesson, number=index + 1)
        if _sync(step, step_fields(texts, index)) or step.pk is None:
            step.save()
            changed = True
    extra = Step.objects.filter(lesson=lesson, number__gt=count)
    if extra.exists():
        extra.delete()
        changed = True
    if created:
        report.created.append(slug)
    elif changed:
        report.updated.append(slug)
    else:
        report.unchanged.append(slug)
