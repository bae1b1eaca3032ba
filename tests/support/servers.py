"""Real server processes for integration and browser tests: daphne and a Celery worker,
started as subprocesses on this run's test database and Redis."""

import os
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
        env = self.env if self.env is not None else subprocess_env()
        self.proc = procs.spawn(
            self.argv(), env=env, cwd=REPO, stdout=self.log, stderr=subprocess.STDOUT
        )
        self.wait_ready()

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
