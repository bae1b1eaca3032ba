"""Playwright (sync API, pytest-playwright fixtures) on Debian's Chromium, against
a real daphne serving this run's test database."""

import os

import pytest

from tests.support.browser import CHROMIUM_ARGS, chromium_path


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": chromium_path(), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session", autouse=True)
def _allow_sync_db_beside_playwright():
    # Playwright's sync API keeps an event loop running on the main thread, and
    # Django then refuses the test database's flush and teardown as "async".
    # Set for this process only: the servers under test never see it.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def live_url(asgi_server, transactional_db) -> str:
    return asgi_server.url
