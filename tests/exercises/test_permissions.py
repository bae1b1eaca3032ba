"""Every door of exercises and classes, for every persona: the owning instructor, another
instructor, a learner of the class, staff and an anonymous visitor. Where existence is
private the answer is 404; anonymous visitors are sent to log in."""

from __future__ import annotations

import pytest

from exercises import live
from exercises.models import Exercise
from tests.exercises.conftest import client_for

pytestmark = pytest.mark.django_db

LOGIN = 302
PERSONAS = ("ivy", "otto", "lea", "sam", "anonymous")


@pytest.fixture
def people(ivy, otto, lea, sam):
    return {"ivy": ivy, "otto": otto, "lea": lea, "sam": sam, "anonymous": None}


def status(people, who: str, method: str, url: str, data: dict | None = None) -> int:
    client = client_for(people[who])
    response = client.post(url, data or {}) if method == "POST" else client.get(url)
    if who == "anonymous" and response.status_code == 302:
        assert response["Location"].startswith("/accounts/login/")
    return response.status_code


# (method, url template, data, {persona: expected status})
OWNER_ONLY = {"ivy": 200, "sam": 200, "otto": 404, "lea": 404, "anonymous": LOGIN}
EXERCISE_DOORS = [
    ("GET", "/exercises/{e}/", None, OWNER_ONLY),
    ("GET", "/exercises/{e}/edit", None, OWNER_ONLY),
    ("POST", "/exercises/{e}/edit", {"title": ""}, OWNER_ONLY),
    ("GET", "/exercises/{e}/export", None, OWNER_ONLY),
    ("POST", "/exercises/{e}/test", None, OWNER_ONLY),
    ("POST", "/exercises/{e}/status", {"status": "draft"},
     {**OWNER_ONLY, "ivy": 302, "sam": 302}),
    ("POST", "/exercises/{e}/duplicate", None, {**OWNER_ONLY, "ivy": 302, "sam": 302}),
]
AUTHORING_DOORS = [
    ("GET", "/exercises/", None, {"ivy": 200, "otto": 200, "sam": 200, "lea": 404,
                                  "anonymous": LOGIN}),
    ("GET", "/exercises/new", None, {"ivy": 200, "otto": 200, "sam": 200, "lea": 404,
                                     "anonymous": LOGIN}),
    ("POST", "/exercises/new", {"title": ""}, {"ivy": 200, "otto": 200, "sam": 200,
                                               "lea": 404, "anonymous": LOGIN}),
    ("GET", "/exercises/import", None, {"ivy": 200, "otto": 200, "sam": 200, "lea": 404,
                                        "anonymous": LOGIN}),
    ("POST", "/exercises/import", {"text": "x: 1"}, {"ivy": 400, "otto": 400, "sam": 400,
                                                     "lea": 404, "anonymous": LOGIN}),
    ("POST", "/classes/new", {"name": "c"}, {"ivy": 302, "otto": 302, "sam": 302, "lea": 404,
                                              "anonymous": LOGIN}),
]
CLASS_DOORS = [
    ("GET", "/classes/{c}/", None, OWNER_ONLY),
    ("GET", "/classes/{c}/results.csv", None, OWNER_ONLY),
    ("POST", "/classes/{c}/assign", {"item": "nothing"}, {**OWNER_ONLY, "ivy": 302,
                                                          "sam": 302}),
    ("GET", "/classes/{c}/learners/{u}/{a}/", None, OWNER_ONLY),
]
ATTEMPT_DOORS = [  # lea is in the class the exercise is assigned to; ivy owns it (preview)
    ("GET", "/exercises/{e}/attempt/", None, {"ivy": 200, "sam": 200, "lea": 200, "otto": 404,
                                              "anonymous": LOGIN}),
    ("POST", "/exercises/{e}/attempt/check", None, {"ivy": 404, "sam": 404, "lea": 200,
                                                    "otto": 404, "anonymous": LOGIN}),
    ("POST", "/exercises/{e}/attempt/console", {"line": "kubectl get pods"},
     {"ivy": 404, "sam": 404, "lea": 200, "otto": 404, "anonymous": LOGIN}),
    ("POST", "/exercises/{e}/attempt/hint", {"task": "0"},
     {"ivy": 404, "sam": 404, "lea": 200, "otto": 404, "anonymous": LOGIN}),
]


def _check(people, doors, **ids) -> None:
    seen = {}
    for method, template, data, _expected in doors:
        url = template.format(**ids)
        for who in PERSONAS:
            seen[(method, url, who)] = status(people, who, method, url, data)
    wanted = {(m, t.format(**ids), who): exp[who] for m, t, _, exp in doors for who in PERSONAS}
    assert seen == wanted


def test_exercise_doors(people, exercise):
    _check(people, EXERCISE_DOORS, e=exercise.pk)


def test_authoring_doors(people):
    _check(people, AUTHORING_DOORS)


def test_class_doors(people, classroom, exercise, lea):
    live.attempt_start(exercise=exercise, user=lea)
    assignment = classroom.assignments.get()
    _check(people, CLASS_DOORS, c=classroom.pk, u=lea.pk, a=assignment.pk)


def test_attempt_doors(people, classroom, exercise, lea):
    live.attempt_start(exercise=exercise, user=lea)
    _check(people, ATTEMPT_DOORS, e=exercise.pk)


def test_learners_of_the_class_cannot_attempt_drafts_or_archived(people, classroom, exercise):
    for state in (Exercise.DRAFT, Exercise.ARCHIVED):
        Exercise.objects.filter(pk=exercise.pk).update(status=state)
        assert status(people, "lea", "GET", f"/exercises/{exercise.pk}/attempt/") == 404


def test_a_learner_only_ever_reaches_their_own_attempt(people, classroom, exercise, lea, ivy):
    mine = live.attempt_start(exercise=exercise, user=lea)
    theirs = live.attempt_start(exercise=exercise, user=ivy)
    client = client_for(lea)
    client.post(f"/exercises/{exercise.pk}/attempt/console", {"line": "kubectl get pods"})
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.commands == ["kubectl get pods"] and theirs.commands == []
    # the sandbox doors of someone else's attempt stay closed
    assert client.get(f"/sandboxes/{theirs.sandbox_id}/").status_code == 404
    assert client.post(f"/sandboxes/{theirs.sandbox_id}/console",
                       {"line": "kubectl get pods"}).status_code == 404


def test_a_learner_of_another_class_cannot_see_the_dashboard_or_learner(people, classroom,
                                                                        exercise, otto, lea):
    from exercises import services

    other = services.classroom_create(owner=otto, name="Other")
    live.attempt_start(exercise=exercise, user=lea)
    assignment = classroom.assignments.get()
    # otto's own class does not open ivy's learners
    url = f"/classes/{other.pk}/learners/{lea.pk}/{assignment.pk}/"
    assert status(people, "otto", "GET", url) == 404
