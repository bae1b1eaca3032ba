"""The database briefly unavailable: requests get a clear 503 (a page, Kubernetes'
ServiceUnavailable Status on the API, a line of text for the pages' scripts) with a
Retry-After header; a write that got a 503 did not happen at all, not even half; and the
same server answers 200 again once the database is back, with nothing restarted.

On PostgreSQL the web server reaches the database through a TCP proxy the test cuts; on
SQLite through a directory symlink the test points away and back. The middleware itself
is also exercised in-process on both, with views that raise what a dead database raises.
"""

from __future__ import annotations

import json
import os
import secrets
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.test import Client
from django.urls import path
from playwright.sync_api import Page, expect

from k8sapi import access
from playground import sandboxes
from playground import urls as site_urls
from playground.models import ObjectRow, Sandbox
from tests.browser.conftest import browser_type_launch_args  # noqa: F401 - Debian's Chromium
from tests.faults.db_proxy import DatabaseProxy
from tests.support.servers import AsgiServer, database_url_for_tests, subprocess_env

MESSAGE = "database is not answering"


# -- in-process: the middleware on views that meet a dead database ------------------------------


def raises_operational(request):
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


def raises_interface(request):
    raise InterfaceError("connection already closed")


def raises_value(request):
    raise ValueError("not a database problem")


def saves_session_then_fails(request):
    # the view succeeds; the session middleware's save after it meets the dead database
    request.session["touched"] = secrets.token_hex(4)
    return HttpResponse("ok")


urlpatterns = [
    path("down/page", raises_operational),
    path("down/closed", raises_interface),
    path("k8s/some-secret/api/v1/pods", raises_operational),
    path("bug", raises_value),
    path("session", saves_session_then_fails),
    *site_urls.urlpatterns,  # the layout links to the site's pages
]


@pytest.mark.parametrize("url", ["/down/page", "/down/closed"])
@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_a_page_meeting_a_dead_database_is_a_503_page(url):
    response = Client().get(url, HTTP_ACCEPT="text/html,application/xhtml+xml")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    body = response.content.decode()
    assert "Briefly unavailable" in body and MESSAGE in body
    assert 'class="site-header"' in body  # the site's own layout, not a bare error
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_only_a_get_page_offers_to_try_again_by_itself():
    get = Client().get("/down/page", HTTP_ACCEPT="text/html").content.decode()
    post = Client().post("/down/page", HTTP_ACCEPT="text/html").content.decode()
    assert 'data-retry-after="5"' in get
    assert "data-retry-after" not in post  # reloading would post the form again
    assert "Briefly unavailable" in post


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_the_503_page_renders_without_touching_the_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = Client().get("/down/page", HTTP_ACCEPT="text/html")
    assert response.status_code == 503


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_the_api_gets_kubernetes_service_unavailable_status():
    response = Client().get("/k8s/some-secret/api/v1/pods", HTTP_ACCEPT="application/json")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": "the server is currently unable to handle the request",
        "reason": "ServiceUnavailable",
        "details": {"retryAfterSeconds": 5},
        "code": 503,
    }


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_a_script_fetch_gets_one_line_of_text():
    response = Client().get("/down/page", HTTP_ACCEPT="*/*")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/plain")
    assert MESSAGE in response.content.decode()


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_other_errors_stay_500():
    client = Client(raise_request_exception=False)
    assert client.get("/bug", HTTP_ACCEPT="text/html").status_code == 500


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_a_dead_database_met_by_middleware_after_the_view_is_a_503(monkeypatch):
    from django.contrib.sessions.backends.db import SessionStore

    def dead(self, must_create=False):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(SessionStore, "save", dead)
    response = Client(raise_request_exception=False).get("/session", HTTP_ACCEPT="text/html")
    assert response.status_code == 503
    assert MESSAGE in response.content.decode()


# -- a real server, a real outage -------------------------------------------------------------


