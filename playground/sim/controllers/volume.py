"""PersistentVolume binder, kind's local-path provisioner and the PV/PVC protection controllers.

Models pkg/controller/volume/persistentvolume/pv_controller.go (syncClaim/syncVolume: static
binding to the smallest matching Available PV, delayed binding for WaitForFirstConsumer classes
until the scheduler writes `volume.kubernetes.io/selected-node`, the ExternalProvisioning hand-off,
Released volumes and their reclaim policy, Lost claims), the external provisioner kind installs
(rancher/local-path-provisioner: a hostPath PV `pvc-<claim uid>` pinned to the selected node),
plus the retroactive default StorageClass assignment (GA 1.28). The PVC/PV protection
controllers live in pvprotection.py and run from this module's CONTROLLERS.

Simplified: provisioning takes PROVISION_SECONDS of simulated time (the real helper pod takes a
few seconds); its start time is kept in the store's meta (the real provisioner keeps it in
memory); Recycle makes a Released volume Available again at once; no volume expansion; events
the real controller repeats at every resync (WaitForFirstConsumer, FailedBinding) are emitted
once.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..errors import ApiError
from ..events import _find_similar
from ..kinds.storage import default_class
from ..objects import clone, get_path
from . import history
from .base import Controller
from .idle import IdleMarker
from .pv_matching import claim_ref_allows, find_matching_volume
from .pvprotection import ProtectionController

if TYPE_CHECKING:
    from ..cluster import Cluster

ACTOR = "persistentvolume-controller"
SELECTED_NODE = "volume.kubernetes.io/selected-node"
PROVISIONER_ANNOTATIONS = ("volume.beta.kubernetes.io/storage-provisioner",
                           "volume.kubernetes.io/storage-provisioner")
BIND_COMPLETED = "pv.kubernetes.io/bind-completed"
BOUND_BY_CONTROLLER = "pv.kubernetes.io/bound-by-controller"
PROVISIONED_BY = "pv.kubernetes.io/provisioned-by"
LOCAL_PATH = "rancher.io/local-path"
PROVISION_SECONDS = 2.0
META_KEY = "pvProvisioning"
NO_CLASS = "no persistent volumes available for this claim and no storage class is set"
WAIT_FIRST = "waiting for first consumer to be created before binding"


def _claim_key(claim: dict) -> str:
    return claim["metadata"]["uid"]


def provisioner_identity(sc: dict) -> str:
    """The event source of the external provisioner: `<provisioner>_<its pod>_<uuid>`, with a
    pod name shaped like kind's `local-path-provisioner-7577fdbbfb-x2k9q` derived from the
    class's uid (so it is stable without any stored state)."""
    uid = sc["metadata"]["uid"]
    rs_hash = history.hash_revision({"uid": uid}, None)
    pod = f"local-path-provisioner-{rs_hash}-{history.hash_revision({'pod': uid}, None)[-5:]}"
    return f"{sc['provisioner']}_{pod}_{uid}"


