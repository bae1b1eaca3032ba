"""Redis restarted under load: the open page shows "reconnecting", learners' writes still
land in the database meanwhile (no 500), and once Redis is back the page is connected
again and shows the true state without a reload, and the worker fires the timers again.

A private redis-server on a free port carries this test's web server and worker (the
shared Redis is never touched); it is SIGKILLed (no persistence: every queued message
and every group membership is gone) and started again on the same port.
"""

from __future__ import annotations

import contextlib
import json
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect

from devtools import procs
from devtools import redis as local_redis
from playground.models import ObjectRow, Sandbox
from tests.browser.conftest import (  # noqa: F401 - fixtures: Debian's Chromium, sync DB
    _allow_sync_db_beside_playwright,
    browser_type_launch_args,
)
from tests.support.servers import AsgiServer, CeleryWorker, subprocess_env

pytestmark = [pytest.mark.browser, pytest.mark.integration]

WEB_PODS = "#cluster-map .pod a.obj-link"


class PrivateRedis:
    def __init__(self) -> None:
        self.port = local_redis.free_port()
        self.url = local_redis.url_for(self.port)
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        argv = local_redis.server_argv(self.port)
        self.proc = procs.spawn(argv, stdout=subprocess.DEVNULL)
        assert local_redis.wait_until_answers(self.url), "private redis-server did not start"

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            procs.stop_groups([self.proc], grace=5)


class Worker(CeleryWorker):
    def ready(self) -> bool:
        # the control ping would go through this test process's own broker, not the
        # private Redis the worker listens on: its log says when it is ready
        return " ready." in self.tail(200)


@pytest.fixture
def stack(transactional_db, collected_static):
    redis = PrivateRedis()
    redis.start()
    env = subprocess_env(REDIS_URL=redis.url)
    web, worker = AsgiServer(env=env), Worker(env=env)
    try:
        web.start()
        worker.start()
        yield redis, web, worker
    finally:
        # shown with the captured output when the test fails
        for proc in (web, worker):
            print(f"---- {proc.name} log\n{proc.tail(80)}")
        for proc in (worker, web):
            proc.stop() if proc.proc is not None else None
        redis.stop()


