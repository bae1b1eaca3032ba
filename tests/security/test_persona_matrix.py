"""Every HTTP door of a sandbox, an exercise, a class and a lesson, asked by every persona
(tests/security/world.py): each may do exactly what it should and nothing else, and where
existence itself is private the answer is the 404 a missing id gets.

The tables below ARE the rules; one cell per persona, in this column order:

            alice  carol  staff  root   bob    dave   anon   vera
alice owns the sandbox "lab" and an attempt, and is in carol's class; carol runs that
class and owns its exercise; dave runs another class; vera is an anonymous visitor with a
sandbox of her own; anon has no session at all. Superusers get exactly what staff get.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from lessons.loading import load_lessons
from lessons.models import Lesson
from lessons.progress import progress_start
from tests.security import matrix
from tests.security.world import build_world

pytestmark = pytest.mark.django_db

GET, POST = "GET", "POST"
CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"

# The sandbox doors, in an order where the owner's own writes do not close later doors.
SANDBOX_ROWS = [
    # cells: alice carol staff root bob dave anon vera
    ("sandbox_page", GET, "200 200 200 200 404 404 404 {v}"),
    ("sandbox_object", GET, "200 200 200 200 404 404 404 {v}", None, "kind=Node&name=worker-1"),
    ("k8sapi_kubeconfig", GET, "200 403 403 403 404 404 404 {v}"),
    ("sandbox_console", POST, "200 403 403 403 404 404 404 {v}", {"line": "kubectl create ns t"}),
    ("sandbox_apply", POST, "200 403 403 403 404 404 404 {v}", {"manifest": CONFIGMAP}),
    ("sandbox_clock", POST, "200 403 403 403 404 404 404 {v}", {"action": "pause"}),
    (
        "sandbox_fault",
        POST,
        "200 403 403 403 404 404 404 {v}",
        {"action": "stop-node", "name": "worker-1"},
    ),
    ("k8sapi_regenerate", POST, "302 403 403 403 404 404 404 {v}"),
    ("k8sapi_revoke", POST, "302 403 403 403 404 404 404 {v}"),
    ("sandbox_rename", POST, "302 403 403 403 404 404 404 {v}", {"name": "mine"}),
    ("sandbox_reset", POST, "302 403 403 403 404 404 404 {v}"),
    ("sandbox_delete", POST, "302 403 403 403 404 404 404 {v}"),
]
ALICE_SANDBOX = matrix.table(
    [(n, m, cells.format(v="404"), *rest) for n, m, cells, *rest in SANDBOX_ROWS],
    sandbox_id="sandbox_id",
)


def _as_vera(cells: str) -> str:
    """vera's sandbox: she drives it, staff and root look, nobody else (no class has her)."""
    alice, _carol, staff, root, bob, dave, anon, _ = cells.format(v="-").split()
    return " ".join(["404", "404", staff, root, bob, dave, anon, alice])


VERA_SANDBOX = matrix.table(
    [(n, m, _as_vera(cells), *rest) for n, m, cells, *rest in SANDBOX_ROWS],
    sandbox_id="visitor_sandbox_id",
)

EXERCISE_DOORS = matrix.table(
    [
        # cells: alice carol staff root bob dave anon vera
        ("exercise_detail", GET, "404 200 200 200 404 404 login login"),
        ("exercise_edit", GET, "404 200 200 200 404 404 login login"),
        ("exercise_export", GET, "404 200 200 200 404 404 login login"),
        ("exercise_test", POST, "404 200 200 200 404 404 login login"),
        ("exercise_status", POST, "404 302 302 302 404 404 login login", {"status": "published"}),
        ("exercise_duplicate", POST, "404 302 302 302 404 404 login login"),
        # alice's own attempt; carol, staff and root may preview (start their own), but
        # never reach alice's: every attempt door acts on the requester's attempt only
        ("attempt_page", GET, "200 200 200 200 404 404 login login"),
        (
            "attempt_console",
            POST,
            "200 404 404 404 404 404 login login",
            {"line": "kubectl get pods"},
        ),
        ("attempt_apply", POST, "200 404 404 404 404 404 login login", {"manifest": CONFIGMAP}),
        ("attempt_check", POST, "200 404 404 404 404 404 login login"),
        ("attempt_hint", POST, "200 404 404 404 404 404 login login", {"task": "0"}),
        ("attempt_restart", POST, "302 404 404 404 404 404 login login"),
        ("attempt_start", POST, "302 302 302 302 404 404 login login"),
    ],
    exercise_id="exercise_id",
)

CLASS_DOORS = matrix.table(
    [
        # cells: alice carol staff root bob dave anon vera
        ("class_dashboard", GET, "404 200 200 200 404 404 login login"),
        ("class_results", GET, "404 200 200 200 404 404 login login"),
        ("class_assign", POST, "404 302 302 302 404 404 login login", {"item": "nothing"}),
    ],
    classroom_id="classroom_id",
)
LEARNER_DOORS = matrix.table(
    [("learner_sandbox", GET, "404 200 200 200 404 404 login login")],
    classroom_id="classroom_id",
    user_id="user_id",
    assignment_id="assignment_id",
)

