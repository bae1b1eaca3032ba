"""The Django-backed store of one sandbox: load a snapshot, run in memory, save the diff.

A reconcile (or a learner's command) loads every ObjectRow of the sandbox into the
simulation's MemoryStore once, runs the controllers in memory, then writes only what
changed: the last state of each key in `store.changes` (upsert, or delete for
DELETED), the new timeline sentences, and the cluster's counters (`meta`).

Callers hold the sandbox row locked for the whole load-run-save (select_for_update in
one transaction; on SQLite the IMMEDIATE write transaction serialises writers), so a
learner's write racing a worker's reconcile never loses either.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from playground.models import ObjectRow, Sandbox, TimelineEntry
from playground.sim.cluster import Cluster
from playground.sim.objects import parse_time
from playground.sim.store import MemoryStore

ObjectKey = tuple[str, str, str]  # (kind, namespace, name)


@dataclass
class Loaded:
    """A sandbox's cluster in memory, and what it looked like when loaded."""

    sandbox: Sandbox
    cluster: Cluster
    before: dict[ObjectKey, dict] = field(default_factory=dict)


@dataclass
class Saved:
    """What a save wrote: the push event is built from it."""

    changed: list[dict]
    timeline: int
    resource_version: int


def load_cluster(sandbox: Sandbox) -> Loaded:
    store = MemoryStore(meta=dict(sandbox.meta))
    # In the order the objects entered the in-memory store (see _write_rows): controllers
    # list objects in that order, so a cluster loaded from the rows carries on exactly as
    # the one that saved them would have (which pod a scale-down deletes, which pod's
    # image pull starts first), whoever (a request, a worker, a worker killed before
    # committing) saved in between.
    rows = (
        ObjectRow.objects.filter(sandbox=sandbox).order_by("id").values_list("manifest", flat=True)
    )
    objects = list(rows)
    store.load(objects)
    cluster = Cluster(store=store, seed=sandbox.seed)
    before = {_key(o): o for o in objects}
    return Loaded(sandbox=sandbox, cluster=cluster, before=before)


def new_cluster(sandbox: Sandbox, *, workers: int = 2, limits: dict | None = None) -> Loaded:
    """A fresh default cluster for `sandbox`; everything it bootstrapped counts as added."""
    cluster = Cluster.new(
        seed=sandbox.seed, start=sandbox.sim_anchor, workers=workers, limits=limits
    )
    return Loaded(sandbox=sandbox, cluster=cluster, before={})


def save_cluster(loaded: Loaded) -> Saved:
    """Write the changes of `loaded.cluster` since it was loaded. Call inside the
    transaction that locked the sandbox row."""
    sandbox, store = loaded.sandbox, loaded.cluster.store
    last: dict[ObjectKey, tuple[str, dict]] = {}
    inserted: dict[ObjectKey, int] = {}  # when each key last (re)entered the store
    for n, change in enumerate(store.changes):
        key = (change.kind, change.namespace, change.name)
        last[key] = (change.type, change.object)
        if change.type == "ADDED":
            inserted[key] = n
    updates, inserts, deletes, changed = [], [], [], []
    for key, (change_type, obj) in last.items():
        old = loaded.before.get(key)
        if change_type == "DELETED":
            if old is not None:
                deletes.append(key)
                changed.append(_changed("DELETED", key, old, None))
            continue
        if key in inserted:
            if old is not None:  # deleted and created again: a new row, last in order
                deletes.append(key)
            inserts.append((inserted[key], _row(sandbox, obj)))
        else:
            updates.append(_row(sandbox, obj))
        changed.append(_changed("MODIFIED" if old else "ADDED", key, old, obj))
    inserts.sort(key=lambda pair: pair[0])
    _write_rows(sandbox, updates, [row for _, row in inserts], deletes)
    entries = sorted(store.timeline + _event_entries(store.changes), key=lambda e: e["time"])
    added = _write_timeline(sandbox, entries)
    store.changes.clear()
    store.timeline.clear()
    sandbox.meta = dict(store.meta)
    sandbox.resource_version = int(store.meta.get("resourceVersion", 0))
    for c in changed:  # what is stored now, should the same Loaded be saved again
        key = (c["kind"], c["namespace"], c["name"])
        if c["type"] == "DELETED":
            loaded.before.pop(key, None)
        else:
            loaded.before[key] = c["object"]
    return Saved(changed=changed, timeline=added, resource_version=sandbox.resource_version)


