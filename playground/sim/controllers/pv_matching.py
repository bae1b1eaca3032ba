"""Which PersistentVolume a claim may bind to.

Models FindMatchingVolume (k8s.io/component-helpers/storage/volume/pv_helpers.go): the smallest
Available volume with the claim's class, enough capacity, a superset of its access modes, the
same volume mode, matching labels for a claim selector and, for delayed binding, node affinity
that admits the selected node; a volume pre-bound to the claim wins outright.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..kinds.storage import parse_quantity
from ..labels import selector_matches
from ..objects import get_path

if TYPE_CHECKING:
    from ..cluster import Cluster


def claim_ref_allows(pv: dict, claim: dict) -> bool:
    ref = get_path(pv, "spec", "claimRef") or {}
    if not ref:
        return True
    meta = claim["metadata"]
    return (ref.get("name") == meta["name"] and ref.get("namespace") == meta["namespace"]
            and ref.get("uid") in (None, "", meta["uid"]))


def find_matching_volume(cluster: Cluster, claim: dict, node: str | None,
                         volumes: list[dict] | None = None) -> dict | None:
    """FindMatchingVolume: the smallest Available PV that satisfies the claim."""
    spec = claim["spec"]
    want = parse_quantity(get_path(spec, "resources", "requests", "storage")) or 0
    modes = set(spec.get("accessModes") or [])
    cls = spec.get("storageClassName") or ""
    best, best_size = None, None
    for pv in cluster.store.list("PersistentVolume") if volumes is None else volumes:
        pspec = pv.get("spec") or {}
        if pv["metadata"].get("deletionTimestamp") or not claim_ref_allows(pv, claim):
            continue
        if get_path(pv, "status", "phase") not in ("Available", "Pending", None):
            continue
        size = parse_quantity(get_path(pspec, "capacity", "storage")) or 0
        if (pspec.get("storageClassName") or "") != cls or size < want:
            continue
        if not modes <= set(pspec.get("accessModes") or []):
            continue
        if pspec.get("volumeMode", "Filesystem") != spec.get("volumeMode", "Filesystem"):
            continue
        if spec.get("selector") and not selector_matches(spec["selector"],
                                                         pv["metadata"].get("labels") or {}):
            continue
        if node and not _pv_fits_node(cluster, pv, node):
            continue
        if pspec.get("claimRef"):  # pre-bound to this claim: always wins
            return pv
        if best_size is None or size < best_size:
            best, best_size = pv, size
    return best


def _pv_fits_node(cluster: Cluster, pv: dict, node_name: str) -> bool:
    terms = get_path(pv, "spec", "nodeAffinity", "required", "nodeSelectorTerms")
    if not terms:
        return True
    node = cluster.store.get("Node", "", node_name)
    labels = get_path(node or {}, "metadata", "labels", default={}) or {}
    for term in terms:
        exprs = term.get("matchExpressions") or []
        if all(_expr_matches(e, labels) for e in exprs):
            return True
    return False


def _expr_matches(expr: dict, labels: dict) -> bool:
    op, key, values = expr.get("operator"), expr.get("key"), expr.get("values") or []
    if op == "In":
        return labels.get(key) in values
    if op == "NotIn":
        return labels.get(key) not in values
    if op == "Exists":
        return key in labels
    if op == "DoesNotExist":
        return key not in labels
    return False
