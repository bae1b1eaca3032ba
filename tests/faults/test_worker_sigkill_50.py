"""Celery workers SIGKILLed 50 times in a row, mid-reconcile, while learners keep typing:
nothing is lost and nothing is done twice. The final state of every sandbox, object for
object, and its whole timeline equal what a clean run reaches: the pure simulation given
the same seed and the same console lines at the same simulated times.

Why that reference is fair: a sandbox's simulated clock runs with the wall clock, so
when each line lands is chance; but the cluster itself is deterministic (seeded
randomness, timers fired in order by whoever catches up). Each line is run the way
`sandbox_command` runs it (`opened` + Console) and the simulated time it ran at is
recorded; replaying those lines at those times, then settling, is the clean run. Workers
only fire timers: whether a timer fires in a worker that later dies (its transaction
rolled back), in the next worker, or in a learner's request that catches up first, the
outcome must be the same.
"""

from __future__ import annotations

import random
import re
import threading
import time
from dataclasses import dataclass, field

import pytest
from django.db import connection

from playground import sandboxes
from playground.celery import app
from playground.models import Sandbox, TimelineEntry
from playground.sim.cluster import Cluster
from playground.sim.console import Console
from playground.store import load_cluster
from tests.support.servers import CeleryWorker, ForkedWorker, WorkerZygote, subprocess_env

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

KILLS = 50
SEEDS = (101, 202, 303, 404, 505)
COMMANDS_PER_SANDBOX = 12
# Slow enough that a rollout is many timers, each a reconcile task of its own.
SPEED = "4"
# Fast redelivery of what a killed worker held, a short claim, and a pause inside every
# reconcile's transaction: most kills land there, all work done, nothing committed.
FAST_RETRY = {
    "CELERY_VISIBILITY_TIMEOUT": "1",
    "CELERY_UNACKED_RESTORE_INTERVAL": "1",
    "CELERY_UNACKED_RESTORE_THROTTLE": "1",
    "CELERY_UNACKED_MUTEX_EXPIRE": "2",
    "SANDBOX_LEASE_SECONDS": "1",
}
PAUSE = {"SANDBOX_RECONCILE_PAUSE": "0.3"}
MID_RECONCILE = "paused mid-reconcile"
STANDBY = "standby"
# tags the simulated registry has (an unknown one would back off forever: no fixpoint)
IMAGES = ("1.25", "1.26", "1.27", "1.28", "1.29", "alpine", "1.27-alpine")


# ---- the learners' scripts ------------------------------------------------------------------


def script(seed: int) -> list[str]:
    """Console lines a learner might type, each valid where it comes (so each one must be
    applied exactly once), drawn from `seed`."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    lines = ["kubectl create deployment web --image=nginx:1.25 --replicas=2"]
    configmaps: list[int] = []
    made = 0
    while len(lines) < COMMANDS_PER_SANDBOX:
        what = rng.choice(["scale", "image", "cm", "cm", "uncm", "label", "restart"])
        if what == "scale":
            lines.append(f"kubectl scale deployment web --replicas={rng.randint(1, 4)}")
        elif what == "image":
            lines.append(f"kubectl set image deployment/web nginx=nginx:{rng.choice(IMAGES)}")
        elif what == "restart":
            lines.append("kubectl rollout restart deployment/web")
        elif what == "cm" or not configmaps:
            made += 1
            configmaps.append(made)
            lines.append(f"kubectl create configmap cm-{made} --from-literal=n={made}")
        elif what == "uncm":
            lines.append(
                f"kubectl delete configmap cm-{configmaps.pop(rng.randrange(len(configmaps)))}"
            )
        else:
            target = rng.choice(configmaps)
            lines.append(f"kubectl label configmap cm-{target} round={len(lines)} --overwrite")
    return lines


@dataclass
class Played:
    """What one sandbox went through: its start, and each line with its simulated time."""

    sandbox_id: int
    seed: int
    start: float
    lines: list[tuple[float, str, str, bool]] = field(default_factory=list)


def run_line(played: Played, line: str) -> None:
    """What `sandboxes.sandbox_command` does, keeping the simulated time it ran at."""
    with sandboxes.opened(played.sandbox_id, seen=True) as loaded:
        at = loaded.cluster.clock.now
        result = Console(loaded.cluster).run(line)
    played.lines.append((at, line, result.output, result.ok))


# ---- workers that die ---------------------------------------------------------------------------


def start_worker(**env: str) -> CeleryWorker:
    worker = CeleryWorker(env=subprocess_env(**FAST_RETRY, **env))
    worker.start()
    return worker


def reconciles(worker: ForkedWorker) -> tuple[int, int]:
    """(reconciles that reached the pause, reconciles that committed) in the worker's log."""
    log = worker.tail(5000)
    return log.count(MID_RECONCILE), len(re.findall(r"reconcile_sandbox\[.*succeeded.*'done'", log))


