"""The class dashboard and attempt sockets on a real daphne: a learner's fix turns the
instructor's cell done without a reload; only the class's owner (and staff) may watch."""

from __future__ import annotations

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from exercises.models import Attempt
from tests.exercises.conftest import client_for
from tests.live.support import cookie_header, fragments

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

FIX = """kubectl patch service web -p '{"spec":{"selector":{"app":"web"}}}'"""


def socket(server, path: str, client):
    return connect(f"{server.ws_url}{path}", origin=server.url,
                   additional_headers=cookie_header(client), open_timeout=10)


def receive_until(sock, text: str, limit: int = 40) -> str:
    for _ in range(limit):
        message = sock.recv(timeout=10)
        if text in message:
            return message
    raise AssertionError(f"no message with {text!r}")


def test_the_dashboard_cell_turns_done_live(asgi_server, classroom, exercise, ivy, lea):
    learner = client_for(lea)
    with socket(asgi_server, f"/ws/classroom/{classroom.pk}/", client_for(ivy)) as board:
        first = receive_until(board, 'id="board"')
        assert 'data-state="not-started"' in fragments(first)[f"learner-{lea.pk}"]
        learner.post(f"/exercises/{exercise.pk}/attempt/start")
        row = receive_until(board, f'id="learner-{lea.pk}"')
        assert 'data-state="in-progress"' in row and "task 1/1" in row
        assert learner.post(f"/exercises/{exercise.pk}/attempt/console",
                            {"line": FIX}).json()["ok"]
        learner.post(f"/exercises/{exercise.pk}/attempt/console", {"line": "clock settle"})
        done = receive_until(board, 'data-state="done"')
        assert f'id="learner-{lea.pk}"' in done and 'hx-swap-oob="true"' in done
    assert Attempt.objects.get(user=lea).completed_at is not None


def test_the_attempt_page_hears_its_tasks_pass(asgi_server, classroom, exercise, lea):
    learner = client_for(lea)
    learner.post(f"/exercises/{exercise.pk}/attempt/start")
    attempt = Attempt.objects.get(user=lea)
    with socket(asgi_server, f"/ws/attempt/{attempt.sandbox_id}/", learner) as page:
        receive_until(page, 'id="attempt-tasks"')
        learner.post(f"/exercises/{exercise.pk}/attempt/console", {"line": FIX})
        learner.post(f"/exercises/{exercise.pk}/attempt/console", {"line": "clock settle"})
        pushed = receive_until(page, 'id="attempt-complete"')
        assert 'data-state="done"' in pushed


def test_strangers_cannot_watch_a_class(asgi_server, classroom, otto, lea):
    for stranger in (client_for(otto), client_for(lea), client_for()):
        with pytest.raises(InvalidStatus):
            socket(asgi_server, f"/ws/classroom/{classroom.pk}/", stranger)


def test_strangers_cannot_open_an_attempt_socket(asgi_server, classroom, exercise, lea, otto):
    learner = client_for(lea)
    learner.post(f"/exercises/{exercise.pk}/attempt/start")
    attempt = Attempt.objects.get(user=lea)
    for stranger in (client_for(otto), client_for()):
        with pytest.raises(InvalidStatus):
            socket(asgi_server, f"/ws/attempt/{attempt.sandbox_id}/", stranger)


def test_the_class_owner_watches_a_learners_sandbox_live_read_only(asgi_server, classroom,
                                                                   exercise, ivy, otto, lea):
    learner = client_for(lea)
    learner.post(f"/exercises/{exercise.pk}/attempt/start")
    assignment = classroom.assignments.get()
    path = f"/ws/observe/{classroom.pk}/{lea.pk}/{assignment.pk}/"
    with socket(asgi_server, path, client_for(ivy)) as view:
        first = receive_until(view, 'id="cluster-map"')
        assert "you created Service web" in first  # the learner's timeline, as it is now
        learner.post(f"/exercises/{exercise.pk}/attempt/console",
                     {"line": "kubectl create configmap seen-by-teacher"})
        receive_until(view, "seen-by-teacher")
    for stranger in (client_for(otto), client_for(lea), client_for()):
        with pytest.raises(InvalidStatus):
            socket(asgi_server, path, stranger)
