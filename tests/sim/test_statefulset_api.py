"""StatefulSet and ControllerRevision kinds: v1.33 defaults, validation and update rules."""

import pytest

from playground.sim import Cluster
from playground.sim.errors import Invalid

from .sts_helpers import sts_manifest


@pytest.fixture
def c():
    return Cluster.new()


def invalid_message(c, obj):
    with pytest.raises(Invalid) as exc:
        c.api.create(obj)
    return exc.value.message


def test_defaults_match_v1_33(c):
    sts = c.api.create(sts_manifest(claims=True))
    spec = sts["spec"]
    assert spec["podManagementPolicy"] == "OrderedReady"
    assert spec["updateStrategy"] == {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}
    assert spec["revisionHistoryLimit"] == 10
    assert spec["persistentVolumeClaimRetentionPolicy"] == {"whenDeleted": "Retain",
                                                            "whenScaled": "Retain"}
    # MaxUnavailableStatefulSet is alpha (off) in v1.33: no maxUnavailable default
    assert "maxUnavailable" not in spec["updateStrategy"]["rollingUpdate"]
    assert spec["template"]["spec"]["restartPolicy"] == "Always"
    claim = spec["volumeClaimTemplates"][0]
    assert claim["apiVersion"] == "v1" and claim["kind"] == "PersistentVolumeClaim"
    assert claim["spec"]["volumeMode"] == "Filesystem"
    assert claim["status"] == {"phase": "Pending"}
    assert sts["metadata"]["generation"] == 1
    assert sts["status"] == {"replicas": 0, "availableReplicas": 0}


def test_max_unavailable_is_dropped_while_the_feature_gate_is_off(c):
    obj = sts_manifest(claims=False, updateStrategy={
        "type": "RollingUpdate", "rollingUpdate": {"partition": 1, "maxUnavailable": 2}})
    sts = c.api.create(obj)
    assert sts["spec"]["updateStrategy"] == {"type": "RollingUpdate",
                                             "rollingUpdate": {"partition": 1}}
    sts["spec"]["updateStrategy"]["rollingUpdate"]["maxUnavailable"] = "50%"
    assert "maxUnavailable" not in c.api.update(sts)["spec"]["updateStrategy"]["rollingUpdate"]


def test_replicas_default_to_one_and_on_delete_gets_no_rolling_update(c):
    obj = sts_manifest(claims=False)
    del obj["spec"]["replicas"]
    obj["spec"]["updateStrategy"] = {"type": "OnDelete"}
    sts = c.api.create(obj)
    assert sts["spec"]["replicas"] == 1
    assert sts["spec"]["updateStrategy"] == {"type": "OnDelete"}


def test_name_must_be_a_dns_label(c):
    obj = sts_manifest(claims=False)
    obj["metadata"]["name"] = "web.v1"
    assert invalid_message(c, obj) == (
        'StatefulSet.apps "web.v1" is invalid: metadata.name: Invalid value: "web.v1": '
        "must not contain dots")


def test_pod_management_policy_message(c):
    obj = sts_manifest(claims=False, podManagementPolicy="Random")
    assert invalid_message(c, obj) == (
        'StatefulSet.apps "web" is invalid: spec.podManagementPolicy: Invalid value: "Random": '
        "must be 'OrderedReady' or 'Parallel'")


def test_empty_selector_message(c):
    obj = sts_manifest(claims=False)
    obj["spec"]["selector"] = {}
    msg = invalid_message(c, obj)
    assert msg.startswith('StatefulSet.apps "web" is invalid: spec.selector: Invalid value: ')
    assert msg.endswith(": empty selector is invalid for statefulset")


def test_selector_must_match_template_labels(c):
    obj = sts_manifest(claims=False)
    obj["spec"]["template"]["metadata"]["labels"] = {"app": "other"}
    assert invalid_message(c, obj) == (
        'StatefulSet.apps "web" is invalid: spec.template.metadata.labels: Invalid value: '
        'map[string]string{"app":"other"}: `selector` does not match template `labels`')


def test_restart_policy_must_be_always(c):
    obj = sts_manifest(claims=False)
    obj["spec"]["template"]["spec"]["restartPolicy"] = "Never"
    assert invalid_message(c, obj) == (
        'StatefulSet.apps "web" is invalid: spec.template.spec.restartPolicy: Unsupported '
        'value: "Never": supported values: "Always"')


