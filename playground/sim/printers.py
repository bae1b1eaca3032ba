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
from .describe_quota import COLUMNS as QUOTA_COLUMNS
from .labels import format_selector
from .objects import controller_ref, get_path, parse_time
from .printers_cluster import (
    access_modes,
    configmap_row,
    event_row,
    event_source,
    event_times,
    ipaddress_row,
    lease_row,
    namespace_row,
    node_roles,
    node_row,
    node_status,
    pv_row,
    pvc_row,
    secret_row,
    serviceaccount_row,
    servicecidr_row,
    storageclass_row,
)
from .printers_util import age, format_labels
from .printers_util import containers as _containers
from .printers_util import created as _created

Row = list[str]
Printer = Callable[[dict, float, bool], Row]

# tabwriter.NewWriter(out, 6, 4, 3, ' ', 0) in kubectl's printers.GetNewTabWriter
MIN_WIDTH = 6
PADDING = 3


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
             node_row),
    "Namespace": (["NAME", "STATUS", "AGE"], [], namespace_row),
    "Event": (["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"], [], event_row),
    "ConfigMap": (["NAME", "DATA", "AGE"], [], configmap_row),
    "Secret": (["NAME", "TYPE", "DATA", "AGE"], [], secret_row),
    "ServiceAccount": (["NAME", "SECRETS", "AGE"], [], serviceaccount_row),
    "PersistentVolumeClaim": (["NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS MODES",
                               "STORAGECLASS", "VOLUMEATTRIBUTESCLASS", "AGE"],
                              ["VOLUMEMODE"], pvc_row),
    "PersistentVolume": (["NAME", "CAPACITY", "ACCESS MODES", "RECLAIM POLICY", "STATUS",
                          "CLAIM", "STORAGECLASS", "VOLUMEATTRIBUTESCLASS", "REASON", "AGE"],
                         ["VOLUMEMODE"], pv_row),
    "StorageClass": (["NAME", "PROVISIONER", "RECLAIMPOLICY", "VOLUMEBINDINGMODE",
                      "ALLOWVOLUMEEXPANSION", "AGE"], [], storageclass_row),
    "IPAddress": (["NAME", "PARENTREF"], [], ipaddress_row),
    "ServiceCIDR": (["NAME", "CIDRS", "AGE"], [], servicecidr_row),
    "Lease": (["NAME", "HOLDER", "AGE"], [], lease_row),
    **QUOTA_COLUMNS,
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


__all__ = ["COLUMNS", "access_modes", "age", "event_source", "event_times", "format_labels",
           "headers", "node_roles", "node_status", "pod_status", "render", "table"]