class PersistentVolumeController(Controller):
    name = ACTOR

    def reconcile(self, cluster: Cluster) -> None:
        idle = IdleMarker(cluster, self.name, timed=bool(cluster.store.meta.get(META_KEY)))
        if idle.unchanged():
            return
        self._reconcile(cluster)
        idle.done()

    def _reconcile(self, cluster: Cluster) -> None:
        pvs = cluster.store.list("PersistentVolume")
        by_claim = {}
        for pv in pvs:
            ref = pv["spec"].get("claimRef")
            if ref and ref.get("uid"):
                by_claim[ref["uid"]] = pv
        # volumes nobody has claimed yet: the only candidates for static binding
        free = [pv for pv in pvs if not (pv["spec"].get("claimRef") or {}).get("uid")
                and not pv["metadata"].get("deletionTimestamp")]
        claims = cluster.store.list("PersistentVolumeClaim")
        claim_uids = set()
        for claim in claims:
            uid = claim["metadata"]["uid"]
            claim_uids.add(uid)
            pv = by_claim.get(uid)
            if _settled(claim, pv):
                continue
            ClaimSync(cluster, claim, pv, free).run()
        for pv in cluster.store.list("PersistentVolume"):
            ref = pv["spec"].get("claimRef")
            bound = pv.get("status", {}).get("phase") == "Bound"
            if bound and ref and ref.get("uid") in claim_uids:
                continue  # bound and its claim exists: nothing to do
            sync_volume(cluster, pv, claim_uids)
        pending = cluster.store.meta.get(META_KEY)
        if pending:
            for uid in [u for u in pending if u not in claim_uids]:
                del pending[uid]

    def next_wakeup(self, cluster: Cluster) -> float | None:
        pending = cluster.store.meta.get(META_KEY) or {}
        times = [t + PROVISION_SECONDS for t in pending.values()
                 if t + PROVISION_SECONDS > cluster.clock.now]
        return min(times) if times else None


def _settled(claim: dict, pv: dict | None) -> bool:
    """A Bound claim whose volume still points back at it: the common case, checked cheaply."""
    status = claim.get("status")
    return (status is not None and status.get("phase") == "Bound" and pv is not None
            and pv["metadata"]["name"] == claim["spec"].get("volumeName"))


