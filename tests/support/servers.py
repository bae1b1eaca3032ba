"""Real server processes for integration and browser tests: daphne and a Celery worker,
started as subprocesses on this run's test database and Redis."""

import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from django.db import connection

from devtools import procs
from devtools.redis import free_port

REPO = Path(__file__).resolve().parents[2]


def database_url_for_tests() -> str:
    """DATABASE_URL naming the test database pytest-django created for this run."""
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + quote(str(name))))


def subprocess_env(**overrides: str) -> dict[str, str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = database_url_for_tests()
    env["PYTHONUNBUFFERED"] = "1"
    # Only the browser tests' own process needs this; never hide async-safety
    # errors in the servers under test.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update(overrides)
    return env


class Subprocess:
    """A child in its own process group, its output kept in a file for failure messages."""

    name = "process"

    def __init__(self, env: dict[str, str] | None = None) -> None:
        self.env = env
        self.proc: subprocess.Popen | None = None
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - lives as long as the process
            prefix=f"playground-{self.name}-", suffix=".log", delete=False
        )

    def argv(self) -> list[str]:
        raise NotImplementedError

    def start(self) -> None:
        self.launch()
        self.wait_ready()

    def launch(self) -> None:
        """Start the process without waiting for it: several can boot side by side. Call
        from the thread that will outlive it (the child dies with its parent thread)."""
        env = self.env if self.env is not None else subprocess_env()
        self.proc = procs.spawn(
            self.argv(), env=env, cwd=REPO, stdout=self.log, stderr=subprocess.STDOUT
        )

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                code = self.proc.returncode
                raise RuntimeError(f"{self.name} exited with {code}:\n{self.tail()}")
            if self.ready():
                return
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} not ready after {timeout}s:\n{self.tail()}")

    def ready(self) -> bool:
        raise NotImplementedError

    def stop(self) -> None:
        if self.proc is not None:
            procs.stop_groups([self.proc], grace=10)
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)

    def tail(self, lines: int = 40) -> str:
        self.log.flush()
        text = Path(self.log.name).read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])


class AsgiServer(Subprocess):
    name = "daphne"

    def __init__(self, env: dict[str, str] | None = None) -> None:
        super().__init__(env)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}"

    def argv(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(self.port),
            "playground.asgi:application",
        ]

    def ready(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + "/", timeout=2):
                return True
        except urllib.error.HTTPError:
            return True  # it answers: that is all "ready" means here
        except OSError:
            return False


class CeleryWorker(Subprocess):
    name = "celery"

    def __init__(self, env: dict[str, str] | None = None) -> None:
        super().__init__(env)
        self.hostname = f"test-{uuid.uuid4().hex[:8]}@localhost"

    def argv(self) -> list[str]:
        # solo pool: one process, quick to start and to stop.
        return [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "playground.celery",
            "worker",
            "--pool",
            "solo",
            "--hostname",
            self.hostname,
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]

    def ready(self) -> bool:
        from playground.celery import app

        return bool(app.control.ping(destination=[self.hostname], timeout=0.5))


class WorkerZygote(Subprocess):
    """Forks ready-to-run Celery workers (tests/support/worker_zygote.py): a new worker
    costs a fork instead of seconds of imports. All share the zygote's environment."""

    name = "zygote"

    def argv(self) -> list[str]:
        return [sys.executable, "-m", "tests.support.worker_zygote"]

    def start(self) -> None:
        env = self.env if self.env is not None else subprocess_env()
        self.proc = procs.spawn(
            self.argv(),
            env=env,
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )
        line = self.proc.stdout.readline()
        if line.strip() != "ready":
            raise RuntimeError(f"worker zygote did not start ({line!r}):\n{self.tail()}")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.stdin.close()  # the zygote's loop ends; its workers die with it
            super().stop()
            self.proc.stdout.close()
        else:
            super().stop()

    def spawn(self, queues: str = "") -> "ForkedWorker":
        """A new worker; `queues` (comma-separated) instead of Celery's default queue."""
        worker = ForkedWorker()
        self.proc.stdin.write(f"spawn {worker.hostname} {worker.log.name} {queues}\n")
        self.proc.stdin.flush()
        worker.pid = int(self.proc.stdout.readline())
        return worker


class ForkedWorker:
    """One Celery worker forked by a WorkerZygote: the leader of its own process group."""

    def __init__(self) -> None:
        self.hostname = f"test-{uuid.uuid4().hex[:8]}@localhost"
        self.pid = 0
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - lives as long as the worker
            prefix="playground-forked-celery-", suffix=".log", delete=False
        )

    def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while f"{self.hostname} ready." not in self.tail(200):
            if not self.alive():
                raise RuntimeError(f"forked worker died:\n{self.tail()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"forked worker not ready after {timeout}s:\n{self.tail()}")
            time.sleep(0.02)

    def alive(self) -> bool:
        # the pid, not the group: right after the fork it may not lead its group yet
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        return True

    def kill(self, sig: int = signal.SIGKILL, timeout: float = 10.0) -> None:
        """Signal the whole group and wait until it is gone (the zygote reaps it)."""
        procs.signal_group(self.pid, sig)
        deadline = time.monotonic() + timeout
        while procs.group_alive(self.pid):
            if time.monotonic() > deadline:
                raise RuntimeError(f"forked worker {self.pid} outlived signal {sig}")
            time.sleep(0.01)
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)

    def stop(self) -> None:
        self.kill(signal.SIGTERM, timeout=15.0)

    def tail(self, lines: int = 40) -> str:
        text = Path(self.log.name).read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])
