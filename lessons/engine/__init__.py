"""The lesson engine: content loader, check language and runner. Pure Python over
playground.sim (no Django), so solver tests and Celery tasks can use it directly."""

from .checks import CheckResult, CheckSpecError, validate
from .checks import evaluate as evaluate_check
from .loader import CONTENT_ROOT, LessonFormatError, load_all, load_lesson
from .model import Action, Lesson, Step
from .runner import SetupError, evaluate, run_command, run_solution, start_lesson

__all__ = [
    "CONTENT_ROOT",
    "Action",
    "CheckResult",
    "CheckSpecError",
    "Lesson",
    "LessonFormatError",
    "SetupError",
    "Step",
    "evaluate",
    "evaluate_check",
    "load_all",
    "load_lesson",
    "run_command",
    "run_solution",
    "start_lesson",
    "validate",
]
