"""Driving a sandbox through a lesson: its starting state, solutions, and step checks.

`start_lesson(cluster, lesson)` applies the lesson's manifests and runs its setup commands
through the console on a fresh cluster; `run_solution` runs a step's solution commands the
way a learner pressing the buttons would (the console's command history grows with them);
`evaluate(cluster, step, history, lang)` evaluates the step's check.
"""

from __future__ import annotations

from playground.sim.console import Console

from . import checks
from .checks import CheckResult
from .model import Lesson, Step


class SetupError(RuntimeError):
    """A lesson's starting state did not apply: a content bug, reported with the output."""


def run_command(cluster, line: str, history: list[str] | None = None,
                stdin: str | None = None):
    """One console command; appended to `history` (what `command` checks read)."""
    result = Console(cluster).run(line, stdin=stdin)
    if history is not None:
        history.append(line)
    return result


def start_lesson(cluster, lesson: Lesson) -> list[str]:
    """Apply the starting state; returns the console outputs. Raises SetupError when a
    setup command fails."""
    outputs = []
    steps = [("kubectl apply -f -", m) for m in lesson.manifests]
    steps += [(c, None) for c in lesson.setup]
    for line, stdin in steps:
        result = run_command(cluster, line, stdin=stdin)
        outputs.append(result.output)
        if not result.ok:
            raise SetupError(f"lesson {lesson.slug}: setup command {line.splitlines()[0]!r} "
                             f"failed:\n{result.output}")
    return outputs


def expects_failure(line: str) -> bool:
    """A solution command written `! COMMAND` is meant to fail (as `!` negates a shell
    command's status): the lesson shows an error on purpose."""
    return line.startswith("! ")


def solution_commands(step: Step) -> list[str]:
    """The solution as the learner types it (without the `! ` marks)."""
    return [line[2:] if expects_failure(line) else line for line in step.solution]


def run_solution(cluster, step: Step, history: list[str]) -> list[tuple[str, bool, str]]:
    """Run every solution command; returns (command, as expected?, output) for each."""
    ran = []
    for line, command in zip(step.solution, solution_commands(step), strict=True):
        result = run_command(cluster, command, history)
        ran.append((command, result.ok != expects_failure(line), result.output))
    return ran


def evaluate(cluster, step: Step, history: list[str] | None = None,
             lang: str | None = None) -> CheckResult:
    return checks.evaluate(cluster, step.check, history or [], lang or step.lang)
