"""Who may reach a sandbox through the REST door: its own live secret, nothing else."""

from __future__ import annotations

import json

import pytest
import yaml
from django.test import Client

from k8sapi import access
from playground import sandboxes

pytestmark = pytest.mark.django_db


def status_of(response) -> dict:
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


@pytest.fixture
def two(db):
    a = sandboxes.sandbox_create(name="a", visitor="va", seed=1)
    b = sandboxes.sandbox_create(name="b", visitor="vb", seed=2)
    return a, b


def test_a_wrong_or_missing_secret_is_401_with_a_status(client: Client, two):
    for path in ("/k8s/not-a-secret-at-all-000000/api/v1/pods", "/k8s/", "/k8s/api/v1/pods"):
        response = client.get(path)
        assert response.status_code == 401
        assert status_of(response) == {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": "Unauthorized",
            "reason": "Unauthorized",
            "code": 401,
        }


def test_each_secret_reaches_only_its_own_sandbox(client: Client, two):
    a, b = two
    secret_a = access.secret_of(a)
    created = client.post(
        f"/k8s/{secret_a}/api/v1/namespaces/default/configmaps",
        json.dumps({"metadata": {"name": "only-in-a"}}),
        content_type="application/json",
    )
    assert created.status_code == 201
    secret_b = access.secret_of(b)
    assert secret_a != secret_b
    seen_b = client.get(f"/k8s/{secret_b}/api/v1/namespaces/default/configmaps/only-in-a")
    assert seen_b.status_code == 404
    assert status_of(seen_b)["message"] == 'configmaps "only-in-a" not found'
    seen_a = client.get(f"/k8s/{secret_a}/api/v1/namespaces/default/configmaps/only-in-a")
    assert seen_a.status_code == 200


def test_revoked_and_regenerated_secrets(client: Client, two):
    a, _ = two
    old = access.secret_of(a)
    assert client.get(f"/k8s/{old}/version").status_code == 200
    new = access.regenerate(a)
    assert client.get(f"/k8s/{old}/version").status_code == 401
    assert client.get(f"/k8s/{new}/version").status_code == 200
    access.revoke(a)
    assert client.get(f"/k8s/{new}/version").status_code == 401
    assert client.get("/k8s//version").status_code == 401  # an empty secret matches nothing


def test_bearer_token_only_over_https(two):
    a, _ = two
    secret = access.secret_of(a)
    header = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert Client().get("/k8s/version", **header).status_code == 401
    assert Client().get("/k8s/version", secure=True, **header).status_code == 200


def test_kubeconfig_download_regenerate_and_revoke_are_the_drivers(db):
    from django.contrib.auth.models import User

    alice = User.objects.create_user("alice", password="wonderland-42")
    a = sandboxes.sandbox_create(name="a", owner=alice, seed=1)
    driver = Client()
    driver.force_login(alice)
    stranger = Client()
    stranger.force_login(User.objects.create_user("bob", password="builder-4242"))
    assert stranger.get(f"/sandboxes/{a.pk}/kubeconfig").status_code == 404
    assert stranger.post(f"/sandboxes/{a.pk}/kubeconfig/regenerate").status_code == 404
    page = driver.get(f"/sandboxes/{a.pk}/").content.decode()
    assert f'href="/sandboxes/{a.pk}/kubeconfig"' in page and "Use your own kubectl" in page
    response = driver.get(f"/sandboxes/{a.pk}/kubeconfig")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="a.kubeconfig"'
    config = yaml.safe_load(response.content)
    secret = access.secret_of(a)
    assert config["current-context"] == "a"
    assert config["clusters"] == [
        {"name": "a", "cluster": {"server": f"http://testserver/k8s/{secret}"}}
    ]
    assert config["contexts"][0]["context"] == {"cluster": "a", "user": "a", "namespace": "default"}
    assert driver.post(f"/sandboxes/{a.pk}/kubeconfig/regenerate").status_code == 302
    assert access.secret_of(a) != secret
    assert driver.post(f"/sandboxes/{a.pk}/kubeconfig/revoke").status_code == 302
    assert access.secret_of(a, create=False) == ""
    assert driver.get(f"/sandboxes/{a.pk}/kubeconfig/revoke").status_code == 405
