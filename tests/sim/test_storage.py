"""StorageClass, PersistentVolume and PersistentVolumeClaim kinds: defaults, admission, rules."""

import pytest

from playground.sim import Cluster
from playground.sim.errors import Forbidden, Invalid
from playground.sim.kinds.storage import parse_quantity


@pytest.fixture
def c():
    return Cluster.new()


def pvc(name="data", storage="1Gi", modes=("ReadWriteOnce",), **spec):
    body = {"accessModes": list(modes), "resources": {"requests": {"storage": storage}}}
    if not modes:
        del body["accessModes"]
    body.update(spec)
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": name},
            "spec": body}


def pv(name="pv1", storage="5Gi", **spec):
    body = {"accessModes": ["ReadWriteOnce"], "capacity": {"storage": storage},
            "hostPath": {"path": f"/data/{name}"}}
    body.update(spec)
    return {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": name},
            "spec": body}


def test_bootstrap_installs_kinds_default_class(c):
    sc = c.api.get("sc", "standard")
    assert sc["apiVersion"] == "storage.k8s.io/v1"
    assert sc["metadata"]["annotations"] == {"storageclass.kubernetes.io/is-default-class": "true"}
    assert (sc["provisioner"], sc["reclaimPolicy"], sc["volumeBindingMode"]) == (
        "rancher.io/local-path", "Delete", "WaitForFirstConsumer")
    assert "namespace" not in sc["metadata"]


def test_claim_defaults_and_admission(c):
    claim = c.api.create(pvc())
    assert claim["spec"]["storageClassName"] == "standard"
    assert claim["spec"]["volumeMode"] == "Filesystem"
    assert claim["metadata"]["finalizers"] == ["kubernetes.io/pvc-protection"]
    assert claim["status"] == {"phase": "Pending"}
    explicit = c.api.create(pvc("static", storageClassName=""))
    assert explicit["spec"]["storageClassName"] == "", "an empty class opts out of the default"


def test_volume_defaults(c):
    vol = c.api.create(pv())
    assert vol["spec"]["persistentVolumeReclaimPolicy"] == "Retain"
    assert vol["spec"]["volumeMode"] == "Filesystem"
    assert vol["metadata"]["finalizers"] == ["kubernetes.io/pv-protection"]
    assert vol["status"] == {"phase": "Pending", "lastPhaseTransitionTime": "2026-01-01T00:00:00Z"}


def test_claim_validation_messages(c):
    with pytest.raises(Invalid) as exc:
        c.api.create(pvc(modes=()))
    assert exc.value.message == (
        'PersistentVolumeClaim "data" is invalid: spec.accessModes: Required value: at least 1 '
        "access mode is required")
    body = pvc()
    del body["spec"]["resources"]
    with pytest.raises(Invalid) as exc:
        c.api.create(body)
    assert exc.value.message == (
        'PersistentVolumeClaim "data" is invalid: spec.resources[storage]: Required value')
    with pytest.raises(Invalid) as exc:
        c.api.create(pvc(modes=("ReadWriteSometimes",)))
    assert str(exc.value.errors[0]) == (
        'spec.accessModes: Unsupported value: "ReadWriteSometimes": supported values: '
        '"ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"')
    with pytest.raises(Invalid) as exc:
        c.api.create(pvc(storage="0"))
    assert str(exc.value.errors[0]) == (
        'spec.resources[storage]: Invalid value: "0": must be greater than zero')


def test_claim_spec_is_immutable(c):
    c.api.create(pvc())
    claim = c.api.get("pvc", "data")
    claim["spec"]["accessModes"] = ["ReadWriteMany"]
    with pytest.raises(Invalid) as exc:
        c.api.update(claim)
    assert exc.value.message.startswith(
        'PersistentVolumeClaim "data" is invalid: spec: Forbidden: spec is immutable after '
        "creation except resources.requests and volumeAttributesClassName for bound claims\n")
    assert '"ReadWriteMany"' in exc.value.message


def test_resizing_a_bound_claim_needs_an_expandable_class(c):
    c.api.create(pvc())
    claim = c.api.get("pvc", "data")
    claim["status"] = {"phase": "Bound", "capacity": {"storage": "1Gi"}}
    c.api.update(claim, subresource="status")
    claim = c.api.get("pvc", "data")
    claim["spec"]["resources"]["requests"]["storage"] = "2Gi"
    with pytest.raises(Forbidden) as exc:
        c.api.update(claim)
    assert exc.value.message == (
        'persistentvolumeclaims "data" is forbidden: only dynamically provisioned pvc can be '
        "resized and the storageclass that provisions the pvc must support resize")


def test_volume_and_class_validation(c):
    with pytest.raises(Invalid) as exc:
        c.api.create(pv(persistentVolumeReclaimPolicy="Keep"))
    assert str(exc.value.errors[0]) == (
        'spec.persistentVolumeReclaimPolicy: Unsupported value: "Keep": supported values: '
        '"Delete", "Recycle", "Retain"')
    body = pv()
    del body["spec"]["hostPath"]
    with pytest.raises(Invalid) as exc:
        c.api.create(body)
    assert str(exc.value.errors[0]) == "spec: Required value: must specify a volume type"
    sc = c.api.get("sc", "standard")
    sc["provisioner"] = "example.com/other"
    with pytest.raises(Invalid) as exc:
        c.api.update(sc)
    assert exc.value.message == (
        'StorageClass.storage.k8s.io "standard" is invalid: provisioner: Forbidden: updates to '
        "provisioner are forbidden.")


def test_quantities():
    assert parse_quantity("1Gi") == 2**30
    assert parse_quantity("500Mi") < parse_quantity("1G") < parse_quantity("1Gi")
    assert parse_quantity("1.5Gi") == 1.5 * 2**30
    assert parse_quantity("abc") is None
