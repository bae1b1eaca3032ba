"""Sign up, log in, log out; the instructor group; the admin for staff only."""

import pytest
from django.contrib.auth.models import Group, User

pytestmark = pytest.mark.django_db

PASSWORD = "kube-learner-2468"


@pytest.fixture
def alice():
    """A learner."""
    return User.objects.create_user("alice", password=PASSWORD)


@pytest.fixture
def charlie():
    """Staff: may use the admin."""
    return User.objects.create_user("charlie", password=PASSWORD, is_staff=True)


def test_signup_creates_the_account_and_logs_in(client):
    response = client.post(
        "/accounts/signup/",
        {"username": "newbie", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert User.objects.filter(username="newbie").exists()
    assert "newbie" in client.get("/").content.decode()


def test_signup_shows_errors_for_mismatched_passwords(client):
    response = client.post(
        "/accounts/signup/", {"username": "newbie", "password1": PASSWORD, "password2": "other"}
    )
    assert response.status_code == 200
    assert "didn’t match" in response.content.decode()
    assert not User.objects.filter(username="newbie").exists()


def test_signup_page_sends_a_logged_in_user_home(client, alice):
    client.force_login(alice)
    assert client.get("/accounts/signup/").headers["Location"] == "/"


def test_login_and_logout(client, alice):
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").context["user"] == alice

    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert not client.get("/").context["user"].is_authenticated


def test_login_refuses_a_wrong_password(client, alice):
    response = client.post("/accounts/login/", {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert not response.context["user"].is_authenticated


def test_logout_needs_post(client, alice):
    client.force_login(alice)
    assert client.get("/accounts/logout/").status_code == 405


def test_the_instructor_group_exists_after_migrating():
    assert Group.objects.filter(name="instructor").exists()


def test_admin_lets_staff_in(client, charlie):
    client.force_login(charlie)
    assert client.get("/admin/").status_code == 200


def test_admin_sends_a_learner_to_its_login_page(client, alice):
    client.force_login(alice)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login/")
