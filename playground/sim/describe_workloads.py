"""`kubectl describe` for Deployments, ReplicaSets and StatefulSets (describe.go
describeDeployment, describeReplicaSet, describeStatefulSet)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .describe import (
    Writer,
    annotations_multiline,
    controlled_by,
    describe_events,
    events_for,
    labels_multiline,
    rfc1123z,
)
from .describe_pod import describe_pod_template
from .labels import format_selector
from .objects import controller_ref, get_path

if TYPE_CHECKING:
    from .cluster import Cluster


# ---- workloads ------------------------------------------------------------------------------


def pod_counts(cluster: Cluster, owner: dict) -> str:
    """getPodStatusForController: pods controlled by `owner`, by phase."""
    counts = {"Running": 0, "Pending": 0, "Succeeded": 0, "Failed": 0}
    uid = owner["metadata"]["uid"]
    for pod in cluster.store.list("Pod", owner["metadata"].get("namespace", "")):
        if (controller_ref(pod) or {}).get("uid") == uid:
            phase = get_path(pod, "status", "phase", default="Pending")
            if phase in counts:
                counts[phase] += 1
    return (f"{counts['Running']} Running / {counts['Pending']} Waiting / "
            f"{counts['Succeeded']} Succeeded / {counts['Failed']} Failed")


def _conditions(w: Writer, conditions: list[dict] | None) -> None:
    if conditions:
        w.write(0, "Conditions:\n  Type\tStatus\tReason\n")
        w.write(1, "----\t------\t------\n")
        for c in conditions:
            w.write(1, f"{c.get('type')} \t{c.get('status')}\t{c.get('reason', '')}\n")


def _rs_list(rss: list[dict]) -> str:
    text = ", ".join(f"{rs['metadata']['name']} ({get_path(rs, 'status', 'replicas', default=0)}"
                     f"/{get_path(rs, 'spec', 'replicas', default=0)} replicas created)"
                     for rs in rss)
    return text or "<none>"


def _without_hash(template: dict | None) -> dict:
    template = dict(template or {})
    meta = dict(template.get("metadata") or {})
    labels = {k: v for k, v in (meta.get("labels") or {}).items() if k != "pod-template-hash"}
    meta["labels"] = labels
    template["metadata"] = meta
    return template


def _replica_sets(cluster: Cluster, d: dict) -> tuple[list[dict], dict | None]:
    """The Deployment's ReplicaSets (by creation) and the new one (FindNewReplicaSet: the
    oldest whose template equals the Deployment's, ignoring pod-template-hash)."""
    uid = d["metadata"]["uid"]
    rss = [rs for rs in cluster.store.list("ReplicaSet", d["metadata"].get("namespace", ""))
           if (controller_ref(rs) or {}).get("uid") == uid]
    rss.sort(key=lambda rs: (rs["metadata"].get("creationTimestamp", ""), rs["metadata"]["name"]))
    wanted = _without_hash(get_path(d, "spec", "template"))
    new_rs = next((rs for rs in rss
                   if _without_hash(get_path(rs, "spec", "template")) == wanted), None)
    return rss, new_rs


