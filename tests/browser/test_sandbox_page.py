"""A visitor in headless Chromium: opens a sandbox without signing up, applies a
Deployment in the editor and watches its pods turn Running without a reload, scales it
in the console, stops a node and fast-forwards until its pods are replaced on the other
node, then resets the sandbox. A Celery worker fires the cluster's timers throughout."""

import pytest
from playwright.sync_api import Page, expect

from playground.models import Sandbox

pytestmark = pytest.mark.browser

RUNNING_WEB = "#node-{node} .pod:has(.badge:text-is('Running')):has(a:text-matches('^web-'))"


def open_sandbox(page: Page, live_url: str) -> None:
    page.goto(live_url + "/")
    page.locator("#open-sandbox").click()
    expect(page.locator("#cluster-map")).to_be_visible()
    page.wait_for_function("() => document.body.dataset.ws === 'open'", timeout=15_000)
    page.wait_for_selector("#terminal[data-ready='1']")


def type_command(page: Page, line: str) -> None:
    page.locator("#tab-console").click()
    page.locator("#terminal").click()
    page.keyboard.type(line)
    page.keyboard.press("Enter")


def test_a_visitor_drives_a_live_sandbox(page: Page, live_url: str, celery_worker):
    page.set_viewport_size({"width": 1366, "height": 768})
    open_sandbox(page, live_url)
    sandbox = Sandbox.objects.get()
    assert sandbox.owner is None and sandbox.visitor

    # fast clock, so the image pulls and starts take a blink
    page.locator("#clock-speed").select_option("60.0")
    expect(page.locator("#sandbox-clock .clock-state")).to_have_text("x60")

    # the editor starts with a 3-replica Deployment: apply it, watch it come up live
    page.locator("#tab-editor").click()
    page.locator("#editor-apply").click()
    expect(page.locator("#apply-output")).to_have_text("deployment.apps/web created")
    expect_running(page, 3)

    # scale it in the console; the output is kubectl's
    type_command(page, "kubectl scale deployment web --replicas=5")
    expect(page.locator("#terminal")).to_contain_text("deployment.apps/web scaled")
    expect_running(page, 5)

    # any object opens its detail: kubectl describe, YAML, its timeline
    page.locator("#workloads a", has_text="Deployment web").click()
    expect(page.locator("#detail")).to_contain_text("Name:                   web")
    expect(page.locator("#detail .timeline")).to_contain_text("you created Deployment web")
    page.keyboard.press("Escape")
    expect(page.locator("#detail")).to_be_hidden()

    # the namespace filter shows the system pods on the control plane
    page.locator("#ns-filter").select_option("kube-system")
    expect(page.locator("#node-cp-1 .pod", has_text="etcd-cp-1")).to_be_visible()
    expect(page.locator("#node-worker-1 .pod", has_text="web-").first).to_be_hidden()
    page.locator("#ns-filter").select_option("default")

    # history: the up arrow brings the last command back onto the prompt
    page.locator("#terminal").click()
    page.keyboard.press("ArrowUp")
    assert current_line(page) == "$ kubectl scale deployment web --replicas=5"
    page.keyboard.press("Control+c")

    # stop worker-2, fast-forward: after the grace period and the 300 s toleration its
    # pods are evicted and replaced on worker-1
    page.locator("#node-worker-2 .node-fault").click()
    expect(page.locator("#node-worker-2")).to_contain_text("kubelet stopped")
    page.locator("#clock-advance5").click()
    expect(page.locator("#clock-msg")).to_contain_text("advanced 5m0s")
    page.locator("#clock-advance5").click()
    expect(page.locator("#node-worker-2 .node-head .badge").first).to_have_text("NotReady")
    expect(page.locator(RUNNING_WEB.format(node="worker-1"))).to_have_count(5, timeout=45_000)
    page.screenshot(path="/tmp/sandbox-node-stopped.png")

    # reset: a fresh cluster, no Deployment, worker-2 back
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#sandbox-reset").click()
    expect(page.locator("#node-worker-2 .node-head .badge").first).to_have_text("Ready")
    expect(page.locator(".pod a", has_text="web-")).to_have_count(0)


def current_line(page: Page) -> str:
    return page.evaluate(
        "() => { const b = window.playgroundTerminal.buffer.active;"
        " return b.getLine(b.baseY + b.cursorY).translateToString(true); }"
    )


def expect_running(page: Page, count: int) -> None:
    page.wait_for_function(
        "n => ['worker-1', 'worker-2'].map(w => [...document.querySelectorAll("
        "`#node-${w} .pod`)].filter(p => p.querySelector('a').textContent.startsWith('web-')"
        " && p.querySelector('.badge').textContent === 'Running').length)"
        ".reduce((a, b) => a + b, 0) === n",
        arg=count,
        timeout=45_000,
    )
