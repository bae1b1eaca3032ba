"""Django's admin as each persona: staff and superusers only, everyone else is sent to the
admin's login; and not even staff see a visitor's session token or a sandbox's API secret
(the token is the visitor's credential; staff look at sandboxes, they never need it)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from k8sapi import access
from lessons.loading import load_lessons
from lessons.models import Lesson, LessonProgress
from lessons.progress import progress_start
from tests.security.world import PERSONAS, build_world

pytestmark = pytest.mark.django_db

#                          alice carol staff root bob dave anon vera
ADMIN_CELLS = "login login 200 200 login login login login"
ADMIN_INDEX = dict(zip(PERSONAS, ADMIN_CELLS.split(), strict=True))


def outcome(response) -> str:
    if response.status_code == 302:
        assert response["Location"].startswith("/admin/login/"), response["Location"]
        return "login"
    return str(response.status_code)


@pytest.fixture
def world():
    return build_world()


def test_only_staff_and_superusers_reach_the_admin(world):
    seen = {who: outcome(c.get("/admin/")) for who, c in world.clients.items()}
    assert seen == ADMIN_INDEX
    change = reverse("admin:playground_sandbox_change", args=[world.sandbox.pk])
    for who, client in world.clients.items():
        if ADMIN_INDEX[who] == "login":
            assert outcome(client.get(change)) == "login", who


def test_no_admin_page_shows_a_visitor_token_or_an_api_secret(world):
    load_lessons()
    lesson = Lesson.objects.order_by("order").first()
    vera = world.clients["vera"]
    assert vera.post(f"/lessons/{lesson.slug}/start").status_code == 302
    progress = LessonProgress.objects.get(user__isnull=True)
    secret = access.secret_of(world.visitor_sandbox)
    progress_start(lesson=lesson, user=world.users["alice"])
    root = world.clients["root"]
    pages = [
        reverse("admin:playground_sandbox_changelist"),
        reverse("admin:playground_sandbox_change", args=[world.visitor_sandbox.pk]),
        reverse("admin:playground_sandbox_change", args=[progress.sandbox_id]),
        reverse("admin:lessons_lessonprogress_changelist"),
        reverse("admin:lessons_lessonprogress_change", args=[progress.pk]),
    ]
    for url in pages:
        page = root.get(url)
        assert page.status_code == 200, url
        html = page.content.decode()
        assert world.visitor_sandbox.visitor not in html, url
        assert secret not in html, url
