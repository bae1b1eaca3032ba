"""The event recorder: Kubernetes Events (core/v1) with aggregation of repeats.

Models k8s.io/client-go/tools/record (EventRecorder, EventCorrelator): an
event about an object is named `<object name>.<hex timestamp>`; a repeat of
the same (object, type, reason, message, source) bumps `count` and
`lastTimestamp` instead of creating a new Event.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import limits
from .errors import ApiError
from .objects import format_micro_time, format_time, parse_time

if TYPE_CHECKING:
    from .cluster import Cluster


def involved_object(obj: dict, field_path: str | None = None) -> dict:
    meta = obj["metadata"]
    ref = {
        "kind": obj["kind"],
        "apiVersion": obj["apiVersion"],
        "name": meta["name"],
        "uid": meta.get("uid", ""),
        "resourceVersion": meta.get("resourceVersion", ""),
    }
    if meta.get("namespace"):
        ref["namespace"] = meta["namespace"]
    if field_path:
        ref["fieldPath"] = field_path
    return ref


def record_event(
    cluster: Cluster,
    obj: dict,
    type_: str,
    reason: str,
    message: str,
    *,
    component: str,
    host: str | None = None,
    field_path: str | None = None,
) -> dict | None:
    """Create or aggregate an Event about `obj`; returns the Event (None if it could not be
    written, e.g. the namespace is terminating, as the real recorder drops it)."""
    namespace = obj["metadata"].get("namespace") or "default"
    now = cluster.clock.now
    source = {"component": component}
    if host:
        source["host"] = host
    key = (obj["metadata"].get("uid", ""), type_, reason, message, component, host or "",
           field_path or "")
    if _should_combine(cluster, namespace, key, now):
        message, key = COMBINED + message, _combined_key(key)
    existing = _find_similar(cluster, namespace, key)
    try:
        if existing is not None:
            updated = {**existing, "count": int(existing.get("count", 1)) + 1,
                       "lastTimestamp": format_time(now), "message": message}
            return _remember(cluster, cluster.api.update(updated, actor=component))
        if limits.events_full(cluster):  # the API server would refuse it: dropped, as by
            return None  # the real recorder, without building what it would refuse
        event = {
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {"name": _event_name(cluster, namespace, obj["metadata"]["name"], now),
                         "namespace": namespace},
            "involvedObject": involved_object(obj, field_path),
            "reason": reason,
            "message": message,
            "source": source,
            "firstTimestamp": format_time(now),
            "lastTimestamp": format_time(now),
            "count": 1,
            "type": type_,
            "eventTime": None,
            "reportingComponent": component,
            "reportingInstance": host or "",
        }
        return _remember(cluster, cluster.api.create(event, actor=component))
    except ApiError:
        return None


def _event_name(cluster: Cluster, namespace: str, name: str, now: float) -> str:
    """`<object>.<UnixNano hex>` like the real recorder; events at the same simulated instant
    take the next nanoseconds (the real clock never repeats), so names stay unique and short."""
    nanos = int(now * 1e9)
    last = cluster.cache.setdefault("event-names", {})
    key = (namespace, name)
    nanos = max(nanos, last.get(key, -1) + 1)
    while cluster.store.get("Event", namespace, f"{name}.{nanos:x}") is not None:
        nanos += 1
    last[key] = nanos
    return f"{name}.{nanos:x}"


def _key_of(ev: dict) -> tuple:
    inv = ev.get("involvedObject", {})
    src = ev.get("source", {})
    key = (inv.get("uid", ""), ev.get("type"), ev.get("reason"), ev.get("message"),
           src.get("component"), src.get("host", ""), inv.get("fieldPath", ""))
    return _combined_key(key) if str(key[3]).startswith(COMBINED) else key


# ---- aggregation (client-go's EventAggregator: 10 similar events in 10 minutes) --------------

COMBINED = "(combined from similar events): "
AGGREGATE_MAX = 10
AGGREGATE_WINDOW = 600.0


def _combined_key(key: tuple) -> tuple:
    """EventAggregatorByReasonFunc: the object, type, reason and source, not the message."""
    return (key[0], key[1], key[2], COMBINED, key[4], key[5], "")


def _group(key: tuple) -> tuple:
    return (key[0], key[1], key[2], key[4], key[5])


def _should_combine(cluster: Cluster, namespace: str, key: tuple, now: float) -> bool:
    """Events about one object that differ only by message are recorded one by one until the
    tenth different message within ten minutes; from then on (while they keep coming within
    ten minutes) one Event "(combined from similar events): <latest message>" counts them.
    The state is read from the stored Events, not kept in the recorder's memory."""
    combined = _find_similar(cluster, namespace, _combined_key(key))
    if combined is not None:
        return parse_time(combined["lastTimestamp"]) >= now - AGGREGATE_WINDOW
    messages = _index(cluster)[1].get(_group(key), {})
    if key[3] in messages:
        return False  # a repeat: the set of messages does not grow
    fresh = 0
    for message, where in list(messages.items()):
        ev = cluster.store.get("Event", *where)
        if ev is None or ev.get("message") != message:
            messages.pop(message, None)  # expired or rewritten behind the index
        elif parse_time(ev["lastTimestamp"]) >= now - AGGREGATE_WINDOW:
            fresh += 1
    return fresh + 1 >= AGGREGATE_MAX


def _index(cluster: Cluster) -> tuple[dict, dict]:
    """(event key -> where, similar-events group -> {message: where}), built once per
    Cluster instance from the store."""
    index = cluster.cache.get("events")
    if index is None:
        index = ({}, {})
        for ev in cluster.store.list("Event"):
            _note(index, ev)
        cluster.cache["events"] = index
    return index


def _note(index: tuple[dict, dict], ev: dict) -> None:
    key, where = _key_of(ev), (ev["metadata"]["namespace"], ev["metadata"]["name"])
    index[0][key] = where
    if key[3] != COMBINED:
        index[1].setdefault(_group(key), {})[key[3]] = where


def _find_similar(cluster: Cluster, namespace: str, key: tuple) -> dict | None:
    """Look the event up in an index built once per Cluster instance from the store
    (the store stays the truth: a stale index entry is checked and dropped)."""
    index = _index(cluster)[0]
    where = index.get(key)
    if where is None:
        return None
    ev = cluster.store.get("Event", *where)
    if ev is None or _key_of(ev) != key:
        index.pop(key, None)
        return None
    return ev


def _remember(cluster: Cluster, ev: dict | None) -> dict | None:
    if ev is not None and "events" in cluster.cache:
        _note(cluster.cache["events"], ev)
    return ev


__all__ = ["record_event", "involved_object", "format_micro_time"]
