"""resourceVersion, Conflict, generation, no-op updates, subresources, defaults, change log."""

import pytest

from playground.sim import Cluster
from playground.sim.errors import Conflict, Invalid


def deploy(name="web", replicas=2):
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "labels": {"app": name}},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}},
                                  "spec": {"containers": [{"name": "nginx", "image": "nginx"}]}}}}


def cm(name="cfg", **data):
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data}


def test_resource_version_counter_and_change_log():
    c = Cluster.new()
    c.store.drain_changes()
    before = c.store.meta["resourceVersion"]
    a = c.api.create(cm("a"))
    b = c.api.create(cm("b"))
    assert int(a["metadata"]["resourceVersion"]) == before + 1
    assert int(b["metadata"]["resourceVersion"]) == before + 2
    c.api.delete("cm", "a")
    changes = c.store.drain_changes()
    assert [(ch.type, ch.name, ch.resource_version) for ch in changes] == [
        ("ADDED", "a", before + 1), ("ADDED", "b", before + 2), ("DELETED", "a", before + 3)]


def test_stale_update_conflicts_and_unconditional_update_wins():
    c = Cluster.new()
    first = c.api.create(deploy())
    c.api.update({**first, "spec": {**first["spec"], "replicas": 3}})
    with pytest.raises(Conflict) as exc:
        c.api.update({**first, "spec": {**first["spec"], "replicas": 4}})
    assert exc.value.message == (
        'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; '
        "please apply your changes to the latest version and try again")
    assert exc.value.code == 409
    blind = {**first, "metadata": {**first["metadata"], "resourceVersion": ""},
             "spec": {**first["spec"], "replicas": 5}}
    assert c.api.update(blind)["spec"]["replicas"] == 5


def test_generation_bumps_on_spec_and_annotations_not_labels_or_status():
    c = Cluster.new()
    d = c.api.create(deploy())
    assert d["metadata"]["generation"] == 1
    d["metadata"]["labels"]["tier"] = "web"
    d = c.api.update(d)
    assert d["metadata"]["generation"] == 1
    d["spec"]["replicas"] = 3
    d = c.api.update(d)
    assert d["metadata"]["generation"] == 2
    d["metadata"]["annotations"] = {"note": "x"}
    d = c.api.update(d)
    assert d["metadata"]["generation"] == 3
    d["status"] = {"observedGeneration": 3}
    d = c.api.update(d, subresource="status")
    assert d["metadata"]["generation"] == 3 and d["status"] == {"observedGeneration": 3}
    assert "generation" not in c.api.create(cm())["metadata"]


def test_no_op_update_writes_nothing():
    c = Cluster.new()
    d = c.api.create(deploy())
    rv = c.store.meta["resourceVersion"]
    again = c.api.update(c.api.get("deploy", "web"))
    assert c.store.meta["resourceVersion"] == rv
    assert again["metadata"]["resourceVersion"] == d["metadata"]["resourceVersion"]
    c.api.patch("deploy", "web", {"spec": {"replicas": 2}})
    assert c.store.meta["resourceVersion"] == rv


def test_status_subresource_semantics():
    c = Cluster.new()
    d = c.api.create({**deploy(), "status": {"replicas": 99}})
    assert d["status"] == {}  # status is reset on create
    d["status"] = {"replicas": 7}
    d["spec"]["replicas"] = 9
    d = c.api.update(d)  # main resource: status changes ignored
    assert d["status"] == {} and d["spec"]["replicas"] == 9
    d["status"] = {"replicas": 7}
    d["spec"]["replicas"] = 1
    d = c.api.update(d, subresource="status")  # status: spec changes ignored
    assert d["status"] == {"replicas": 7} and d["spec"]["replicas"] == 9


def test_status_update_may_carry_annotations_but_not_labels_or_generation():
    c = Cluster.new()
    c.controllers = []
    d = c.api.create(deploy())
    d["metadata"]["annotations"] = {"deployment.kubernetes.io/revision": "1"}
    d["metadata"]["labels"] = {"app": "changed"}
    d["metadata"]["generation"] = 7
    d["status"] = {"observedGeneration": 1}
    d = c.api.update(d, subresource="status", actor="deployment-controller")
    assert d["metadata"]["annotations"] == {"deployment.kubernetes.io/revision": "1"}
    assert d["metadata"]["labels"] == {"app": "web"}
    assert d["metadata"]["generation"] == 1