class ClaimSync:
    """syncClaim for one PersistentVolumeClaim."""

    def __init__(self, cluster: Cluster, claim: dict, pv: dict | None, free: list[dict]):
        self.cluster, self.api, self.claim, self.pv = cluster, cluster.api, claim, pv
        self.free = free
        self.ns, self.name = claim["metadata"]["namespace"], claim["metadata"]["name"]

    def event(self, type_: str, reason: str, message: str, component: str = ACTOR,
              sentence: str | None = None) -> None:
        """Emit once: the real controller repeats it at each resync (`x19 over 4m`), which in a
        fixpoint reconcile would write forever. `sentence` goes to the timeline with it."""
        key = (self.claim["metadata"]["uid"], type_, reason, message, component, "", "")
        if _find_similar(self.cluster, self.ns, key) is None:
            self.cluster.event(self.claim, type_, reason, message, component=component)
            if sentence:
                self.cluster.record(ACTOR, self.claim, sentence)

    def run(self) -> None:
        if get_path(self.claim, "status", "phase") == "Bound":
            self._check_bound()
            return
        if self.claim["metadata"].get("deletionTimestamp"):
            return
        if self._assign_default_class():
            return
        volume_name = get_path(self.claim, "spec", "volumeName")
        if volume_name:
            pv = self.cluster.store.get("PersistentVolume", "", volume_name)
            if pv is not None and claim_ref_allows(pv, self.claim) and (
                    get_path(pv, "status", "phase") in ("Available", "Bound", "Pending")):
                self._bind(pv)
            return
        if self.pv is not None:  # pre-bound by a provisioner or an administrator
            self._bind(self.pv)
            return
        self._find_or_provision()

    def _assign_default_class(self) -> bool:
        """Retroactive default StorageClass: a Pending claim without a class gets the default."""
        if get_path(self.claim, "spec", "storageClassName") is not None:
            return False
        sc = default_class(self.cluster)
        if sc is None:
            return False
        updated = clone(self.claim)
        updated["spec"]["storageClassName"] = sc["metadata"]["name"]
        self._update(updated)
        return True

    def _find_or_provision(self) -> None:
        cls = get_path(self.claim, "spec", "storageClassName") or ""
        sc = self.cluster.store.get("StorageClass", "", cls) if cls else None
        selected = get_path(self.claim, "metadata", "annotations", SELECTED_NODE)
        delayed = sc is not None and sc.get("volumeBindingMode") == "WaitForFirstConsumer"
        if delayed and not selected:
            self.event("Normal", "WaitForFirstConsumer", WAIT_FIRST, sentence=(
                f"claim {self.ns}/{self.name} stays Pending: StorageClass {cls} binds "
                "WaitForFirstConsumer, so a volume is made only once a pod using it is scheduled"))
            return
        pv = find_matching_volume(self.cluster, self.claim, selected, self.free)
        if pv is not None:
            self._bind(pv)
            return
        if not cls:
            self.event("Normal", "FailedBinding", NO_CLASS, sentence=(
                f"claim {self.ns}/{self.name} stays Pending: no Available PersistentVolume "
                "matches it and without a StorageClass nothing can be provisioned"))
            return
        if sc is None:
            self.event("Warning", "ProvisioningFailed",
                       f'storageclass.storage.k8s.io "{cls}" not found')
            return
        self._provision(sc, selected)

    def _provision(self, sc: dict, selected: str | None) -> None:
        annotations = self.claim["metadata"].get("annotations") or {}
        if any(annotations.get(a) != sc["provisioner"] for a in PROVISIONER_ANNOTATIONS):
            updated = clone(self.claim)
            for key in PROVISIONER_ANNOTATIONS:
                updated["metadata"].setdefault("annotations", {})[key] = sc["provisioner"]
            self.claim = self._update(updated) or self.claim
        self.event("Normal", "ExternalProvisioning", (
            f"Waiting for a volume to be created either by the external provisioner "
            f"'{sc['provisioner']}' or manually by the system administrator. If volume creation "
            "is delayed, please verify that the provisioner is running and correctly registered."))
        if sc["provisioner"] != LOCAL_PATH:
            return  # nobody runs that provisioner in the simulated cluster: stays Pending
        error = _local_path_error(self.claim, sc, selected)
        if error is not None:
            self._provisioning_failed(sc, error)
            return
        pending = self.cluster.store.meta.setdefault(META_KEY, {})
        now = self.cluster.clock.now
        if _claim_key(self.claim) not in pending:
            pending[_claim_key(self.claim)] = now
            self.event("Normal", "Provisioning", "External provisioner is provisioning volume for "
                       f'claim "{self.ns}/{self.name}"', component=provisioner_identity(sc))
            self.cluster.record(provisioner_identity(sc).split("_")[0], self.claim,
                                f"provisioning a volume for claim {self.ns}/{self.name} on "
                                f"{selected or 'any node'}")
        if now >= pending[_claim_key(self.claim)] + PROVISION_SECONDS:
            self._create_local_pv(sc, selected)

    def _provisioning_failed(self, sc: dict, error: str) -> None:
        ident = provisioner_identity(sc)
        self.event("Normal", "Provisioning", "External provisioner is provisioning volume for "
                   f'claim "{self.ns}/{self.name}"', component=ident)
        self.event("Warning", "ProvisioningFailed", error, component=ident, sentence=(
            f"claim {self.ns}/{self.name} stays Pending: the provisioner refused it ({error})"))

    def _create_local_pv(self, sc: dict, selected: str | None) -> None:
        uid = self.claim["metadata"]["uid"]
        name = f"pvc-{uid}"
        spec = self.claim["spec"]
        pv = {
            "apiVersion": "v1",
            "kind": "PersistentVolume",
            "metadata": {"name": name, "annotations": {PROVISIONED_BY: sc["provisioner"]}},
            "spec": {
                "accessModes": list(spec.get("accessModes") or []),
                "capacity": {"storage": get_path(spec, "resources", "requests", "storage")},
                "claimRef": _claim_ref(self.claim),
                "hostPath": {"path": f"/var/local-path-provisioner/{name}_{self.ns}_{self.name}",
                             "type": "DirectoryOrCreate"},
                "persistentVolumeReclaimPolicy": sc.get("reclaimPolicy", "Delete"),
                "storageClassName": sc["metadata"]["name"],
                "volumeMode": spec.get("volumeMode", "Filesystem"),
            },
        }
        if selected:
            pv["metadata"]["annotations"]["local.path.provisioner/selected-node"] = selected
            pv["spec"]["nodeAffinity"] = {"required": {"nodeSelectorTerms": [{
                "matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "In",
                                      "values": [selected]}]}]}}
        try:
            self.api.create(pv, actor=provisioner_identity(sc).split("_")[0])
        except ApiError:
            return
        self.cluster.store.meta.get(META_KEY, {}).pop(uid, None)
        self.event("Normal", "ProvisioningSucceeded", f"Successfully provisioned volume {name}",
                   component=provisioner_identity(sc))

    def _bind(self, pv: dict) -> None:
        """bindVolumeToClaim + bindClaimToVolume + the two status updates."""
        pv_name = pv["metadata"]["name"]
        self.free[:] = [v for v in self.free if v["metadata"]["name"] != pv_name]
        if not get_path(pv, "spec", "claimRef", "uid"):
            updated = clone(pv)
            if not get_path(pv, "spec", "claimRef"):  # not pre-bound by an administrator
                updated["metadata"].setdefault("annotations", {})[BOUND_BY_CONTROLLER] = "yes"
            updated["spec"]["claimRef"] = _claim_ref(self.claim)
            pv = self._update(updated) or pv
        if get_path(pv, "status", "phase") != "Bound":
            updated = clone(pv)
            updated["status"] = {**(pv.get("status") or {}), "phase": "Bound"}
            pv = self._update(updated, status=True) or pv
        claim = clone(self.claim)
        annotations = claim["metadata"].setdefault("annotations", {})
        if get_path(claim, "spec", "volumeName") != pv_name:
            claim["spec"]["volumeName"] = pv_name
            annotations[BOUND_BY_CONTROLLER] = "yes"
        annotations[BIND_COMPLETED] = "yes"
        claim = self._update(claim) or self.claim
        claim = clone(claim)
        claim["status"] = {"phase": "Bound",
                           "accessModes": list(get_path(pv, "spec", "accessModes") or []),
                           "capacity": dict(get_path(pv, "spec", "capacity") or {})}
        if self._update(claim, status=True) is not None:
            self.cluster.record(ACTOR, self.claim, f"bound claim {self.ns}/{self.name} to "
                                f"PersistentVolume {pv_name}")

    def _check_bound(self) -> None:
        """A Bound claim whose volume vanished is Lost."""
        volume_name = get_path(self.claim, "spec", "volumeName")
        pv = self.cluster.store.get("PersistentVolume", "", volume_name or "")
        if pv is not None and get_path(pv, "spec", "claimRef", "uid") == self.claim["metadata"][
                "uid"]:
            return
        updated = clone(self.claim)
        updated["status"] = {"phase": "Lost"}
        if self._update(updated, status=True) is not None:
            self.event("Warning", "ClaimLost",
                       "Bound claim has lost its PersistentVolume. Data on the volume is lost!")

    def _update(self, obj: dict, *, status: bool = False) -> dict | None:
        try:
            return self.api.update(obj, subresource="status" if status else None, actor=ACTOR)
        except ApiError:
            return None


