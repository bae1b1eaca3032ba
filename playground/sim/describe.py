"""`kubectl describe` text for the playground's kinds.

Models staging/src/k8s.io/kubectl/pkg/describe/describe.go (v1.33): the same field order,
labels/annotations/tolerations printed one per line, the PrefixWriter's two-space levels,
Go's tabwriter alignment (tabwriter.py, padding 2), RFC 1123Z timestamps, and the
`Events:` table (DescribeEvents: `Type Reason Age From Message`, `Age` as
`5s (x3 over 2m)` for repeated events). This module holds the shared writer and
sections; describe_pod.py (Pod, containers, volumes, pod templates), describe_workloads.py,
describe_network.py and describe_other.py hold the describers. Simplified: no Lease objects
(a node's RenewTime is its last heartbeat).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from .clock import human_duration
from .objects import controller_ref, parse_time
from .tabwriter import layout

if TYPE_CHECKING:
    from .cluster import Cluster

MAX_ANNOTATION_LEN = 140


class Writer:
    """kubectl's PrefixWriter: each write is indented by two spaces per level."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, level: int, text: str) -> None:
        self.parts.append("  " * level + text)

    def text(self) -> str:
        return layout("".join(self.parts))


def rfc1123z(timestamp: str | None) -> str:
    if not timestamp:
        return "<unset>"
    return time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(int(parse_time(timestamp))))


def since(timestamp: str | None, now: float) -> str:
    if not timestamp:
        return "<unknown>"
    return human_duration(now - parse_time(timestamp))


# ---- shared blocks --------------------------------------------------------------------------


def labels_multiline(w: Writer, title: str, labels: dict | None, indent: str = "") -> None:
    w.write(0, f"{indent}{title}:\t")
    if not labels:
        w.write(0, "<none>\n")
        return
    for i, key in enumerate(sorted(labels)):
        if i:
            w.write(0, f"{indent}\t")
        w.write(0, f"{key}={labels[key]}\n")


def annotations_multiline(w: Writer, title: str, annotations: dict | None,
                          indent: str = "") -> None:
    w.write(0, f"{indent}{title}:\t")
    if not annotations:
        w.write(0, "<none>\n")
        return
    prefix = indent + "\t"
    for i, key in enumerate(sorted(annotations)):
        if i:
            w.write(0, prefix)
        value = str(annotations[key]).removesuffix("\n")
        if len(value) + len(key) + 2 > MAX_ANNOTATION_LEN or "\n" in value:
            w.write(0, f"{key}:\n")
            for line in value.split("\n"):
                short = line if len(line) <= MAX_ANNOTATION_LEN - 2 else (
                    line[:MAX_ANNOTATION_LEN - 2] + "...")
                w.write(0, f"{prefix}  {short}\n")
        else:
            w.write(0, f"{key}: {value}\n")


def tolerations_multiline(w: Writer, title: str, tolerations: list | None,
                          indent: str = "") -> None:
    w.write(0, f"{indent}{title}:\t")
    if not tolerations:
        w.write(0, "<none>\n")
        return
    for i, t in enumerate(sorted(tolerations, key=lambda t: t.get("key", ""))):
        if i:
            w.write(0, f"{indent}\t")
        text = t.get("key", "")
        if t.get("value"):
            text += f"={t['value']}"
        if t.get("effect"):
            text += f":{t['effect']}"
        if t.get("operator") == "Exists" and not t.get("value"):
            text += " op=Exists" if (t.get("key") or t.get("effect")) else "op=Exists"
        if t.get("tolerationSeconds") is not None:
            text += f" for {t['tolerationSeconds']}s"
        w.write(0, text + "\n")


def events_for(cluster: Cluster, obj: dict) -> list[dict]:
    """searchEvents: events whose involvedObject is this object (by uid, or name for nodes)."""
    meta = obj["metadata"]
    ns = meta.get("namespace") or None
    uids = {meta.get("uid"), meta["name"]} if obj["kind"] == "Node" else {meta.get("uid")}
    found = []  # in the store's (recording) order
    for ev in cluster.store.list("Event", ns):
        inv = ev.get("involvedObject") or {}
        if inv.get("name") == meta["name"] and inv.get("uid") in uids and (
                inv.get("kind") in (obj["kind"], "", None)):
            found.append(ev)
    return found


def describe_events(w: Writer, events: list[dict], now: float) -> None:
    """DescribeEvents: sorted by last timestamp; `Events:  <none>` when there are none."""
    if not events:
        w.write(0, "Events:\t<none>\n")
        return
    # stable sort: same-second events stay in the order they were recorded
    events = sorted(events, key=lambda e: parse_time(e.get("lastTimestamp")
                                                     or e.get("firstTimestamp") or
                                                     "1970-01-01T00:00:00Z"))
    w.write(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n")
    w.write(1, "----\t------\t----\t----\t-------\n")
    for e in events:
        first = since(e.get("firstTimestamp") or e.get("eventTime"), now)
        count = int(e.get("count") or 0)
        interval = first
        if count > 1:
            interval = f"{since(e.get('lastTimestamp'), now)} (x{count} over {first})"
        source = (e.get("source") or {}).get("component") or e.get("reportingComponent", "")
        w.write(1, f"{e.get('type', '')}\t{e.get('reason', '')}\t{interval}\t{source}\t"
                   f"{(e.get('message') or '').strip()}\n")


def controlled_by(obj: dict) -> str:
    ref = controller_ref(obj)
    return f"{ref['kind']}/{ref['name']}" if ref else ""


def describe(cluster: Cluster, obj: dict) -> str:
    """The `kubectl describe` text of one object."""
    from . import (
        describe_cluster,
        describe_network,
        describe_other,
        describe_pod,
        describe_quota,
        describe_workloads,
    )

    describers = {"Pod": describe_pod.describe_pod, **describe_workloads.DESCRIBERS,
                  **describe_network.DESCRIBERS, **describe_other.DESCRIBERS,
                  **describe_quota.DESCRIBERS, **describe_cluster.DESCRIBERS}
    describer = describers.get(obj["kind"], describe_other.generic)
    return describer(cluster, obj, cluster.clock.now)
