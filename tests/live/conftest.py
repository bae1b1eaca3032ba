"""Personas and helpers of the live-sandbox tests: alice owns, bob is another user,
staff may look read-only, a visitor is an anonymous browser session."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from playground import sandboxes


@pytest.fixture
def alice(db) -> User:
    return User.objects.create_user("alice", password="wonderland-42")


@pytest.fixture
def bob(db) -> User:
    return User.objects.create_user("bob", password="builder-4242")


@pytest.fixture
def staff(db) -> User:
    return User.objects.create_user("sam", password="staff-4242", is_staff=True)


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def alice_sandbox(alice):
    return sandboxes.sandbox_create(name="lab", owner=alice, seed=7)


def console(client: Client, sandbox, line: str, stdin: str | None = None) -> dict:
    data = {"line": line}
    if stdin is not None:
        data["stdin"] = stdin
    response = client.post(f"/sandboxes/{sandbox.pk}/console", data)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    # A failing live test shows what the servers said: their own logs go with them.
    report = yield
    if report.failed and call.when == "call":
        for name in ("asgi_server", "celery_worker"):
            server = item.funcargs.get(name)
            if server is not None:
                report.sections.append((f"{name} log", server.tail(60)))
    return report