class Learner:
    """The page's own session and CSRF token, for requests beside the page (the load)."""

    def __init__(self, page: Page, web: AsgiServer, sandbox_id: int) -> None:
        cookies = page.context.cookies()
        self.cookie = "; ".join(f"{c['name']}={c['value']}" for c in cookies)
        headers = page.evaluate("JSON.parse(document.body.getAttribute('hx-headers'))")
        self.csrf = headers["X-CSRFToken"]
        self.url = f"{web.url}/sandboxes/{sandbox_id}/console"
        self.statuses: list[int] = []

    def console(self, line: str) -> dict:
        data = urlencode({"line": line}).encode()
        headers = {"Cookie": self.cookie, "X-CSRFToken": self.csrf}
        request = urllib.request.Request(self.url, data=data, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                self.statuses.append(answer.status)
                return json.loads(answer.read())
        except urllib.error.HTTPError as error:
            self.statuses.append(error.code)
            raise


def load(learner: Learner, stop: threading.Event) -> None:
    """Writes all along: each console line is a transaction, a push and a timer."""
    n = 0
    while not stop.is_set():
        n += 1
        # a failure is recorded in statuses; the test asserts there is none
        with contextlib.suppress(urllib.error.HTTPError):
            learner.console(f"kubectl annotate deployment web load={n} --overwrite")
        time.sleep(0.05)


def stored_pods(sandbox_id: int) -> dict[str, dict]:
    rows = ObjectRow.objects.filter(sandbox_id=sandbox_id, kind="Pod", namespace="default")
    return {r.name: r.manifest for r in rows if r.name.startswith("web-")}


def page_pods(page: Page) -> set[str]:
    names = page.locator(WEB_PODS).all_text_contents()
    return {n.strip() for n in names if n.strip().startswith("web-")}


def running_on_page(page: Page) -> int:
    badges = page.locator("#cluster-map .pod:has(a:text-matches('^web-')) .badge")
    return sum(1 for t in badges.all_text_contents() if t.strip() == "Running")


def wait_until(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def test_a_redis_restart_reconnects_the_page_to_the_true_state(page: Page, stack, record_property):
    redis, web, worker = stack
    page.goto(web.url + "/")
    page.locator("#open-sandbox").click()
    page.wait_for_function("() => document.body.dataset.ws === 'open'", timeout=15_000)
    sandbox_id = Sandbox.objects.get().pk
    learner = Learner(page, web, sandbox_id)
    home = page.context.new_page()  # another open page: the site-wide socket
    home.goto(web.url + "/")
    home.wait_for_function("() => document.body.dataset.ws === 'open'", timeout=15_000)
    page.locator("#clock-speed").select_option("60.0")
    expect(page.locator("#sandbox-clock .clock-state")).to_have_text("x60")
    learner.console("kubectl create deployment web --image=nginx --replicas=3")
    wait_until(lambda: running_on_page(page) == 3, 45, "3 web pods Running on the page")

    stop = threading.Event()
    writer = threading.Thread(target=load, args=(learner, stop), daemon=True)
    writer.start()
    try:
        time.sleep(1)
        redis.kill()
        expect(page.locator("#ws-status")).to_have_attribute(
            "data-state", "reconnecting", timeout=15_000
        )
        expect(page.locator("#ws-status .label")).to_have_text("reconnecting…")
        expect(home.locator("#ws-status")).to_have_attribute("data-state", "reconnecting")
        time.sleep(1)  # more writes with Redis down
    finally:
        stop.set()
        writer.join(timeout=30)

    # the last writes while Redis is down: they land in the database; their push and
    # their timers cannot go out, and the page cannot know
    gone = sorted(page_pods(page))[0]
    started = time.monotonic()
    out = learner.console(f"kubectl delete pod {gone}")
    write_seconds = time.monotonic() - started
    assert out["output"] == f'pod "{gone}" deleted\n'
    out = learner.console("kubectl scale deployment web --replicas=5")
    assert out["output"] == "deployment.apps/web scaled\n"
    # no 500 and no lost write while Redis was down
    assert learner.statuses and set(learner.statuses) == {200}, learner.statuses
    pods = stored_pods(sandbox_id)
    assert gone not in pods and len(pods) == 5
    assert sum(p["status"]["phase"] == "Running" for p in pods.values()) < 5
    assert gone in page_pods(page)  # stale, as it must be without Redis

    # From here on nobody writes: only the worker's timers can move the cluster on.
    redis.start()  # the same port, empty: no queued timer, no group membership
    started = time.monotonic()
    page.wait_for_function("() => document.body.dataset.ws === 'open'", timeout=30_000)
    reconnect_seconds = time.monotonic() - started
    expect(page.locator("#ws-status")).to_have_attribute("data-state", "open")
    expect(home.locator("#ws-status")).to_have_attribute("data-state", "open", timeout=15_000)
    # the page resynchronised: exactly the pods the database holds, not the deleted one
    wait_until(lambda: page_pods(page) == set(stored_pods(sandbox_id)), 20, "the page to resync")
    assert gone not in page_pods(page)
    # queued work resumed: the worker fires the new pods' timers and they run, live
    wait_until(lambda: running_on_page(page) == 5, 60, "5 web pods Running on the page")
    pods = stored_pods(sandbox_id)
    assert all(p["status"]["phase"] == "Running" for p in pods.values())
    assert page_pods(page) == set(pods)
    rv = str(Sandbox.objects.get(pk=sandbox_id).resource_version)
    expect(page.locator("#sandbox-clock")).to_have_attribute("data-rv", rv)
    record_property(
        "timing",
        f"redis_down_console_write: {write_seconds * 1000:.0f} ms; "
        f"page_reconnect_after_redis_restart: {reconnect_seconds:.1f} s",
    )
