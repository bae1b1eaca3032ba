"""Issue 7 in a real browser: an instructor writes an exercise whose starting state is
broken (a Service whose selector matches nothing), tests it, publishes it and assigns it
to a class; a learner joins with the code, fixes the Service in the console, and the
instructor's dashboard cell turns done without a reload."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import Browser, Page, expect

from exercises.models import Attempt, Classroom, Exercise

pytestmark = pytest.mark.browser

PASSWORD = "kube-teacher-2468"
MANIFESTS = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: wbe
  ports:
  - port: 80
"""
FIX = """kubectl patch service web -p '{"spec":{"selector":{"app":"web"}}}'"""
TASKS = """- title: The Service has endpoints
  check:
    endpoints: {service: web, count: 2}
  hints:
  - Compare the Service's selector with the pods' labels.
  solution:
  - |-
    """ + FIX + "\n"


def log_in(page: Page, live_url: str, username: str) -> None:
    page.goto(live_url + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".account .username")).to_have_text(username)


def wait_for_socket(page: Page) -> None:
    page.wait_for_function("() => document.body.dataset.ws === 'open'", timeout=15_000)


def test_instructor_writes_assigns_and_watches_a_learner_finish(
        browser: Browser, live_url: str, celery_worker):
    teacher = User.objects.create_user("ivy", password=PASSWORD)
    teacher.groups.add(Group.objects.get_or_create(name="instructor")[0])
    User.objects.create_user("lea", password=PASSWORD)

    ivy = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    log_in(ivy, live_url, "ivy")
    ivy.goto(live_url + "/exercises/")
    ivy.locator("#exercise-new").click()
    ivy.get_by_label("Title").fill("Fix the Service")
    ivy.get_by_label("Description").fill("The Service **web** selects no pods. Fix it.")
    ivy.get_by_label("Manifests").fill(MANIFESTS)
    ivy.get_by_label("Tasks").fill(TASKS)
    ivy.locator("#exercise-save").click()
    expect(ivy.locator("#exercise-status")).to_have_text("draft")

    ivy.locator("#exercise-test").click()
    report = ivy.locator("#test-report")
    expect(report).to_contain_text("The solution passes every check")
    expect(report).to_contain_text("fails, as it should")
    expect(report).to_contain_text("its selector app=wbe matches no pod")
    ivy.locator("#exercise-publish").click()
    expect(ivy.locator("#exercise-status")).to_have_text("published")
    exercise = Exercise.objects.get()

    ivy.goto(live_url + "/classes/")
    ivy.locator("#class-name").fill("Kubernetes 101")
    ivy.locator("#class-create").click()
    code = ivy.locator("#join-code").inner_text()
    ivy.locator("#id_item").select_option(f"exercise:{exercise.pk}")
    ivy.locator("#assign").click()
    expect(ivy.locator("#board thead")).to_contain_text("Fix the Service")
    wait_for_socket(ivy)

    lea = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    log_in(lea, live_url, "lea")
    lea.goto(live_url + "/classes/join")
    lea.get_by_label("Join code").fill(code)
    lea.locator("#class-join").click()
    learner = User.objects.get(username="lea")
    learner_cell = ivy.locator(f"#learner-{learner.pk} td").first  # pushed: no reload
    expect(learner_cell).to_have_attribute("data-state", "not-started")

    lea.get_by_role("link", name="Fix the Service").click()
    lea.locator("#attempt-start").click()
    expect(lea.locator("#attempt-tasks")).to_contain_text("The Service has endpoints")
    wait_for_socket(lea)
    lea.wait_for_selector("#terminal[data-ready='1']")
    expect(learner_cell).to_have_attribute("data-state", "in-progress", timeout=20_000)

    lea.locator("#tab-console").click()
    lea.locator("#terminal").click()
    lea.keyboard.type(FIX)
    lea.keyboard.press("Enter")
    expect(lea.locator("#terminal")).to_contain_text("service/web patched")
    lea.keyboard.type("clock settle")
    lea.keyboard.press("Enter")
    expect(lea.locator("#attempt-complete")).to_be_visible(timeout=30_000)

    expect(learner_cell).to_have_attribute("data-state", "done", timeout=30_000)
    ivy.screenshot(path="/tmp/exercise-dashboard-done.png")
    attempt = Attempt.objects.get(user__username="lea")
    assert attempt.completed_at is not None
    assert Classroom.objects.get().memberships.count() == 1
