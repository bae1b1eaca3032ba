"""What the operator's tools and the public probe print.

The management commands are run by the server's owner, who may see every sandbox; even so
their output (and their errors) never carries a credential someone could replay: a
visitor's session token, a sandbox's API secret, a session key, the SECRET_KEY. /healthz
is public: everyone sees whether each component answers, only staff see which workers.
"""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

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
    sessions = [c.session.session_key for c in world.clients.values() if c.session.session_key]
    return [world.visitor_sandbox.visitor, *api, *sessions, settings.SECRET_KEY]


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
