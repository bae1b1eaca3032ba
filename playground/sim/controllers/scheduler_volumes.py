"""The scheduler's VolumeBinding plugin, reduced to what PVC-backed pods need.

Models pkg/scheduler/framework/plugins/volumebinding (binder.go, volume_binding.go):
PreFilter fails the whole cycle for a missing or deleting claim and for an unbound claim
whose StorageClass binds Immediately ("pod has unbound immediate PersistentVolumeClaims");
Filter rejects nodes outside a bound PersistentVolume's node affinity; PreBind of a claim
whose class is WaitForFirstConsumer annotates it with `volume.kubernetes.io/selected-node`
and waits until the PV controller has provisioned and bound it (the pod stays Pending,
unbound, meanwhile).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..objects import clone, get_path

if TYPE_CHECKING:
    from ..cluster import Cluster

SELECTED_NODE = "volume.kubernetes.io/selected-node"
ERR_UNBOUND_IMMEDIATE = "pod has unbound immediate PersistentVolumeClaims"
ERR_NODE_CONFLICT = "node(s) had volume node affinity conflict"


def claim_names(pod: dict) -> list[str]:
    return [v["persistentVolumeClaim"]["claimName"]
            for v in get_path(pod, "spec", "volumes", default=[]) or []
            if (v.get("persistentVolumeClaim") or {}).get("claimName")]


def _claims(cluster: Cluster, pod: dict) -> list[tuple[str, dict | None]]:
    ns = pod["metadata"].get("namespace", "default")
    return [(n, cluster.store.get("PersistentVolumeClaim", ns, n)) for n in claim_names(pod)]


def _bound(claim: dict) -> bool:
    return bool(get_path(claim, "spec", "volumeName")) and get_path(
        claim, "status", "phase") == "Bound"


def _binding_mode(cluster: Cluster, claim: dict) -> str:
    cls = get_path(claim, "spec", "storageClassName")
    sc = cluster.store.get("StorageClass", "", cls) if cls else None
    return (sc or {}).get("volumeBindingMode") or "Immediate"


def pre_filter(cluster: Cluster, pod: dict) -> str | None:
    for name, claim in _claims(cluster, pod):
        if claim is None:
            return f'persistentvolumeclaim "{name}" not found'
        if claim["metadata"].get("deletionTimestamp"):
            return f'persistentvolumeclaim "{name}" is being deleted'
    for _, claim in _claims(cluster, pod):
        if not _bound(claim) and _binding_mode(cluster, claim) != "WaitForFirstConsumer":
            return ERR_UNBOUND_IMMEDIATE
    return None


def filter_node(cluster: Cluster, pod: dict, node: dict) -> str | None:
    from .scheduler import node_selector_term_matches

    name = node["metadata"]["name"]
    for _, claim in _claims(cluster, pod):
        if claim is None:
            continue
        if not _bound(claim):
            selected = (claim["metadata"].get("annotations") or {}).get(SELECTED_NODE)
            if selected and selected != name:
                return ERR_NODE_CONFLICT
            continue
        pv = cluster.store.get("PersistentVolume", "", claim["spec"]["volumeName"])
        terms = get_path(pv or {}, "spec", "nodeAffinity", "required", "nodeSelectorTerms")
        if terms and not any(node_selector_term_matches(t, node) for t in terms):
            return ERR_NODE_CONFLICT
    return None


def ready_to_bind(cluster: Cluster, pod: dict, node_name: str, *, actor: str) -> bool:
    """PreBind: every claim bound; WaitForFirstConsumer claims get the selected node."""
    ready = True
    for _, claim in _claims(cluster, pod):
        if claim is None or _bound(claim):
            continue
        ready = False
        annotations = claim["metadata"].get("annotations") or {}
        if annotations.get(SELECTED_NODE) != node_name:
            updated = clone(claim)
            updated["metadata"].setdefault("annotations", {})[SELECTED_NODE] = node_name
            cluster.api.update(updated, actor=actor)
    return ready
