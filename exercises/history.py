"""History-aware checks: grade how the cluster got where it is, not only where it is.

Pure Python (no Django). A history is a list of compact records, oldest first, built from
the simulation's own change log and timeline by `records_from(changes, timeline)`:

    {"op": "object", "type": ADDED|MODIFIED|DELETED, "kind", "ns", "name", "uid", ...facts}
    {"op": "action", "actor": "you", "verb": created|updated|deleted, "kind", "ns", "name"}

Facts kept per kind (only what the checks read, so a save stays cheap):
Deployment `images` and `generation`; Endpoints `ready` (ready addresses); Pod `ready`
and `sts` (the owning StatefulSet's name).

The checks (parameters validated by `validate`, results as lesson CheckResults):

    endpoints_never_below: {service, min, namespace?, during_rollout_of?}
    updated_not_recreated: {deployment, namespace?}
    no_manual_delete:      {kind?, namespace?}
    ordered_startup:       {statefulset, namespace?}
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lessons.engine.checks import CheckResult

from .history_text import say

USER = "you"  # playground.sim.apiserver.USER: the learner's own writes

SCHEMA: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "endpoints_never_below": (("service", "min"), ("namespace", "during_rollout_of")),
    "updated_not_recreated": (("deployment",), ("namespace",)),
    "no_manual_delete": ((), ("kind", "namespace")),
    "ordered_startup": (("statefulset",), ("namespace",)),
}
TRACKED = ("Deployment", "Endpoints", "Pod")


class HistorySpecError(ValueError):
    """A history check is malformed; the message names the field."""


# ---- recording -----------------------------------------------------------------------------


def records_from(changes: Iterable[Any], timeline: Iterable[dict]) -> list[dict]:
    """Compact records of a run of the simulation: object changes of the tracked kinds (in
    change order), then the learner's own actions from the timeline."""
    records = [r for c in changes if (r := object_record(c)) is not None]
    records += [r for e in timeline if (r := action_record(e)) is not None]
    return records


def object_record(change: Any) -> dict | None:
    if change.kind not in TRACKED:
        return None
    obj = change.object
    meta = obj.get("metadata") or {}
    record = {"op": "object", "type": change.type, "kind": change.kind,
              "ns": change.namespace, "name": change.name, "uid": meta.get("uid", "")}
    record.update(FACTS[change.kind](obj, change.type == "DELETED"))
    return record


def action_record(entry: dict) -> dict | None:
    if entry.get("actor") != USER:
        return None
    words = str(entry.get("message", "")).split()
    verb = words[1] if len(words) > 1 and words[0] == USER else ""
    return {"op": "action", "actor": USER, "verb": verb, "kind": entry.get("kind", ""),
            "ns": entry.get("namespace", ""), "name": entry.get("name", ""),
            "t": float(entry.get("time", 0.0))}


def _deployment_facts(obj: dict, deleted: bool) -> dict:
    containers = (((obj.get("spec") or {}).get("template") or {}).get("spec") or {}).get(
        "containers") or []
    return {"images": [c.get("image", "") for c in containers],
            "generation": int((obj.get("metadata") or {}).get("generation") or 0)}


def _endpoints_facts(obj: dict, deleted: bool) -> dict:
    if deleted:
        return {"ready": 0}
    return {"ready": sum(len(s.get("addresses") or []) for s in obj.get("subsets") or [])}


def _pod_facts(obj: dict, deleted: bool) -> dict:
    conditions = (obj.get("status") or {}).get("conditions") or []
    ready = any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)
    owners = (obj.get("metadata") or {}).get("ownerReferences") or []
    sts = next((o.get("name", "") for o in owners if o.get("kind") == "StatefulSet"), "")
    return {"ready": ready and not deleted, "sts": sts}


FACTS = {"Deployment": _deployment_facts, "Endpoints": _endpoints_facts, "Pod": _pod_facts}


# ---- validation ------------------------------------------------------------------------------


def validate(kind: str, params: Any, at: str) -> None:
    if not isinstance(params, dict):
        raise HistorySpecError(f"{at}.{kind}: expected a mapping of parameters")
    required, optional = SCHEMA[kind]
    for name in required:
        if name not in params:
            raise HistorySpecError(f"{at}.{kind}: missing {name!r}")
    for name in params:
        if name not in required and name not in optional:
            raise HistorySpecError(f"{at}.{kind}: unknown parameter {name!r} "
                                   f"(allowed: {', '.join(required + optional)})")
    for name, value in params.items():
        if name == "min":
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise HistorySpecError(f"{at}.{kind}.min: expected a whole number >= 0")
        elif not isinstance(value, str) or not value:
            raise HistorySpecError(f"{at}.{kind}.{name}: expected a non-empty string")


# ---- evaluation ------------------------------------------------------------------------------


