"""The base layout every page fills: header, navigation, login state, languages,
the live-connection indicator, and the notice partial that pushes re-render."""

import pytest
from django.contrib.auth.models import User
from django.template.loader import render_to_string

from playground.models import Notice

pytestmark = pytest.mark.django_db


def test_home_shows_the_layout(client):
    html = client.get("/").content.decode()
    assert "Kubernetes Playground" in html
    for link in ("Home", "Lessons", "Sandboxes", "Log in", "Sign up"):
        assert link in html
    assert 'id="ws-status"' in html and 'data-state="connecting"' in html
    assert 'ws-connect="/ws/site/"' in html
    assert 'name="language" value="ko"' in html


def test_home_shows_who_is_logged_in(client):
    client.force_login(User.objects.create_user("alice"))
    html = client.get("/").content.decode()
    assert "alice" in html and "Log out" in html and "Sign up" not in html


def test_static_files_resolve_to_hashed_names(client):
    html = client.get("/").content.decode()
    # Manifest storage: a missing file would have failed the render.
    assert "/static/vendor/htmx-2.0.11/htmx.min." in html
    assert "/static/vendor/htmx-ext-ws-2.0.4/ws." in html


def test_csrf_token_rides_on_every_htmx_request(client):
    html = client.get("/").content.decode()
    assert 'hx-headers=\'{"X-CSRFToken": "' in html


def test_language_switch_to_korean(client):
    response = client.post("/i18n/setlang/", {"language": "ko", "next": "/"})
    assert response.status_code == 302
    assert '<html lang="ko">' in client.get("/").content.decode()


def test_pages_may_not_be_framed(client):
    assert client.get("/").headers["X-Frame-Options"] == "DENY"


def test_unknown_page_is_a_styled_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Back to the home page" in response.content.decode()


def test_the_notice_fragment_is_the_one_on_the_page(client):
    Notice.objects.create(text="Cluster maintenance at noon")
    page = client.get("/").content.decode()
    fragment = render_to_string("base.html#notice", {"notice": Notice.objects.first()})
    assert 'id="notice"' in fragment and "Cluster maintenance at noon" in fragment
    assert fragment in page
