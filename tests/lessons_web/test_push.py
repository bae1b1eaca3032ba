"""The lesson socket, on a real daphne: a step whose goal is reached by a command is
pushed done, with its explanation, in the page's language; strangers are refused."""

import re

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from lessons.loading import load_lessons
from lessons.models import LessonProgress
from tests.lessons_web.conftest import client_for
from tests.live.support import cookie_header

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def lesson_socket(server, sandbox_id: int, client, lang: str = "en"):
    return connect(
        f"{server.ws_url}/ws/lesson/{sandbox_id}/?lang={lang}",
        origin=server.url,
        additional_headers=cookie_header(client),
        open_timeout=10,
    )


def receive_until(socket, text: str, limit: int = 30) -> str:
    for _ in range(limit):
        message = socket.recv(timeout=10)
        if text in message:
            return message
    raise AssertionError(f"no message with {text!r}")


def test_a_passing_step_is_pushed_done_in_the_pages_language(asgi_server, alice, bob):
    load_lessons()
    client = client_for(alice)
    client.post("/lessons/services/start")
    progress = LessonProgress.objects.get()
    with lesson_socket(asgi_server, progress.sandbox_id, client, "ko") as socket:
        first = receive_until(socket, 'id="lesson-steps"')
        assert 'id="step-status-1"' not in first  # a step not done: its status is left alone
        assert "단계" in first
        response = client.post(
            "/lessons/services/console", {"line": "kubectl expose deployment web --port=80"}
        )
        assert response.json()["ok"]
        done = receive_until(socket, 'class="step-status done"')
        assert 'id="step-status-1"' in done and "방금 일어난 일" in done
        assert re.search(r'class="done current" id="nav-step-1"', done)
        assert re.search(r'class=" up-next" id="nav-step-2"', done)
        assert "다음 단계" in done
    for stranger in (client_for(bob), client_for()):
        with pytest.raises(InvalidStatus):
            lesson_socket(asgi_server, progress.sandbox_id, stranger)


def test_a_step_reached_by_time_passes_from_the_workers_reconcile(
    asgi_server, celery_worker, alice
):
    """No request runs when the pods become ready: the Celery worker's reconcile (a timer)
    evaluates the step and the push reaches the page."""
    from playground import sandboxes

    load_lessons()
    client = client_for(alice)
    client.post("/lessons/deployments/start")
    progress = LessonProgress.objects.get()
    sandboxes.sandbox_clock(sandbox_id=progress.sandbox_id, action="speed", value="60")
    with lesson_socket(asgi_server, progress.sandbox_id, client) as socket:
        receive_until(socket, 'id="lesson-steps"')
        line = "kubectl create deployment web --image=nginx:1.27 --replicas=3"
        assert client.post("/lessons/deployments/console", {"line": line}).json()["ok"]
        progress.refresh_from_db()
        assert progress.completed_steps == []  # the pods are not ready yet
        done = receive_until(socket, 'class="step-status done"', limit=200)
        assert 'id="step-status-1"' in done
    progress.refresh_from_db()
    assert progress.completed_steps == [1]