class SymlinkCut:
    """SQLite's "unreachable database": the server opens the file through a directory
    symlink; pointing it at a directory that does not exist makes every connect fail."""

    def __init__(self, tmp_path: Path) -> None:
        real = Path(connection.settings_dict["NAME"])
        self.link = tmp_path / "db-dir"
        self.real_dir = real.parent
        self.link.symlink_to(self.real_dir)
        self.database_url = f"sqlite:///{self.link / real.name}"

    def cut(self) -> None:
        self._point_at(self.link.parent / "nowhere")

    def restore(self) -> None:
        self._point_at(self.real_dir)

    def _point_at(self, target: Path) -> None:
        fresh = self.link.with_name("db-dir.new")
        fresh.symlink_to(target)
        os.replace(fresh, self.link)  # atomic: the server never sees a missing link

    def close(self) -> None:
        pass


class ProxyCut:
    """PostgreSQL behind a TCP proxy (no TLS, so it can see the statements go by)."""

    def __init__(self) -> None:
        parts = urlsplit(database_url_for_tests())
        self.proxy = DatabaseProxy((parts.hostname or "127.0.0.1", parts.port or 5432))
        netloc = parts.netloc.rsplit("@", 1)
        host = f"127.0.0.1:{self.proxy.port}"
        netloc = f"{netloc[0]}@{host}" if len(netloc) == 2 else host
        self.database_url = urlunsplit(parts._replace(netloc=netloc, query="sslmode=disable"))
        self.cut, self.restore = self.proxy.cut, self.proxy.restore

    def close(self) -> None:
        self.proxy.close()


@pytest.fixture(scope="module")
def outage_server(django_db_setup, tmp_path_factory, collected_static):
    """One server for the module (its start is most of each test's time); each test
    gets it with the database reachable."""
    if connection.vendor == "sqlite":
        cut = SymlinkCut(tmp_path_factory.mktemp("outage"))
    else:
        cut = ProxyCut()
    server = AsgiServer(env=subprocess_env(DATABASE_URL=cut.database_url, CONN_MAX_AGE="0"))
    server.start()
    yield cut, server
    server.stop()
    cut.close()


@pytest.fixture
def outage(outage_server, transactional_db):
    yield outage_server
    outage_server[0].restore()


class Browser:
    """urllib with alice's session and a CSRF token, as her browser would send them."""

    def __init__(self, server: AsgiServer, user) -> None:
        client = Client()
        client.force_login(user)
        self.server = server
        self.csrf = secrets.token_hex(16)  # 32 characters, as Django's own cookie
        session = client.cookies["sessionid"].value
        self.cookie = f"sessionid={session}; csrftoken={self.csrf}"

    def request(self, path, data=None, accept="text/html") -> tuple[int, dict, str]:
        headers = {"Cookie": self.cookie, "Accept": accept, "X-CSRFToken": self.csrf}
        body = urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.server.url + path, data=body, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return answer.status, dict(answer.headers), answer.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    def console(self, sandbox, line: str) -> tuple[int, str]:
        status, _, body = self.request(f"/sandboxes/{sandbox.pk}/console", {"line": line}, "*/*")
        return status, body


def stored_namespaces(sandbox) -> set[str]:
    rows = ObjectRow.objects.filter(sandbox=sandbox, kind="Namespace")
    return set(rows.values_list("name", flat=True))