# A lesson's URL names no progress: each persona reaches only their own (alice started it).
LESSON_DOORS = matrix.table(
    [
        # cells: alice carol staff root bob dave anon vera
        ("lesson_page", GET, "200 200 200 200 200 200 200 200"),
        ("lesson_go", POST, "200 404 404 404 404 404 404 404", {"step": "1"}),
        ("lesson_check", POST, "200 404 404 404 404 404 404 404"),
        ("lesson_console", POST, "200 404 404 404 404 404 404 404", {"line": "kubectl get ns"}),
        ("lesson_apply", POST, "200 404 404 404 404 404 404 404", {"manifest": CONFIGMAP}),
        ("lesson_restart", POST, "302 404 404 404 404 404 404 404"),
        ("lesson_start", POST, "302 302 302 302 302 302 302 302"),
    ],
    slug="lesson_slug",
)

ALL_TABLES = [ALICE_SANDBOX, VERA_SANDBOX, EXERCISE_DOORS, CLASS_DOORS, LEARNER_DOORS, LESSON_DOORS]
# Doors with an id that another test file covers, with the test that does.
COVERED_ELSEWHERE = {
    "k8sapi_door": "test_persona_rest.py: the REST API by secret and bearer token",
}
ID_KWARGS = {
    "sandbox_id",
    "classroom_id",
    "exercise_id",
    "user_id",
    "assignment_id",
    "slug",
    "rest_path",
}


@pytest.fixture
def world():
    return build_world()


def test_alice_sandbox_doors(world):
    assert matrix.run(world, ALICE_SANDBOX, owner="alice") == matrix.expected(ALICE_SANDBOX)


def test_vera_sandbox_doors(world):
    assert matrix.run(world, VERA_SANDBOX, owner="vera") == matrix.expected(VERA_SANDBOX)


def test_exercise_and_attempt_doors(world):
    seen = matrix.run(world, EXERCISE_DOORS, owner="alice")
    assert seen == matrix.expected(EXERCISE_DOORS)
    # each preview started at the end is its previewer's own, in a sandbox of their own
    from exercises.models import Attempt

    owners = {
        a.user.username: a.sandbox.owner.username
        for a in Attempt.objects.select_related("user", "sandbox__owner")
    }
    assert owners == {p: p for p in ("alice", "carol", "staff", "root")}


def test_class_doors(world):
    doors = CLASS_DOORS + LEARNER_DOORS
    assert matrix.run(world, doors, owner="carol") == matrix.expected(doors)


def test_lesson_doors(world):
    load_lessons()
    lesson = Lesson.objects.order_by("order").first()
    progress = progress_start(lesson=lesson, user=world.users["alice"])
    world.extra["lesson_slug"] = lesson.slug
    assert matrix.run(world, LESSON_DOORS, owner="alice") == matrix.expected(LESSON_DOORS)
    progress.refresh_from_db()
    assert progress.user == world.users["alice"]


def _named_patterns(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # Django's admin: test_persona_outputs.py asks it as each persona
            yield from _named_patterns(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield pattern.name, set(pattern.pattern.regex.groupindex)


def test_the_tables_cover_every_door_that_names_a_sandbox_class_exercise_or_lesson():
    """A new door with an id must get its row here before it can ship."""
    doors = {
        name for name, kwargs in _named_patterns(get_resolver().url_patterns) if kwargs & ID_KWARGS
    }
    tabled = {door.name for rows in ALL_TABLES for door in rows}
    assert doors - tabled - set(COVERED_ELSEWHERE) == set()
    assert tabled | set(COVERED_ELSEWHERE) <= doors  # no row for a door that is gone


def test_each_persona_lists_only_their_own_sandboxes(world):
    own = {
        "alice": {world.sandbox.pk, world.attempt.sandbox_id},
        "vera": {world.visitor_sandbox.pk},
    }
    every = {world.sandbox.pk, world.attempt.sandbox_id, world.visitor_sandbox.pk}
    for who, client in world.clients.items():
        page = client.get("/sandboxes/").content.decode()
        listed = {pk for pk in every if f'href="/sandboxes/{pk}/"' in page}
        assert listed == own.get(who, set()), who


def test_another_visitor_never_reaches_veras_sandbox(world):
    other = world.clients["anon"]
    theirs = other.post("/sandboxes/open")["Location"]
    vera_url = f"/sandboxes/{world.visitor_sandbox.pk}/"
    assert theirs != vera_url
    assert other.get(vera_url).status_code == 404
    assert other.post(vera_url + "console", {"line": "kubectl get pods"}).status_code == 404
    assert world.clients["vera"].get(theirs).status_code == 404
    assert world.clients["vera"].get(vera_url).status_code == 200
    assert world.visitor_sandbox.visitor not in other.get(theirs).content.decode()


def test_a_read_only_page_is_read_only(world):
    """Viewers get the page without the driving forms; the owner gets them."""
    url = f"/sandboxes/{world.sandbox.pk}/"
    for who, readonly in (("alice", "0"), ("carol", "1"), ("staff", "1"), ("root", "1")):
        page = world.clients[who].get(url).content.decode()
        assert f'data-readonly="{readonly}"' in page, who
        assert ('id="editor-apply"' in page) == (readonly == "0"), who
        assert ('id="kubeconfig-download"' in page) == (readonly == "0"), who


def test_no_list_or_home_page_carries_a_credential(world):
    """The pages every persona lands on never carry vera's token or a session key."""
    from k8sapi import access

    secrets = [*world.secrets(), access.secret_of(world.sandbox)]
    assert len(secrets) == 1 + 7 + 1  # vera's token, 7 sessions (anon has none), the API's
    for who, client in world.clients.items():
        for url in ("/", "/sandboxes/", "/lessons/", "/classes/", "/exercises/"):
            response = client.get(url)
            assert response.status_code in (200, 302, 404), (who, url)
            text = response.content.decode()
            assert [s[:6] for s in secrets if s in text] == [], (who, url)
