"""/healthz tells the truth about each component: it is asked with the component
up, then with it really down (a stopped worker, a dead Redis port, a database
that cannot be opened)."""

import json
import urllib.error
import urllib.request

import pytest

from devtools.redis import free_port
from tests.support.servers import AsgiServer, CeleryWorker, subprocess_env

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def health(client) -> tuple[int, dict]:
    response = client.get("/healthz")
    return response.status_code, response.json()


def failing(checks: dict) -> set[str]:
    return {name for name, check in checks.items() if not check["ok"]}


def test_it_is_200_when_database_redis_and_a_worker_answer(admin_client):
    worker = CeleryWorker()
    worker.start()
    try:
        response = admin_client.get("/healthz")  # staff see the workers' names
    finally:
        worker.stop()
    status, body = response.status_code, response.json()
    assert status == 200, body
    assert "no-cache" in response.headers["Cache-Control"]  # probes must see the present
    assert body["status"] == "ok"
    assert failing(body["checks"]) == set()
    assert worker.hostname in body["checks"]["celery"]["workers"]


def test_it_is_503_once_the_worker_is_stopped(client):
    worker = CeleryWorker()
    worker.start()
    assert health(client)[0] == 200
    worker.stop()

    status, body = health(client)
    assert status == 503
    assert body["status"] == "fail"
    assert failing(body["checks"]) == {"celery"}
    assert "no Celery worker answered" in body["checks"]["celery"]["error"]


def test_it_is_503_when_redis_does_not_answer(client, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    status, body = health(client)
    assert status == 503
    assert failing(body["checks"]) == {"redis", "celery"}
    assert body["checks"]["database"]["ok"]
    assert "unreachable" in body["checks"]["celery"]["error"]


def test_it_is_503_when_the_database_cannot_be_opened(tmp_path):
    broken = f"sqlite:///{tmp_path / 'missing-dir' / 'db.sqlite3'}"
    server = AsgiServer(env=subprocess_env(DATABASE_URL=broken))
    server.start()
    try:
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(server.url + "/healthz", timeout=10)
    finally:
        server.stop()
    assert answer.value.code == 503
    body = json.loads(answer.value.read())
    assert not body["checks"]["database"]["ok"]
    assert body["checks"]["redis"]["ok"]
