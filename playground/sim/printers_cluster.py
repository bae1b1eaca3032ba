"""kubectl table rows for cluster, config and storage kinds: Node, Namespace, Event,
ConfigMap, Secret, ServiceAccount, PersistentVolumeClaim, PersistentVolume, StorageClass.

Models pkg/printers/internalversion/printers.go (printNode, printEvent, printPersistentVolume,
printStorageClass, ...); printers.py assembles every kind's columns.
"""

from __future__ import annotations

from .objects import get_path
from .printers_util import age
from .printers_util import created as _created

Row = list[str]


# ---- cluster -----------------------------------------------------------------------------


def node_roles(node: dict) -> str:
    roles = set()
    for key, value in (node["metadata"].get("labels") or {}).items():
        if key.startswith("node-role.kubernetes.io/") and key[len("node-role.kubernetes.io/"):]:
            roles.add(key[len("node-role.kubernetes.io/"):])
        elif key == "kubernetes.io/role" and value:
            roles.add(value)
    return ",".join(sorted(roles)) or "<none>"


def node_status(node: dict) -> str:
    status = []
    for cond in get_path(node, "status", "conditions", default=[]):
        if cond.get("type") == "Ready":
            status = ["Ready" if cond.get("status") == "True" else "NotReady"]
    if not status:
        status = ["Unknown"]
    if get_path(node, "spec", "unschedulable"):
        status.append("SchedulingDisabled")
    return ",".join(status)


def _node_address(node: dict, type_: str) -> str:
    for addr in get_path(node, "status", "addresses", default=[]):
        if addr.get("type") == type_:
            return addr.get("address", "")
    return "<none>"


def node_row(node: dict, now: float, wide: bool) -> Row:
    info = get_path(node, "status", "nodeInfo", default={})
    row = [node["metadata"]["name"], node_status(node), node_roles(node), _created(node, now),
           info.get("kubeletVersion", "")]
    if wide:
        row += [_node_address(node, "InternalIP"), _node_address(node, "ExternalIP"),
                info.get("osImage") or "<unknown>", info.get("kernelVersion") or "<unknown>",
                info.get("containerRuntimeVersion") or "<unknown>"]
    return row


def namespace_row(ns: dict, now: float, wide: bool) -> Row:
    return [ns["metadata"]["name"], get_path(ns, "status", "phase", default=""),
            _created(ns, now)]


def event_times(ev: dict, now: float) -> tuple[str, str, int]:
    """printEvent's LAST SEEN, FIRST SEEN and COUNT."""
    first = age(ev.get("firstTimestamp"), now) if ev.get("firstTimestamp") else age(
        ev.get("eventTime"), now)
    last = age(ev.get("lastTimestamp"), now) if ev.get("lastTimestamp") else first
    count = int(ev.get("count") or 0)
    series = ev.get("series")
    if series:
        last = age(series.get("lastObservedTime"), now)
        count = int(series.get("count") or 0)
    elif count == 0:
        count = 1
    return last, first, count


def event_source(ev: dict) -> str:
    src = ev.get("source") or {}
    component = src.get("component") or ev.get("reportingComponent") or ""
    host = src.get("host") or ev.get("reportingInstance") or ""
    return f"{component}, {host}" if host else component


def event_row(ev: dict, now: float, wide: bool) -> Row:
    last, first, count = event_times(ev, now)
    inv = ev.get("involvedObject") or {}
    kind = (inv.get("kind") or "").lower()
    target = f"{kind}/{inv['name']}" if inv.get("name") else kind
    message = (ev.get("message") or "").strip()
    if wide:
        return [last, ev.get("type", ""), ev.get("reason", ""), target,
                inv.get("fieldPath", ""), event_source(ev), message, first, str(count),
                ev["metadata"]["name"]]
    return [last, ev.get("type", ""), ev.get("reason", ""), target, message]


def configmap_row(cm: dict, now: float, wide: bool) -> Row:
    n = len(cm.get("data") or {}) + len(cm.get("binaryData") or {})
    return [cm["metadata"]["name"], str(n), _created(cm, now)]


def secret_row(obj: dict, now: float, wide: bool) -> Row:
    return [obj["metadata"]["name"], obj.get("type", ""), str(len(obj.get("data") or {})),
            _created(obj, now)]