def _write_rows(
    sandbox: Sandbox, updates: list[ObjectRow], inserts: list[ObjectRow], deletes: list[ObjectKey]
) -> None:
    """Rows keep their id while their object stays in the store; an object that (re)enters
    it gets a new row, its id in the order it entered: load_cluster reads rows by id."""
    for kind, namespace, name in deletes:
        ObjectRow.objects.filter(
            sandbox=sandbox, kind=kind, namespace=namespace, name=name
        ).delete()
    if updates:
        ObjectRow.objects.bulk_create(
            updates,
            update_conflicts=True,
            unique_fields=["sandbox", "kind", "namespace", "name"],
            update_fields=["api_version", "uid", "resource_version", "manifest"],
        )
    if inserts:  # one INSERT: both databases number its rows in the order given
        ObjectRow.objects.bulk_create(inserts)


def _write_timeline(sandbox: Sandbox, timeline: list[dict]) -> int:
    rows = []
    for entry in timeline:
        sandbox.timeline_seq += 1
        rows.append(
            TimelineEntry(
                sandbox=sandbox,
                seq=sandbox.timeline_seq,
                time=float(entry["time"]),
                actor=str(entry.get("actor", ""))[:200],
                kind=entry.get("kind", ""),
                namespace=entry.get("namespace", ""),
                name=entry.get("name", ""),
                uid=entry.get("uid", ""),
                message=entry.get("message", ""),
                event_type=entry.get("event_type", ""),
                reason=entry.get("reason", "")[:100],
            )
        )
    TimelineEntry.objects.bulk_create(rows)
    return len(rows)


def _event_entries(changes) -> list[dict]:
    """Each Kubernetes Event recorded (or repeated: its count went up) during the run,
    as a timeline entry about the object it involves."""
    entries = []
    for change in changes:
        if change.kind != "Event" or change.type == "DELETED":
            continue
        event = change.object
        involved = event.get("involvedObject") or {}
        source = event.get("source") or {}
        actor = source.get("component") or event.get("reportingComponent") or ""
        if source.get("host"):
            actor = f"{actor} on {source['host']}"
        stamp = event.get("lastTimestamp") or event.get("eventTime") or event.get("firstTimestamp")
        count = int(event.get("count") or 1)
        entries.append(
            {
                "time": parse_time(stamp) if stamp else 0.0,
                "actor": actor,
                "kind": involved.get("kind", ""),
                "namespace": involved.get("namespace", ""),
                "name": involved.get("name", ""),
                "uid": involved.get("uid", ""),
                "message": event.get("message", "") + (f" (x{count})" if count > 1 else ""),
                "event_type": event.get("type", "Normal"),
                "reason": event.get("reason", ""),
            }
        )
    return entries


def _row(sandbox: Sandbox, obj: dict) -> ObjectRow:
    meta = obj["metadata"]
    return ObjectRow(
        sandbox=sandbox,
        api_version=obj.get("apiVersion", ""),
        kind=obj["kind"],
        namespace=meta.get("namespace", ""),
        name=meta["name"],
        uid=meta.get("uid", ""),
        resource_version=int(meta.get("resourceVersion") or 0),
        manifest=obj,
    )


def _changed(change_type: str, key: ObjectKey, old: dict | None, new: dict | None) -> dict:
    """One entry of the push event: enough for a consumer to know what to re-render
    (a pod that changed node re-renders both node boxes)."""
    obj = new if new is not None else old
    return {
        "type": change_type,
        "kind": key[0],
        "namespace": key[1],
        "name": key[2],
        "uid": obj["metadata"].get("uid", ""),
        "node_before": _node_of(old),
        "node_after": _node_of(new),
        "object": obj,
    }


def _node_of(obj: dict | None) -> str | None:
    if obj is None or obj.get("kind") != "Pod":
        return None
    return (obj.get("spec") or {}).get("nodeName") or ""


def _key(obj: dict) -> ObjectKey:
    meta = obj["metadata"]
    return (obj["kind"], meta.get("namespace", ""), meta["name"])
