"""A newcomer in a real browser: signs up, logs out, logs in, and sees the home page
with its live connection up."""

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

PASSWORD = "kube-learner-2468"


def wait_for_live_connection(page: Page) -> None:
    page.wait_for_function("() => document.body.dataset.ws === 'open'", timeout=15_000)
    status = page.locator("#ws-status")
    expect(status).to_have_attribute("data-state", "open")
    expect(status).to_have_text("connected")


def test_sign_up_log_in_and_see_the_live_home_page(page: Page, live_url: str):
    page.goto(live_url + "/")
    expect(page.locator("header .brand")).to_have_text("Kubernetes Playground")
    wait_for_live_connection(page)

    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Username").fill("newbie")
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(live_url + "/")
    expect(page.locator(".account .username")).to_have_text("newbie")
    assert User.objects.filter(username="newbie").exists()

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()

    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Username").fill("newbie")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(live_url + "/")
    expect(page.locator(".account .username")).to_have_text("newbie")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Kubernetes"))
    wait_for_live_connection(page)