def promote(worker: ForkedWorker) -> None:
    """A standby worker starts taking the sandboxes' tasks (Celery's default queue). Asked
    again until it answers: a broadcast sent before its control channel subscribed is lost
    (asking twice is harmless, it then says it already consumes that queue)."""
    for _ in range(10):
        replies = app.control.add_consumer(
            app.conf.task_default_queue, destination=[worker.hostname], reply=True, timeout=1
        )
        if replies:
            return
    raise AssertionError(f"{worker.hostname} did not answer:\n{worker.tail()}")


@dataclass
class Killer:
    """Promotes a standby worker, lets it work until it is inside a reconcile (or for a
    seeded while), SIGKILLs its process group; the next one is already forked."""

    zygote: WorkerZygote
    rng: random.Random
    kills: int = 0
    mid_reconcile: int = 0
    committed: int = 0
    failed: bool = False

    def run(self, count: int) -> None:
        try:
            self.kill_many(count)
        except BaseException:
            self.failed = True
            raise

    def kill_many(self, count: int) -> None:
        upcoming = self.zygote.spawn(queues=STANDBY)
        for _ in range(count):
            worker, upcoming = upcoming, None
            worker.wait_ready()
            promote(worker)
            # the next one starts meanwhile, on a queue nobody sends to: a warm standby
            upcoming = self.zygote.spawn(queues=STANDBY)
            self.let_work(worker)
            paused, committed = reconciles(worker)
            worker.kill()  # SIGKILL to its whole process group
            self.mid_reconcile += paused > committed
            self.committed += committed
            self.kills += 1
        upcoming.kill()

    def let_work(self, worker: ForkedWorker) -> None:
        """Mostly until the worker is inside its first reconcile, sometimes its second or
        third, and about one time in seven for a seeded while (it may be anywhere then)."""
        if self.rng.random() < 0.15:
            deadline, nth = time.monotonic() + self.rng.uniform(0.05, 1.0), None
        else:
            deadline, nth = time.monotonic() + 3.0, self.rng.choice((1, 1, 1, 1, 1, 2, 3))
        while time.monotonic() < deadline:
            if nth is not None and reconciles(worker)[0] >= nth:
                return
            time.sleep(0.01)


def drive(plays: list[Played], killer: Killer, rng: random.Random, errors: list) -> None:
    """Run every script (each in its own order, the sandboxes interleaved at random),
    spread over the kills and never ahead of them."""
    lines = {p.sandbox_id: iter(script(p.seed)[1:]) for p in plays}
    order = [p for p in plays for _ in range(COMMANDS_PER_SANDBOX - 1)]
    rng.shuffle(order)
    try:
        for n, played in enumerate(order):
            while killer.kills < n * KILLS // len(order):
                if killer.failed:
                    return
                time.sleep(0.02)
            time.sleep(rng.uniform(0, 0.3))
            run_line(played, next(lines[played.sandbox_id]))
    except Exception as exc:  # reported by the test, not lost in the thread
        errors.append(exc)
    finally:
        connection.close()  # this thread's own: the test database is dropped at the end


# ---- the clean run and the comparison -------------------------------------------------------


def clean_run(played: Played) -> Cluster:
    """The same seed and lines at the same simulated times, no worker at all."""
    cluster = Cluster.new(seed=played.seed, start=played.start, workers=2)
    cluster.reconcile()
    for at, line, _, _ in played.lines:
        cluster.run_until(at)
        Console(cluster).run(line)
        cluster.reconcile()
    cluster.settle()
    return cluster


def state_of(objects) -> dict[tuple[str, str, str], dict]:
    return {
        (o["kind"], o["metadata"].get("namespace", ""), o["metadata"]["name"]): o for o in objects
    }


def differences(live: dict, reference: dict, path: str = "") -> list[str]:
    """Where two JSON-like values differ, as readable paths (for the failure message)."""
    if isinstance(live, dict) and isinstance(reference, dict):
        out = []
        for key in sorted(set(live) | set(reference), key=str):
            where = f"{path}/{key}"
            if key not in live or key not in reference:
                out.append(f"{where}: only in {'live' if key in live else 'clean run'}")
            else:
                out.extend(differences(live[key], reference[key], where))
        return out
    return [] if live == reference else [f"{path}: live {live!r} != clean run {reference!r}"]