def evaluate(kind: str, params: dict, records: list[dict], lang: str = "en") -> CheckResult:
    return CHECKS[kind](params, records, lang)


def _objects(records: list[dict], kind: str, ns: str, name: str | None = None) -> list[dict]:
    return [r for r in records if r["op"] == "object" and r["kind"] == kind and r["ns"] == ns
            and (name is None or r["name"] == name)]


def _rollout_start(records: list[dict], ns: str, deployment: str) -> int | None:
    """Index of the first record where the Deployment's images changed."""
    images = None
    for i, r in enumerate(records):
        if r["op"] != "object" or r["kind"] != "Deployment" or r["ns"] != ns:
            continue
        if r["name"] != deployment or r["type"] == "DELETED":
            continue
        if images is not None and r["images"] != images:
            return i
        images = r["images"]
    return None


def endpoints_never_below(params: dict, records: list[dict], lang: str = "en") -> CheckResult:
    ns, service, low = params.get("namespace", "default"), params["service"], params["min"]
    start, during = 0, ""
    if "during_rollout_of" in params:
        deployment = params["during_rollout_of"]
        found = _rollout_start(records, ns, deployment)
        if found is None:
            return CheckResult(False, say(lang, "no_rollout", deployment=deployment))
        start, during = found, say(lang, "during", deployment=deployment)
    counts = [(i, r["ready"]) for i, r in enumerate(records)
              if r["op"] == "object" and r["kind"] == "Endpoints" and r["ns"] == ns
              and r["name"] == service]
    before = [c for i, c in counts if i < start]
    window = ([before[-1]] if before else []) + [c for i, c in counts if i >= start]
    if not window:
        return CheckResult(False, say(lang, "never_endpoints", service=service, during=during))
    lowest = min(window)
    if lowest < low:
        return CheckResult(False, say(lang, "dropped", service=service, lowest=lowest,
                                      during=during, low=low))
    return CheckResult(True, say(lang, "kept", service=service, low=low, during=during,
                                 lowest=lowest))


def updated_not_recreated(params: dict, records: list[dict], lang: str = "en") -> CheckResult:
    ns, name = params.get("namespace", "default"), params["deployment"]
    mine = _objects(records, "Deployment", ns, name)
    live = [r for r in mine if r["type"] != "DELETED"]
    if not live:
        return CheckResult(False, say(lang, "no_deployment", name=name))
    if any(r["type"] == "DELETED" for r in mine) or len({r["uid"] for r in live}) > 1:
        return CheckResult(False, say(lang, "recreated", name=name))
    if not any(r["generation"] > live[0]["generation"] for r in live):
        return CheckResult(False, say(lang, "never_updated", name=name))
    return CheckResult(True, say(lang, "updated", name=name))


def no_manual_delete(params: dict, records: list[dict], lang: str = "en") -> CheckResult:
    kind, ns = params.get("kind", "Pod"), params.get("namespace")
    for r in records:
        if r["op"] != "action" or r["verb"] != "deleted" or r["kind"] != kind:
            continue
        if ns is None or r["ns"] == ns:
            return CheckResult(False, say(lang, "deleted_by_hand", kind=kind, name=r["name"]))
    return CheckResult(True, say(lang, "none_deleted", kind=kind))


def ordered_startup(params: dict, records: list[dict], lang: str = "en") -> CheckResult:
    ns, sts = params.get("namespace", "default"), params["statefulset"]
    created: dict[int, int] = {}
    ready: dict[int, int] = {}
    for i, r in enumerate(_objects(records, "Pod", ns)):
        ordinal = _ordinal(r["name"], sts)
        if ordinal is None or r.get("sts") != sts:
            continue
        created.setdefault(ordinal, i)
        if r["ready"]:
            ready.setdefault(ordinal, i)
    if not ready:
        return CheckResult(False, say(lang, "none_ready", sts=sts))
    for n in sorted(created):
        if n == 0:
            continue
        if n - 1 not in ready or ready[n - 1] > created[n]:
            return CheckResult(False, say(lang, "out_of_order", pod=f"{sts}-{n}",
                                          previous=f"{sts}-{n - 1}"))
    shown = ", ".join(f"{sts}-{n}" for n in sorted(ready, key=ready.get))
    return CheckResult(True, say(lang, "in_order", sts=sts, pods=shown))


def _ordinal(pod: str, sts: str) -> int | None:
    prefix = f"{sts}-"
    tail = pod[len(prefix):] if pod.startswith(prefix) else ""
    return int(tail) if tail.isdigit() else None


CHECKS = {
    "endpoints_never_below": endpoints_never_below,
    "updated_not_recreated": updated_not_recreated,
    "no_manual_delete": no_manual_delete,
    "ordered_startup": ordered_startup,
}
