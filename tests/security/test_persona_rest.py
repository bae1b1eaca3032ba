"""The REST API door (`/k8s/...`) by credential: only a sandbox's own live secret (in the
path, or as a bearer token over https) reaches it. A wrong, old or revoked token, a bearer
token over plain http, or a signed-in browser session without a token is 401 Unauthorized
with Kubernetes' Status; another sandbox's secret reaches that other sandbox only, where
alice's objects do not exist (404 NotFound, as Kubernetes says it)."""

from __future__ import annotations

import json

import pytest
import yaml

from k8sapi import access
from playground import sandboxes
from tests.security.world import build_world

pytestmark = pytest.mark.django_db

UNAUTHORIZED = {
    "kind": "Status",
    "apiVersion": "v1",
    "metadata": {},
    "status": "Failure",
    "message": "Unauthorized",
    "reason": "Unauthorized",
    "code": 401,
}
OBJECT = "api/v1/namespaces/default/configmaps/only-in-lab"


def ask(client, credential: str, *, bearer: bool = False, secure: bool = False):
    if bearer:
        header = {"HTTP_AUTHORIZATION": f"Bearer {credential}"}
        return client.get(f"/k8s/{OBJECT}", secure=secure, **header)
    return client.get(f"/k8s/{credential}/{OBJECT}", secure=secure)


def outcome(response) -> str:
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    if response.status_code == 401:
        assert body == UNAUTHORIZED
    if response.status_code == 404:
        assert body["kind"] == "Status" and body["reason"] == "NotFound"
        assert body["message"] == 'configmaps "only-in-lab" not found'
    return str(response.status_code)


@pytest.fixture
def world():
    world = build_world()
    alice = world.clients["alice"]
    config = yaml.safe_load(alice.get(f"/sandboxes/{world.sandbox.pk}/kubeconfig").content)
    world.extra["alice_secret"] = config["clusters"][0]["cluster"]["server"].rsplit("/", 1)[1]
    bobs = sandboxes.sandbox_create(name="mine", owner=world.users["bob"], seed=3)
    world.extra["bob_secret"] = access.secret_of(bobs)
    line = "kubectl create configmap only-in-lab --from-literal=k=v"
    assert sandboxes.sandbox_command(sandbox_id=world.sandbox.pk, line=line)[1]
    return world


def test_each_credential_reaches_only_its_own_sandbox(world):
    alice_secret, bob_secret = world.extra["alice_secret"], world.extra["bob_secret"]
    anon = world.clients["anon"]
    cells = {
        "alice's secret in the path": ask(anon, alice_secret),
        "alice's bearer token over https": ask(anon, alice_secret, bearer=True, secure=True),
        "alice's bearer token over http": ask(anon, alice_secret, bearer=True),
        "bob's secret in the path": ask(anon, bob_secret),
        "bob's bearer token over https": ask(anon, bob_secret, bearer=True, secure=True),
        "a made-up token": ask(anon, "z" * 32, bearer=True, secure=True),
        "a made-up path secret": ask(anon, "z" * 32),
    }
    for who in ("alice", "carol", "staff", "root", "vera"):  # a browser session is no token
        cells[f"{who}'s session, no token"] = world.clients[who].get(f"/k8s/{OBJECT}", secure=True)
    assert {k: outcome(v) for k, v in cells.items()} == {
        "alice's secret in the path": "200",
        "alice's bearer token over https": "200",
        "alice's bearer token over http": "401",
        "bob's secret in the path": "404",
        "bob's bearer token over https": "404",
        "a made-up token": "401",
        "a made-up path secret": "401",
        "alice's session, no token": "401",
        "carol's session, no token": "401",
        "staff's session, no token": "401",
        "root's session, no token": "401",
        "vera's session, no token": "401",
    }


def test_regenerated_and_revoked_secrets_stop_at_once(world):
    old, anon = world.extra["alice_secret"], world.clients["anon"]
    alice = world.clients["alice"]
    assert alice.post(f"/sandboxes/{world.sandbox.pk}/kubeconfig/regenerate").status_code == 302
    new = access.secret_of(world.sandbox, create=False)
    assert (outcome(ask(anon, old)), outcome(ask(anon, new))) == ("401", "200")
    assert alice.post(f"/sandboxes/{world.sandbox.pk}/kubeconfig/revoke").status_code == 302
    assert outcome(ask(anon, new)) == "401"
    assert outcome(ask(anon, new, bearer=True, secure=True)) == "401"


def test_writes_with_another_sandboxes_secret_land_in_that_sandbox(world):
    body = json.dumps({"metadata": {"name": "from-bob"}})
    path = f"/k8s/{world.extra['bob_secret']}/api/v1/namespaces/default/configmaps"
    created = world.clients["anon"].post(path, body, content_type="application/json")
    assert created.status_code == 201
    mine = sandboxes.sandbox_command(sandbox_id=world.sandbox.pk, line="kubectl get cm")[0]
    assert "from-bob" not in mine and "only-in-lab" in mine


def test_no_page_shows_the_api_secret(world):
    secret = world.extra["alice_secret"]
    for who in ("alice", "carol", "staff", "root"):
        page = world.clients[who].get(f"/sandboxes/{world.sandbox.pk}/")
        assert page.status_code == 200 and secret not in page.content.decode(), who