@pytest.mark.integration
def test_an_outage_is_a_503_then_service_resumes_by_itself(outage, django_user_model):
    cut, server = outage
    alice = django_user_model.objects.create_user("alice", password="wonderland-42")
    sandbox = sandboxes.sandbox_create(name="lab", owner=alice, seed=3)
    browser = Browser(server, alice)
    page = f"/sandboxes/{sandbox.pk}/"
    pods = f"/k8s/{access.secret_of(sandbox)}/api/v1/namespaces/default/pods"
    assert browser.request(page)[0] == 200
    assert browser.request(pods, accept="application/json")[0] == 200

    cut.cut()
    status, headers, body = browser.request(page)
    assert status == 503, body
    assert headers["Retry-After"] == "5"
    assert "Briefly unavailable" in body and MESSAGE in body
    status, _, body = browser.request(pods, accept="application/json")
    assert status == 503
    assert json.loads(body)["reason"] == "ServiceUnavailable"
    status, _, body = browser.request("/healthz", accept="application/json")
    assert status == 503
    assert json.loads(body)["checks"]["database"]["ok"] is False
    status, body = browser.console(sandbox, "kubectl create namespace while-down")
    assert status == 503 and MESSAGE in body

    cut.restore()  # nothing restarted: the very next request opens a fresh connection
    assert browser.request(page)[0] == 200
    assert "while-down" not in stored_namespaces(sandbox)
    status, body = browser.console(sandbox, "kubectl create namespace after")
    assert status == 200, body
    assert json.loads(body)["output"] == "namespace/after created\n"
    assert "after" in stored_namespaces(sandbox)


@pytest.mark.integration
def test_a_write_cut_mid_transaction_leaves_nothing_half_written(outage, django_user_model):
    cut, server = outage
    if not isinstance(cut, ProxyCut):
        pytest.skip("cutting one connection mid-transaction needs the PostgreSQL proxy")
    alice = django_user_model.objects.create_user("alice", password="wonderland-42")
    sandbox = sandboxes.sandbox_create(name="lab", owner=alice, seed=3)
    before = Sandbox.objects.get(pk=sandbox.pk)
    rows_before = ObjectRow.objects.filter(sandbox=sandbox).count()
    browser = Browser(server, alice)

    # the sandbox row is updated last, after the object and timeline rows are written
    cut.proxy.trip_on(b'UPDATE "playground_sandbox"')
    status, body = browser.console(sandbox, "kubectl create namespace half")
    assert status == 503, body
    assert b'INSERT INTO "playground_objectrow"' in cut.proxy.tripped_stream

    after = Sandbox.objects.get(pk=sandbox.pk)
    assert "half" not in stored_namespaces(sandbox)
    assert ObjectRow.objects.filter(sandbox=sandbox).count() == rows_before
    assert after.resource_version == before.resource_version
    assert after.timeline_seq == before.timeline_seq
    status, body = browser.console(sandbox, "kubectl create namespace half")
    assert status == 200 and json.loads(body)["output"] == "namespace/half created\n"

    # the same through the REST API: Kubernetes' 503 Status, not a 500 InternalError
    url = f"{server.url}/k8s/{access.secret_of(sandbox)}/api/v1/namespaces"
    manifest = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "api-half"}}
    request = urllib.request.Request(
        url, data=json.dumps(manifest).encode(), headers={"Content-Type": "application/json"}
    )
    cut.proxy.trip_on(b'UPDATE "playground_sandbox"')
    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.urlopen(request, timeout=30)
    assert answer.value.code == 503
    assert json.loads(answer.value.read())["reason"] == "ServiceUnavailable"
    assert b'INSERT INTO "playground_objectrow"' in cut.proxy.tripped_stream
    assert "api-half" not in stored_namespaces(sandbox)
    with urllib.request.urlopen(request, timeout=30) as created:
        assert created.status == 201
    assert "api-half" in stored_namespaces(sandbox)


@pytest.fixture
def sync_db_beside_playwright(monkeypatch):
    # Playwright's sync API keeps an event loop on this thread; Django would refuse the
    # test's own queries as "async" (tests/browser/conftest.py does the same, for its
    # whole session). Requested first, so it lasts until the database's teardown.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.mark.browser
@pytest.mark.integration
def test_the_unavailable_page_comes_back_by_itself(sync_db_beside_playwright, outage, page: Page):
    cut, server = outage
    cut.cut()
    response = page.goto(server.url + "/")
    assert response.status == 503
    expect(page.locator("#unavailable h1")).to_have_text("Briefly unavailable")
    cut.restore()
    # nobody clicks: the page tries again after Retry-After and the home page is back
    expect(page.locator("#open-sandbox")).to_be_visible(timeout=15_000)
    expect(page.locator("#unavailable")).to_have_count(0)
