"""What the operator's tools and the public probe print.

The management commands are run by the server's owner, who may see every sandbox; even so
their output (and their errors) never carries a credential someone could replay: a
visitor's session token, a sandbox's API secret, a session key, the SECRET_KEY. /healthz
is public: everyone sees whether each component answers, only staff see which workers.
"""

from __future__ import annotations

import contextlib
import io
import secrets
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from websockets.exceptions import InvalidHandshake, InvalidStatus
from websockets.sync.client import connect

from k8sapi import access
from playground import sandboxes
from tests.security.world import build_world

OPERATOR_LINES = [
    ["get", "all", "-A"],
    ["get", "pods", "-A", "-o", "wide"],
    ["get", "secrets,serviceaccounts,configmaps", "-A", "-o", "yaml"],
    ["config", "view"],
    ["describe", "nodes"],
    ["get", "events", "-A"],
]


def _run(*args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except (CommandError, SystemExit) as exc:  # a failed kubectl exits 1 after printing
        err.write(str(exc))
    return out.getvalue() + err.getvalue()


def _credentials(world) -> list[str]:
    api = [access.secret_of(s) for s in (world.sandbox, world.visitor_sandbox)]
    return [*world.secrets(), *api, settings.SECRET_KEY]


@pytest.mark.django_db
def test_management_commands_print_no_credential():
    world = build_world()
    # a second "lab", a visitor's, makes the name ambiguous: the error lists the candidates
    sandboxes.sandbox_create(name="lab", visitor=world.visitor_sandbox.visitor, seed=5)
    sandboxes.sandbox_create(name="ops", seed=6)  # the operator's own
    outputs = {"sandbox list": _run("sandbox", "list")}
    assert world.visitor_sandbox.name in outputs["sandbox list"]  # it does list everything
    outputs["ambiguous"] = _run("kubectl", "--sandbox", "lab", "get", "pods")
    assert "ambiguous" in outputs["ambiguous"]
    for sandbox in ("ops", str(world.sandbox.pk), str(world.visitor_sandbox.pk)):
        for words in OPERATOR_LINES:
            line = _run("kubectl", "--sandbox", sandbox, "--", *words)
            outputs[f"{sandbox}: {' '.join(words)}"] = line
    outputs["reset"] = _run("sandbox", "reset", "ops")
    outputs["delete"] = _run("sandbox", "delete", "ops")
    credentials = _credentials(world)
    found = {name: [c[:6] for c in credentials if c in text] for name, text in outputs.items()}
    assert {name: hits for name, hits in found.items() if hits} == {}


@pytest.mark.integration
@pytest.mark.django_db
def test_healthz_shows_worker_names_to_staff_only(celery_worker):
    world = build_world()
    for who, client in world.clients.items():
        response = client.get("/healthz")
        assert response.status_code == 200, response.content
        celery = response.json()["checks"]["celery"]
        assert celery["worker_count"] >= 1, who
        if who in ("staff", "root"):
            assert celery_worker.hostname in celery["workers"], who
        else:
            assert "workers" not in celery, who
            assert celery_worker.hostname not in response.content.decode(), who


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_the_web_servers_log_never_holds_an_api_secret(asgi_server):
    """Every kubectl request names its sandbox's secret in the URL path; daphne's access log
    (on by default) keeps the line, with the secret redacted."""
    sandbox = sandboxes.sandbox_create(name="lab", visitor="v" * 32, seed=7)
    secret = access.secret_of(sandbox)
    for path in ("version", "api/v1/namespaces/default/pods", "api/v1/namespaces/x/pods/nope"):
        try:
            urllib.request.urlopen(f"{asgi_server.url}/k8s/{secret}/{path}", timeout=10).read()
        except urllib.error.HTTPError as answer:
            assert answer.code == 404  # the missing pod: Django's warnings skip it too
    exec_path = f"/k8s/{secret}/api/v1/namespaces/kube-system/pods/etcd-cp-1/exec?command=ls"
    with (
        contextlib.suppress(InvalidStatus, InvalidHandshake, OSError),
        connect(asgi_server.ws_url + exec_path, subprotocols=["v5.channel.k8s.io"]),
    ):
        pass  # kubectl exec's socket: its path is logged too
    tail = f"version-{secrets.token_hex(4)}"  # a last line: the log is written and flushed
    with contextlib.suppress(urllib.error.HTTPError):
        urllib.request.urlopen(f"{asgi_server.url}/k8s/{secret}/{tail}", timeout=10)
    log = _wait_for_line(Path(asgi_server.log.name), f"/k8s/<secret>/{tail}")
    assert "/k8s/<secret>/api/v1/namespaces/default/pods" in log
    assert "WSCONNECTING /k8s/<secret>/api/v1/namespaces/kube-system/pods/etcd-cp-1/exec" in log
    assert secret not in log


def _wait_for_line(path: Path, text: str) -> str:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        log = path.read_text(errors="replace")
        if text in log:
            return log
        time.sleep(0.1)
    raise AssertionError(f"{text} never reached the log:\n{log[-2000:]}")
