"""Shared by the rate-limit tests: a clean slate of counters, and settings that make the
fixed window long enough that no test ever straddles two windows."""

import pytest
import redis
from django.conf import settings

from playground import ratelimit

# ~11 days: a test starting just before a window boundary would otherwise see its counts
# reset halfway (the windows are aligned to the epoch).
LONG_WINDOW = 1_000_000


def clear_counters(url: str, prefix: str) -> None:
    client = redis.Redis.from_url(url)
    try:
        keys = list(client.scan_iter(match=f"{prefix}:ratelimit:*", count=1000))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@pytest.fixture
def counters():
    """No counts from earlier tests (SQLite reuses ids after a rolled-back test), and
    none left behind in the shared Redis (keys of a long window live for days)."""
    # this run's own Redis and prefix, whatever a test points the settings at
    where = (settings.REDIS_URL, settings.REDIS_PREFIX)
    clear_counters(*where)
    ratelimit._skip_until = 0.0
    yield
    clear_counters(*where)
    ratelimit._skip_until = 0.0


@pytest.fixture
def limits(settings, counters):
    """Generous limits in a long window; each test lowers the one it exercises."""
    settings.RATE_LIMIT_WINDOW = LONG_WINDOW
    settings.RATE_LIMIT_SANDBOX_WRITES = 1000
    settings.RATE_LIMIT_USER_WRITES = 1000
    settings.RATE_LIMIT_SANDBOX_REQUESTS = 1000
    settings.RATE_LIMIT_ANONYMOUS_OPENS = 1000
    return settings
