"""`kubectl describe` for Node, Namespace, ConfigMap, ServiceAccount, PersistentVolumeClaim,
PersistentVolume, StorageClass, and a generic fallback. Follows
staging/src/k8s.io/kubectl/pkg/describe/describe.go (v1.33); see describe.py for the shared
writer and sections.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from . import describe_quota, printers
from .describe import (
    Writer,
    annotations_multiline,
    describe_events,
    events_for,
    labels_multiline,
    rfc1123z,
    since,
)
from .objects import get_path
from .quantity import parse_quantity

if TYPE_CHECKING:
    from .cluster import Cluster


def _header(w: Writer, obj: dict, namespaced: bool = True) -> None:
    meta = obj["metadata"]
    w.write(0, f"Name:\t{meta['name']}\n")
    if namespaced:
        w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))


# ---- Node -----------------------------------------------------------------------------------


def _taints(w: Writer, taints: list[dict] | None) -> None:
    w.write(0, "Taints:\t")
    if not taints:
        w.write(0, "<none>\n")
        return
    ordered = sorted(taints, key=lambda t: f"{t.get('effect', '')},{t.get('key', '')}")
    for i, t in enumerate(ordered):
        if i:
            w.write(0, "\t")
        value = f"={t['value']}" if t.get("value") else ""
        w.write(0, f"{t.get('key', '')}{value}:{t.get('effect', '')}\n")


def _cpu(milli: float) -> str:
    return "0" if milli == 0 else (f"{int(milli // 1000)}" if milli % 1000 == 0
                                    else f"{int(milli)}m")


def _mem(value: float) -> str:
    if value == 0:
        return "0"
    for suffix, size in (("Gi", 2**30), ("Mi", 2**20), ("Ki", 2**10)):
        if value % size == 0:
            return f"{int(value // size)}{suffix}"
    return str(int(value))


def _sum(pods: list[dict], kind: str, resource: str) -> float:
    total = 0.0
    for pod in pods:
        for c in get_path(pod, "spec", "containers", default=[]):
            value = get_path(c, "resources", kind, resource)
            if value is None and kind == "requests":
                value = get_path(c, "resources", "limits", resource)
            total += parse_quantity(value) or 0.0 if value is not None else 0.0
    return total


def _fraction(value: float, total: float | None) -> int:
    return int(value / total * 100) if total else 0


def _node_resources(w: Writer, node: dict, pods: list[dict], now: float) -> None:
    alloc = get_path(node, "status", "allocatable") or get_path(node, "status", "capacity") or {}
    cpu_total = (parse_quantity(alloc.get("cpu")) or 0) * 1000
    mem_total = parse_quantity(alloc.get("memory")) or 0
    w.write(0, f"Non-terminated Pods:\t({len(pods)} in total)\n")
    w.write(1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits"
               "\tAge\n")
    w.write(1, "---------\t----\t\t------------\t----------\t---------------\t-------------"
               "\t---\n")
    for pod in pods:
        cr, cl = _sum([pod], "requests", "cpu") * 1000, _sum([pod], "limits", "cpu") * 1000
        mr, ml = _sum([pod], "requests", "memory"), _sum([pod], "limits", "memory")
        w.write(1, f"{pod['metadata'].get('namespace', '')}\t{pod['metadata']['name']}\t\t"
                   f"{_cpu(cr)} ({_fraction(cr, cpu_total)}%)\t"
                   f"{_cpu(cl)} ({_fraction(cl, cpu_total)}%)\t"
                   f"{_mem(mr)} ({_fraction(mr, mem_total)}%)\t"
                   f"{_mem(ml)} ({_fraction(ml, mem_total)}%)\t"
                   f"{since(pod['metadata'].get('creationTimestamp'), now)}\n")
    w.write(0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., "
               "overcommitted.)\n")
    w.write(1, "Resource\tRequests\tLimits\n")
    w.write(1, "--------\t--------\t------\n")
    cr, cl = _sum(pods, "requests", "cpu") * 1000, _sum(pods, "limits", "cpu") * 1000
    mr, ml = _sum(pods, "requests", "memory"), _sum(pods, "limits", "memory")
    w.write(1, f"cpu\t{_cpu(cr)} ({_fraction(cr, cpu_total)}%)\t"
               f"{_cpu(cl)} ({_fraction(cl, cpu_total)}%)\n")
    w.write(1, f"memory\t{_mem(mr)} ({_fraction(mr, mem_total)}%)\t"
               f"{_mem(ml)} ({_fraction(ml, mem_total)}%)\n")
    w.write(1, "ephemeral-storage\t0 (0%)\t0 (0%)\n")
    for name in sorted(k for k in alloc if k.startswith("hugepages-")):
        w.write(1, f"{name}\t0 (0%)\t0 (0%)\n")


def _ready_heartbeat(node: dict) -> str | None:
    for c in get_path(node, "status", "conditions", default=[]):
        if c.get("type") == "Ready":
            return c.get("lastHeartbeatTime")
    return None


def describe_node(cluster: Cluster, node: dict, now: float) -> str:
    w = Writer()
    meta, spec, status = node["metadata"], node.get("spec") or {}, node.get("status") or {}
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Roles:\t{printers.node_roles(node)}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, f"CreationTimestamp:\t{rfc1123z(meta.get('creationTimestamp'))}\n")
    _taints(w, spec.get("taints"))
    w.write(0, f"Unschedulable:\t{'true' if spec.get('unschedulable') else 'false'}\n")
    w.write(0, "Lease:\n")
    w.write(1, f"HolderIdentity:\t{meta['name']}\n")
    w.write(1, "AcquireTime:\t<unset>\n")
    w.write(1, f"RenewTime:\t{rfc1123z(_ready_heartbeat(node))}\n")
    if status.get("conditions"):
        w.write(0, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason"
                   "\tMessage\n")
        w.write(1, "----\t------\t-----------------\t------------------\t------\t-------\n")
        for c in status["conditions"]:
            w.write(1, f"{c.get('type')} \t{c.get('status')} \t"
                       f"{rfc1123z(c.get('lastHeartbeatTime'))} \t"
                       f"{rfc1123z(c.get('lastTransitionTime'))} \t{c.get('reason', '')} \t"
                       f"{c.get('message', '')}\n")
    w.write(0, "Addresses:\n")
    for a in status.get("addresses") or []:
        w.write(1, f"{a.get('type')}:\t{a.get('address')}\n")
    for title, key in (("Capacity", "capacity"), ("Allocatable", "allocatable")):
        if status.get(key):
            w.write(0, f"{title}:\n")
            for name in sorted(status[key]):
                w.write(0, f"  {name}:\t{status[key][name]}\n")
    info = status.get("nodeInfo") or {}
    w.write(0, "System Info:\n")
    for label, key in (("Machine ID", "machineID"), ("System UUID", "systemUUID"),
                       ("Boot ID", "bootID"), ("Kernel Version", "kernelVersion"),
                       ("OS Image", "osImage"), ("Operating System", "operatingSystem"),
                       ("Architecture", "architecture"),
                       ("Container Runtime Version", "containerRuntimeVersion"),
                       ("Kubelet Version", "kubeletVersion"),
                       ("Kube-Proxy Version", "kubeProxyVersion")):
        w.write(0, f"  {label}:\t{info.get(key, '')}\n")
    if spec.get("podCIDR"):
        w.write(0, f"PodCIDR:\t{spec['podCIDR']}\n")
    if spec.get("podCIDRs"):
        w.write(0, f"PodCIDRs:\t{','.join(spec['podCIDRs'])}\n")
    pods = [p for p in cluster.store.list("Pod")
            if get_path(p, "spec", "nodeName") == meta["name"]
            and get_path(p, "status", "phase") not in ("Succeeded", "Failed")]
    pods.sort(key=lambda p: (p["metadata"].get("namespace", ""), p["metadata"]["name"]))
    _node_resources(w, node, pods, now)
    describe_events(w, events_for(cluster, node), now)
    return w.text()


# ---- Namespace, ConfigMap, ServiceAccount -----------------------------------------------------


def describe_namespace(cluster: Cluster, ns: dict, now: float) -> str:
    w = Writer()
    _header(w, ns, namespaced=False)
    w.write(0, f"Status:\t{get_path(ns, 'status', 'phase', default='')}\n")
    conditions = get_path(ns, "status", "conditions", default=[])
    if conditions:
        w.write(0, "Conditions:\n")
        w.write(1, "Type\tStatus\tLastTransitionTime\tReason\tMessage\n")
        w.write(1, "----\t------\t------------------\t------\t-------\n")
        for c in conditions:
            w.write(1, f"{c.get('type')}\t{c.get('status')}\t"
                       f"{rfc1123z(c.get('lastTransitionTime'))}\t{c.get('reason', '')}\t"
                       f"{c.get('message', '')}\n")
    w.parts.append(describe_quota.namespace_sections(cluster, ns["metadata"]["name"]))
    return w.text()


def describe_configmap(cluster: Cluster, cm: dict, now: float) -> str:
    w = Writer()
    _header(w, cm)
    w.write(0, "\nData\n====\n")
    for key in sorted(cm.get("data") or {}):
        w.write(0, f"{key}:\n----\n")
        w.write(0, f"{cm['data'][key]}\n")
        w.write(0, "\n")
    w.write(0, "\nBinaryData\n====\n")
    for key in sorted(cm.get("binaryData") or {}):
        w.write(0, f"{key}: {len(cm['binaryData'][key])} bytes\n")
    w.write(0, "\n")
    describe_events(w, events_for(cluster, cm), now)
    return w.text()


def describe_serviceaccount(cluster: Cluster, sa: dict, now: float) -> str:
    w = Writer()
    _header(w, sa)
    pulls = [s.get("name", "") for s in sa.get("imagePullSecrets") or []]
    mounts = [s.get("name", "") for s in sa.get("secrets") or []]
    for header, names in (("Image pull secrets:", pulls), ("Mountable secrets: ", mounts),
                          ("Tokens:            ", [])):
        if not names:
            w.write(0, f"{header}\t<none>\n")
        for i, name in enumerate(names):
            w.write(0, f"{header if i == 0 else ' ' * 19}\t{name}\n")
    describe_events(w, events_for(cluster, sa), now)
    return w.text()


# ---- storage ----------------------------------------------------------------------------------


def describe_pvc(cluster: Cluster, pvc: dict, now: float) -> str:
    w = Writer()
    meta, spec, status = pvc["metadata"], pvc.get("spec") or {}, pvc.get("status") or {}
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    w.write(0, f"StorageClass:\t{spec.get('storageClassName', '')}\n")
    if meta.get("deletionTimestamp"):
        w.write(0, f"Status:\tTerminating (lasts {since(meta['deletionTimestamp'], now)})\n")
    else:
        w.write(0, f"Status:\t{status.get('phase', '')}\n")
    w.write(0, f"Volume:\t{spec.get('volumeName', '')}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, f"Finalizers:\t[{' '.join(meta.get('finalizers') or [])}]\n")
    bound = bool(spec.get("volumeName"))
    capacity = get_path(status, "capacity", "storage", default="") if bound else ""
    w.write(0, f"Capacity:\t{capacity}\n")
    modes = printers.access_modes(status.get("accessModes")) if bound else ""
    w.write(0, f"Access Modes:\t{modes}\n")
    if spec.get("volumeMode"):
        w.write(0, f"VolumeMode:\t{spec['volumeMode']}\n")
    users = [p["metadata"]["name"] for p in cluster.store.list("Pod", meta.get("namespace", ""))
             if any(get_path(v, "persistentVolumeClaim", "claimName") == meta["name"]
                    for v in get_path(p, "spec", "volumes", default=[]))]
    w.write(0, "Used By:\t")
    w.write(0, "<none>\n" if not users else "\n\t".join(sorted(users)) + "\n")
    describe_events(w, events_for(cluster, pvc), now)
    return w.text()


def describe_pv(cluster: Cluster, pv: dict, now: float) -> str:
    w = Writer()
    meta, spec, status = pv["metadata"], pv.get("spec") or {}, pv.get("status") or {}
    w.write(0, f"Name:\t{meta['name']}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, f"Finalizers:\t[{' '.join(meta.get('finalizers') or [])}]\n")
    w.write(0, f"StorageClass:\t{spec.get('storageClassName', '')}\n")
    if meta.get("deletionTimestamp"):
        w.write(0, f"Status:\tTerminating (lasts {since(meta['deletionTimestamp'], now)})\n")
    else:
        w.write(0, f"Status:\t{status.get('phase', '')}\n")
    claim = spec.get("claimRef")
    w.write(0, f"Claim:\t{claim.get('namespace', '')}/{claim.get('name', '')}\n" if claim
            else "Claim:\t\n")
    w.write(0, f"Reclaim Policy:\t{spec.get('persistentVolumeReclaimPolicy', '')}\n")
    w.write(0, f"Access Modes:\t{printers.access_modes(spec.get('accessModes'))}\n")
    w.write(0, f"VolumeMode:\t{spec.get('volumeMode', 'Filesystem')}\n")
    w.write(0, f"Capacity:\t{get_path(spec, 'capacity', 'storage', default='')}\n")
    w.write(0, "Node Affinity:\t<none>\n")
    w.write(0, f"Message:\t{status.get('message', '')}\n")
    w.write(0, "Source:\n")
    if "hostPath" in spec:
        w.write(2, "Type:\tHostPath (bare host directory volume)\n"
                   f"    Path:\t{spec['hostPath'].get('path', '')}\n"
                   f"    HostPathType:\t{spec['hostPath'].get('type') or '<none>'}\n")
    else:
        w.write(1, "<unknown>\n")
    describe_events(w, events_for(cluster, pv), now)
    return w.text()


def describe_storageclass(cluster: Cluster, sc: dict, now: float) -> str:
    w = Writer()
    ann = sc["metadata"].get("annotations") or {}
    default = "Yes" if "true" in (ann.get("storageclass.kubernetes.io/is-default-class"),
                                  ann.get("storageclass.beta.kubernetes.io/is-default-class")) \
        else "No"
    w.write(0, f"Name:\t{sc['metadata']['name']}\n")
    w.write(0, f"IsDefaultClass:\t{default}\n")
    w.write(0, f"Annotations:\t{printers.format_labels(ann)}\n")
    w.write(0, f"Provisioner:\t{sc.get('provisioner', '')}\n")
    w.write(0, f"Parameters:\t{printers.format_labels(sc.get('parameters'))}\n")
    expansion = sc.get("allowVolumeExpansion")
    w.write(0, "AllowVolumeExpansion:\t"
               f"{'<unset>' if expansion is None else ('True' if expansion else 'False')}\n")
    w.write(0, "MountOptions:\t<none>\n")
    if sc.get("reclaimPolicy"):
        w.write(0, f"ReclaimPolicy:\t{sc['reclaimPolicy']}\n")
    if sc.get("volumeBindingMode"):
        w.write(0, f"VolumeBindingMode:\t{sc['volumeBindingMode']}\n")
    w.write(0, "AllowedTopologies:\t<none>\n")
    describe_events(w, events_for(cluster, sc), now)
    return w.text()


def generic(cluster: Cluster, obj: dict, now: float) -> str:
    """genericDescriber: the header, then printUnstructuredContent of everything else (API
    Version, Kind, the rest of Metadata, Spec ...), fields sorted, then the events."""
    w = Writer()
    meta = obj["metadata"]
    _header(w, obj, namespaced=bool(meta.get("namespace")))
    rest = dict(obj)
    rest["metadata"] = {k: v for k, v in meta.items()
                        if k not in ("name", "namespace", "labels", "annotations")}
    for key in sorted(rest):
        _dump(w, key, rest[key], 0)
    describe_events(w, events_for(cluster, obj), now)
    return w.text()


_ACRONYMS = ("API", "URL", "UID", "OSB", "GUID")


def _label(key: str) -> str:
    """smartLabelFor: camelCase words, Title-cased, common acronyms upper-cased; a field with
    anything but letters and '-' stays as it is."""
    if any(not (c.isalpha() or c == "-") for c in key):
        return key
    parts = re.findall(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z-]+|[A-Z]+", key)
    return " ".join(p.upper() if p.upper() in _ACRONYMS else p[:1].upper() + p[1:]
                    for p in parts)


def _dump(w: Writer, key: str, value, level: int) -> None:
    if isinstance(value, dict):
        w.write(level, f"{_label(key)}:\n")
        for k in sorted(value):
            _dump(w, k, value[k], level + 1)
    elif isinstance(value, list):
        w.write(level, f"{_label(key)}:\n")
        for item in value:
            if isinstance(item, dict):
                for k in sorted(item):
                    _dump(w, k, item[k], level + 1)
            else:
                w.write(level + 1, f"{item}\n")
    else:
        w.write(level, f"{_label(key)}:\t{value}\n")


DESCRIBERS = {
    "Node": describe_node, "Namespace": describe_namespace, "ConfigMap": describe_configmap,
    "ServiceAccount": describe_serviceaccount,
    "PersistentVolumeClaim": describe_pvc, "PersistentVolume": describe_pv,
    "StorageClass": describe_storageclass,
}
