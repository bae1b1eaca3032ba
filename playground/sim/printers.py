"""kubectl's table columns for every kind the playground serves.

Models the API server's Table printers (kubernetes/kubernetes
pkg/printers/internalversion/printers.go, v1.33: printPod, printNode, printEvent,
printService, ...) that `kubectl get` renders, and kubectl's tab writer
(k8s.io/cli-runtime/pkg/printers/tabwriter.go: minwidth 6, padding 3, spaces).
`table()` returns header names (upper-case, as kubectl prints them) and string cells;
`render()` lays them out. The same `table()` can back a REST Table API later.
Simplified: no server-side column priority metadata, ages are computed from the
simulated clock (`now`) instead of the wall clock.
"""

from __future__ import annotations

from collections.abc import Callable

from .clock import human_duration
from .labels import format_selector
from .objects import controller_ref, get_path, parse_time

Row = list[str]
Printer = Callable[[dict, float, bool], Row]

# tabwriter.NewWriter(out, 6, 4, 3, ' ', 0) in kubectl's printers.GetNewTabWriter
MIN_WIDTH = 6
PADDING = 3


def age(timestamp: str | None, now: float) -> str:
    """translateTimestampSince: `<unknown>` for a zero time."""
    if not timestamp:
        return "<unknown>"
    return human_duration(now - parse_time(timestamp))


def _created(obj: dict, now: float) -> str:
    return age(obj["metadata"].get("creationTimestamp"), now)


def format_labels(labels: dict | None) -> str:
    """labels.FormatLabels: sorted `k=v` pairs joined by commas, `<none>` when empty."""
    if not labels:
        return "<none>"
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items()))


def _containers(template_spec: dict | None) -> tuple[str, str]:
    """layoutContainerCells: names and images joined by commas."""
    containers = (template_spec or {}).get("containers") or []
    return (",".join(c.get("name", "") for c in containers),
            ",".join(c.get("image", "") for c in containers))


# ---- Pod -------------------------------------------------------------------------------


def _restartable(container: dict | None) -> bool:
    return bool(container) and container.get("restartPolicy") == "Always"


def _later(current: float | None, terminated: dict | None) -> float | None:
    finished = (terminated or {}).get("finishedAt")
    if not finished:
        return current
    t = parse_time(finished)
    return t if current is None or t > current else current


def _init_status(pod: dict, reason: str) -> tuple[str, bool, int, int, float | None,
                                                   int, float | None]:
    """The init-container half of printPod."""
    spec_inits = pod.get("spec", {}).get("initContainers") or []
    inits = {c.get("name"): c for c in spec_inits}
    restarts, sidecar_restarts, ready = 0, 0, 0
    last, sidecar_last = None, None
    initializing = False
    statuses = get_path(pod, "status", "initContainerStatuses", default=[])
    for i, cs in enumerate(statuses):
        restarts += int(cs.get("restartCount", 0))
        last_term = get_path(cs, "lastState", "terminated")
        last = _later(last, last_term)
        sidecar = _restartable(inits.get(cs.get("name")))
        if sidecar:
            sidecar_restarts += int(cs.get("restartCount", 0))
            sidecar_last = _later(sidecar_last, last_term)
        state = cs.get("state") or {}
        term, waiting = state.get("terminated"), state.get("waiting")
        if term is not None and int(term.get("exitCode", 0)) == 0:
            continue
        if sidecar and cs.get("started"):
            ready += 1 if cs.get("ready") else 0
            continue
        if term is not None:
            if term.get("reason"):
                reason = "Init:" + term["reason"]
            elif term.get("signal"):
                reason = f"Init:Signal:{term['signal']}"
            else:
                reason = f"Init:ExitCode:{term.get('exitCode', 0)}"
        elif waiting and waiting.get("reason") and waiting["reason"] != "PodInitializing":
            reason = "Init:" + waiting["reason"]
        else:
            reason = f"Init:{i}/{len(spec_inits)}"
        initializing = True
        break
    return reason, initializing, restarts, ready, last, sidecar_restarts, sidecar_last


