"""Rate limits per user and per sandbox, counted in Redis so that every web process (on
every machine) sees the same counts.

Fixed windows of RATE_LIMIT_WINDOW seconds: one key per bucket and window, INCR and
EXPIRE in one MULTI round trip. A request over any of its buckets' limits is refused,
with the seconds left in the window as Retry-After (kubectl and client-go wait that long
and retry by themselves). A refused request counts too, so a client hammering through its
Retry-After stays refused until the window ends.

Redis down is no reason to refuse learners: the limiter fails open (allows), logs, and
leaves Redis alone for a few seconds, so a dead Redis does not add a connect timeout to
every request.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import threading
import time
from dataclasses import dataclass

import redis
from django.conf import settings

logger = logging.getLogger(__name__)

# A Redis slower than this is treated as down (fail open): a loaded machine may take a
# few hundred ms, a hung Redis must not hold every request for long.
TIMEOUT_SECONDS = 1.0
# After a Redis failure, requests pass uncounted for this long before Redis is tried again.
BACKOFF_SECONDS = 5.0


@dataclass(frozen=True)
class Bucket:
    """One counter: `scope` says what is counted ("sandbox-writes"...), `ident` whose."""

    scope: str
    ident: str
    limit: int


@dataclass(frozen=True)
class Refusal:
    bucket: Bucket
    retry_after: int  # whole seconds, at least 1
    window: int


def window_seconds() -> int:
    return int(getattr(settings, "RATE_LIMIT_WINDOW", 10))


def setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def hit(buckets: list[Bucket], now: float | None = None) -> Refusal | None:
    """Count one request in each bucket; the first bucket it overflows, or None."""
    window = window_seconds()
    active = [b for b in buckets if b.limit > 0]
    if window <= 0 or not active:
        return None
    now = time.time() if now is None else now
    index = int(now // window)
    counts = _incr([_key(b, index) for b in active], window)
    if counts is None:
        return None  # Redis unreachable: fail open
    retry_after = max(1, math.ceil((index + 1) * window - now))
    for bucket, count in zip(active, counts, strict=True):
        if count > bucket.limit:
            return Refusal(bucket=bucket, retry_after=retry_after, window=window)
    return None


def _key(bucket: Bucket, index: int) -> str:
    # idents may be secrets (a visitor's token): only a digest goes to Redis
    digest = hashlib.sha256(bucket.ident.encode()).hexdigest()[:24]
    return f"{settings.REDIS_PREFIX}:ratelimit:{bucket.scope}:{digest}:{index}"


# ---- Redis ------------------------------------------------------------------------------------

_lock = threading.Lock()
_clients: dict[tuple[int, str], redis.Redis] = {}
_skip_until = 0.0


def _client() -> redis.Redis:
    key = (os.getpid(), settings.REDIS_URL)  # a forked process opens its own connections
    with _lock:
        client = _clients.get(key)
        if client is None:
            client = redis.Redis.from_url(
                settings.REDIS_URL,
                socket_timeout=TIMEOUT_SECONDS,
                socket_connect_timeout=TIMEOUT_SECONDS,
            )
            _clients[key] = client
        return client


def _incr(keys: list[str], window: int) -> list[int] | None:
    global _skip_until
    if time.monotonic() < _skip_until:
        return None
    try:
        pipe = _client().pipeline(transaction=True)
        for key in keys:
            pipe.incr(key)
            pipe.expire(key, window + 1)
        replies = pipe.execute()
    except redis.RedisError as exc:
        _skip_until = time.monotonic() + BACKOFF_SECONDS
        logger.warning("rate limits not counted for %.0f s: Redis: %s", BACKOFF_SECONDS, exc)
        return None
    return [int(n) for n in replies[0::2]]
