"""`python manage.py load_lessons`: the shipped lessons into the database (idempotent)."""

from django.core.management.base import BaseCommand, CommandError

from lessons.engine import LessonFormatError
from lessons.loading import load_lessons


class Command(BaseCommand):
    help = "Load the lessons in lessons/content/ (validated; only what changed is written)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--root", help="content folder (default: lessons/content)")

    def handle(self, *args, **options) -> None:
        try:
            report = load_lessons(options["root"]) if options["root"] else load_lessons()
        except LessonFormatError as exc:
            raise CommandError(str(exc)) from None
        parts = [
            f"{len(report.created)} new",
            f"{len(report.updated)} updated",
            f"{len(report.unchanged)} unchanged",
        ]
        if report.removed:
            parts.append(f"{len(report.removed)} removed ({', '.join(report.removed)})")
        self.stdout.write("lessons: " + ", ".join(parts))
