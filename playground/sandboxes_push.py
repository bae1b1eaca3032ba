"""Live pushes of the sandbox page: which fragments a committed change touches, rendered
from the stored rows with the same partials as the first page render.

A pod that changes in place re-renders its badge only; one that appears, leaves or
moves re-renders the node boxes involved; workload and Service changes re-render their
lists; new timeline sentences are prepended. A (re)connecting page gets everything.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from playground.models import Sandbox, TimelineEntry
from playground.sandboxes import sim_time
from playground.sandboxes_render import (
    PAGE,
    base_context,
    clock_view,
    node_views,
    page_context,
    pod_views,
    pods_by_uid,
    rows_of,
    service_views,
    timeline_views,
    workload_views,
)


def render_full(sandbox: Sandbox, readonly: bool = False) -> str:
    """Every live fragment, out of band: what a (re)connecting page receives first."""
    ctx = {**page_context(sandbox, readonly), "oob": True}
    parts = [
        render_to_string(f"{PAGE}#clock", ctx),
        render_to_string(f"{PAGE}#map", ctx),
        render_to_string(f"{PAGE}#timeline", ctx),
    ]
    return "".join(parts)


def render_update(
    sandbox: Sandbox, event: dict, last_seq: int, readonly: bool = False
) -> tuple[str, int]:
    """The fragments an event touches (and the new timeline rows after `last_seq`)."""
    if event.get("full"):
        return render_full(sandbox, readonly), max_seq(sandbox)
    base = base_context(sandbox, readonly)
    parts = [render_to_string(f"{PAGE}#clock", {**base, "clock": clock_view(sandbox), "oob": True})]
    parts.extend(_map_fragments(sandbox, event.get("changes") or [], base))
    rows = timeline_views(sandbox, after=last_seq)
    if rows:
        parts.append(render_to_string(f"{PAGE}#timeline_new", {**base, "timeline": rows}))
        last_seq = rows[0].seq
    return "".join(parts), last_seq


def max_seq(sandbox: Sandbox) -> int:
    entry = TimelineEntry.objects.filter(sandbox=sandbox).order_by("-seq").first()
    return entry.seq if entry else 0


def _map_fragments(sandbox: Sandbox, changes: list[dict], base: dict) -> list[str]:
    plan = plan_fragments(changes)
    if plan["map"]:
        ctx = {**page_context(sandbox, base["readonly"]), "oob": True}
        return [render_to_string(f"{PAGE}#map", ctx)]
    if not (plan["nodes"] or plan["pods"] or plan["workloads"] or plan["services"]):
        return []
    if not (plan["nodes"] or plan["workloads"] or plan["services"]):
        # the common case, one pod changed in place: read just those pods
        badges = pods_by_uid(sandbox, plan["pods"])
        return [
            render_to_string(f"{PAGE}#pod", {**base, "pod": pod, "oob": True})
            for pod in pod_views(badges, sim_time(sandbox))
        ]
    rows = rows_of(
        sandbox,
        (
            "Node",
            "KubeletState",
            "Pod",
            "Deployment",
            "ReplicaSet",
            "StatefulSet",
            "Service",
            "Endpoints",
        ),
    )
    now = sim_time(sandbox)
    pods = rows.get("Pod", [])
    parts = []
    for node in node_views(rows.get("Node", []), pods, now, rows.get("KubeletState")):
        if node["name"] in plan["nodes"]:
            parts.append(render_to_string(f"{PAGE}#node", {**base, "node": node, "oob": True}))
    badges = [p for p in pods if p["metadata"].get("uid") in plan["pods"]]
    for pod in pod_views(badges, now):
        if pod["node"] not in plan["nodes"]:
            parts.append(render_to_string(f"{PAGE}#pod", {**base, "pod": pod, "oob": True}))
    if plan["workloads"]:
        ctx = {**base, "workloads": workload_views(rows, now), "oob": True}
        parts.append(render_to_string(f"{PAGE}#workloads", ctx))
    if plan["services"]:
        ctx = {**base, "services": service_views(rows, pods, now), "oob": True}
        parts.append(render_to_string(f"{PAGE}#services", ctx))
    return parts


def plan_fragments(changes: list[dict]) -> dict[str, Any]:
    """Which fragments show the changed objects: a pod that stays on its node is one
    badge; one that appears, leaves or moves re-renders the node boxes involved."""
    plan: dict[str, Any] = {
        "map": False,
        "nodes": set(),
        "pods": set(),
        "workloads": False,
        "services": False,
    }
    for change in changes:
        kind = change["kind"]
        if kind == "Pod":
            before, after = change.get("node_before"), change.get("node_after")
            if change["type"] == "MODIFIED" and before == after:
                plan["pods"].add(change["uid"])
            else:
                plan["nodes"].update(n for n in (before, after) if n is not None)
        elif kind == "KubeletState":
            plan["nodes"].add(change["name"])
        elif kind == "Node":
            if change["type"] == "MODIFIED":
                plan["nodes"].add(change["name"])
            else:
                plan["map"] = True
        elif kind == "Namespace" and change["type"] != "MODIFIED":
            plan["map"] = True
        elif kind in ("Deployment", "ReplicaSet", "StatefulSet"):
            plan["workloads"] = True
        elif kind in ("Service", "Endpoints"):
            plan["services"] = True
    return plan
