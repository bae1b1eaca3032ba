"""Staff run the site from the admin: exercises, attempts, classes, sandboxes."""

from __future__ import annotations

import pytest

from exercises import live
from exercises.models import Exercise
from tests.exercises.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", [
    "/admin/exercises/exercise/?status__exact=published&q=Service",
    "/admin/exercises/attempt/?completed_at__isempty=1",
    "/admin/exercises/classroom/?q=101",
    "/admin/exercises/membership/",
    "/admin/exercises/assignment/",
    "/admin/exercises/historyrecord/",
    "/admin/playground/sandbox/?q=lea",
    "/admin/playground/objectrow/?kind=Service&namespace=default",
    "/admin/lessons/lesson/",
    "/admin/lessons/lessonprogress/?q=lea",
    "/admin/auth/user/?q=lea",
    "/admin/auth/group/",
])
def test_staff_browse_search_and_filter(path, sam, classroom, exercise, lea):
    sam.is_superuser = True
    sam.save()
    attempt = live.attempt_start(exercise=exercise, user=lea)
    response = client_for(sam).get(path)
    assert response.status_code == 200, path
    if "sandbox/?q=lea" in path:
        assert attempt.sandbox.name in response.content.decode()


def test_sandboxes_filter_by_class(sam, classroom, exercise, lea, ivy):
    sam.is_superuser = True
    sam.save()
    attempt = live.attempt_start(exercise=exercise, user=lea)
    html = client_for(sam).get(f"/admin/playground/sandbox/?classroom={classroom.pk}").content
    assert attempt.sandbox.name.encode() in html


def test_publish_action_refuses_untested_exercises(sam, ivy, exercise):
    sam.is_superuser = True
    sam.save()
    untested = Exercise.objects.create(owner=ivy, title="Untested", document=exercise.document)
    client = client_for(sam)
    client.post("/admin/exercises/exercise/", {"action": "unpublish",
                                               "_selected_action": [exercise.pk]})
    exercise.refresh_from_db()
    assert exercise.status == "draft"
    response = client.post("/admin/exercises/exercise/", {
        "action": "publish", "_selected_action": [exercise.pk, untested.pk]}, follow=True)
    exercise.refresh_from_db()
    untested.refresh_from_db()
    assert exercise.status == "published" and untested.status == "draft"
    assert "Not published (their solution has not passed a test): Untested" in \
        response.content.decode()


def test_instructors_and_learners_do_not_get_the_admin(ivy, lea):
    for user in (ivy, lea):
        response = client_for(user).get("/admin/exercises/exercise/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
