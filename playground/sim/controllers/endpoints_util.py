"""What the Endpoints and EndpointSlice controllers share: which pods back a Service.

Models k8s.io/endpointslice/util/controller_utils.go (ShouldPodBeInEndpoints,
ShouldSetHostname), k8s.io/kubectl/pkg/util/podutils (IsPodReady) and
pkg/api/v1/pod.FindPort (named targetPorts resolve per pod).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..objects import get_path
from .pod_subsets import PodSubsets

if TYPE_CHECKING:
    from ..cluster import Cluster

LAST_CHANGE = "endpoints.kubernetes.io/last-change-trigger-time"
HEADLESS_LABEL = "service.kubernetes.io/headless"


def _label_tags(pod: dict) -> list[tuple[str, str, str]]:
    ns = pod["metadata"].get("namespace", "")
    return [(ns, *item) for item in (pod["metadata"].get("labels") or {}).items()]


def pods_by_label(cluster: Cluster) -> PodSubsets:
    """Pods by (namespace, label key, value), kept from the store's change log (pod_subsets); a
    derived index, never the truth. `net.pods_version` moves whenever any pod changed."""
    index = PodSubsets.of(cluster, "net.pods-by-label", _label_tags)
    stamp = (index, index.serial)
    if cluster.cache.get("net.pods_seen") != stamp:
        cluster.cache["net.pods_seen"] = stamp
        cluster.cache["net.pods_version"] = cluster.cache.get("net.pods_version", 0) + 1
    return index


def quick_key(cluster: Cluster, svc: dict, *extra) -> tuple:
    """Cheap stand-in for `fingerprint` while no pod changed: the Service's version, the
    pod index's version and whatever else the caller depends on."""
    pods_by_label(cluster)
    return (svc["metadata"]["resourceVersion"], cluster.cache["net.pods_version"], extra)


def selected_pods(cluster: Cluster, svc: dict) -> list[dict]:
    """Pods in the Service's namespace whose labels match its (equality) selector, in the
    store's order (callers sort what they publish)."""
    selector = svc["spec"].get("selector") or {}
    ns = svc["metadata"]["namespace"]
    if not selector:
        return []  # an empty selector selects nothing (labels.SelectorFromSet of {} is special)
    index = pods_by_label(cluster)
    items = iter(selector.items())
    key, value = next(items)
    candidates = index.members((ns, key, value))
    rest = list(items)
    if not rest:
        return candidates
    return [p for p in candidates
            if all((p["metadata"].get("labels") or {}).get(k) == v for k, v in rest)]


def manages(svc: dict) -> bool:
    """Both controllers skip selector-less and ExternalName Services."""
    spec = svc.get("spec") or {}
    # an empty selector does not survive the API server's storage: it is selector-less
    return bool(spec.get("selector")) and spec.get("type") != "ExternalName"


def should_pod_be_in_endpoints(pod: dict, include_terminating: bool) -> bool:
    phase = get_path(pod, "status", "phase")
    if phase in ("Succeeded", "Failed"):
        return False
    if not get_path(pod, "status", "podIP"):
        return False
    return include_terminating or not pod["metadata"].get("deletionTimestamp")


def is_pod_ready(pod: dict) -> bool:
    for cond in get_path(pod, "status", "conditions", default=[]):
        if cond.get("type") == "Ready":
            return cond.get("status") == "True"
    return False


def should_set_hostname(pod: dict, svc: dict) -> bool:
    spec = pod.get("spec") or {}
    return bool(spec.get("hostname")) and spec.get("subdomain") == svc["metadata"]["name"] and (
        pod["metadata"].get("namespace") == svc["metadata"].get("namespace"))


def find_port(pod: dict, service_port: dict) -> int | None:
    """podutil.FindPort: a numeric targetPort as is; a name looked up in the pod's
    container ports with the same protocol (None: this pod does not have it)."""
    target = service_port.get("targetPort")
    if isinstance(target, int):
        return target
    if isinstance(target, str) and target.isdigit():
        return int(target)
    protocol = service_port.get("protocol", "TCP")
    for container in get_path(pod, "spec", "containers", default=[]):
        for port in container.get("ports") or ():
            if port.get("name") == target and port.get("protocol", "TCP") == protocol:
                return port.get("containerPort")
    return None


def target_ref(pod: dict) -> dict:
    meta = pod["metadata"]
    return {"kind": "Pod", "name": meta["name"], "namespace": meta["namespace"],
            "uid": meta["uid"]}


def service_labels(svc: dict, extra: dict[str, str]) -> dict[str, str]:
    labels = dict(svc["metadata"].get("labels") or {})
    if svc["spec"].get("clusterIP") == "None":
        labels[HEADLESS_LABEL] = ""
    else:
        labels.pop(HEADLESS_LABEL, None)
    labels.update(extra)
    return labels


def fingerprint(svc: dict, pods: list[dict], extra: tuple = ()) -> tuple:
    """What a Service's endpoints depend on: skip recomputing when nothing moved."""
    return (svc["metadata"]["resourceVersion"],
            tuple(p["metadata"]["resourceVersion"] for p in pods), extra)


NETWORK_KINDS = frozenset({"Pod", "Service", "Node", "Endpoints", "EndpointSlice", "Namespace"})
POD_KIND = frozenset({"Pod"})


def nothing_changed(cluster: Cluster, key: str, kinds: frozenset[str] = NETWORK_KINDS,
                    namespaces: frozenset[str] | None = None) -> bool:
    """True when no object of `kinds` (in `namespaces`, "" for cluster-scoped ones, when given)
    was written since this controller's last full pass (read from the store's change log).
    A log that was replaced, cleared or rewritten since (the Django store clears it in place
    after saving) means "changed": the entry the mark points at must still be the same object."""
    changes = cluster.store.changes
    mark = cluster.cache.get(key)
    if not mark or mark[0] is not changes or mark[1] > len(changes):
        return False
    if mark[1] and changes[mark[1] - 1] is not mark[2]:
        return False
    if len(mark) > 3 and len(changes) - mark[1] != int(
            cluster.store.meta["resourceVersion"]) - mark[3]:
        return False  # cleared in place while the mark sat at its start (see change_cursor)
    for i in range(mark[1], len(changes)):
        change = changes[i]
        if change.kind in kinds and (namespaces is None or change.namespace in namespaces):
            return False
    # nothing relevant up to here: move the mark so the next check starts from the end
    # (otherwise each check rescans every change since the last full pass: quadratic)
    mark_pass(cluster, key)
    return True


def mark_pass(cluster: Cluster, key: str) -> None:
    changes = cluster.store.changes
    cluster.cache[key] = (changes, len(changes), changes[-1] if changes else None,
                          int(cluster.store.meta["resourceVersion"]))