def test_immutable_metadata_and_selector():
    c = Cluster.new()
    d = c.api.create(deploy())
    d["metadata"]["uid"] = "other"
    with pytest.raises(Invalid) as exc:
        c.api.update(d)
    assert exc.value.message == ('Deployment.apps "web" is invalid: metadata.uid: Invalid value: '
                                 '"other": field is immutable')
    d = c.api.get("deploy", "web")
    d["spec"]["selector"] = {"matchLabels": {"app": "web", "v": "2"}}
    d["spec"]["template"]["metadata"]["labels"]["v"] = "2"
    with pytest.raises(Invalid) as exc:
        c.api.update(d)
    assert exc.value.message == (
        'Deployment.apps "web" is invalid: spec.selector: Invalid value: v1.LabelSelector{'
        'MatchLabels:map[string]string{"app":"web", "v":"2"}, MatchExpressions:'
        "[]v1.LabelSelectorRequirement(nil)}: field is immutable")


def test_deployment_defaults():
    c = Cluster.new()
    body = deploy()
    del body["spec"]["replicas"]
    spec = c.api.create(body)["spec"]
    assert spec["replicas"] == 1
    assert spec["strategy"] == {"type": "RollingUpdate",
                                "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}}
    assert spec["revisionHistoryLimit"] == 10 and spec["progressDeadlineSeconds"] == 600
    tmpl = spec["template"]["spec"]
    assert (tmpl["restartPolicy"], tmpl["dnsPolicy"], tmpl["terminationGracePeriodSeconds"],
            tmpl["schedulerName"], tmpl["securityContext"]) == (
        "Always", "ClusterFirst", 30, "default-scheduler", {})
    assert "enableServiceLinks" not in tmpl and "serviceAccountName" not in tmpl
    assert tmpl["containers"][0] == {
        "name": "nginx", "image": "nginx", "imagePullPolicy": "Always", "resources": {},
        "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File"}


def test_pod_defaults_admission_and_qos():
    c = Cluster.new()
    pod = c.api.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {
        "containers": [{"name": "app", "image": "nginx:1.25", "ports": [{"containerPort": 80}],
                        "readinessProbe": {"httpGet": {"port": 80}},
                        "resources": {"limits": {"cpu": "500m", "memory": "128Mi"}}}]}})
    spec = pod["spec"]
    ctr = spec["containers"][0]
    assert ctr["imagePullPolicy"] == "IfNotPresent"
    assert ctr["ports"] == [{"containerPort": 80, "protocol": "TCP"}]
    assert ctr["readinessProbe"] == {
        "httpGet": {"port": 80, "path": "/", "scheme": "HTTP"}, "timeoutSeconds": 1,
        "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3}
    assert ctr["resources"]["requests"] == {"cpu": "500m", "memory": "128Mi"}
    assert (spec["enableServiceLinks"], spec["priority"], spec["preemptionPolicy"]) == (
        True, 0, "PreemptLowerPriority")
    assert spec["serviceAccountName"] == spec["serviceAccount"] == "default"
    vol = spec["volumes"][0]
    assert vol["name"].startswith("kube-api-access-") and len(vol["name"]) == 21
    assert [s for src in vol["projected"]["sources"] for s in src] == [
        "serviceAccountToken", "configMap", "downwardAPI"]
    assert ctr["volumeMounts"] == [{"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
                                    "name": vol["name"], "readOnly": True}]
    assert pod["status"] == {"phase": "Pending", "qosClass": "Guaranteed"}


def test_qos_classes():
    c = Cluster.new()

    def qos(resources):
        body = {"apiVersion": "v1", "kind": "Pod", "metadata": {"generateName": "q-"},
                "spec": {"containers": [{"name": "a", "image": "x", "resources": resources}]}}
        return c.api.create(body)["status"]["qosClass"]

    assert qos({}) == "BestEffort"
    assert qos({"requests": {"cpu": "100m"}}) == "Burstable"
    assert qos({"requests": {"cpu": "100m", "memory": "1Gi"},
                "limits": {"cpu": "200m", "memory": "1Gi"}}) == "Burstable"
    assert qos({"limits": {"cpu": "1", "memory": "1Gi"}}) == "Guaranteed"


def test_deleting_with_finalizers_bumps_generation_and_keeps_the_object_readable():
    c = Cluster.new()
    c.controllers = []
    c.api.create(deploy())
    held = c.api.delete("deploy", "web", propagation_policy="Orphan")
    meta = held["metadata"]
    assert (meta["generation"], meta["finalizers"], meta["deletionGracePeriodSeconds"]) == (
        2, ["orphan"], 0)
    assert c.api.get("deploy", "web")["metadata"]["deletionTimestamp"] == meta["deletionTimestamp"]
    rv = c.store.meta["resourceVersion"]
    c.api.delete("deploy", "web", propagation_policy="Orphan")  # already deleting: nothing new
    assert c.store.meta["resourceVersion"] == rv


def test_namespace_field_selector_on_phase():
    c = Cluster.new()
    c.api.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dev"}})
    c.api.delete("ns", "dev")
    listed = c.api.list("ns", field_selector="status.phase=Terminating")
    names = [n["metadata"]["name"] for n in listed]
    assert names == ["dev"]
