"""Watches and followed logs: chunked, newline-delimited JSON from an async generator, so
a stream holds no thread. A watch wakes on the sandbox's Channels group (every save pushes
there after its commit) and reads the changes since its last resourceVersion from the watch
log; it falls back to a slow poll if a push is lost. Models the watch cache's semantics
(k8s.io/apiserver/pkg/storage/cacher): no resourceVersion = synthetic ADDED events for what
exists, then changes; a version older than the log = an ERROR event with 410 Expired."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.http import HttpResponse, StreamingHttpResponse

from k8sapi import rest, tables, watchlog
from k8sapi.errors import Expired
from playground import sandboxes
from playground.groups import sandbox_group
from playground.models import ObjectRow, Sandbox
from playground.sim import labels as labelsel
from playground.sim import logs as simlogs
from playground.sim.errors import BadRequest

POLL_SECONDS = 5.0
# A quiet watch that allows bookmarks gets one this often (the real server: about a minute),
# so a client can resume from a recent resourceVersion instead of relisting.
BOOKMARK_SECONDS = 50.0
LOG_POLL_SECONDS = 1.0


class Filter:
    def __init__(self, call: rest.Call) -> None:
        self.label = (
            labelsel.parse(call.query["labelSelector"]) if call.query.get("labelSelector") else None
        )
        fsel = call.query.get("fieldSelector")
        self.field = labelsel.parse_field_selector(fsel, call.rt.kind) if fsel else None

    def matches(self, obj: dict) -> bool:
        if self.label is not None and not labelsel.matches(
            self.label, obj["metadata"].get("labels") or {}
        ):
            return False
        return self.field is None or labelsel.field_selector_matches(self.field, obj)


def _current(sandbox_id: int, call: rest.Call, initial: bool) -> tuple[int, list[dict], float]:
    sandbox = Sandbox.objects.get(pk=sandbox_id)
    objects: list[dict] = []
    if initial:
        rows = ObjectRow.objects.filter(sandbox_id=sandbox_id, kind=call.rt.kind)
        if call.namespace:
            rows = rows.filter(namespace=call.namespace)
        objects = list(rows.order_by("namespace", "name").values_list("manifest", flat=True))
    return sandbox.resource_version, objects, sandboxes.sim_time(sandbox)


def _since(sandbox_id: int, call: rest.Call, rv: int) -> tuple[list, float]:
    sandbox = Sandbox.objects.get(pk=sandbox_id)
    events = watchlog.since(sandbox_id, rv, call.rt.kind, call.namespace)
    return [(e.resource_version, e.type, e.object) for e in events], sandboxes.sim_time(sandbox)


class Encoder:
    def __init__(self, call: rest.Call) -> None:
        self.call, self.table, self.headers = call, tables.wants_table(call.accept), True

    def line(self, kind: str, obj: dict, now: float) -> bytes:
        if self.table and kind != "ERROR":
            obj = tables.table(
                self.call.rt.kind,
                [obj],
                now=now,
                include=self.call.query.get("includeObject", "Metadata"),
                resource_version=obj["metadata"].get("resourceVersion", ""),
                headers=self.headers,
            )
            self.headers = False
        return json.dumps({"type": kind, "object": obj}, separators=(",", ":")).encode() + b"\n"


async def stream(sandbox_id: int, call: rest.Call) -> HttpResponse:
    requested = call.query.get("resourceVersion", "")
    initial = requested in ("", "0")
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(sandbox_group(sandbox_id), channel)
    # without a resourceVersion what exists now comes first as ADDED events; with one, it
    # only tells which objects the watcher already knows (a change to one is MODIFIED)
    current, objects, now = await sync_to_async(_current)(sandbox_id, call, True)
    oldest = None if initial else await sync_to_async(watchlog.oldest)(sandbox_id)
    start = current if initial else _int(requested)
    expired = not initial and start < current and (oldest is None or oldest > start + 1)
    timeout = float(call.query.get("timeoutSeconds") or 0) or None
    return StreamingHttpResponse(
        _events(sandbox_id, call, layer, channel, start, objects, now, expired, timeout, initial),
        content_type="application/json",
    )


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise BadRequest(f'invalid resource version: "{text}"') from None


async def _events(
    sandbox_id, call, layer, channel, start, objects, now, expired, timeout, initial
) -> AsyncIterator[bytes]:
    enc, filt, seen = Encoder(call), Filter(call), set()
    group = sandbox_group(sandbox_id)
    # daphne sends the headers with the first body chunk: an empty chunk answers a watch
    # that has nothing to report yet at once
    yield b""
    try:
        if expired:
            oldest = await sync_to_async(watchlog.oldest)(sandbox_id)
            yield enc.line("ERROR", Expired(start, oldest or 0).status(), now)
            return
        for obj in objects:
            if filt.matches(obj):
                seen.add(_key(obj))
                if initial:
                    yield enc.line("ADDED", obj, now)
        last = start
        bookmarks = rest.truthy(call.query.get("allowWatchBookmarks"))
        quiet_since = time.monotonic()
        ends = time.monotonic() + timeout if timeout else None
        while ends is None or time.monotonic() < ends:
            try:
                events, now = await sync_to_async(_since)(sandbox_id, call, last)
            except Sandbox.DoesNotExist:
                return  # the sandbox was deleted: the stream ends, as on a server shutdown
            for rv, kind, obj in events:
                last = max(last, rv)
                line = _visible(enc, filt, seen, kind, obj, now)
                if line:
                    quiet_since = time.monotonic()
                    yield line
            if bookmarks and time.monotonic() - quiet_since > BOOKMARK_SECONDS:
                quiet_since = time.monotonic()
                yield _bookmark(call, last)
            wait = POLL_SECONDS if ends is None else min(POLL_SECONDS, ends - time.monotonic())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(layer.receive(channel), timeout=max(0.01, wait))
    finally:
        await layer.group_discard(group, channel)


def _bookmark(call: rest.Call, rv: int) -> bytes:
    obj = {
        "kind": call.rt.kind,
        "apiVersion": call.rt.api_version,
        "metadata": {"resourceVersion": str(rv)},
    }
    return json.dumps({"type": "BOOKMARK", "object": obj}, separators=(",", ":")).encode() + b"\n"


def _key(obj: dict) -> tuple[str, str]:
    return obj["metadata"].get("namespace", ""), obj["metadata"]["name"]


def _visible(enc: Encoder, filt: Filter, seen: set, kind: str, obj: dict, now: float):
    key = _key(obj)
    if kind == "DELETED":
        if key in seen or filt.matches(obj):
            seen.discard(key)
            return enc.line("DELETED", obj, now)
        return None
    if filt.matches(obj):
        # an object that starts matching the selector is ADDED to this watch's view
        if kind == "MODIFIED" and key not in seen:
            kind = "ADDED"
        seen.add(key)
        return enc.line(kind, obj, now)
    if key in seen:  # it stopped matching the selector: gone from this watch's view
        seen.discard(key)
        return enc.line("DELETED", obj, now)
    return None


# ---- logs ------------------------------------------------------------------------------------


def _container(pod: dict, wanted: str | None) -> str:
    containers = [c["name"] for c in pod["spec"].get("containers", [])]
    if wanted:
        return wanted
    if len(containers) == 1:
        return containers[0]
    name = pod["metadata"]["name"]
    raise BadRequest(
        f"a container name must be specified for pod {name}, choose one of: "
        f"[{' '.join(containers)}]"
    )


def read_logs(sandbox_id: int, call: rest.Call) -> tuple[str, bool]:
    """The container's log text now, and whether more may come."""
    with sandboxes.opened(sandbox_id, seen=True) as loaded:
        cluster = loaded.cluster
        pod = cluster.api.get("Pod", call.name, call.namespace)
        container = _container(pod, call.query.get("container"))
        previous = rest.truthy(call.query.get("previous"))
        text = simlogs.container_logs(cluster, pod, container, previous)
        running = any(
            s.get("name") == container and "running" in (s.get("state") or {})
            for s in (pod.get("status") or {}).get("containerStatuses") or []
        )
    return text, running and not previous