def timeline_of(entries) -> list[tuple]:
    return sorted(
        (e["time"], e["actor"], e["kind"], e["namespace"], e["name"], e["message"]) for e in entries
    )


def stored_timeline(sandbox_id: int) -> list[tuple]:
    rows = TimelineEntry.objects.filter(sandbox_id=sandbox_id, event_type="")
    return timeline_of(
        {
            "time": r.time,
            "actor": r.actor,
            "kind": r.kind,
            "namespace": r.namespace,
            "name": r.name,
            "message": r.message,
        }
        for r in rows
    )


def converged(sandbox_id: int) -> bool:
    sandbox = Sandbox.objects.get(pk=sandbox_id)
    return not sandbox.timer_token and load_cluster(sandbox).cluster.next_wakeup() is None


def pending(sandbox_id: int) -> str:
    """Why a sandbox has not converged: its timer and each controller's next wakeup."""
    sandbox = Sandbox.objects.get(pk=sandbox_id)
    cluster = load_cluster(sandbox).cluster
    wakeups = {type(c).__name__: c.next_wakeup(cluster) for c in cluster.controllers}
    return (
        f"sandbox {sandbox_id} at {cluster.clock.now} (wall-clock sim time "
        f"{sandboxes.sim_time(sandbox)}): timer {sandbox.timer_token!r} due "
        f"{sandbox.timer_due}, claimed until {sandbox.reconciling_until}; "
        f"pending: { {k: v for k, v in wakeups.items() if v is not None} }"
    )


def broker_state() -> str:
    """The broker's side: queued and unacked messages, and the restore mutex."""
    import os

    import redis

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    prefix = os.environ["REDIS_PREFIX"]
    return (
        f"queue {client.llen(prefix + ':celery')}, unacked {client.hlen(prefix + ':unacked')}, "
        f"unacked_mutex ttl {client.ttl(prefix + ':unacked_mutex')}"
    )


def wait_converged(sandbox_id: int, worker: CeleryWorker, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not converged(sandbox_id):
        if time.monotonic() > deadline:
            raise AssertionError(
                f"no fixpoint after {timeout}s: {pending(sandbox_id)}; {broker_state()}\n"
                f"{worker.tail(30)}"
            )
        time.sleep(0.2)


# ---- the test -------------------------------------------------------------------------------


def test_fifty_sigkills_mid_reconcile_lose_and_duplicate_nothing(record_property):
    plays = []
    for seed in SEEDS:
        sandbox = sandboxes.sandbox_create(name=f"s{seed}", visitor="v", seed=seed)
        played = Played(sandbox_id=sandbox.pk, seed=seed, start=sandbox.sim_anchor)
        sandboxes.sandbox_clock(sandbox_id=sandbox.pk, action="speed", value=SPEED)
        run_line(played, script(seed)[0])
        plays.append(played)

    started = time.monotonic()
    zygote = WorkerZygote(env=subprocess_env(**FAST_RETRY, **PAUSE))
    zygote.start()
    rng = random.Random(9)  # noqa: S311 - a reproducible schedule of kills and lines
    killer, errors = Killer(zygote, random.Random(rng.random())), []  # noqa: S311
    driver = threading.Thread(target=drive, args=(plays, killer, rng, errors))
    driver.start()
    try:
        killer.run(KILLS)
    finally:
        driver.join(timeout=60)
        zygote.stop()
    assert not errors, errors
    assert killer.kills == KILLS
    assert killer.mid_reconcile >= 2 * KILLS // 5, f"only {killer.mid_reconcile} mid-reconcile"

    record_property(
        "timing",
        f"worker_sigkill: {KILLS} kills in {time.monotonic() - started:.0f} s, "
        f"{killer.mid_reconcile} mid-reconcile, {killer.committed} reconciles committed",
    )
    clean = start_worker()
    try:
        for played in plays:
            wait_converged(played.sandbox_id, clean, timeout=60)
    finally:
        clean.stop()

    for played in plays:
        assert all(ok for _, _, _, ok in played.lines), played.lines
        sandbox = Sandbox.objects.get(pk=played.sandbox_id)
        live = load_cluster(sandbox).cluster
        reference = clean_run(played)
        # as many writes and random draws as the clean run: none lost, none done twice
        for counter in ("resourceVersion", "randCounter"):
            assert live.store.meta[counter] == reference.store.meta[counter], counter
        diff = differences(state_of(live.store.all()), state_of(reference.store.all()))
        assert not diff, f"sandbox {played.seed}:\n" + "\n".join(diff[:40])
        assert stored_timeline(played.sandbox_id) == timeline_of(reference.store.timeline)
