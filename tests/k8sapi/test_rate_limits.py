"""Rate limits on the REST door, in Kubernetes' shape: a 429 metav1.Status with reason
TooManyRequests, details.retryAfterSeconds and a Retry-After header, which the real
kubectl honours by waiting and retrying on its own."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest
from django.contrib.auth.models import User
from django.test import Client

from k8sapi import access
from playground import sandboxes
from playground.models import ObjectRow
from tests.k8sapi.conftest import open_door
from tests.support.servers import AsgiServer, subprocess_env
from tests.web import ratelimit_support
from tests.web.ratelimit_support import LONG_WINDOW

# the rate-limit fixtures of tests/web (a clean slate of counters, a long window)
counters = ratelimit_support.counters
limits = ratelimit_support.limits
CONFIGMAPS = "/api/v1/namespaces/default/configmaps"


def configmap(name: str) -> str:
    return json.dumps({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}})


def expected_status(retry_after: int) -> dict:
    return {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": "Too many requests, please try again later.",
        "reason": "TooManyRequests",
        "details": {"retryAfterSeconds": retry_after},
        "code": 429,
    }


def assert_too_many(response) -> None:
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    retry = int(response["Retry-After"])
    assert 1 <= retry <= LONG_WINDOW
    assert json.loads(response.content) == expected_status(retry)


@pytest.fixture
def owned(db):
    alice = User.objects.create_user("alice", password="alice-passphrase-42")
    sandbox = sandboxes.sandbox_create(name="lab", owner=alice, seed=1)
    return alice, sandbox, f"/k8s/{access.secret_of(sandbox)}"


@pytest.mark.django_db
def test_past_the_request_limit_the_api_answers_a_too_many_requests_status(limits, owned):
    limits.RATE_LIMIT_SANDBOX_REQUESTS = 2
    _, sandbox, base = owned
    client = Client()
    assert client.get(base + CONFIGMAPS).status_code == 200
    assert client.get(base + "/version").status_code == 200
    assert_too_many(client.get(base + CONFIGMAPS))
    # another sandbox's door is not held back
    other = sandboxes.sandbox_create(name="other", visitor="v-other", seed=2)
    assert client.get(f"/k8s/{access.secret_of(other)}{CONFIGMAPS}").status_code == 200


@pytest.mark.django_db
def test_a_refused_write_changes_nothing(limits, owned):
    limits.RATE_LIMIT_SANDBOX_WRITES = 1
    _, sandbox, base = owned
    client = Client()
    made = client.post(base + CONFIGMAPS, configmap("one"), content_type="application/json")
    assert made.status_code == 201
    sandbox.refresh_from_db()
    version = sandbox.resource_version
    refused = client.post(base + CONFIGMAPS, configmap("two"), content_type="application/json")
    assert_too_many(refused)
    assert_too_many(client.delete(base + CONFIGMAPS + "/one"))
    sandbox.refresh_from_db()
    assert sandbox.resource_version == version
    names = set(
        ObjectRow.objects.filter(sandbox=sandbox, kind="ConfigMap").values_list("name", flat=True)
    )
    assert "one" in names and "two" not in names
    assert client.get(base + CONFIGMAPS + "/one").status_code == 200  # reads still pass


@pytest.mark.django_db
def test_the_api_and_the_site_share_the_owners_write_limit(limits, owned):
    limits.RATE_LIMIT_USER_WRITES = 2
    alice, sandbox, base = owned
    site = Client()
    site.force_login(alice)
    line = {"line": "kubectl create configmap from-site"}
    assert site.post(f"/sandboxes/{sandbox.pk}/console", line).json()["ok"]
    api = Client()
    made = api.post(base + CONFIGMAPS, configmap("a"), content_type="application/json")
    assert made.status_code == 201
    assert_too_many(api.post(base + CONFIGMAPS, configmap("b"), content_type="application/json"))
    assert site.post(f"/sandboxes/{sandbox.pk}/console", line).status_code == 429


# ---- the real kubectl -------------------------------------------------------------------------


WINDOW, LIMIT = 5, 3


@pytest.fixture
def tight_server(django_db_setup, django_db_blocker, collected_static):
    """A daphne of its own, allowing 3 API requests per sandbox every 5 seconds."""
    server = AsgiServer(
        env=subprocess_env(RATE_LIMIT_WINDOW=str(WINDOW), RATE_LIMIT_SANDBOX_REQUESTS=str(LIMIT))
    )
    server.start()
    yield server
    server.stop()


def get(url: str) -> tuple[int, dict, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read().decode()


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("counters", "need_kubectl")
def test_kubectl_waits_out_a_429_and_gets_through(tight_server, tmp_path):
    door = open_door(tight_server, tmp_path)
    door.kubectl("create", "configmap", "cm-0")  # discovery is cached from here on
    while time.time() % WINDOW > 0.3:  # start at the beginning of a window
        time.sleep(0.05)
    answers = [get(door.url + CONFIGMAPS) for _ in range(LIMIT + 1)]
    assert [code for code, _, _ in answers] == [200] * LIMIT + [429]
    code, headers, body = answers[-1]
    assert json.loads(body) == expected_status(int(headers["Retry-After"]))

    # the window is spent: kubectl is refused, waits Retry-After and retries by itself
    result = door.kubectl("get", "configmaps", "-o", "name", "-v=4")
    assert "configmap/cm-0" in result.stdout.split()
    assert "Retry-After" in result.stderr, result.stderr
