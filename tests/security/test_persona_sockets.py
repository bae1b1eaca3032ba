"""Every websocket, asked by every persona through a real daphne with the browser's
session cookie: "ok" is an accepted socket that sends the current state first, "no" a
refused handshake. A read-only viewer gets every push, and nothing it sends over the
socket changes anything. The REST door's exec socket opens only with the sandbox's own
secret."""

from __future__ import annotations

import json
import re

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from k8sapi import access
from playground import sandboxes
from playground.models import Sandbox
from playground.routing import websocket_urlpatterns
from tests.live.support import cookie_header
from tests.security.world import PERSONAS, build_world

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

# route (as in playground/routing.py) -> World.ids() key of each of its ids, and the cells
#            alice carol staff root bob dave anon vera
WS_ROWS = [
    ("ws/sandbox/<int:sandbox_id>/", {"sandbox_id": "sandbox_id"}, "ok ok ok ok no no no no"),
    (
        "ws/sandbox/<int:sandbox_id>/",
        {"sandbox_id": "visitor_sandbox_id"},
        "no no ok ok no no no ok",
    ),
    ("ws/lesson/<int:sandbox_id>/", {"sandbox_id": "sandbox_id"}, "ok ok ok ok no no no no"),
    (
        "ws/attempt/<int:sandbox_id>/",
        {"sandbox_id": "attempt_sandbox_id"},
        "ok ok ok ok no no no no",
    ),
    (
        "ws/classroom/<int:classroom_id>/",
        {"classroom_id": "classroom_id"},
        "no ok ok ok no no no no",
    ),
    (
        "ws/observe/<int:classroom_id>/<int:user_id>/<int:assignment_id>/",
        {"classroom_id": "classroom_id", "user_id": "user_id", "assignment_id": "assignment_id"},
        "no ok ok ok no no no no",
    ),
]
PUBLIC_ROUTES = {"ws/site/"}  # site-wide notices, the same for everyone


def socket_url(route: str, params: dict, ids: dict) -> str:
    return re.sub(r"<int:(\w+)>", lambda m: str(ids[params[m.group(1)]]), route)


def open_socket(server, path: str, client):
    return connect(
        f"{server.ws_url}/{path}",
        origin=server.url,
        additional_headers=cookie_header(client),
        open_timeout=10,
    )


def answer(server, path: str, client) -> str:
    try:
        with open_socket(server, path, client) as socket:
            first = socket.recv(timeout=10)
    except InvalidStatus:
        return "no"
    assert first.strip(), path  # an accepted socket sends the current state first
    return "ok"


def test_the_table_covers_every_websocket_route():
    routes = {str(p.pattern) for p in websocket_urlpatterns}
    assert routes - PUBLIC_ROUTES == {route for route, _, _ in WS_ROWS}


def test_each_persona_reaches_exactly_its_sockets(asgi_server):
    world = build_world()
    ids = world.ids()
    seen, wanted = {}, {}
    for route, params, cells in WS_ROWS:
        path = socket_url(route, params, ids)
        for who, want in zip(PERSONAS, cells.split(), strict=True):
            seen[(path, who)] = answer(asgi_server, path, world.clients[who])
            wanted[(path, who)] = want
        # a socket to a missing sandbox is refused like a hidden one
        missing = socket_url(route, {k: "missing" for k in params}, {"missing": 987654})
        seen[(missing, "root")], wanted[(missing, "root")] = (
            answer(asgi_server, missing, world.clients["root"]),
            "no",
        )
    assert seen == wanted


def _fingerprint(sandbox_id: int) -> tuple:
    sandbox = Sandbox.objects.get(pk=sandbox_id)
    return sandbox.resource_version, sandbox.paused, sandbox.speed, sandbox.rows.count()


COMMANDS = [  # what a page could try to send: htmx ws-send forms, raw lines, JSON actions
    json.dumps({"line": "kubectl delete node worker-1", "HEADERS": {"HX-Request": "true"}}),
    json.dumps({"action": "pause"}),
    json.dumps({"manifest": "apiVersion: v1\nkind: Namespace\nmetadata: {name: evil}\n"}),
    "kubectl delete deploy --all",
]