def _local_path_error(claim: dict, sc: dict, selected: str | None) -> str | None:
    """The ProvisioningFailed text of what rancher/local-path-provisioner refuses: block volumes
    (refused by the external-provisioner library), other access modes, no selected node."""
    spec = claim["spec"]
    if spec.get("volumeMode") == "Block":
        return f"{sc['provisioner']} does not support block volume provisioning"
    prefix = f'failed to provision volume with StorageClass "{sc["metadata"]["name"]}": '
    for mode in spec.get("accessModes") or []:
        if mode not in ("ReadWriteOnce", "ReadWriteOncePod"):
            return prefix + ("NodePath only supports ReadWriteOnce and ReadWriteOncePod (1.22+) "
                             "access modes")
    if not selected:
        return prefix + "configuration error, no node was specified"
    return None


def _claim_ref(claim: dict) -> dict:
    meta = claim["metadata"]
    return {"kind": "PersistentVolumeClaim", "namespace": meta["namespace"],
            "name": meta["name"], "uid": meta["uid"], "apiVersion": "v1",
            "resourceVersion": meta["resourceVersion"]}


# ---- volumes ------------------------------------------------------------------------------------


def sync_volume(cluster: Cluster, pv: dict, claim_uids: set[str]) -> None:
    """syncVolume: Available / Bound / Released, then the reclaim policy."""
    ref = get_path(pv, "spec", "claimRef") or {}
    phase = get_path(pv, "status", "phase")
    if not ref or not ref.get("uid"):
        _set_phase(cluster, pv, "Available")  # free, or reserved for a claim not bound yet
        return
    if ref["uid"] in claim_uids:
        return  # bound: the claim side finishes the binding
    if phase == "Failed":
        return  # a reclaim that failed waits for an administrator
    if phase != "Released":
        pv = _set_phase(cluster, pv, "Released") or pv
        cluster.record(ACTOR, pv, f"PersistentVolume {pv['metadata']['name']} is Released: its "
                       f"claim {ref.get('namespace')}/{ref.get('name')} was deleted")
    policy = get_path(pv, "spec", "persistentVolumeReclaimPolicy")
    if policy == "Delete" and not pv["metadata"].get("deletionTimestamp"):
        actor = get_path(pv, "metadata", "annotations", PROVISIONED_BY) or ACTOR
        error = None if actor != ACTOR else _deleter_error(pv)
        if error is not None:
            _fail_volume(cluster, pv, error)
            return
        try:
            cluster.api.delete("PersistentVolume", pv["metadata"]["name"], actor=actor)
        except ApiError:
            return
        cluster.record(actor, pv, f"deleted PersistentVolume {pv['metadata']['name']} "
                       "(reclaim policy Delete)")
    elif policy == "Recycle":
        updated = clone(pv)
        updated["spec"].pop("claimRef", None)
        _update(cluster, updated)


