"""The pvc-protection and pv-protection controllers.

Models pkg/controller/volume/pvcprotection (the `kubernetes.io/pvc-protection` finalizer of a
deleted claim is removed once no scheduled, non-terminated pod uses the claim) and
pkg/controller/volume/pvprotection (the `kubernetes.io/pv-protection` finalizer of a deleted
volume is removed once it is no longer Bound).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import ApiError
from ..kinds.storage import PV_PROTECTION, PVC_PROTECTION
from ..objects import clone, get_path
from .base import Controller
from .idle import IdleMarker

if TYPE_CHECKING:
    from ..cluster import Cluster


class ProtectionController(Controller):
    """pvc-protection-controller and pv-protection-controller: drop the finalizer when unused."""

    name = "pvc-protection-controller"

    def reconcile(self, cluster: Cluster) -> None:
        idle = IdleMarker(cluster, self.name, timed=False)
        if idle.unchanged():
            return
        self._reconcile(cluster)
        idle.done()

    def _reconcile(self, cluster: Cluster) -> None:
        deleting = [c for c in cluster.store.list("PersistentVolumeClaim")
                    if c["metadata"].get("deletionTimestamp")
                    and PVC_PROTECTION in (c["metadata"].get("finalizers") or [])]
        if deleting:
            used = claims_in_use(cluster)
            for claim in deleting:
                key = (claim["metadata"]["namespace"], claim["metadata"]["name"])
                if key not in used:
                    _drop_finalizer(cluster, claim, PVC_PROTECTION, self.name)
        for pv in cluster.store.list("PersistentVolume"):
            if (pv["metadata"].get("deletionTimestamp")
                    and PV_PROTECTION in (pv["metadata"].get("finalizers") or [])
                    and get_path(pv, "status", "phase") != "Bound"):
                _drop_finalizer(cluster, pv, PV_PROTECTION, "pv-protection-controller")


def claims_in_use(cluster: Cluster) -> set[tuple[str, str]]:
    """(namespace, claim) of every scheduled, not terminated pod's PVC volumes."""
    used = set()
    for pod in cluster.store.list("Pod"):
        if not get_path(pod, "spec", "nodeName"):
            continue
        if get_path(pod, "status", "phase") in ("Succeeded", "Failed"):
            continue
        for volume in get_path(pod, "spec", "volumes", default=[]) or []:
            name = get_path(volume, "persistentVolumeClaim", "claimName")
            if name:
                used.add((pod["metadata"]["namespace"], name))
    return used


def _drop_finalizer(cluster: Cluster, obj: dict, finalizer: str, actor: str) -> None:
    updated = clone(obj)
    updated["metadata"]["finalizers"] = [f for f in obj["metadata"]["finalizers"]
                                         if f != finalizer]
    if not updated["metadata"]["finalizers"]:
        del updated["metadata"]["finalizers"]
    try:
        cluster.api.update(updated, actor=actor)
    except ApiError:
        return
    cluster.record(actor, obj, f"{obj['kind']} {obj['metadata']['name']} is no longer in use: "
                   f"removed the {finalizer} finalizer so its deletion can finish")

