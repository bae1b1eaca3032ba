"""The lesson engine: content loader, check language and runner. Pure Python over
playground.sim (no Django), so solver tests and Celery tasks can use it directly.

    course = load_all()                      # {"en": [Lesson, ...], "ko": [...]}, by order
    lesson = course["ko"][3]                 # Lesson: slug, title, summary, setup, steps ...
    start_lesson(cluster, lesson)            # the starting state, on a fresh Cluster.new()
    result = evaluate(cluster, step, history, "ko")   # CheckResult(passed, feedback)

`history` is the list of console command lines the learner ran in this sandbox (what
`command` checks match). Step.actions are the buttons (Action.command() gives the console
line and stdin); Step.solution the commands that complete the step (`run_solution`).
"""

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