def _condition_true(obj: dict, type_: str) -> bool:
    return any(c.get("type") == type_ and c.get("status") == "True"
               for c in get_path(obj, "status", "conditions", default=[]))


def pod_status(pod: dict, now: float) -> tuple[str, str, str]:
    """printPod's READY, STATUS and RESTARTS cells."""
    spec, status = pod.get("spec", {}), pod.get("status", {})
    total = len(spec.get("containers") or [])
    total += sum(1 for c in spec.get("initContainers") or [] if _restartable(c))
    phase = status.get("phase", "")
    reason = status.get("reason") or phase
    for cond in status.get("conditions") or []:
        if cond.get("type") == "PodScheduled" and cond.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"
    reason, initializing, restarts, ready, last, s_restarts, s_last = _init_status(pod, reason)
    if not initializing or _condition_true(pod, "Initialized"):
        restarts, last = s_restarts, s_last
        has_running = False
        for cs in reversed(status.get("containerStatuses") or []):
            restarts += int(cs.get("restartCount", 0))
            last = _later(last, get_path(cs, "lastState", "terminated"))
            state = cs.get("state") or {}
            waiting, term = state.get("waiting"), state.get("terminated")
            if waiting is not None and waiting.get("reason"):
                reason = waiting["reason"]
            elif term is not None and term.get("reason"):
                reason = term["reason"]
            elif term is not None:
                reason = (f"Signal:{term['signal']}" if term.get("signal")
                          else f"ExitCode:{term.get('exitCode', 0)}")
            elif cs.get("ready") and state.get("running") is not None:
                has_running = True
                ready += 1
        if reason == "Completed" and has_running:
            reason = "Running" if _condition_true(pod, "Ready") else "NotReady"
    if pod["metadata"].get("deletionTimestamp"):
        if status.get("reason") == "NodeLost":
            reason = "Unknown"
        elif phase not in ("Succeeded", "Failed"):
            reason = "Terminating"
    restarts_cell = str(restarts)
    if restarts and last is not None:
        restarts_cell = f"{restarts} ({human_duration(now - last)} ago)"
    return f"{ready}/{total}", reason, restarts_cell


def _pod(pod: dict, now: float, wide: bool) -> Row:
    ready, reason, restarts = pod_status(pod, now)
    row = [pod["metadata"]["name"], ready, reason, restarts, _created(pod, now)]
    if wide:
        status, spec = pod.get("status", {}), pod.get("spec", {})
        ips = status.get("podIPs") or []
        ip = ips[0].get("ip", "") if ips else status.get("podIP", "")
        gates = spec.get("readinessGates") or []
        gates_cell = "<none>"
        if gates:
            conds = {c.get("type"): c.get("status") for c in status.get("conditions") or []}
            true = sum(1 for g in gates if conds.get(g.get("conditionType")) == "True")
            gates_cell = f"{true}/{len(gates)}"
        row += [ip or "<none>", spec.get("nodeName") or "<none>",
                status.get("nominatedNodeName") or "<none>", gates_cell]
    return row


# ---- workloads ---------------------------------------------------------------------------


def _deployment(obj: dict, now: float, wide: bool) -> Row:
    spec, status = obj.get("spec", {}), obj.get("status", {})
    row = [obj["metadata"]["name"],
           f"{status.get('readyReplicas', 0)}/{spec.get('replicas', 0)}",
           str(status.get("updatedReplicas", 0)), str(status.get("availableReplicas", 0)),
           _created(obj, now)]
    if wide:
        row += [*_containers(get_path(spec, "template", "spec")),
                _selector_string(spec.get("selector"))]
    return row


def _selector_string(selector: dict | None) -> str:
    """labels.Selector.String(): `<none>` is never printed here, an empty selector is ''."""
    text = format_selector(selector)
    return "" if text == "<none>" else text


