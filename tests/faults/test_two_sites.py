"""Two web processes and two Celery workers on one Redis and one database (the way the
site scales past one machine) serve the same sandboxes: a learner's writes arriving
through both at once are each applied exactly once, nobody's update overwrites another's,
the change log has every version once and in order, and a page open on either web
process ends up showing exactly what a fresh render shows.

Two sandboxes: on `notes`, two browsers (one per web process) create 20 ConfigMaps each,
label them, and annotate each other's, so both sites write the same objects; it has no
workload, so every write is a served object and its change log has no gaps at all. On
`web`, a Deployment rolls out on a running clock while both sites relabel it, scale it and
change its image: the workers fire its timers between the requests.
"""

from __future__ import annotations

import http.cookies
import json
import re
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import User
from django.test import Client

from k8sapi.models import WatchEvent
from playground import sandboxes
from playground.models import ObjectRow, Sandbox, TimelineEntry
from playground.sandboxes_push import render_full
from playground.sandboxes_render import TIMELINE_ROWS
from playground.store import load_cluster
from tests.live.support import (
    apply_push,
    fragments,
    open_sandbox_socket,
    stored_pods,
    without_clock,
    without_oob,
)
from tests.support.servers import AsgiServer, WorkerZygote, subprocess_env

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PER_SITE = 20
IMAGES = ("nginx:1.26", "nginx:1.27", "nginx:1.28")
FINAL_REPLICAS = 2


# ---- the servers --------------------------------------------------------------------------


@pytest.fixture
def sites():
    """Two daphne processes and two Celery workers, started side by side."""
    zygote = WorkerZygote(env=subprocess_env())
    servers = [AsgiServer(), AsgiServer()]
    for server in servers:
        server.launch()
    zygote.start()  # while the servers boot
    workers = [zygote.spawn(), zygote.spawn()]
    try:
        for process in [*servers, *workers]:
            process.wait_ready()
        yield servers
    finally:
        for worker in workers:
            worker.stop()
        for process in [zygote, *servers]:
            process.stop()


