"""A visitor completes the Services lesson in headless Chromium by pressing the step
buttons: each step turns done by itself from a push (no Check button, no reload: a
marker set on the window survives every step), then switches to Korean and sees the
same step in Korean."""

import re

import pytest
from playwright.sync_api import Page, expect

from lessons.loading import load_lessons
from lessons.models import Lesson, LessonProgress

pytestmark = pytest.mark.browser


def wait_connected(page: Page) -> None:
    page.wait_for_function("() => document.body.dataset.ws === 'open'", timeout=15_000)
    page.wait_for_selector("#terminal[data-ready='1']")


def press_every_button(page: Page) -> None:
    buttons = page.locator("#lesson-step .action-run")
    for i in range(buttons.count()):
        buttons.nth(i).scroll_into_view_if_needed()
        buttons.nth(i).click()
        page.wait_for_function("() => document.getElementById('lesson').dataset.busy === '0'")


def test_services_lesson_completes_from_pushes(page: Page, live_url: str, celery_worker):
    load_lessons()
    lesson = Lesson.objects.get(slug="services")
    steps = list(lesson.steps.order_by("number"))
    page.set_viewport_size({"width": 1366, "height": 768})

    page.goto(live_url + "/lessons/")
    page.locator("#lesson-card-services a").click()
    page.locator("#lesson-start").click()
    expect(page.locator("#lesson-step .step-title")).to_have_text(steps[0].text("en")["title"])
    wait_connected(page)
    page.screenshot(path="/tmp/lesson-services-step1.png")
    page.evaluate("window.noReloadMarker = 42")

    for step in steps:
        n = step.number
        expect(page.locator("#lesson-step")).to_have_attribute("data-step", str(n))
        expect(page.locator(f"#step-status-{n}")).not_to_have_class(re.compile(r"\bdone\b"))
        press_every_button(page)
        status = page.locator(f"#step-status-{n}")
        expect(status).to_have_class(re.compile(r"\bdone\b"), timeout=20_000)
        expect(status).to_contain_text("What just happened")
        expect(page.locator(f"#nav-step-{n}")).to_have_class(re.compile(r"\bdone\b"))
        if n < len(steps):
            status.locator(".step-next").click()
    expect(page.locator(f"#step-status-{len(steps)}")).to_contain_text("You finished this lesson.")
    assert page.evaluate("window.noReloadMarker") == 42
    page.screenshot(path="/tmp/lesson-services-done.png")

    progress = LessonProgress.objects.get(lesson=lesson)
    assert progress.completed_steps == [s.number for s in steps]
    assert progress.completed_at is not None
    assert "kubectl expose deployment web --port=80" in progress.history

    # Korean: the same (last) step, its text and the page's own strings in Korean
    page.locator(".lang-switch button[value='ko']").click()
    last = steps[-1].text("ko")
    expect(page.locator("#lesson-step .step-title")).to_have_text(last["title"])
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page.locator("#lesson-step")).to_have_attribute("data-step", str(len(steps)))
    expect(page.locator(f"#step-status-{len(steps)}")).to_contain_text("방금 일어난 일")
    wait_connected(page)
    # the sandbox's fragments pushed over the socket are Korean too
    expect(page.locator("#workloads h2")).to_have_text("워크로드")
    expect(page.locator("#tab-console")).to_have_text("콘솔")
    page.screenshot(path="/tmp/lesson-services-ko.png")