def _tail(text: str, query: dict) -> str:
    """tailLines, then limitBytes (PodLogOptions)."""
    lines = query.get("tailLines")
    if lines not in (None, ""):
        n = int(lines)
        kept = text.splitlines(keepends=True)
        text = "".join(kept[-n:]) if n > 0 else ""
    limit = query.get("limitBytes")
    if limit not in (None, ""):
        text = text.encode()[: int(limit)].decode(errors="ignore")
    return text


async def logs(sandbox_id: int, call: rest.Call) -> HttpResponse:
    text, running = await sync_to_async(read_logs)(sandbox_id, call)
    text = _tail(text, call.query)
    if not rest.truthy(call.query.get("follow")) or not running:
        return HttpResponse(text, content_type="text/plain")
    return StreamingHttpResponse(_follow(sandbox_id, call, text), content_type="text/plain")


async def _follow(sandbox_id: int, call: rest.Call, first: str) -> AsyncIterator[bytes]:
    sent = first
    yield first.encode()
    full, running = await sync_to_async(read_logs)(sandbox_id, call)
    offset = len(full)
    while running:
        await asyncio.sleep(LOG_POLL_SECONDS)
        try:
            full, running = await sync_to_async(read_logs)(sandbox_id, call)
        except Exception:  # noqa: BLE001 - the pod went away: the stream ends like kubectl's
            return
        if len(full) > offset:
            yield full[offset:].encode()
            offset = len(full)
    del sent