def _replicaset(obj: dict, now: float, wide: bool) -> Row:
    spec, status = obj.get("spec", {}), obj.get("status", {})
    row = [obj["metadata"]["name"], str(spec.get("replicas", 0)),
           str(status.get("replicas", 0)), str(status.get("readyReplicas", 0)),
           _created(obj, now)]
    if wide:
        row += [*_containers(get_path(spec, "template", "spec")),
                format_selector(spec.get("selector"))]
    return row


def _statefulset(obj: dict, now: float, wide: bool) -> Row:
    spec, status = obj.get("spec", {}), obj.get("status", {})
    row = [obj["metadata"]["name"],
           f"{status.get('readyReplicas', 0)}/{spec.get('replicas', 0)}", _created(obj, now)]
    if wide:
        row += list(_containers(get_path(spec, "template", "spec")))
    return row


def _daemonset(obj: dict, now: float, wide: bool) -> Row:
    spec, status = obj.get("spec", {}), obj.get("status", {})
    row = [obj["metadata"]["name"]] + [
        str(status.get(k, 0)) for k in ("desiredNumberScheduled", "currentNumberScheduled",
                                        "numberReady", "updatedNumberScheduled",
                                        "numberAvailable")
    ] + [format_labels(get_path(spec, "template", "spec", "nodeSelector")), _created(obj, now)]
    if wide:
        row += [*_containers(get_path(spec, "template", "spec")),
                format_selector(spec.get("selector"))]
    return row


def _controllerrevision(obj: dict, now: float, wide: bool) -> Row:
    ref = controller_ref(obj)
    controller = "<none>"
    if ref:
        group = ref.get("apiVersion", "").rpartition("/")[0]
        kind = ref.get("kind", "").lower() + (f".{group}" if group else "")
        controller = f"{kind}/{ref.get('name', '')}"
    return [obj["metadata"]["name"], controller, str(obj.get("revision", 0)), _created(obj, now)]


# ---- networking ------------------------------------------------------------------------


def _service_external_ip(svc: dict, wide: bool) -> str:
    spec = svc.get("spec", {})
    svc_type = spec.get("type", "ClusterIP")
    external = spec.get("externalIPs") or []
    if svc_type in ("ClusterIP", "NodePort"):
        return ",".join(external) if external else "<none>"
    if svc_type == "LoadBalancer":
        ingress = get_path(svc, "status", "loadBalancer", "ingress", default=[])
        ips = sorted({i.get("ip") or i.get("hostname") for i in ingress
                      if i.get("ip") or i.get("hostname")})
        lb = ",".join(ips)
        if not wide and len(lb) > 16:
            lb = lb[:13] + "..."
        if external:
            return ",".join((lb.split(",") if lb else []) + external)
        return lb or "<pending>"
    if svc_type == "ExternalName":
        return spec.get("externalName", "")
    return "<unknown>"


def _ports(ports: list[dict]) -> str:
    pieces = []
    for p in ports:
        proto = p.get("protocol", "TCP")
        if p.get("nodePort"):
            pieces.append(f"{p.get('port')}:{p['nodePort']}/{proto}")
        else:
            pieces.append(f"{p.get('port')}/{proto}")
    return ",".join(pieces)


def _service(svc: dict, now: float, wide: bool) -> Row:
    spec = svc.get("spec", {})
    ips = spec.get("clusterIPs") or ([spec["clusterIP"]] if spec.get("clusterIP") else [])
    row = [svc["metadata"]["name"], spec.get("type", "ClusterIP"), ips[0] if ips else "<none>",
           _service_external_ip(svc, wide), _ports(spec.get("ports") or []) or "<none>",
           _created(svc, now)]
    if wide:
        row.append(format_labels(spec.get("selector")))
    return row