def test_a_read_only_viewer_gets_pushes_and_its_messages_change_nothing(asgi_server):
    world = build_world()
    sandbox_id, alice = world.sandbox.pk, world.clients["alice"]
    with open_socket(asgi_server, f"ws/sandbox/{sandbox_id}/", world.clients["carol"]) as carol:
        assert 'id="cluster-map"' in carol.recv(timeout=10)
        assert alice.post(f"/sandboxes/{sandbox_id}/clock", {"action": "pause"}).status_code == 200
        assert 'data-paused="1"' in _next_push(carol, 'data-paused="1"')
        before = _fingerprint(sandbox_id)
        for message in COMMANDS:
            carol.send(message)
        with pytest.raises(TimeoutError):  # no answer, no effect
            carol.recv(timeout=1.5)
        assert _fingerprint(sandbox_id) == before
        # the socket stays open and keeps receiving the owner's changes
        assert alice.post(f"/sandboxes/{sandbox_id}/clock", {"action": "resume"}).status_code == 200
        assert 'data-paused="0"' in _next_push(carol, 'data-paused="0"')


def test_the_owners_socket_carries_no_commands_either(asgi_server):
    """Commands go over HTTP (CSRF, permission checks, rate limits): the socket is push-only."""
    world = build_world()
    sandbox_id = world.visitor_sandbox.pk
    with open_socket(asgi_server, f"ws/sandbox/{sandbox_id}/", world.clients["vera"]) as vera:
        vera.recv(timeout=10)
        before = _fingerprint(sandbox_id)
        for message in COMMANDS:
            vera.send(message)
        with pytest.raises(TimeoutError):
            vera.recv(timeout=1.5)
        assert _fingerprint(sandbox_id) == before


def _next_push(socket, marker: str) -> str:
    for _ in range(20):
        message = socket.recv(timeout=10)
        if marker in message:
            return message
    raise AssertionError(f"no push with {marker}")


def _exec(server, secret: str, pod: str, client=None) -> str:
    path = (
        f"k8s/{secret}/api/v1/namespaces/kube-system/pods/{pod}/exec"
        "?command=hostname&stdout=true&stderr=true"
    )
    try:
        with connect(
            f"{server.ws_url}/{path}",
            subprotocols=["v5.channel.k8s.io"],
            additional_headers=cookie_header(client),
            open_timeout=10,
        ) as socket:
            socket.recv(timeout=10)
    except InvalidStatus:
        return "no"
    return "ok"


def test_exec_opens_only_with_the_sandboxes_own_secret(asgi_server):
    world = build_world()
    bobs = sandboxes.sandbox_create(name="mine", owner=world.users["bob"], seed=99)
    alice_secret, bob_secret = access.secret_of(world.sandbox), access.secret_of(bobs)
    pods = sandboxes.sandbox_command(sandbox_id=world.sandbox.pk, line="kubectl get pods -A")[0]
    proxy = re.search(r"kube-proxy-\w+", pods).group(0)  # a name only alice's cluster has
    assert proxy not in sandboxes.sandbox_command(sandbox_id=bobs.pk, line="kubectl get pods -A")[0]
    assert _exec(asgi_server, alice_secret, proxy) == "ok"
    assert _exec(asgi_server, bob_secret, proxy) == "no"  # bob's secret opens bob's cluster
    assert _exec(asgi_server, "x" * 32, proxy, world.clients["alice"]) == "no"  # no cookie-auth
    access.revoke(world.sandbox)
    assert _exec(asgi_server, alice_secret, proxy) == "no"


def test_another_sites_page_cannot_open_the_owners_socket(asgi_server):
    """Cross-site websocket hijacking: a page elsewhere that the owner visits sends her
    cookie along, but not our Origin; the handshake is refused before any access check."""
    world = build_world()
    path = f"{asgi_server.ws_url}/ws/sandbox/{world.sandbox.pk}/"
    cookie = cookie_header(world.clients["alice"])
    for origin in ("http://evil.example", None):
        with pytest.raises(InvalidStatus):
            connect(path, origin=origin, additional_headers=cookie, open_timeout=10)
    assert answer(asgi_server, f"ws/sandbox/{world.sandbox.pk}/", world.clients["alice"]) == "ok"
