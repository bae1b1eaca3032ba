"""A learner past the sandbox's write limit reads why, in the console and beside the clock
buttons (htmx would leave a 429 unshown)."""

import pytest
from playwright.sync_api import Page, expect

from tests.support.servers import AsgiServer, subprocess_env
from tests.web import ratelimit_support

pytestmark = pytest.mark.browser
counters = ratelimit_support.counters


@pytest.fixture
def tight_url(transactional_db, collected_static, counters):
    """A daphne of its own: two writes per sandbox per (very long) window."""
    server = AsgiServer(
        env=subprocess_env(
            RATE_LIMIT_WINDOW=str(ratelimit_support.LONG_WINDOW), RATE_LIMIT_SANDBOX_WRITES="2"
        )
    )
    server.start()
    yield server.url
    server.stop()


def test_a_refused_write_says_why(page: Page, tight_url: str):
    page.goto(tight_url + "/")
    page.locator("#open-sandbox").click()
    expect(page.locator("#cluster-map")).to_be_visible()
    page.wait_for_selector("#terminal[data-ready='1']")

    page.locator("#clock-advance").click()
    expect(page.locator("#clock-msg")).to_contain_text("advanced 1m")
    page.locator("#clock-advance").click()
    expect(page.locator("#clock-msg")).to_contain_text("advanced 1m")
    page.locator("#clock-advance").click()
    expect(page.locator("#clock-msg")).to_contain_text(
        "Too many requests: this sandbox takes at most 2 commands every"
    )

    page.locator("#tab-console").click()
    page.locator("#terminal").click()
    page.keyboard.type("kubectl get pods")
    page.keyboard.press("Enter")
    expect(page.locator("#terminal")).to_contain_text("Too many requests: this sandbox takes")