def describe_deployment(cluster: Cluster, d: dict, now: float) -> str:
    w = Writer()
    meta, spec, status = d["metadata"], d.get("spec") or {}, d.get("status") or {}
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    w.write(0, f"CreationTimestamp:\t{rfc1123z(meta.get('creationTimestamp'))}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, f"Selector:\t{format_selector(spec.get('selector'))}\n")
    w.write(0, f"Replicas:\t{spec.get('replicas', 1)} desired | "
               f"{status.get('updatedReplicas', 0)} updated | {status.get('replicas', 0)} total | "
               f"{status.get('availableReplicas', 0)} available | "
               f"{status.get('unavailableReplicas', 0)} unavailable\n")
    strategy = spec.get("strategy") or {}
    w.write(0, f"StrategyType:\t{strategy.get('type', '')}\n")
    w.write(0, f"MinReadySeconds:\t{spec.get('minReadySeconds', 0)}\n")
    ru = strategy.get("rollingUpdate")
    if ru is not None:
        w.write(0, f"RollingUpdateStrategy:\t{ru.get('maxUnavailable', '25%')} max unavailable, "
                   f"{ru.get('maxSurge', '25%')} max surge\n")
    describe_pod_template(w, spec.get("template") or {})
    _conditions(w, status.get("conditions"))
    rss, new_rs = _replica_sets(cluster, d)
    old = [rs for rs in rss if rs is not new_rs and get_path(rs, "spec", "replicas", default=0)]
    if rss:
        w.write(0, f"OldReplicaSets:\t{_rs_list(old)}\n")
        w.write(0, f"NewReplicaSet:\t{_rs_list([new_rs] if new_rs else [])}\n")
    describe_events(w, events_for(cluster, d), now)
    return w.text()


def describe_replicaset(cluster: Cluster, rs: dict, now: float) -> str:
    w = Writer()
    meta, spec, status = rs["metadata"], rs.get("spec") or {}, rs.get("status") or {}
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    w.write(0, f"Selector:\t{format_selector(spec.get('selector'))}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    if controlled_by(rs):
        w.write(0, f"Controlled By:\t{controlled_by(rs)}\n")
    w.write(0, f"Replicas:\t{status.get('replicas', 0)} current / {spec.get('replicas', 1)} "
               "desired\n")
    w.write(0, f"Pods Status:\t{pod_counts(cluster, rs)}\n")
    describe_pod_template(w, spec.get("template") or {})
    _conditions(w, status.get("conditions"))
    describe_events(w, events_for(cluster, rs), now)
    return w.text()


def describe_statefulset(cluster: Cluster, sts: dict, now: float) -> str:
    w = Writer()
    meta, spec, status = sts["metadata"], sts.get("spec") or {}, sts.get("status") or {}
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    w.write(0, f"CreationTimestamp:\t{rfc1123z(meta.get('creationTimestamp'))}\n")
    w.write(0, f"Selector:\t{format_selector(spec.get('selector'))}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, f"Replicas:\t{spec.get('replicas', 1)} desired | {status.get('replicas', 0)} "
               "total\n")
    strategy = spec.get("updateStrategy") or {}
    w.write(0, f"Update Strategy:\t{strategy.get('type', '')}\n")
    ru = strategy.get("rollingUpdate")
    if ru is not None and ru.get("partition") is not None:
        w.write(1, f"Partition:\t{ru['partition']}\n")
        if ru.get("maxUnavailable") is not None:
            w.write(1, f"MaxUnavailable:\t{ru['maxUnavailable']}\n")
    w.write(0, f"Pods Status:\t{pod_counts(cluster, sts)}\n")
    describe_pod_template(w, spec.get("template") or {})
    templates = spec.get("volumeClaimTemplates") or []
    if not templates:
        w.write(0, "Volume Claims:\t<none>\n")
    else:
        w.write(0, "Volume Claims:\n")
        for t in templates:
            tm, ts = t.get("metadata") or {}, t.get("spec") or {}
            w.write(1, f"Name:\t{tm.get('name', '')}\n")
            w.write(1, f"StorageClass:\t{ts.get('storageClassName', '')}\n")
            labels_multiline(w, "Labels", tm.get("labels"), "  ")
            labels_multiline(w, "Annotations", tm.get("annotations"), "  ")
            capacity = get_path(ts, "resources", "requests", "storage") or "<default>"
            w.write(1, f"Capacity:\t{capacity}\n")
            w.write(1, f"Access Modes:\t[{' '.join(ts.get('accessModes') or [])}]\n")
    describe_events(w, events_for(cluster, sts), now)
    return w.text()


DESCRIBERS = {"Deployment": describe_deployment, "ReplicaSet": describe_replicaset,
              "StatefulSet": describe_statefulset}
