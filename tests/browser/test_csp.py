"""The Content-Security-Policy in headless Chromium: every page of the site works under
it with zero violations (no inline script, no style="" attribute, no <style> without the
response's nonce, no eval), including the live parts: the websocket connects, the
sandbox console answers a command, the editor shows its YAML and applies it, a hint
arrives through htmx. A first test proves the browser enforces the policy and that the
probe sees what it blocks, so a quiet page means a clean page."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import Browser, Page, expect

from exercises import services, spec
from lessons.loading import load_lessons
from tests.exercises.support import BROKEN_SERVICE

pytestmark = pytest.mark.browser

PASSWORD = "kube-csp-2468"

# Installed before any page script: every violation the page reports, as text.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.cspViolations.push(e.effectiveDirective + " blocked " + (e.blockedURI || "?")
    + " at " + e.sourceFile + ":" + e.lineNumber + " " + e.sample
    + (e.target && e.target.outerHTML ? " on " + e.target.outerHTML.slice(0, 160) : ""));
});
"""


class CspProbe:
    """Collects the violations a page reports (event and console) and checks the header."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.console: list[str] = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._on_console)

    def _on_console(self, message) -> None:
        if "Content Security Policy" in message.text:
            self.console.append(message.text)

    def goto(self, url: str) -> None:
        response = self.page.goto(url)
        assert response is not None and response.ok, (url, response and response.status)
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy, (url, policy)

    def violations(self) -> list[str]:
        # a violation is reported in a task of its own: let the queue drain first
        self.page.evaluate("() => new Promise(r => setTimeout(r, 100))")
        return self.page.evaluate("window.cspViolations || []") + self.console

    def assert_clean(self, where: str) -> None:
        found = self.violations()
        assert found == [], f"{where}: {found}"
        self.console.clear()


def wait_for_socket(page: Page) -> None:
    # a function, not an expression: Playwright polls expressions with eval, which the
    # policy refuses
    page.wait_for_function("() => document.body.dataset.ws === 'open'", timeout=15_000)


def log_in(probe: CspProbe, live_url: str, username: str) -> None:
    probe.goto(live_url + "/accounts/login/")
    probe.page.get_by_label("Username").fill(username)
    probe.page.get_by_label("Password").fill(PASSWORD)
    probe.page.get_by_role("button", name="Log in").click()
    expect(probe.page.locator(".account .username")).to_have_text(username)


def type_command(page: Page, line: str) -> None:
    page.locator("#tab-console").click()
    page.locator("#terminal").click()
    page.keyboard.type(line)
    page.keyboard.press("Enter")


def use_console_and_editor(page: Page) -> None:
    """The terminal (xterm.js) answers; the editor (CodeMirror) takes typed YAML and
    applies it."""
    page.wait_for_selector("#terminal[data-ready='1']")
    type_command(page, "kubectl get nodes")
    expect(page.locator("#terminal")).to_contain_text("worker-2")
    page.locator("#tab-editor").click()
    page.locator("#editor .cm-content").click()
    # typing over a selection of several lines: Chromium's own editing would merge the
    # lines with style="" attributes; sandbox.js has CodeMirror do it instead
    page.keyboard.press("Control+a")
    page.keyboard.type('{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "csp"}}')
    typed = '{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "csp"}}'
    assert page.evaluate("() => window.playgroundEditor.state.doc.toString()") == typed
    page.locator("#editor-apply").click()
    expect(page.locator("#apply-output")).to_contain_text("namespace/csp created")
    # the detail drawer and the namespace filter (which builds a <style> from script)
    page.locator("#ns-filter").select_option("kube-system")
    expect(page.locator("#node-cp-1 .pod", has_text="etcd-cp-1")).to_be_visible()
    page.locator("#ns-filter").select_option("default")


@pytest.fixture
def probe(page: Page) -> CspProbe:
    page.set_viewport_size({"width": 1366, "height": 768})
    return CspProbe(page)


def test_the_browser_enforces_the_policy_and_the_probe_sees_it(probe: CspProbe, live_url):
    probe.goto(live_url + "/accounts/login/")
    page = probe.page
    blocked = page.evaluate(
        """() => {
          const box = document.createElement("div");
          box.innerHTML = '<p id="inline-styled" style="color: rgb(255, 0, 0)">x</p>'
            + '<style id="injected">#inline-styled { font-size: 40px }</style>';
          document.body.append(box);
          const s = document.createElement("style");   // from script: gets the nonce
          s.textContent = "#inline-styled { letter-spacing: 3px }";
          document.head.append(s);
          const js = document.createElement("script");   // inline script
          js.textContent = "window.inlineScriptRan = true";
          document.head.append(js);
          setTimeout("window.evalRan = true", 0);   // a string to eval, outside DevTools
          const p = getComputedStyle(document.getElementById("inline-styled"));
          return {color: p.color, size: p.fontSize, spacing: p.letterSpacing};
        }"""
    )
    found = probe.violations()
    assert blocked["color"] != "rgb(255, 0, 0)"  # style="" attribute refused
    assert blocked["size"] != "40px"  # injected <style> refused
    assert blocked["spacing"] == "3px"  # a script's own <style> carries the nonce
    assert page.evaluate("[window.inlineScriptRan, window.evalRan]") == [None, None]
    directives = " ".join(found)
    assert "style-src-attr" in directives and "style-src-elem" in directives
    assert "script-src-elem" in directives and "script-src blocked eval" in directives


def test_anonymous_pages_work_without_a_violation(probe: CspProbe, live_url):
    load_lessons()
    page = probe.page
    probe.goto(live_url + "/")
    wait_for_socket(page)
    probe.assert_clean("home")

    for path, shown in [
        ("/accounts/signup/", "#id_password2"),
        ("/accounts/login/", "#id_password"),
        ("/sandboxes/", "main h1"),
        ("/admin/login/", "#id_password"),
    ]:
        probe.goto(live_url + path)
        expect(page.locator(shown)).to_be_visible()
        probe.assert_clean(path)

    probe.goto(live_url + "/")
    page.locator("#open-sandbox").click()
    expect(page.locator("#cluster-map")).to_be_visible()
    wait_for_socket(page)  # connect-src 'self' lets the same-origin ws:// through
    use_console_and_editor(page)
    type_command(page, "kubectl create deployment web --image=nginx")
    page.locator("#workloads a", has_text="Deployment web").click()
    expect(page.locator("#detail")).to_contain_text("Name:                   web")
    probe.assert_clean("sandbox page")

    probe.goto(live_url + "/sandboxes/")
    page.once("dialog", lambda dialog: dialog.dismiss())  # data-confirm asks first
    page.locator("form[data-confirm] button").click()
    expect(page.locator(".sandbox-rows li a")).to_have_count(1)  # dismissed: not deleted
    probe.assert_clean("sandbox list")

    probe.goto(live_url + "/lessons/")
    expect(page.locator(".lesson-card progress").first).to_be_visible()
    probe.assert_clean("lesson list")
    page.locator("#lesson-card-services a").click()
    page.locator("#lesson-start").click()
    wait_for_socket(page)
    page.wait_for_selector("#terminal[data-ready='1']")
    page.locator("#lesson-step .action-run").first.click()
    page.wait_for_function("() => document.getElementById('lesson').dataset.busy === '0'")
    probe.assert_clean("lesson page (en)")

    page.locator(".lang-switch button[value=ko]").click()
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    wait_for_socket(page)
    page.wait_for_selector("#terminal[data-ready='1']")
    probe.assert_clean("lesson page (ko)")
    probe.goto(live_url + "/lessons/")
    probe.assert_clean("lesson list (ko)")

    response = page.goto(live_url + "/no-such-page/")
    assert response.status == 404
    probe.assert_clean("404 page")


def test_instructor_learner_and_admin_pages_work_without_a_violation(browser: Browser, live_url):
    ivy = User.objects.create_user("ivy", password=PASSWORD, is_staff=True, is_superuser=True)
    ivy.groups.add(Group.objects.get_or_create(name="instructor")[0])
    User.objects.create_user("lea", password=PASSWORD)
    doc, problems = spec.parse(BROKEN_SERVICE)
    assert problems == []
    exercise = services.exercise_create(owner=ivy, doc=doc)
    assert services.exercise_test(exercise=exercise).solution_passes
    services.exercise_set_status(exercise=exercise, status="published")
    classroom = services.classroom_create(owner=ivy, name="k8s 101")
    assignment = services.assignment_create(classroom=classroom, exercise=exercise)

    teacher = CspProbe(browser.new_context(viewport={"width": 1366, "height": 768}).new_page())
    log_in(teacher, live_url, "ivy")
    for path in [
        "/exercises/",
        "/exercises/new",
        f"/exercises/{exercise.pk}/",
        f"/exercises/{exercise.pk}/edit",
        "/exercises/import",
        "/classes/",
        f"/classes/{classroom.pk}/",
        "/admin/",
        "/admin/auth/user/",
        f"/admin/auth/user/{ivy.pk}/change/",
    ]:
        teacher.goto(live_url + path)
        expect(teacher.page.locator("h1").first).to_be_visible()
        teacher.assert_clean(path)
    teacher.goto(live_url + f"/exercises/{exercise.pk}/")
    teacher.page.locator("#exercise-test").click()
    expect(teacher.page.locator("#test-report")).to_contain_text("The solution passes")
    teacher.assert_clean("exercise test report")

    learner = CspProbe(browser.new_context(viewport={"width": 1366, "height": 768}).new_page())
    log_in(learner, live_url, "lea")
    learner.goto(live_url + "/classes/join")
    learner.page.get_by_label("Join code").fill(classroom.join_code)
    learner.page.locator("#class-join").click()
    learner.page.get_by_role("link", name=exercise.title).click()
    learner.page.locator("#attempt-start").click()
    wait_for_socket(learner.page)
    use_console_and_editor(learner.page)
    # the one hint arrives once: the button tells the server how many are shown
    hint = learner.page.get_by_role("button", name="Show a hint")
    hint.click()
    expect(learner.page.locator("#hints-0 li")).to_have_count(1)
    hint.click()
    learner.page.wait_for_load_state("networkidle")
    expect(learner.page.locator("#hints-0 li")).to_have_count(1)
    learner.assert_clean("exercise attempt")

    # the instructor watches the learner's cluster, read-only, live
    lea = User.objects.get(username="lea")
    teacher.goto(live_url + f"/classes/{classroom.pk}/learners/{lea.pk}/{assignment.pk}/")
    wait_for_socket(teacher.page)
    expect(teacher.page.locator("#console-history")).to_contain_text("kubectl get nodes")
    expect(teacher.page.locator("#node-cp-1 .pod", has_text="etcd-cp-1")).to_be_attached()
    teacher.assert_clean("learner's sandbox, read-only")