def format_endpoints(ep: dict) -> str:
    """formatEndpoints: the first three ip:port pairs, then `+ N more...`."""
    subsets = ep.get("subsets") or []
    if not subsets:
        return "<none>"
    shown: list[str] = []
    count, more, limit = 0, False, 3
    for ss in subsets:
        addresses = ss.get("addresses") or []
        targets = ([None] if not ss.get("ports") else [p.get("port") for p in ss["ports"]])
        for port in targets:
            count += len(addresses)
            for addr in addresses:
                if len(shown) == limit:
                    more = True
                    break
                shown.append(addr.get("ip", "") if port is None else f"{addr.get('ip')}:{port}")
    text = ",".join(shown)
    return f"{text} + {count - limit} more..." if more else text


def _endpoints(ep: dict, now: float, wide: bool) -> Row:
    return [ep["metadata"]["name"], format_endpoints(ep), _created(ep, now)]


def _list_with_more(items: list[str], limit: int = 3) -> str:
    """listWithMoreString: `<unset>` when empty."""
    if len(items) > limit:
        return ",".join(items[:limit]) + f" + {len(items) - limit} more..."
    return ",".join(items) or "<unset>"


def _endpointslice(obj: dict, now: float, wide: bool) -> Row:
    ports = []
    for p in obj.get("ports") or []:
        if p.get("port") is not None:
            ports.append(str(p["port"]))
        else:
            ports.append(p.get("name") if p.get("name") is not None else "*")
    addresses = [a for e in obj.get("endpoints") or [] for a in e.get("addresses") or []]
    return [obj["metadata"]["name"], obj.get("addressType", ""), _list_with_more(ports),
            _list_with_more(addresses), _created(obj, now)]


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


def _node(node: dict, now: float, wide: bool) -> Row:
    info = get_path(node, "status", "nodeInfo", default={})
    row = [node["metadata"]["name"], node_status(node), node_roles(node), _created(node, now),
           info.get("kubeletVersion", "")]
    if wide:
        row += [_node_address(node, "InternalIP"), _node_address(node, "ExternalIP"),
                info.get("osImage") or "<unknown>", info.get("kernelVersion") or "<unknown>",
                info.get("containerRuntimeVersion") or "<unknown>"]
    return row


def _namespace(ns: dict, now: float, wide: bool) -> Row:
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


def _event(ev: dict, now: float, wide: bool) -> Row:
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


def _configmap(cm: dict, now: float, wide: bool) -> Row:
    n = len(cm.get("data") or {}) + len(cm.get("binaryData") or {})
    return [cm["metadata"]["name"], str(n), _created(cm, now)]


def _secret(obj: dict, now: float, wide: bool) -> Row:
    return [obj["metadata"]["name"], obj.get("type", ""), str(len(obj.get("data") or {})),
            _created(obj, now)]


def _serviceaccount(sa: dict, now: float, wide: bool) -> Row:
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


def _pvc(pvc: dict, now: float, wide: bool) -> Row:
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


def _pv(pv: dict, now: float, wide: bool) -> Row:
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


def _storageclass(sc: dict, now: float, wide: bool) -> Row:
    ann = sc["metadata"].get("annotations") or {}
    default = "true" in (ann.get("storageclass.kubernetes.io/is-default-class"),
                         ann.get("storageclass.beta.kubernetes.io/is-default-class"))
    name = sc["metadata"]["name"] + (" (default)" if default else "")
    expansion = "true" if sc.get("allowVolumeExpansion") else "false"
    return [name, sc.get("provisioner", ""), sc.get("reclaimPolicy") or "Delete",
            sc.get("volumeBindingMode") or "Immediate", expansion, _created(sc, now)]


def _default(obj: dict, now: float, wide: bool) -> Row:
    """The API server's default table: Name and Created At (RFC 3339)."""
    return [obj["metadata"]["name"], obj["metadata"].get("creationTimestamp", "")]