_TMP_PATH = re.compile("^/tmp/.+")  # volume/hostpath/host_path.go Delete


def _deleter_error(pv: dict) -> str | None:
    """The in-tree deleter of a statically created volume (host_path.go only deletes /tmp)."""
    name = pv["metadata"]["name"]
    path = get_path(pv, "spec", "hostPath", "path")
    if path is None:
        return (f'error getting deleter volume plugin for volume "{name}": no deletable volume '
                "plugin matched")
    if not _TMP_PATH.match(str(path)):
        return f"host_path deleter only supports /tmp/.+ but received provided {path}"
    return None


def _fail_volume(cluster: Cluster, pv: dict, error: str) -> None:
    updated = clone(pv)
    updated["status"] = {**(pv.get("status") or {}), "phase": "Failed", "message": error}
    if _update(cluster, updated, status=True) is not None:
        cluster.event(pv, "Warning", "VolumeFailedDelete", error, component=ACTOR)
        cluster.record(ACTOR, pv, f"could not delete PersistentVolume {pv['metadata']['name']} "
                       f"(reclaim policy Delete): {error}")


def _set_phase(cluster: Cluster, pv: dict, phase: str) -> dict | None:
    if get_path(pv, "status", "phase") == phase:
        return pv
    updated = clone(pv)
    updated["status"] = {**(pv.get("status") or {}), "phase": phase}
    return _update(cluster, updated, status=True)


def _update(cluster: Cluster, obj: dict, *, status: bool = False) -> dict | None:
    try:
        return cluster.api.update(obj, subresource="status" if status else None, actor=ACTOR)
    except ApiError:
        return None


CONTROLLERS = [PersistentVolumeController, ProtectionController]
