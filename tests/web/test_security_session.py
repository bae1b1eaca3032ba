"""Sessions across signing in and out: logging in or signing up gives the browser a new
session key (a session id planted before sign-in is worth nothing after it), the
anonymous visitor's sandbox is still adopted by the account, and logging out flushes
the session."""

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.test import Client

from playground.models import Sandbox

pytestmark = pytest.mark.django_db

PASSWORD = "kube-session-2468"


@pytest.fixture
def visitor() -> Client:
    """An anonymous visitor who opened a sandbox: their session holds its token."""
    client = Client()
    response = client.post("/sandboxes/open")
    assert response.status_code == 302
    assert Sandbox.objects.get().owner is None
    return client


def session_key(client: Client) -> str:
    return client.cookies["sessionid"].value


def planted(key: str) -> Client:
    """Another browser presenting `key`, as an attacker who fixed or stole it would."""
    client = Client()
    client.cookies["sessionid"] = key
    return client


def sandbox_visible_to(client: Client) -> bool:
    return client.get(f"/sandboxes/{Sandbox.objects.get().pk}/").status_code == 200


def assert_rotated(visitor: Client, before: str, user: User) -> None:
    after = session_key(visitor)
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    # the account now owns the sandbox the visitor opened, and still reaches it
    sandbox = Sandbox.objects.get()
    assert sandbox.owner == user and sandbox.visitor == ""
    assert sandbox_visible_to(visitor)
    # the pre-sign-in key is worth nothing: not signed in, no sandbox
    attacker = planted(before)
    assert not attacker.get("/").context["user"].is_authenticated
    assert not sandbox_visible_to(attacker)


def test_logging_in_rotates_the_session_and_keeps_the_visitors_sandbox(visitor):
    user = User.objects.create_user("ada", password=PASSWORD)
    before = session_key(visitor)
    assert sandbox_visible_to(planted(before))  # the key did carry the sandbox

    response = visitor.post("/accounts/login/", {"username": "ada", "password": PASSWORD})
    assert response.status_code == 302
    assert_rotated(visitor, before, user)


def test_signing_up_rotates_the_session_and_keeps_the_visitors_sandbox(visitor):
    before = session_key(visitor)
    response = visitor.post(
        "/accounts/signup/", {"username": "bea", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    assert_rotated(visitor, before, User.objects.get(username="bea"))


def test_logging_out_flushes_the_session(visitor):
    User.objects.create_user("ada", password=PASSWORD)
    visitor.post("/accounts/login/", {"username": "ada", "password": PASSWORD})
    signed_in = session_key(visitor)
    assert planted(signed_in).get("/").context["user"].username == "ada"

    response = visitor.post("/accounts/logout/")
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=signed_in).exists()
    assert not planted(signed_in).get("/").context["user"].is_authenticated
    assert not visitor.get("/").context["user"].is_authenticated
    assert not sandbox_visible_to(visitor)  # nothing of the account stays in the browser