def serviceaccount_row(sa: dict, now: float, wide: bool) -> Row:
    return [sa["metadata"]["name"], str(len(sa.get("secrets") or [])), _created(sa, now)]


# ---- storage ----------------------------------------------------------------------------


def access_modes(modes: list[str] | None) -> str:
    """helper.GetAccessModesAsString."""
    modes = modes or []
    short = [("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"),
             ("ReadWriteOncePod", "RWOP")]
    return ",".join(s for full, s in short if full in modes)


def _storage_class_of(obj: dict) -> str:
    ann = obj["metadata"].get("annotations") or {}
    if "volume.beta.kubernetes.io/storage-class" in ann:
        return ann["volume.beta.kubernetes.io/storage-class"]
    return get_path(obj, "spec", "storageClassName", default="")


def pvc_row(pvc: dict, now: float, wide: bool) -> Row:
    spec, status = pvc.get("spec", {}), pvc.get("status", {})
    phase = "Terminating" if pvc["metadata"].get("deletionTimestamp") else status.get("phase", "")
    capacity, modes = "", ""
    if spec.get("volumeName"):
        modes = access_modes(status.get("accessModes"))
        capacity = get_path(status, "capacity", "storage", default="")
    row = [pvc["metadata"]["name"], phase, spec.get("volumeName", ""), capacity, modes,
           _storage_class_of(pvc), spec.get("volumeAttributesClassName") or "<unset>",
           _created(pvc, now)]
    if wide:
        row.append(spec.get("volumeMode") or "<unset>")
    return row


def pv_row(pv: dict, now: float, wide: bool) -> Row:
    spec, status = pv.get("spec", {}), pv.get("status", {})
    claim = ""
    if spec.get("claimRef"):
        claim = f"{spec['claimRef'].get('namespace', '')}/{spec['claimRef'].get('name', '')}"
    phase = "Terminating" if pv["metadata"].get("deletionTimestamp") else status.get("phase", "")
    row = [pv["metadata"]["name"], get_path(spec, "capacity", "storage", default="0"),
           access_modes(spec.get("accessModes")), spec.get("persistentVolumeReclaimPolicy", ""),
           phase, claim, _storage_class_of(pv),
           spec.get("volumeAttributesClassName") or "<unset>", status.get("reason", ""),
           _created(pv, now)]
    if wide:
        row.append(spec.get("volumeMode") or "<unset>")
    return row


def storageclass_row(sc: dict, now: float, wide: bool) -> Row:
    ann = sc["metadata"].get("annotations") or {}
    default = "true" in (ann.get("storageclass.kubernetes.io/is-default-class"),
                         ann.get("storageclass.beta.kubernetes.io/is-default-class"))
    name = sc["metadata"]["name"] + (" (default)" if default else "")
    expansion = "true" if sc.get("allowVolumeExpansion") else "false"
    return [name, sc.get("provisioner", ""), sc.get("reclaimPolicy") or "Delete",
            sc.get("volumeBindingMode") or "Immediate", expansion, _created(sc, now)]




# ---- networking.k8s.io / coordination.k8s.io -------------------------------------------------


def ipaddress_row(obj: dict, now: float, wide: bool) -> Row:
    """printIPAddress: `<resource>[.<group>][/<namespace>]/<name>` of the parentRef. The row
    also carries an age, but the table defines only two columns, so kubectl prints two."""
    ref = get_path(obj, "spec", "parentRef")
    parent = "<none>"
    if ref:
        gr = ref.get("resource", "") + (f".{ref['group']}" if ref.get("group") else "")
        parent = gr.lower() + (f"/{ref['namespace']}" if ref.get("namespace") else "")
        parent += "/" + ref.get("name", "")
    return [obj["metadata"]["name"], parent]


def servicecidr_row(obj: dict, now: float, wide: bool) -> Row:
    return [obj["metadata"]["name"], ",".join(get_path(obj, "spec", "cidrs", default=[]) or []),
            _created(obj, now)]


def lease_row(obj: dict, now: float, wide: bool) -> Row:
    return [obj["metadata"]["name"], get_path(obj, "spec", "holderIdentity", default="") or "",
            _created(obj, now)]
