"""What the sandbox page shows, built from stored rows: the cluster map, workloads,
services, timeline and clock, as template contexts and HTML fragments.

The same partials serve the first page render and every live push (the consumer
re-renders only the fragments a change touches: one pod's badge, the node boxes a pod
left and joined, the workloads list...), so "initial state + pushes = current state".
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from playground.models import ObjectRow, Sandbox, TimelineEntry
from playground.sandboxes import is_idle, max_catchup, sim_time
from playground.sim.printers import table

PAGE = "sandbox/page.html"
TIMELINE_ROWS = 200
MAP_KINDS = (
    "Node",
    "KubeletState",
    "Pod",
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "Service",
    "Endpoints",
    "PersistentVolumeClaim",
    "Namespace",
)
# Badge colour families, as dashboards colour them; the word is always printed too.
BAD = {
    "CrashLoopBackOff",
    "ImagePullBackOff",
    "ErrImagePull",
    "Error",
    "OOMKilled",
    "InvalidImageName",
    "CreateContainerConfigError",
    "CreateContainerError",
    "RunContainerError",
    "Evicted",
    "Failed",
    "Unknown",
    "NodeLost",
}
DONE = {"Completed", "Succeeded"}


# ---- rows -------------------------------------------------------------------------------------


def rows_of(sandbox: Sandbox, kinds: tuple[str, ...] = MAP_KINDS) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    query = ObjectRow.objects.filter(sandbox=sandbox, kind__in=kinds)
    for kind, manifest in query.values_list("kind", "manifest"):
        out[kind].append(manifest)
    return out


def pods_by_uid(sandbox: Sandbox, uids: set[str]) -> list[dict]:
    query = ObjectRow.objects.filter(sandbox=sandbox, kind="Pod", uid__in=uids)
    return list(query.values_list("manifest", flat=True))


# ---- view models ------------------------------------------------------------------------------


def pod_views(pods: list[dict], now: float) -> list[dict]:
    if not pods:
        return []
    headers, rows = table("Pod", pods, now=now)
    col = {h: i for i, h in enumerate(headers)}
    views = []
    for pod, row in zip(pods, rows, strict=True):
        meta = pod["metadata"]
        status, ready = row[col["STATUS"]], row[col["READY"]]
        views.append(
            {
                "uid": meta.get("uid", ""),
                "name": meta["name"],
                "namespace": meta.get("namespace", ""),
                "status": status,
                "ready": ready,
                "restarts": row[col["RESTARTS"]],
                "tone": pod_tone(status, ready),
                "node": (pod.get("spec") or {}).get("nodeName") or "",
                "owner": _owner_name(pod),
                "ip": (pod.get("status") or {}).get("podIP", ""),
                "claims": _claims(pod),
            }
        )
    return sorted(views, key=lambda v: (v["namespace"], v["name"]))


def _claims(pod: dict) -> list[str]:
    volumes = (pod.get("spec") or {}).get("volumes") or []
    return [
        v["persistentVolumeClaim"]["claimName"]
        for v in volumes
        if (v.get("persistentVolumeClaim") or {}).get("claimName")
    ]


def pod_tone(status: str, ready: str) -> str:
    if status == "Terminating":
        return "gone"
    if status in DONE:
        return "done"
    if status in BAD or status.startswith(("Init:Error", "Init:CrashLoop")):
        return "bad"
    have, _, want = ready.partition("/")
    if status == "Running":
        return "ok" if have == want else "warn"
    return "pending"


def _owner_name(obj: dict) -> str:
    refs = obj["metadata"].get("ownerReferences") or []
    return f"{refs[0]['kind']}/{refs[0]['name']}" if refs else ""


def node_views(
    nodes: list[dict], pods: list[dict], now: float, kubelets: list[dict] | None = None
) -> list[dict]:
    stopped = {k["metadata"]["name"] for k in kubelets or [] if not k.get("running", True)}
    by_node: dict[str, list[dict]] = defaultdict(list)
    for view in pod_views(pods, now):
        by_node[view["node"]].append(view)
    views = []
    if nodes:
        headers, rows = table("Node", nodes, now=now)
        col = {h: i for i, h in enumerate(headers)}
        for node, row in zip(nodes, rows, strict=True):
            name = node["metadata"]["name"]
            status = row[col["STATUS"]]
            views.append(
                {
                    "name": name,
                    "dom_id": f"node-{name}",
                    "status": status,
                    "roles": row[col["ROLES"]],
                    "tone": "ok"
                    if status == "Ready"
                    else "bad"
                    if "NotReady" in status
                    else "warn",
                    "pods": by_node.get(name, []),
                    "control_plane": "control-plane" in row[col["ROLES"]],
                    "running": name not in stopped,
                }
            )
    views.sort(key=lambda v: (not v["control_plane"], v["name"]))
    views.append(unscheduled_view(by_node.get("", [])))
    return views


def unscheduled_view(pods: list[dict]) -> dict:
    return {
        "name": "",
        "dom_id": "node--unscheduled",
        "status": "",
        "roles": "",
        "tone": "",
        "pods": pods,
        "control_plane": False,
        "running": True,
    }


def workload_views(rows: dict[str, list[dict]], now: float) -> list[dict]:
    """Deployments with their ReplicaSets, StatefulSets: READY as kubectl prints it."""
    sets_by_owner: dict[str, list[dict]] = defaultdict(list)
    for rs, view in _table_views("ReplicaSet", rows.get("ReplicaSet", []), now):
        owner = next(iter(rs["metadata"].get("ownerReferences") or []), {}).get("uid", "")
        sets_by_owner[owner].append(view)
    out = []
    for kind in ("Deployment", "StatefulSet"):
        for obj, view in _table_views(kind, rows.get(kind, []), now):
            view["children"] = sorted(
                sets_by_owner.pop(obj["metadata"].get("uid", ""), []), key=lambda v: v["name"]
            )
            out.append(view)
    for views in sets_by_owner.values():  # ReplicaSets without a Deployment
        out.extend(views)
    return sorted(out, key=lambda v: (v["namespace"], v["kind"], v["name"]))


def _table_views(kind: str, objs: list[dict], now: float) -> list[tuple[dict, dict]]:
    if not objs:
        return []
    headers, rows = table(kind, objs, now=now)
    out = []
    for obj, row in zip(objs, rows, strict=True):
        cells = dict(zip(headers, row, strict=False))
        meta = obj["metadata"]
        out.append(
            (
                obj,
                {
                    "kind": kind,
                    "name": meta["name"],
                    "namespace": meta.get("namespace", ""),
                    "uid": meta.get("uid", ""),
                    "cells": cells,
                    "children": [],
                },
            )
        )
    return out


def service_views(rows: dict[str, list[dict]], pods: list[dict], now: float) -> list[dict]:
    endpoints = {
        (e["metadata"].get("namespace", ""), e["metadata"]["name"]): e
        for e in rows.get("Endpoints", [])
    }
    out = []
    for _svc, view in _table_views("Service", rows.get("Service", []), now):
        key = (view["namespace"], view["name"])
        view["endpoints"] = _endpoint_targets(endpoints.get(key))
        out.append(view)
    return sorted(out, key=lambda v: (v["namespace"], v["name"]))


def _endpoint_targets(ep: dict | None) -> list[dict]:
    if ep is None:
        return []
    targets = []
    for subset in ep.get("subsets") or []:
        for ready, field in ((True, "addresses"), (False, "notReadyAddresses")):
            for address in subset.get(field) or []:
                ref = address.get("targetRef") or {}
                targets.append(
                    {
                        "ip": address.get("ip", ""),
                        "name": ref.get("name", ""),
                        "uid": ref.get("uid", ""),
                        "ready": ready,
                    }
                )
    return targets


def clock_view(sandbox: Sandbox) -> dict:
    return {
        "sim": sim_time(sandbox),
        "start": float((sandbox.meta or {}).get("start", sandbox.sim_anchor)),
        "speed": sandbox.speed,
        "paused": sandbox.paused,
        "idle": is_idle(sandbox),
        "max_catchup_minutes": int(max_catchup() // 60),
        "resource_version": sandbox.resource_version,
    }


def timeline_views(sandbox: Sandbox, *, after: int = 0, uid: str = "") -> list[TimelineEntry]:
    query = TimelineEntry.objects.filter(sandbox=sandbox, seq__gt=after)
    if uid:
        query = query.filter(uid=uid)
    return list(query.order_by("-seq")[:TIMELINE_ROWS])


def namespaces_of(rows: dict[str, list[dict]]) -> list[str]:
    return sorted(n["metadata"]["name"] for n in rows.get("Namespace", []))


# ---- page and fragments ------------------------------------------------------------------------


def base_context(sandbox: Sandbox, readonly: bool) -> dict[str, Any]:
    return {
        "sandbox": sandbox,
        "sandbox_id": sandbox.pk,
        "sandbox_start": float((sandbox.meta or {}).get("start", sandbox.sim_anchor)),
        "readonly": readonly,
    }


def page_context(sandbox: Sandbox, readonly: bool = False) -> dict[str, Any]:
    rows = rows_of(sandbox)
    now = sim_time(sandbox)
    pods = rows.get("Pod", [])
    return {
        **base_context(sandbox, readonly),
        "clock": clock_view(sandbox),
        "nodes": node_views(rows.get("Node", []), pods, now, rows.get("KubeletState")),
        "workloads": workload_views(rows, now),
        "services": service_views(rows, pods, now),
        "namespaces": namespaces_of(rows),
        "timeline": timeline_views(sandbox),
    }
