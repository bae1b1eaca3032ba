"""Helpers of the live tests: websockets with a browser's session cookie, fragments of
pushed HTML by id, and waiting for the stored cluster to reach a state."""

from __future__ import annotations

import re
import time
from html.parser import HTMLParser

from django.test import Client
from websockets.sync.client import connect

from playground.models import ObjectRow

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
"""


def cookie_header(client: Client | None) -> dict[str, str]:
    if client is None:
        return {}
    return {"Cookie": "; ".join(f"{k}={m.value}" for k, m in client.cookies.items())}


def open_sandbox_socket(server, sandbox_id: int, client: Client | None = None):
    return connect(
        f"{server.ws_url}/ws/sandbox/{sandbox_id}/",
        origin=server.url,
        additional_headers=cookie_header(client),
        open_timeout=10,
    )


class _Finder(HTMLParser):
    """Outer HTML of every element with an id (nested ones too), from source offsets."""

    VOID = {"input", "br", "img", "meta", "link", "hr"}

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=False)
        self.html = html
        self.lines = [0]
        for m in re.finditer("\n", html):
            self.lines.append(m.end())
        self.stack: list[tuple[str, str | None, int]] = []
        self.found: dict[str, str] = {}
        self.top: list[tuple[str, str]] = []  # (swap, outer html) of depth-0 elements

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.lines[line - 1] + col

    def handle_starttag(self, tag, attrs) -> None:
        if tag in self.VOID:
            return
        attrs = dict(attrs)
        ident = attrs.get("id")
        if not self.stack and "hx-swap-oob" in attrs:
            swap = attrs["hx-swap-oob"]
            ident = ident or f"__top{len(self.top)}"
            self.top.append((swap, ident))
        self.stack.append((tag, ident, self._offset()))

    def handle_endtag(self, tag) -> None:
        while self.stack:
            open_tag, ident, start = self.stack.pop()
            if open_tag == tag:
                if ident:
                    end = self.html.index(">", self._offset()) + 1
                    self.found[ident] = self.html[start:end]
                return


def fragments(html: str) -> dict[str, str]:
    finder = _Finder(html)
    finder.feed(html)
    return finder.found


def apply_push(document: str, message: str) -> str:
    """What htmx's ws extension does with a pushed message: each top-level element with
    hx-swap-oob replaces the element with its id, or (afterbegin:#x) goes first in #x."""
    finder = _Finder(message)
    finder.feed(message)
    for swap, ident in finder.top:
        html = finder.found[ident]
        if swap == "true":
            current = fragments(document).get(ident)
            assert current is not None, f"pushed #{ident} has no place in the page"
            document = document.replace(current, without_oob(html), 1)
        else:
            where, _, target = swap.partition(":#")
            assert where == "afterbegin", swap
            inner = html[html.index(">") + 1 : html.rindex("<")]
            current = fragments(document)[target]
            opening = current[: current.index(">") + 1]
            document = document.replace(current, current.replace(opening, opening + inner, 1), 1)
    return document


def without_clock(html: str) -> str:
    clock = fragments(html).get("sandbox-clock")
    return html.replace(clock, "") if clock else html


def without_oob(html: str) -> str:
    return re.sub(r'\s*hx-swap-oob="[^"]*"', "", html)


POD_BADGE = re.compile(
    r'<li id="pod-([0-9a-f-]+)" class="pod tone-(\w+)".*?'
    r'<span class="badge tone-\w+">([^<]+)</span>',
    re.S,
)


def pod_badges(html: str) -> dict[str, str]:
    """uid -> the status word on each pod badge in a pushed message."""
    return {uid: status for uid, _tone, status in POD_BADGE.findall(html)}


def stored_pods(sandbox_id: int, prefix: str = "web-") -> list[dict]:
    rows = ObjectRow.objects.filter(sandbox_id=sandbox_id, kind="Pod", name__startswith=prefix)
    return [r.manifest for r in rows]


def running(pod: dict) -> bool:
    conditions = {c["type"]: c["status"] for c in pod.get("status", {}).get("conditions", [])}
    return pod.get("status", {}).get("phase") == "Running" and conditions.get("Ready") == "True"


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"not true after {timeout}s: {predicate}")