def test_on_delete_with_rolling_update_block_is_invalid(c):
    obj = sts_manifest(claims=False,
                       updateStrategy={"type": "OnDelete", "rollingUpdate": {"partition": 1}})
    msg = invalid_message(c, obj)
    assert msg.startswith('StatefulSet.apps "web" is invalid: spec.updateStrategy.rollingUpdate: '
                          "Invalid value: ")
    assert msg.endswith(": only allowed for updateStrategy 'RollingUpdate'")


def test_negative_partition_and_replicas(c):
    obj = sts_manifest(claims=False, replicas=-1,
                       updateStrategy={"type": "RollingUpdate", "rollingUpdate": {"partition": -2}})
    with pytest.raises(Invalid) as exc:
        c.api.create(obj)
    assert [str(e) for e in exc.value.errors] == [
        "spec.updateStrategy.rollingUpdate.partition: Invalid value: -2: must be greater than "
        "or equal to 0",
        "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
    ]


def test_retention_policy_values(c):
    obj = sts_manifest(claims=False, persistentVolumeClaimRetentionPolicy={"whenDeleted": "Keep"})
    assert invalid_message(c, obj) == (
        'StatefulSet.apps "web" is invalid: spec.persistentVolumeClaimRetentionPolicy.whenDeleted:'
        ' Unsupported value: "Keep": supported values: "Retain", "Delete"')


def test_service_name_is_not_checked_against_services(c):
    sts = c.api.create(sts_manifest(claims=False, service="no-such-service"))
    assert sts["spec"]["serviceName"] == "no-such-service"


FORBIDDEN = (
    "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', "
    "'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' "
    "and 'minReadySeconds' are forbidden"
)


def test_update_of_forbidden_fields_message(c):
    c.api.create(sts_manifest())
    for change in ({"serviceName": "other"}, {"podManagementPolicy": "Parallel"}):
        sts = c.api.get("sts", "web")
        sts["spec"].update(change)
        with pytest.raises(Invalid) as exc:
            c.api.update(sts)
        assert exc.value.kubectl_message() == f'The StatefulSet "web" is invalid: {FORBIDDEN}'
    sts = c.api.get("sts", "web")
    sts["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"] = "2Gi"
    with pytest.raises(Invalid) as exc:
        c.api.update(sts)
    assert [str(e) for e in exc.value.errors] == [FORBIDDEN]


def test_selector_change_is_forbidden_too(c):
    c.api.create(sts_manifest())
    sts = c.api.get("sts", "web")
    sts["spec"]["selector"] = {"matchLabels": {"app": "web", "tier": "db"}}
    sts["spec"]["template"]["metadata"]["labels"]["tier"] = "db"
    with pytest.raises(Invalid) as exc:
        c.api.update(sts)
    assert [str(e) for e in exc.value.errors] == [FORBIDDEN]


def test_allowed_updates_bump_generation(c):
    c.api.create(sts_manifest())
    sts = c.api.get("sts", "web")
    sts["spec"]["replicas"] = 5
    sts["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.26"
    sts["spec"]["persistentVolumeClaimRetentionPolicy"] = {"whenDeleted": "Delete",
                                                           "whenScaled": "Delete"}
    updated = c.api.update(sts)
    assert updated["metadata"]["generation"] == 2
    labels_only = c.api.get("sts", "web")
    labels_only["metadata"]["labels"] = {"tier": "db"}
    assert c.api.update(labels_only)["metadata"]["generation"] == 2


def test_controller_revision_data_is_immutable(c):
    rev = c.api.create({"apiVersion": "apps/v1", "kind": "ControllerRevision",
                        "metadata": {"name": "r1"}, "data": {"a": 1}, "revision": 1})
    rev["revision"] = 2
    assert c.api.update(rev)["revision"] == 2
    rev = c.api.get("controllerrevisions", "r1")
    rev["data"] = {"a": 2}
    with pytest.raises(Invalid) as exc:
        c.api.update(rev)
    assert exc.value.message.endswith(": field is immutable")
    assert exc.value.errors[0].field == "data"