# kind -> (columns, wide-only columns, printer)
COLUMNS: dict[str, tuple[list[str], list[str], Printer]] = {
    "Pod": (["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
            ["IP", "NODE", "NOMINATED NODE", "READINESS GATES"], _pod),
    "Service": (["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"],
                ["SELECTOR"], _service),
    "Deployment": (["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
                   ["CONTAINERS", "IMAGES", "SELECTOR"], _deployment),
    "ReplicaSet": (["NAME", "DESIRED", "CURRENT", "READY", "AGE"],
                   ["CONTAINERS", "IMAGES", "SELECTOR"], _replicaset),
    "StatefulSet": (["NAME", "READY", "AGE"], ["CONTAINERS", "IMAGES"], _statefulset),
    "DaemonSet": (["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE",
                   "NODE SELECTOR", "AGE"], ["CONTAINERS", "IMAGES", "SELECTOR"], _daemonset),
    "ControllerRevision": (["NAME", "CONTROLLER", "REVISION", "AGE"], [], _controllerrevision),
    "Endpoints": (["NAME", "ENDPOINTS", "AGE"], [], _endpoints),
    "EndpointSlice": (["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"], [], _endpointslice),
    "Node": (["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
             ["INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"],
             _node),
    "Namespace": (["NAME", "STATUS", "AGE"], [], _namespace),
    "Event": (["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"], [], _event),
    "ConfigMap": (["NAME", "DATA", "AGE"], [], _configmap),
    "Secret": (["NAME", "TYPE", "DATA", "AGE"], [], _secret),
    "ServiceAccount": (["NAME", "SECRETS", "AGE"], [], _serviceaccount),
    "PersistentVolumeClaim": (["NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS MODES",
                               "STORAGECLASS", "VOLUMEATTRIBUTESCLASS", "AGE"],
                              ["VOLUMEMODE"], _pvc),
    "PersistentVolume": (["NAME", "CAPACITY", "ACCESS MODES", "RECLAIM POLICY", "STATUS",
                          "CLAIM", "STORAGECLASS", "VOLUMEATTRIBUTESCLASS", "REASON", "AGE"],
                         ["VOLUMEMODE"], _pv),
    "StorageClass": (["NAME", "PROVISIONER", "RECLAIMPOLICY", "VOLUMEBINDINGMODE",
                      "ALLOWVOLUMEEXPANSION", "AGE"], [], _storageclass),
}

EVENT_WIDE = ["LAST SEEN", "TYPE", "REASON", "OBJECT", "SUBOBJECT", "SOURCE", "MESSAGE",
              "FIRST SEEN", "COUNT", "NAME"]


def headers(kind: str, *, wide: bool = False) -> list[str]:
    if kind == "Event" and wide:
        return list(EVENT_WIDE)
    columns, wide_columns, _ = COLUMNS.get(kind, (["NAME", "CREATED AT"], [], _default))
    return columns + (wide_columns if wide else [])


def table(kind: str, objects: list[dict], *, now: float,
          wide: bool = False) -> tuple[list[str], list[list[str]]]:
    """kubectl's columns and cells for `objects` (all of one `kind`)."""
    printer = COLUMNS.get(kind, (None, None, _default))[2]
    return headers(kind, wide=wide), [printer(obj, now, wide) for obj in objects]


def render(rows: list[list[str]]) -> str:
    """Lay rows out like kubectl's tabwriter: every column but the last padded to its widest
    cell + 3 spaces (at least 6 wide); the last column is not padded."""
    if not rows:
        return ""
    ncols = max(len(r) for r in rows)
    widths = [0] * ncols
    for r in rows:
        for i, cell in enumerate(r[:-1]):
            widths[i] = max(widths[i], len(cell) + PADDING, MIN_WIDTH)
    lines = []
    for r in rows:
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(r[:-1])]
        lines.append("".join(cells) + (r[-1] if r else ""))
    return "\n".join(lines) + "\n"
