"""The real path: a learner's write commits, the Celery worker fires the cluster's
timers (image pulls, container starts), and every push reaches the websocket as
HTML fragments; a page that connects gets the full state first."""

import time

import pytest

from playground import sandboxes
from playground.sandboxes_push import render_full
from tests.live.conftest import client_for
from tests.live.support import (
    DEPLOYMENT,
    apply_push,
    open_sandbox_socket,
    pod_badges,
    running,
    stored_pods,
    wait_for,
    without_clock,
    without_oob,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def fast_sandbox(owner):
    sandbox = sandboxes.sandbox_create(name="lab", owner=owner, seed=11)
    sandboxes.sandbox_clock(sandbox_id=sandbox.pk, action="speed", value="60")
    return sandbox


def test_it_applies_a_deployment_and_the_socket_sees_its_pods_run(
    asgi_server, celery_worker, alice
):
    sandbox = fast_sandbox(alice)
    client = client_for(alice)
    with open_sandbox_socket(asgi_server, sandbox.pk, client) as socket:
        first = socket.recv(timeout=10)
        assert 'id="cluster-map"' in first and 'id="node-worker-1"' in first
        response = client.post(f"/sandboxes/{sandbox.pk}/apply", {"manifest": DEPLOYMENT})
        assert response.json() == {
            "output": "deployment.apps/web created\n",
            "ok": True,
            "diagnostics": [],
        }
        seen: dict[str, str] = {}
        while sum(1 for s in seen.values() if s == "Running") < 3:
            seen.update(pod_badges(socket.recv(timeout=20)))
    pods = stored_pods(sandbox.pk)
    assert len(pods) == 3 and all(running(p) for p in pods)
    assert {p["metadata"]["uid"] for p in pods} <= set(seen)
    # the worker, not a request, moved the clock: the sandbox has no timer left pending
    sandbox.refresh_from_db()
    assert sandbox.reconciling_until is None


def test_initial_state_plus_pushes_equals_a_fresh_render(asgi_server, celery_worker, alice):
    """Zulip's rule: the first full state, with every push applied as htmx applies it,
    is exactly what a fresh render of the stored sandbox shows."""
    sandbox = fast_sandbox(alice)
    client = client_for(alice)
    pushes = 0
    with open_sandbox_socket(asgi_server, sandbox.pk, client) as socket:
        document = without_oob(socket.recv(timeout=10))
        client.post(f"/sandboxes/{sandbox.pk}/apply", {"manifest": DEPLOYMENT})
        scale = "kubectl scale deploy/web --replicas=2"
        client.post(f"/sandboxes/{sandbox.pk}/console", {"line": scale})
        client.post(f"/sandboxes/{sandbox.pk}/console", {"line": "node stop worker-2"})
        # the pod on the stopped node is evicted and replaced on worker-1 (it stays
        # Terminating, as on a real cluster, until its kubelet comes back)
        wait_for(lambda: _running_on(sandbox.pk, "worker-1") == 2, timeout=40)
        try:
            while True:  # drain what is still in flight
                document = apply_push(document, socket.recv(timeout=2))
                pushes += 1
        except TimeoutError:
            pass
    sandbox.refresh_from_db()
    fresh = without_oob(render_full(sandbox))
    assert pushes >= 3
    assert without_clock(document) == without_clock(fresh)


def _running_on(sandbox_id: int, node: str) -> int:
    pods = stored_pods(sandbox_id)
    return sum(
        1
        for p in pods
        if running(p)
        and p["spec"].get("nodeName") == node
        and not p["metadata"].get("deletionTimestamp")
    )


def test_an_idle_socket_outlives_the_redis_read_timeout(asgi_server, alice):
    """channels-redis blocks 5 s per BZPOPMIN; redis-py 8 used to time out at 5 s and
    tear the consumer down. An idle page must still get the next push."""
    sandbox = sandboxes.sandbox_create(name="lab", owner=alice, seed=3)
    with open_sandbox_socket(asgi_server, sandbox.pk, client_for(alice)) as socket:
        socket.recv(timeout=10)
        time.sleep(12)
        sandboxes.sandbox_command(sandbox_id=sandbox.pk, line="kubectl run solo --image=nginx")
        assert ">solo</a>" in socket.recv(timeout=10)