class Browser:
    """A logged-in browser on one web process: session and CSRF cookies, console POSTs."""

    def __init__(self, server: AsgiServer, client: Client) -> None:
        self.server = server
        self.cookies = {k: m.value for k, m in client.cookies.items()}

    def cookie(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def open_page(self, sandbox_id: int) -> None:
        request = urllib.request.Request(
            f"{self.server.url}/sandboxes/{sandbox_id}/", headers={"Cookie": self.cookie()}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200
            jar = http.cookies.SimpleCookie()
            for header in response.headers.get_all("Set-Cookie") or []:
                jar.load(header)
            self.cookies.update({k: m.value for k, m in jar.items()})
        assert "csrftoken" in self.cookies

    def console(self, sandbox_id: int, line: str) -> str:
        body = urllib.parse.urlencode({"line": line}).encode()
        request = urllib.request.Request(
            f"{self.server.url}/sandboxes/{sandbox_id}/console",
            data=body,
            headers={"Cookie": self.cookie(), "X-CSRFToken": self.cookies["csrftoken"]},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            result = json.loads(response.read())
        assert result["ok"], f"{line!r} through {self.server.url}: {result['output']}"
        return result["output"]


# ---- pages open on both sites -------------------------------------------------------------------


@dataclass
class Page:
    """One open sandbox page: the first full state, with every push applied as htmx would."""

    server: AsgiServer
    sandbox_id: int
    client: Client
    document: str = ""
    pushes: int = 0
    last: float = field(default_factory=time.monotonic)
    stop: threading.Event = field(default_factory=threading.Event)
    errors: list = field(default_factory=list)

    def run(self, opened: threading.Barrier) -> None:
        try:
            with open_sandbox_socket(self.server, self.sandbox_id, self.client) as socket:
                self.document = without_oob(socket.recv(timeout=15))
                opened.wait(timeout=30)
                while not self.stop.is_set():
                    try:
                        message = socket.recv(timeout=0.2)
                    except TimeoutError:
                        continue
                    self.document = apply_push(self.document, message)
                    self.pushes += 1
                    self.last = time.monotonic()
        except Exception as exc:  # reported by the test, not lost in the thread
            self.errors.append(exc)


def shown(html: str) -> str:
    """The page without its clock, its timeline cut to the rows a fresh page shows."""
    html = without_clock(html)
    timeline = fragments(html)["timeline-rows"]
    ends = [m.end() for m in re.finditer(r"<li .*?</li>", timeline, re.S)]
    if len(ends) > TIMELINE_ROWS:
        html = html.replace(timeline, timeline[: ends[TIMELINE_ROWS - 1]] + "</ol>", 1)
    # whitespace between tags differs where batches of rows were prepended: not shown
    return re.sub(r">\s+<", "><", html)


# ---- what the two browsers type ------------------------------------------------------------------


def notes_session(browser: Browser, site: int, sandbox_id: int, made: dict, seen: dict) -> None:
    """Create and label this site's ConfigMaps; annotate the other site's newest one (so
    both sites write the same objects at the same time)."""
    for n in range(PER_SITE):
        name = f"cm-{site}-{n}"
        browser.console(sandbox_id, f"kubectl create configmap {name} --from-literal=n={n}")
        made[site].append(name)
        browser.console(sandbox_id, f"kubectl label configmap {name} site=s{site}")
        theirs = made[1 - site][-1:]
        if theirs:
            browser.console(sandbox_id, f"kubectl annotate configmap {theirs[0]} by-s{site}-{n}=y")
            seen.setdefault(theirs[0], set()).add(f"by-s{site}-{n}")


def web_session(browser: Browser, site: int, sandbox_id: int) -> None:
    """Site 0 relabels and scales the Deployment, site 1 relabels it and changes its image."""
    for n in range(6):
        browser.console(sandbox_id, f"kubectl label deployment web s{site}-{n}=y")
        if site == 0:
            replicas = FINAL_REPLICAS if n == 5 else 1 + n % 4
            browser.console(sandbox_id, f"kubectl scale deployment web --replicas={replicas}")
        elif n % 2 == 0:
            image = IMAGES[n // 2]
            browser.console(sandbox_id, f"kubectl set image deployment/web nginx={image}")


# ---- checks ---------------------------------------------------------------------------------


def log_of(sandbox_id: int) -> list[WatchEvent]:
    return list(WatchEvent.objects.filter(sandbox_id=sandbox_id).order_by("id"))


def assert_log_agrees_with_rows(sandbox_id: int) -> None:
    """Each version once, in order; every stored object's last logged version is itself."""
    log = log_of(sandbox_id)
    versions = [e.resource_version for e in log]
    assert versions == sorted(set(versions)), "resourceVersions doubled or out of order"
    last = {(e.kind, e.namespace, e.name): e for e in log}
    for row in ObjectRow.objects.filter(sandbox_id=sandbox_id, kind__in={k for k, _, _ in last}):
        event = last.get((row.kind, row.namespace, row.name))
        if event is not None:
            assert event.type != "DELETED" and event.object == row.manifest, row


def assert_timeline_not_doubled(sandbox_id: int) -> None:
    seqs = list(TimelineEntry.objects.filter(sandbox_id=sandbox_id).values_list("seq", flat=True))
    assert sorted(seqs) == list(range(1, len(seqs) + 1))
    assert Sandbox.objects.get(pk=sandbox_id).timeline_seq == len(seqs)


def yours(sandbox_id: int, kind: str, name: str) -> list[str]:
    """The learner's own sentences about one object, in order."""
    return list(
        TimelineEntry.objects.filter(sandbox_id=sandbox_id, actor="you", kind=kind, name=name)
        .order_by("seq")
        .values_list("message", flat=True)
    )


def settled(sandbox_id: int) -> bool:
    sandbox = Sandbox.objects.get(pk=sandbox_id)
    if sandbox.timer_token or load_cluster(sandbox).cluster.next_wakeup() is not None:
        return False
    pods = [p for p in stored_pods(sandbox_id) if not p["metadata"].get("deletionTimestamp")]
    return len(pods) == FINAL_REPLICAS and all(p["status"].get("phase") == "Running" for p in pods)


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"not after {timeout}s: {what}"
        time.sleep(0.2)


# ---- the test -------------------------------------------------------------------------------


def test_two_web_processes_and_two_workers_lose_and_double_nothing(sites):
    alice = User.objects.create_user("alice", password="wonderland-42")
    client = Client()
    client.force_login(alice)
    notes = sandboxes.sandbox_create(name="notes", owner=alice, seed=21)
    web = sandboxes.sandbox_create(name="web", owner=alice, seed=22)
    sandboxes.sandbox_clock(sandbox_id=web.pk, action="speed", value="10")
    sandboxes.sandbox_command(
        sandbox_id=web.pk, line="kubectl create deployment web --image=nginx:1.25 --replicas=3"
    )
    browsers = [Browser(server, client) for server in sites]
    for browser in browsers:
        browser.open_page(notes.pk)
        browser.open_page(web.pk)

    pages = [Page(server, s.pk, client) for s in (notes, web) for server in sites]
    opened = threading.Barrier(len(pages) + 1)
    listeners = [threading.Thread(target=p.run, args=(opened,)) for p in pages]
    for listener in listeners:
        listener.start()
    opened.wait(timeout=30)

    made: dict[int, list[str]] = {0: [], 1: []}
    seen: dict[str, set[str]] = {}
    with ThreadPoolExecutor(max_workers=4) as pool:
        sessions = [
            pool.submit(notes_session, browsers[site], site, notes.pk, made, seen)
            for site in (0, 1)
        ]
        sessions += [pool.submit(web_session, browsers[site], site, web.pk) for site in (0, 1)]
        for session in sessions:
            session.result()

    wait_for(lambda: settled(web.pk), 60, "the Deployment rolled out by the workers")
    # every push delivered: both pages of each sandbox quiet for a while
    wait_for(lambda: all(time.monotonic() - p.last > 2 for p in pages), 60, "pages quiet")
    for page in pages:
        page.stop.set()
    for listener in listeners:
        listener.join(timeout=10)
    for page in pages:
        assert not page.errors, page.errors

    # notes: every ConfigMap once, with its own label and the other site's annotation
    rows = ObjectRow.objects.filter(sandbox=notes, kind="ConfigMap", name__startswith="cm-")
    stored = {r.name: r.manifest["metadata"] for r in rows}
    assert sorted(stored) == sorted(made[0] + made[1])
    assert len(stored) == 2 * PER_SITE
    for site in (0, 1):
        for name in made[site]:
            meta = stored[name]
            assert meta["labels"] == {"site": f"s{site}"}
            assert set(meta.get("annotations", {})) == seen.get(name, set()), name
            sentences = yours(notes.pk, "ConfigMap", name)
            assert sentences[0] == f"you created ConfigMap {name}"
            assert sentences.count(f"you created ConfigMap {name}") == 1
            assert len(sentences) == 2 + len(seen.get(name, ())), sentences
    # every write of a served object, in order, each version once and none missing
    log = log_of(notes.pk)
    cm_log = [e for e in log if e.kind == "ConfigMap" and e.name.startswith("cm-")]
    assert sum(e.type == "ADDED" for e in cm_log) == 2 * PER_SITE
    versions = [e.resource_version for e in log if e.resource_version >= cm_log[0].resource_version]
    assert versions == list(range(versions[0], versions[-1] + 1))
    assert versions[-1] == Sandbox.objects.get(pk=notes.pk).resource_version

    # web: no relabel lost, the last scale and image won, one revision per image
    deployment = ObjectRow.objects.get(sandbox=web, kind="Deployment", name="web").manifest
    labels = deployment["metadata"]["labels"]
    assert {k for k in labels if k.startswith("s")} == {
        f"s{s}-{n}" for s in (0, 1) for n in range(6)
    }
    assert deployment["spec"]["replicas"] == FINAL_REPLICAS
    assert deployment["spec"]["template"]["spec"]["containers"][0]["image"] == IMAGES[-1]
    assert deployment["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == str(
        1 + len(IMAGES)
    )
    replicasets = ObjectRow.objects.filter(sandbox=web, kind="ReplicaSet", namespace="default")
    assert replicasets.count() == 1 + len(IMAGES)

    for sandbox in (notes, web):
        assert_log_agrees_with_rows(sandbox.pk)
        assert_timeline_not_doubled(sandbox.pk)
        sandbox.refresh_from_db()
        fresh = shown(without_oob(render_full(sandbox)))
        for page in pages:
            if page.sandbox_id == sandbox.pk:
                assert page.pushes > 0
                assert shown(page.document) == fresh, f"page on {page.server.url}"
