"""The lesson pages through Django's test client: list, start, step panel, Check,
console and apply through the lesson (recorded for `command` checks), restart."""

import re

import pytest

from lessons.models import Lesson, LessonProgress
from playground.models import ObjectRow
from tests.lessons_web.conftest import client_for

pytestmark = pytest.mark.django_db


def start(client, slug="services"):
    response = client.post(f"/lessons/{slug}/start")
    assert response.status_code == 302 and response["Location"] == f"/lessons/{slug}/"
    return client.get(f"/lessons/{slug}/")


def test_the_list_shows_six_lessons_in_order_with_time_and_progress(course):
    html = client_for().get("/lessons/").content.decode()
    titles = re.findall(r"<h2>(.*?)</h2>", html)
    assert len(titles) == 6
    expected = [lesson.text("en")["title"] for lesson in Lesson.objects.order_by("order")]
    assert titles == expected
    minutes = Lesson.objects.get(slug="services").estimated_minutes
    assert f"about {minutes} minutes" in html
    assert html.count("Not started") == 6


def test_starting_a_lesson_gives_a_sandbox_in_its_starting_state(course):
    client = client_for()
    page = start(client).content.decode()
    progress = LessonProgress.objects.get()
    assert progress.user is None and progress.visitor
    assert progress.sandbox.visitor == progress.visitor
    deployments = ObjectRow.objects.filter(
        sandbox=progress.sandbox, kind="Deployment", namespace="default"
    )
    assert [d.name for d in deployments] == ["web"]  # the services lesson starts with web
    assert "Step 1 of 7" in page
    assert 'data-console-url="/lessons/services/console"' in page
    assert 'class="action-run primary" data-action="console"' in page
    assert f"/ws/lesson/{progress.sandbox_id}/?lang=en" in page
    assert "1 of 7 steps done" not in client.get("/lessons/").content.decode()


def test_a_pressed_command_is_recorded_and_the_step_passes_by_itself(course):
    client = client_for()
    start(client)
    response = client.post(
        "/lessons/services/console", {"line": "kubectl expose deployment web --port=80"}
    )
    assert response.json() == {"output": "service/web exposed\n", "ok": True}
    progress = LessonProgress.objects.get()
    assert progress.history == ["kubectl expose deployment web --port=80"]
    # the save after the command ran the step's check: the Service has 3 endpoints
    assert progress.completed_steps == [1]
    status = client.post("/lessons/services/check").content.decode()
    assert 'class="step-status done"' in status and "What just happened" in status


def test_check_explains_what_is_missing_in_the_learners_terms(course):
    client = client_for()
    start(client)
    html = client.post("/lessons/services/check").content.decode()
    assert 'class="step-status failed"' in html
    assert "Service web" in html  # the feedback names the learner's own object
    assert LessonProgress.objects.get().completed_steps == []


def test_korean_check_feedback_and_step_text(course):
    client = client_for()
    start(client)
    client.post("/i18n/setlang/", {"language": "ko", "next": "/lessons/services/"})
    page = client.get("/lessons/services/").content.decode()
    ko = Lesson.objects.get(slug="services").steps.get(number=1).text("ko")["title"]
    assert ko in page and 'lang="ko"' in page and "?lang=ko" in page
    feedback = client.post("/lessons/services/check").content.decode()
    assert re.search("[가-힣]", feedback)


def test_navigating_steps_swaps_the_panel_and_is_remembered(course):
    client = client_for()
    start(client)
    html = client.post("/lessons/services/go", {"step": "3"}).content.decode()
    assert 'id="lesson-step"' in html and "Step 3 of 7" in html
    assert 'id="lesson-steps" class="lesson-steps" hx-swap-oob="true"' in html
    assert LessonProgress.objects.get().current_step == 3
    assert "Step 3 of 7" in client.get("/lessons/services/").content.decode()  # resume
    assert client.post("/lessons/services/go", {"step": "99"}).status_code == 400


def test_apply_goes_through_the_lesson_and_is_recorded(course):
    client = client_for()
    start(client)
    manifest = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: extra\n"
    response = client.post("/lessons/services/apply", {"manifest": manifest})
    assert response.json()["output"] == "namespace/extra created\n"
    assert LessonProgress.objects.get().history == ["kubectl apply -f -"]


def test_restart_gives_a_fresh_sandbox_in_the_starting_state(course):
    client = client_for()
    start(client)
    client.post("/lessons/services/console", {"line": "kubectl expose deployment web --port=80"})
    client.post("/lessons/services/go", {"step": "2"})
    response = client.post("/lessons/services/restart")
    assert response.status_code == 302
    progress = LessonProgress.objects.get()
    assert (progress.current_step, progress.completed_steps, progress.history) == (1, [], [])
    kinds = set(ObjectRow.objects.filter(sandbox=progress.sandbox).values_list("kind", "name"))
    assert ("Service", "web") not in kinds and ("Deployment", "web") in kinds


def test_step_text_is_sanitised_markdown(course):
    from lessons.markdown import render

    html = render("**bold** <script>alert(1)</script> [x](javascript:alert(1))")
    assert "<strong>bold</strong>" in html
    assert "<script>" not in html and 'href="javascript' not in html
    from lessons.markdown import render_inline

    assert render_inline("`kubectl get <x>`") == "<code>kubectl get &lt;x&gt;</code>"
    buttons = render("```console\nkubectl get pods\nkubectl get svc\n```\n")
    assert buttons.count('data-action="console"') == 2


def test_staff_see_lessons_and_progress_in_the_admin(course, django_user_model):
    staff = django_user_model.objects.create_superuser("root", password="root-4242-x")
    client_for().post("/lessons/dns/start")
    admin = client_for(staff)
    lesson = Lesson.objects.get(slug="dns")
    progress = LessonProgress.objects.get()
    assert "dns" in admin.get("/admin/lessons/lesson/").content.decode()
    assert admin.get(f"/admin/lessons/lesson/{lesson.pk}/change/").status_code == 200
    assert admin.get("/admin/lessons/lessonprogress/").status_code == 200
    assert admin.get(f"/admin/lessons/lessonprogress/{progress.pk}/change/").status_code == 200
