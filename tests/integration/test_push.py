"""The real path of a push: a Celery worker runs a task that writes a row, the
Redis channel layer carries the event, daphne's consumer renders the fragment,
and a websocket client receives it."""

import time

import pytest
from websockets.sync.client import connect

from playground.models import Notice
from playground.tasks import publish_notice

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def open_site_socket(server):
    # The origin check admits only the site's own hosts, as a browser would send.
    return connect(server.ws_url + "/ws/site/", origin=server.url, open_timeout=10)


def test_a_task_writes_a_row_and_its_push_reaches_a_websocket(asgi_server, celery_worker):
    with open_site_socket(asgi_server) as socket:
        first = socket.recv(timeout=10)  # the current state comes first
        assert 'id="notice"' in first

        started = time.monotonic()
        publish_notice.delay("Cluster maintenance at noon")
        pushed = socket.recv(timeout=15)
        elapsed = time.monotonic() - started

    assert 'id="notice"' in pushed and "Cluster maintenance at noon" in pushed
    assert Notice.objects.get().text == "Cluster maintenance at noon"
    assert elapsed < 5, f"push took {elapsed:.2f}s"


def test_a_page_that_connects_late_gets_the_current_notice(asgi_server):
    Notice.objects.create(text="Welcome, class of Tuesday")
    with open_site_socket(asgi_server) as socket:
        assert "Welcome, class of Tuesday" in socket.recv(timeout=10)


def test_a_foreign_origin_is_refused(asgi_server):
    from websockets.exceptions import InvalidStatus

    with pytest.raises(InvalidStatus):
        connect(asgi_server.ws_url + "/ws/site/", origin="http://evil.example", open_timeout=10)
