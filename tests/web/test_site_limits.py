"""The operator's site-wide caps: from env vars into settings, from settings into every
sandbox (existing ones included, at their next request), and sandboxes per learner."""

import json
import subprocess
import sys

import pytest
from django.contrib.auth.models import User
from django.test import Client

from playground import sandboxes
from playground.models import ObjectRow, Sandbox
from playground.sim import limits as simlimits
from playground.store import load_cluster
from tests.support.servers import REPO, subprocess_env

pytestmark = pytest.mark.django_db


def console(client: Client, sandbox: Sandbox, line: str) -> dict:
    response = client.post(f"/sandboxes/{sandbox.pk}/console", {"line": line})
    assert response.status_code == 200, response.content
    return response.json()


def owned(name: str) -> tuple[User, Client]:
    user = User.objects.create_user(name, password=f"{name}-passphrase-42")
    client = Client()
    client.force_login(user)
    return user, client


def test_an_object_cap_in_settings_reaches_an_existing_sandbox(settings, counters):
    alice, client = owned("alice")
    sandbox = sandboxes.sandbox_create(name="lab", owner=alice, seed=1)  # before the cap
    count = simlimits.object_count(load_cluster(sandbox).cluster)
    settings.PLAYGROUND_LIMITS = {"max_objects": count + 2}

    assert console(client, sandbox, "kubectl create configmap one")["ok"]
    assert console(client, sandbox, "kubectl create configmap two")["ok"]
    refused = console(client, sandbox, "kubectl create configmap three")
    assert not refused["ok"]
    assert refused["output"].strip() == (
        'error: failed to create configmap: configmaps "three" is forbidden: '
        f"this sandbox is limited to {count + 2} objects"
    )
    names = ObjectRow.objects.filter(sandbox=sandbox, kind="ConfigMap").values_list(
        "name", flat=True
    )
    assert "three" not in set(names)

    # the operator lifts the cap: the same sandbox takes the object at its next request
    settings.PLAYGROUND_LIMITS = {}
    assert console(client, sandbox, "kubectl create configmap three")["ok"]
    sandbox.refresh_from_db()
    assert "limits" not in sandbox.meta


def test_a_quota_setting_shapes_a_new_sandboxs_default_namespace(settings):
    settings.PLAYGROUND_LIMITS = {"default_quota": {"pods": "7", "services": "3"}}
    sandbox = sandboxes.sandbox_create(name="lab", seed=1)
    quota = ObjectRow.objects.get(sandbox=sandbox, kind="ResourceQuota", namespace="default")
    assert quota.manifest["spec"]["hard"] == {"pods": "7", "services": "3"}

    settings.PLAYGROUND_LIMITS = {"default_quota": False}
    plain = sandboxes.sandbox_create(name="plain", seed=1)
    assert not ObjectRow.objects.filter(sandbox=plain, kind="ResourceQuota").exists()


def test_a_signed_in_learner_opens_at_most_their_cap(settings, counters):
    settings.SANDBOX_MAX_PER_USER = 2
    alice, client = owned("alice")
    for _ in range(2):
        assert client.post("/sandboxes/open", {"new": "1"}).status_code == 302
    response = client.post("/sandboxes/open", {"new": "1"}, follow=True)
    assert Sandbox.objects.filter(owner=alice).count() == 2
    assert (
        "you already have 2 sandboxes, the most one account may keep: "
        "delete one to open another" in response.content.decode()
    )
    # deleting one makes room again
    client.post(f"/sandboxes/{Sandbox.objects.filter(owner=alice).first().pk}/delete")
    assert client.post("/sandboxes/open", {"new": "1"}).status_code == 302
    assert Sandbox.objects.filter(owner=alice).count() == 2


def test_lesson_sandboxes_do_not_count_against_the_cap(settings, counters):
    from lessons.loading import load_lessons

    load_lessons()
    settings.SANDBOX_MAX_PER_USER = 1
    alice, client = owned("alice")
    client.post("/lessons/services/start")
    client.post("/lessons/namespaces/start")
    assert Sandbox.objects.filter(owner=alice).count() == 2
    assert client.post("/sandboxes/open", {"new": "1"}).status_code == 302
    assert Sandbox.objects.filter(owner=alice).count() == 3
    client.post("/sandboxes/open", {"new": "1"})
    assert Sandbox.objects.filter(owner=alice).count() == 3


def test_an_anonymous_visitor_keeps_one_sandbox_by_default(counters):
    client = Client()
    first = client.post("/sandboxes/open")
    assert first.status_code == 302
    response = client.post("/sandboxes/open", {"new": "1"}, follow=True)
    assert Sandbox.objects.count() == 1
    assert "without an account you can keep 1 sandbox: sign up to open more" in (
        response.content.decode()
    )
    # the home button still leads back to the one they have
    assert client.post("/sandboxes/open")["Location"] == first["Location"]


def test_env_vars_reach_the_settings():
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.PLAYGROUND_LIMITS, s.SANDBOX_MAX_PER_USER, "
        "s.SANDBOX_MAX_PER_VISITOR, s.RATE_LIMIT_WINDOW, s.RATE_LIMIT_SANDBOX_WRITES]))"
    )
    env = subprocess_env(
        LIMIT_MAX_OBJECTS="500",
        LIMIT_MAX_ADVANCE_SECONDS="600",
        LIMIT_DEFAULT_QUOTA="pods=20,services=5",
        LIMIT_QUOTA_COMPUTE="1",
        SANDBOX_MAX_PER_USER="3",
        SANDBOX_MAX_PER_VISITOR="2",
        RATE_LIMIT_WINDOW="1",
        RATE_LIMIT_SANDBOX_WRITES="9",
    )
    env.pop("LIMIT_MAX_NODES", None)
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    limits, per_user, per_visitor, window, writes = json.loads(out.strip().splitlines()[-1])
    assert limits == {
        "max_objects": 500,
        "max_advance_seconds": 600.0,
        "default_quota": {"pods": "20", "services": "5"},
        "quota_compute": True,
    }  # only the caps given: max_nodes and the rest keep the simulation's defaults
    assert (per_user, per_visitor, window, writes) == (3, 2, 1, 9)
    caps = simlimits.limits_of({"limits": limits})
    assert caps.max_objects == 500 and caps.max_nodes == simlimits.DEFAULTS.max_nodes
