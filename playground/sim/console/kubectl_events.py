"""`kubectl events`: events sorted by time, repeats shown as `5s (x3 over 2m)`.

Models staging/src/k8s.io/kubectl/pkg/cmd/events/events.go: LAST SEEN TYPE REASON OBJECT
MESSAGE (OBJECT is `Kind/name`), oldest first (SortableEvents by series/last/event time),
`--for TYPE/NAME`, `--types=Normal,Warning`, `-A`, and `No events found in <ns> namespace.`
on stderr. (`kubectl get events` is the plain table of printers.py, in API order.)
"""

from __future__ import annotations

from .. import printers
from ..objects import parse_time
from .common import CommandError, Flag, parse_flags, resolve_type
from .registry import CommandContext, ConsoleResult, kubectl_command

FLAGS = (Flag("all-namespaces", "A", "bool"), Flag("for"), Flag("types", kind="list"),
         Flag("watch", "w", "bool"), Flag("no-headers", kind="bool"), Flag("output", "o"),
         Flag("chunk-size", kind="int", default=500))


def _time(ev: dict) -> float:
    stamp = ((ev.get("series") or {}).get("lastObservedTime") or ev.get("lastTimestamp")
             or ev.get("eventTime") or "1970-01-01T00:00:00Z")
    return parse_time(stamp)


def interval(ev: dict, now: float) -> str:
    first = printers.age(ev.get("eventTime") or ev.get("firstTimestamp"), now)
    count = int(ev.get("count") or 0)
    if count > 1:
        return f"{printers.age(ev.get('lastTimestamp'), now)} (x{count} over {first})"
    return first


@kubectl_command("events")
def events(ctx: CommandContext, args: list[str]) -> ConsoleResult:
    opts = parse_flags("events", args, FLAGS)
    all_ns = opts["all-namespaces"]
    ns = opts["namespace"] or "default"
    items = ctx.cluster.api.list("Event", None if all_ns else ns)
    if opts["for"]:
        kind, _, name = opts["for"].partition("/")
        if not name:
            raise CommandError("error: --for must be in resource/name form")
        rt = resolve_type(kind)
        items = [e for e in items if (e.get("involvedObject") or {}).get("kind") == rt.kind
                 and e["involvedObject"].get("name") == name]
    if opts["types"]:
        wanted = {t.capitalize() for t in opts["types"]}
        items = [e for e in items if e.get("type") in wanted]
    if not items:
        ctx.warn("No events found." if all_ns else f"No events found in {ns} namespace.")
        return ctx.result()
    # same-second events keep the order they were recorded in (the store's insertion order)
    recorded = {(e["metadata"].get("namespace"), e["metadata"]["name"]): i
                for i, e in enumerate(ctx.cluster.store.list("Event"))}
    items.sort(key=lambda e: (_time(e), recorded.get(
        (e["metadata"].get("namespace"), e["metadata"]["name"]), 0)))
    now = ctx.cluster.clock.now
    rows = [] if opts["no-headers"] else [
        (["NAMESPACE"] if all_ns else []) + ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]]
    for e in items:
        inv = e.get("involvedObject") or {}
        rows.append(([e["metadata"].get("namespace", "")] if all_ns else []) + [
            interval(e, now), e.get("type", ""), e.get("reason", ""),
            f"{inv.get('kind', '')}/{inv.get('name', '')}", (e.get("message") or "").strip()])
    ctx.out(printers.render(rows).rstrip("\n"))
    return ctx.result()
