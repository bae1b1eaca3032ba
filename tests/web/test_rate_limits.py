"""Rate limits on the site's doors: past the limit a write gets 429 with Retry-After and a
sentence, changes nothing, and costs nobody else anything; a dead Redis refuses nobody."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from lessons.loading import load_lessons
from lessons.models import LessonProgress
from playground import sandboxes
from playground.models import ObjectRow, Sandbox
from tests.support.servers import free_port
from tests.web.ratelimit_support import LONG_WINDOW

pytestmark = pytest.mark.django_db


def user(name: str) -> User:
    return User.objects.create_user(name, password=f"{name}-passphrase-42")


def client_for(someone=None) -> Client:
    client = Client()
    if someone is not None:
        client.force_login(someone)
    return client


def make_configmap(client: Client, sandbox: Sandbox, name: str):
    return client.post(
        f"/sandboxes/{sandbox.pk}/console", {"line": f"kubectl create configmap {name}"}
    )


def configmaps(sandbox: Sandbox) -> set[str]:
    rows = ObjectRow.objects.filter(sandbox=sandbox, kind="ConfigMap", namespace="default")
    return set(rows.values_list("name", flat=True)) - {"kube-root-ca.crt"}


def assert_refused(response, as_json: bool) -> str:
    assert response.status_code == 429
    retry = int(response["Retry-After"])
    assert 1 <= retry <= LONG_WINDOW
    text = response.json()["output"] if as_json else response.content.decode()
    assert text.startswith("Too many requests: ")
    assert f"Try again in {retry} second" in text
    return text


def test_a_sandbox_over_its_write_limit_refuses_and_keeps_its_state(limits):
    limits.RATE_LIMIT_SANDBOX_WRITES = 3
    alice = user("alice")
    mine = sandboxes.sandbox_create(name="lab", owner=alice, seed=1)
    other = sandboxes.sandbox_create(name="other", owner=alice, seed=2)
    client = client_for(alice)
    for n in range(3):
        assert make_configmap(client, mine, f"cm-{n}").json()["ok"]
    mine.refresh_from_db()
    version = mine.resource_version

    refused = make_configmap(client, mine, "cm-3")
    text = assert_refused(refused, as_json=True)
    assert "this sandbox takes at most 3 commands every" in text
    assert refused.json()["ok"] is False
    mine.refresh_from_db()
    assert mine.resource_version == version  # nothing ran, nothing was saved
    assert configmaps(mine) == {"cm-0", "cm-1", "cm-2"}

    # the same learner's other sandbox, and another learner, are not held back
    assert make_configmap(client, other, "cm-x").json()["ok"]
    bob = user("bob")
    bobs = sandboxes.sandbox_create(name="lab", owner=bob, seed=3)
    assert make_configmap(client_for(bob), bobs, "cm-y").json()["ok"]


def test_a_learner_over_their_write_limit_is_refused_on_every_sandbox(limits):
    limits.RATE_LIMIT_USER_WRITES = 2
    alice, bob = user("alice"), user("bob")
    first = sandboxes.sandbox_create(name="one", owner=alice, seed=1)
    second = sandboxes.sandbox_create(name="two", owner=alice, seed=2)
    client = client_for(alice)
    assert make_configmap(client, first, "a").json()["ok"]
    assert make_configmap(client, second, "b").json()["ok"]
    text = assert_refused(make_configmap(client, second, "c"), as_json=True)
    assert "you can send at most 2 commands" in text
    assert configmaps(second) == {"b"}
    # bob's writes are his own
    bobs = sandboxes.sandbox_create(name="lab", owner=bob, seed=3)
    assert make_configmap(client_for(bob), bobs, "d").json()["ok"]


def test_an_anonymous_visitor_is_counted_by_their_visitor_token(limits):
    limits.RATE_LIMIT_USER_WRITES = 2  # opening counts as one
    one, two = Client(), Client()  # two browsers behind one address (a classroom)
    for client in (one, two):
        assert client.post("/sandboxes/open").status_code == 302
    first, second = Sandbox.objects.order_by("pk")
    assert make_configmap(one, first, "a").json()["ok"]
    assert_refused(make_configmap(one, first, "b"), as_json=True)
    assert make_configmap(two, second, "c").json()["ok"]


@pytest.mark.parametrize(
    "door, data",
    [
        ("apply", {"manifest": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: late}\n"}),
        ("clock", {"action": "pause"}),
        ("fault", {"action": "stop-node", "name": "worker-1"}),
        ("reset", {}),
        ("rename", {"name": "renamed"}),
        ("delete", {}),
    ],
)
def test_every_write_door_refuses_past_the_limit(limits, door, data):
    limits.RATE_LIMIT_SANDBOX_WRITES = 1
    alice = user("alice")
    sandbox = sandboxes.sandbox_create(name="lab", owner=alice, seed=1)
    client = client_for(alice)
    assert make_configmap(client, sandbox, "first").json()["ok"]
    sandbox.refresh_from_db()
    before = (sandbox.name, sandbox.paused, sandbox.resource_version)

    response = client.post(f"/sandboxes/{sandbox.pk}/{door}", data)
    assert_refused(response, as_json=door == "apply")
    sandbox.refresh_from_db()  # still there, as it was
    assert (sandbox.name, sandbox.paused, sandbox.resource_version) == before
    assert configmaps(sandbox) == {"first"}


def test_a_burst_of_lesson_buttons_under_the_default_limits_passes(counters, settings):
    """The shipped defaults: a learner pressing a lesson's buttons as fast as the test
    client can is never refused."""
    settings.RATE_LIMIT_WINDOW = 10  # the shipped window (the suite turns limits off)
    load_lessons()
    client = Client()
    client.post("/lessons/namespaces/start")
    for _ in range(25):
        response = client.post("/lessons/namespaces/console", {"line": "kubectl get ns"})
        assert response.status_code == 200, response.content
    assert settings.RATE_LIMIT_SANDBOX_WRITES >= 25


def test_a_refused_lesson_command_is_neither_run_nor_recorded(limits):
    load_lessons()
    limits.RATE_LIMIT_SANDBOX_WRITES = 1
    client = Client()
    client.post("/lessons/services/start")
    progress = LessonProgress.objects.get()
    assert client.post("/lessons/services/console", {"line": "kubectl get svc"}).json()["ok"]
    line = "kubectl expose deployment web --port=80"
    refused = client.post("/lessons/services/console", {"line": line})
    assert_refused(refused, as_json=True)
    progress.refresh_from_db()
    assert line not in progress.history
    rows = ObjectRow.objects.filter(sandbox_id=progress.sandbox_id, kind="Service", name="web")
    assert not rows.exists()


def test_opening_sandboxes_is_rate_limited_per_visitor_and_per_address(limits):
    limits.RATE_LIMIT_USER_WRITES = 1
    limits.SANDBOX_MAX_PER_VISITOR = 5
    client = Client()
    assert client.post("/sandboxes/open").status_code == 302
    assert_refused(client.post("/sandboxes/open", {"new": "1"}), as_json=False)
    assert Sandbox.objects.count() == 1
    # a client that keeps no cookie is a new visitor each time: its address still counts
    limits.RATE_LIMIT_ANONYMOUS_OPENS = 3  # the two opens above counted (refused ones too)
    assert Client().post("/sandboxes/open").status_code == 302
    text = assert_refused(Client().post("/sandboxes/open"), as_json=False)
    assert "this network may open new sandboxes at most 3" in text
    assert Sandbox.objects.count() == 2


def test_a_dead_redis_refuses_nobody(limits):
    limits.RATE_LIMIT_SANDBOX_WRITES = 1
    limits.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    alice = user("alice")
    sandbox = sandboxes.sandbox_create(name="lab", owner=alice, seed=1)
    client = client_for(alice)
    for n in range(3):
        response = make_configmap(client, sandbox, f"cm-{n}")
        assert response.status_code == 200 and response.json()["ok"]
    assert configmaps(sandbox) == {"cm-0", "cm-1", "cm-2"}
