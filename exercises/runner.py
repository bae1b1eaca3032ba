"""Driving a simulated cluster through an exercise (pure Python, no Django).

    outputs = start_exercise(cluster, doc)      # starting state + the fault plan
    results = check_tasks(cluster, doc, commands, records)
    report = test_exercise(doc)                 # what the author's "Test" button shows

`test_exercise` runs the starting state on two fresh clusters: on one it checks every task
straight away (each should fail: a task that already passes teaches nothing), on the other
it runs each task's solution in order, lets the cluster settle, and checks every task (each
must pass). An exercise whose solution fails cannot be published.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lessons.engine.checks import CheckResult
from playground.sim.cluster import Cluster
from playground.sim.console import Console
from playground.sim.controllers.scheduledfaults import META_KEY

from . import checks, history, spec

SOLUTION_SETTLE = 600.0  # simulated seconds a solution may take to converge
TEST_SEED = 7


class StartError(RuntimeError):
    """The starting state did not apply; the message carries the console output."""


def start_exercise(cluster: Cluster, doc: dict, *, faults: bool = True) -> list[str]:
    """Apply manifests, run setup commands, plan the faults from now. Raises StartError."""
    outputs = []
    lines = [("kubectl apply -f -", m) for m in doc["start"]["manifests"]]
    lines += [(c, None) for c in doc["start"]["commands"]]
    for line, stdin in lines:
        result = Console(cluster).run(line, stdin=stdin)
        outputs.append(result.output)
        if not result.ok:
            raise StartError(f"starting state: {line.splitlines()[0]!r} failed:\n"
                             f"{result.output}")
    if faults:
        plan_faults(cluster, doc["faults"])
    return outputs


def start_problems(doc: dict, *, seed: int = TEST_SEED) -> list[str]:
    """The starting state applied on a throwaway cluster: each manifest or command the
    API server refuses, named by its field path with kubectl's own output."""
    cluster = Cluster.new(seed=seed)
    lines = [(f"start.manifests[{i}]", "kubectl apply -f -", m)
             for i, m in enumerate(doc["start"]["manifests"])]
    lines += [(f"start.commands[{i}]", c, None) for i, c in enumerate(doc["start"]["commands"])]
    problems = []
    for path, line, stdin in lines:
        result = Console(cluster).run(line, stdin=stdin)
        if not result.ok:
            problems.append(f"{path}: {result.output.strip()}")
    return problems


def plan_faults(cluster: Cluster, faults: list[dict]) -> None:
    start = cluster.clock.now
    cluster.store.meta[META_KEY] = [
        {**f, "at": start + spec.fault_seconds(f), "fired": False} for f in faults]


def check_tasks(cluster: Cluster, doc: dict, commands: list[str], records: list[dict],
                lang: str = "en") -> list[CheckResult]:
    return [checks.evaluate(cluster, t["check"], commands, records, lang) for t in doc["tasks"]]


def cluster_records(cluster: Cluster) -> list[dict]:
    """The history of a cluster run in memory (its change log was never drained)."""
    return history.records_from(cluster.store.changes, cluster.store.timeline)


@dataclass
class TaskReport:
    title: str
    before: CheckResult  # on the starting state (should fail)
    after: CheckResult | None = None  # after the solution (must pass)
    ran: list[tuple[str, bool, str]] = field(default_factory=list)  # (command, ok, output)


@dataclass
class TestReport:
    error: str = ""
    tasks: list[TaskReport] = field(default_factory=list)

    @property
    def solution_passes(self) -> bool:
        return not self.error and bool(self.tasks) and all(
            t.after is not None and t.after.passed for t in self.tasks)

    @property
    def start_fails(self) -> bool:
        return not self.error and all(not t.before.passed for t in self.tasks)


def test_exercise(doc: dict, *, seed: int = TEST_SEED) -> TestReport:
    report = TestReport()
    try:
        cluster = _fresh(doc, seed)
    except StartError as exc:
        report.error = str(exc)
        return report
    commands: list[str] = []
    befores = check_tasks(cluster, doc, commands, cluster_records(cluster))
    report.tasks = [TaskReport(t["title"], b) for t, b in zip(doc["tasks"], befores,
                                                             strict=True)]
    cluster = _fresh(doc, seed)
    for task, source in zip(report.tasks, doc["tasks"], strict=True):
        for line in source["solution"]:
            result = Console(cluster).run(line)
            commands.append(line)
            task.ran.append((line.splitlines()[0], result.ok, result.output))
        cluster.settle(SOLUTION_SETTLE)
    afters = check_tasks(cluster, doc, commands, cluster_records(cluster))
    for task, after in zip(report.tasks, afters, strict=True):
        task.after = after
    return report


def _fresh(doc: dict, seed: int) -> Cluster:
    cluster = Cluster.new(seed=seed)
    cluster.settle()
    start_exercise(cluster, doc, faults=False)
    cluster.settle(SOLUTION_SETTLE)
    plan_faults(cluster, doc["faults"])  # the incident starts with the learner's work
    return cluster
