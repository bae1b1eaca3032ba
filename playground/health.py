"""Checks behind /healthz. Each returns a small dict with "ok" and how long it took,
and never raises: a broken component is reported, not turned into a 500."""

import time
from collections.abc import Callable

import redis
from django.conf import settings
from django.db import connection

from playground.celery import app as celery_app

TIMEOUT_SECONDS = 2.0


def timed(check: Callable[[], dict]) -> dict:
    started = time.monotonic()
    try:
        result = {"ok": True, **check()}
    except Exception as exc:  # noqa: BLE001 - any failure is the answer we report
        result = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    result["ms"] = round((time.monotonic() - started) * 1000, 1)
    return result


def database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"vendor": connection.vendor}


def redis_server() -> dict:
    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_timeout=TIMEOUT_SECONDS, socket_connect_timeout=TIMEOUT_SECONDS
    )
    try:
        client.ping()
    finally:
        client.close()
    return {}


def celery_workers() -> dict:
    # A broadcast ping through the broker; `limit=1` returns at the first reply
    # instead of waiting out the timeout when a worker is there.
    replies = celery_app.control.ping(timeout=TIMEOUT_SECONDS, limit=1)
    workers = sorted(name for reply in replies for name in reply)
    if not workers:
        raise RuntimeError("no Celery worker answered a ping")
    return {"worker_count": len(workers), "workers": workers}


def run_checks() -> dict:
    checks = {"database": timed(database), "redis": timed(redis_server)}
    if checks["redis"]["ok"]:
        checks["celery"] = timed(celery_workers)
    else:
        # Without the broker a ping would only hang in connection retries.
        checks["celery"] = {"ok": False, "error": "broker (Redis) unreachable", "ms": 0.0}
    return checks


def public(checks: dict) -> dict:
    """What anyone may see: the workers' host names name our machines, so only staff get
    them; everyone else gets how many answered."""
    return {
        name: {k: v for k, v in check.items() if k != "workers"} for name, check in checks.items()
    }


def sees_details(request) -> bool:
    """Staff see the details; never raises (a probe must get its 503, not a 500, while the
    database that holds sessions is down)."""
    try:
        return bool(request.user.is_staff)
    except Exception:  # noqa: BLE001 - no user to be had is "not staff"
        return False
