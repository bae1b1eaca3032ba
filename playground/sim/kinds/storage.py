"""Storage kinds: StorageClass (storage.k8s.io/v1), PersistentVolume and PersistentVolumeClaim (v1).

Models pkg/registry/storage/storageclass/strategy.go, pkg/registry/core/persistentvolume{,claim}/
strategy.go, SetDefaults_PersistentVolume{,Claim} (pkg/apis/core/v1/defaults.go), the storage parts
of pkg/apis/core/validation/validation.go and pkg/apis/storage/validation/validation.go, and two
admission plugins: DefaultStorageClass (plugin/pkg/admission/storage/storageclass/setdefault) fills
an absent `storageClassName` with the default class, and StorageObjectInUseProtection adds the
`kubernetes.io/pvc-protection` / `kubernetes.io/pv-protection` finalizers on create.

Bootstrap installs kind's default class `standard` (provisioner rancher.io/local-path, reclaim
Delete, WaitForFirstConsumer): a bare kubeadm cluster has no class at all, but then every
StatefulSet with volumeClaimTemplates stays Pending, which is not what the lessons teach.

Simplified: volume expansion is refused (kind's class does not allow it); PV spec updates other
than claimRef and reclaim policy are not validated in detail.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .. import bootstrap
from ..errors import FieldError, Forbidden, forbidden, invalid, not_supported, required
from ..objects import format_time, get_path
from ..resources import ResourceType, Strategy, register

if TYPE_CHECKING:
    from ..cluster import Cluster

DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class"
PVC_PROTECTION = "kubernetes.io/pvc-protection"
PV_PROTECTION = "kubernetes.io/pv-protection"
ACCESS_MODES = ("ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod")
ACCESS_MODE_SHORT = {"ReadWriteOnce": "RWO", "ReadOnlyMany": "ROX", "ReadWriteMany": "RWX",
                     "ReadWriteOncePod": "RWOP"}
VOLUME_MODES = ("Block", "Filesystem")
PVC_IMMUTABLE = ("spec is immutable after creation except resources.requests and "
                 "volumeAttributesClassName for bound claims")

_SUFFIXES = {
    "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60,
    "n": 1e-9, "u": 1e-6, "m": 1e-3, "": 1, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12,
    "P": 1e15, "E": 1e18,
}
_QUANTITY_RE = re.compile(r"^([+-]?[0-9.]+)(?:[eE]([+-]?[0-9]+))?(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?$")


def parse_quantity(text: str | int | float | None) -> float | None:
    """resource.Quantity to a number of bytes/units (None when the text is not a quantity)."""
    if text is None:
        return None
    if isinstance(text, (int, float)):
        return float(text)
    m = _QUANTITY_RE.match(str(text).strip())
    if not m:
        return None
    try:
        number = float(m.group(1))
    except ValueError:
        return None
    if m.group(2):
        number *= 10 ** int(m.group(2))
    return number * _SUFFIXES[m.group(3) or ""]


def default_class(cluster: Cluster) -> dict | None:
    """GetDefaultClass: the newest class annotated as default (ties: name order)."""
    classes = [sc for sc in cluster.store.list("StorageClass")
               if get_path(sc, "metadata", "annotations", DEFAULT_CLASS_ANNOTATION) == "true"]
    if not classes:
        return None
    classes.sort(key=lambda sc: (sc["metadata"]["creationTimestamp"], sc["metadata"]["name"]))
    return classes[-1]


def _add_finalizer(obj: dict, name: str) -> None:
    finalizers = obj["metadata"].setdefault("finalizers", [])
    if name not in finalizers:
        finalizers.append(name)


# ---- StorageClass -----------------------------------------------------------------------------


class StorageClassStrategy(Strategy):
    def default(self, obj, cluster):
        obj.setdefault("reclaimPolicy", "Delete")
        obj.setdefault("volumeBindingMode", "Immediate")

    def validate(self, obj, cluster):
        errs: list[FieldError] = []
        if not obj.get("provisioner"):
            errs.append(required("provisioner"))
        if obj.get("reclaimPolicy") not in ("Delete", "Retain"):
            errs.append(not_supported("reclaimPolicy", obj.get("reclaimPolicy"),
                                      ["Delete", "Retain"]))
        if obj.get("volumeBindingMode") not in ("Immediate", "WaitForFirstConsumer"):
            errs.append(not_supported("volumeBindingMode", obj.get("volumeBindingMode"),
                                      ["Immediate", "WaitForFirstConsumer"]))
        return errs

    def validate_update(self, obj, old, cluster):
        errs = self.validate(obj, cluster)
        for key in ("parameters", "provisioner", "reclaimPolicy"):
            if obj.get(key) != old.get(key):
                errs.append(forbidden(key, f"updates to {key} are forbidden."))
        if obj.get("volumeBindingMode") != old.get("volumeBindingMode"):
            errs.append(invalid("volumeBindingMode", obj.get("volumeBindingMode"),
                                "field is immutable"))
        return errs


register(
    ResourceType("StorageClass", "storageclasses", "storageclass", namespaced=False,
                 group="storage.k8s.io", short_names=("sc",)),
    StorageClassStrategy(),
)


# ---- PersistentVolume -------------------------------------------------------------------------

PV_SOURCES = ("hostPath", "local", "nfs", "csi", "iscsi", "fc", "awsElasticBlockStore",
              "gcePersistentDisk", "azureDisk", "azureFile", "cephfs", "rbd", "cinder")


class PersistentVolumeStrategy(Strategy):
    status_subresource = True

    def prepare_for_create(self, obj, cluster):
        # PersistentVolumeLastPhaseTransitionTime (GA 1.31): stamped on every phase change
        obj["status"] = {"phase": "Pending",
                         "lastPhaseTransitionTime": format_time(cluster.clock.now)}

    def prepare_for_status_update(self, obj, old, cluster):
        super().prepare_for_status_update(obj, old, cluster)
        status = obj.get("status")
        if isinstance(status, dict) and status.get("phase") != get_path(old, "status", "phase"):
            status["lastPhaseTransitionTime"] = format_time(cluster.clock.now)

    def default(self, obj, cluster):
        spec = obj.setdefault("spec", {})
        spec.setdefault("persistentVolumeReclaimPolicy", "Retain")
        spec.setdefault("volumeMode", "Filesystem")

    def admit(self, obj, old, cluster):
        if old is None:
            _add_finalizer(obj, PV_PROTECTION)

    def validate(self, obj, cluster):
        spec = obj.get("spec") or {}
        errs: list[FieldError] = []
        errs.extend(_access_mode_errors(spec.get("accessModes"), "spec.accessModes",
                                        required_detail=""))
        capacity = spec.get("capacity") or {}
        if not capacity:
            errs.append(required("spec.capacity"))
        elif "storage" not in capacity:
            errs.append(not_supported("spec.capacity", sorted(capacity)[0], ["storage"]))
        else:
            errs.extend(_positive_storage(capacity["storage"], "spec.capacity[storage]"))
        if not any(spec.get(src) for src in PV_SOURCES):
            errs.append(required("spec", "must specify a volume type"))
        policy = spec.get("persistentVolumeReclaimPolicy")
        if policy not in ("Delete", "Recycle", "Retain"):
            errs.append(not_supported("spec.persistentVolumeReclaimPolicy", policy,
                                      ["Delete", "Recycle", "Retain"]))
        if spec.get("volumeMode") not in VOLUME_MODES:
            errs.append(not_supported("spec.volumeMode", spec.get("volumeMode"),
                                      list(VOLUME_MODES)))
        return errs


register(
    ResourceType("PersistentVolume", "persistentvolumes", "persistentvolume", namespaced=False,
                 short_names=("pv",), subresources=("status",)),
    PersistentVolumeStrategy(),
)


# ---- PersistentVolumeClaim --------------------------------------------------------------------


def _access_mode_errors(modes, path: str, *, required_detail: str) -> list[FieldError]:
    if not modes:
        return [required(path, required_detail)]
    errs = [not_supported(path, m, list(ACCESS_MODES)) for m in modes if m not in ACCESS_MODES]
    if "ReadWriteOncePod" in modes and len(modes) > 1:
        errs.append(forbidden(path, "may not use ReadWriteOncePod with other access modes"))
    return errs


def _positive_storage(value, path: str) -> list[FieldError]:
    amount = parse_quantity(value)
    if amount is None:
        return [invalid(path, str(value), "quantities must match the regular expression "
                        "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")]
    if amount <= 0:
        return [invalid(path, str(value), "must be greater than zero")]
    return []


def validate_claim_spec(spec: dict, path: str) -> list[FieldError]:
    """ValidatePersistentVolumeClaimSpec (also used for StatefulSet volumeClaimTemplates)."""
    errs = _access_mode_errors(spec.get("accessModes"), f"{path}.accessModes",
                               required_detail="at least 1 access mode is required")
    storage = get_path(spec, "resources", "requests", "storage")
    if storage is None:
        errs.append(required(f"{path}.resources[storage]"))
    else:
        errs.extend(_positive_storage(storage, f"{path}.resources[storage]"))
    if spec.get("volumeMode") is not None and spec["volumeMode"] not in VOLUME_MODES:
        errs.append(not_supported(f"{path}.volumeMode", spec["volumeMode"], list(VOLUME_MODES)))
    return errs


class PersistentVolumeClaimStrategy(Strategy):
    status_subresource = True

    def prepare_for_create(self, obj, cluster):
        obj["status"] = {"phase": "Pending"}

    def default(self, obj, cluster):
        obj.setdefault("spec", {}).setdefault("volumeMode", "Filesystem")

    def admit(self, obj, old, cluster):
        if old is not None:
            _admit_resize(obj, old, cluster)
            return
        spec = obj["spec"]
        if "storageClassName" not in spec or spec["storageClassName"] is None:
            sc = default_class(cluster)
            if sc is not None:
                spec["storageClassName"] = sc["metadata"]["name"]
        _add_finalizer(obj, PVC_PROTECTION)

    def validate(self, obj, cluster):
        return validate_claim_spec(obj.get("spec") or {}, "spec")

    def validate_update(self, obj, old, cluster):
        errs = self.validate(obj, cluster)
        new_spec, old_spec = dict(obj.get("spec") or {}), dict(old.get("spec") or {})
        # binding fills volumeName, the retroactive default class fills storageClassName
        for key in ("volumeName", "storageClassName"):
            if not old_spec.get(key) and key in new_spec:
                old_spec[key] = new_spec[key]
        bound = get_path(old, "status", "phase") == "Bound"
        if bound:
            old_spec["resources"] = new_spec.get("resources")
        if new_spec != old_spec:
            errs.append(forbidden("spec", PVC_IMMUTABLE + "\n" + _spec_diff(old_spec, new_spec)))
        return errs


def _admit_resize(obj: dict, old: dict, cluster: Cluster) -> None:
    """PersistentVolumeClaimResize admission: only classes with allowVolumeExpansion."""
    new_size = get_path(obj, "spec", "resources", "requests", "storage")
    old_size = get_path(old, "spec", "resources", "requests", "storage")
    if new_size == old_size or get_path(old, "status", "phase") != "Bound":
        return
    sc = cluster.store.get("StorageClass", "", get_path(old, "spec", "storageClassName") or "")
    if sc is None or not sc.get("allowVolumeExpansion"):
        raise Forbidden(
            "persistentvolumeclaims", old["metadata"]["name"],
            "only dynamically provisioned pvc can be resized and the storageclass that "
            "provisions the pvc must support resize",
        )


_GO_NAMES = {"accessModes": "AccessModes", "selector": "Selector", "resources": "Resources",
             "volumeName": "VolumeName", "storageClassName": "StorageClassName",
             "volumeMode": "VolumeMode", "dataSource": "DataSource",
             "dataSourceRef": "DataSourceRef",
             "volumeAttributesClassName": "VolumeAttributesClassName"}


def _spec_diff(old: dict, new: dict) -> str:
    """A short cmp.Diff-like rendering of what changed (the real one prints Go structs)."""
    lines = ["  core.PersistentVolumeClaimSpec{"]
    for key in sorted(set(old) | set(new), key=lambda k: list(_GO_NAMES).index(k)
                      if k in _GO_NAMES else 99):
        if old.get(key) == new.get(key):
            continue
        name = _GO_NAMES.get(key, key)
        if key in old:
            lines.append(f"- \t{name}: {_go(old[key])},")
        if key in new:
            lines.append(f"+ \t{name}: {_go(new[key])},")
    lines.append("  }")
    return "\n".join(lines)


def _go(value) -> str:
    if isinstance(value, str):
        return f'&"{value}"'
    if isinstance(value, list):
        return "{" + ", ".join(f'"{v}"' for v in value) + "}"
    return str(value)


register(
    ResourceType("PersistentVolumeClaim", "persistentvolumeclaims", "persistentvolumeclaim",
                 namespaced=True, short_names=("pvc",), subresources=("status",)),
    PersistentVolumeClaimStrategy(),
)


# ---- bootstrap: kind's default StorageClass ----------------------------------------------------

STANDARD_CLASS = {
    "apiVersion": "storage.k8s.io/v1",
    "kind": "StorageClass",
    "metadata": {
        "name": "standard",
        "annotations": {DEFAULT_CLASS_ANNOTATION: "true"},
    },
    "provisioner": "rancher.io/local-path",
    "reclaimPolicy": "Delete",
    "volumeBindingMode": "WaitForFirstConsumer",
}


def install_standard_class(cluster: Cluster) -> None:
    if cluster.store.get("StorageClass", "", "standard") is None:
        cluster.api.create(STANDARD_CLASS, actor=bootstrap.ACTOR)


bootstrap.add_step(50, install_standard_class)
