"""An exercise task's check: the lesson check language plus the history-aware checks.

Lesson check types are validated and evaluated by lessons.engine.checks (not forked); the
history types of exercises.history are handled here, also inside `all` / `any`.
"""

from __future__ import annotations

from typing import Any

from lessons.engine import checks as lesson_checks
from lessons.engine.checks import CheckResult, CheckSpecError

from . import history

COMBINATORS = ("all", "any")


def validate(spec: Any, at: str = "check") -> None:
    """Raises CheckSpecError naming the bad field."""
    if isinstance(spec, dict) and len(spec) == 1:
        (kind, params), = spec.items()
        if kind in history.SCHEMA:
            try:
                history.validate(kind, params, at)
            except history.HistorySpecError as exc:
                raise CheckSpecError(str(exc)) from None
            return
        if kind in COMBINATORS and isinstance(params, list) and params:
            for i, sub in enumerate(params):
                validate(sub, f"{at}.{kind}[{i}]")
            return
    try:
        lesson_checks.validate(spec, at)
    except CheckSpecError as exc:
        if "unknown check type" in str(exc):
            types = ", ".join([*lesson_checks.SCHEMA, *history.SCHEMA, *COMBINATORS])
            raise CheckSpecError(f"{at}: unknown check type {next(iter(spec))!r} "
                                 f"(one of {types})") from None
        raise


def uses_history(spec: dict) -> bool:
    (kind, params), = spec.items()
    if kind in COMBINATORS:
        return any(uses_history(s) for s in params)
    return kind in history.SCHEMA


def evaluate(cluster, spec: dict, commands: list[str], records: list[dict],
             lang: str = "en") -> CheckResult:
    (kind, params), = spec.items()
    if kind in history.SCHEMA:
        return history.evaluate(kind, params, records, lang)
    if kind in COMBINATORS and uses_history(spec):
        results = [evaluate(cluster, s, commands, records, lang) for s in params]
        if kind == "all":
            failed = [r for r in results if not r.passed]
            if failed:
                return CheckResult(False, failed[0].feedback)
            return CheckResult(True, " ".join(r.feedback for r in results))
        passed = [r for r in results if r.passed]
        if passed:
            return passed[0]
        return CheckResult(False, " Or: ".join(r.feedback for r in results))
    return lesson_checks.evaluate(cluster, spec, commands, lang)
