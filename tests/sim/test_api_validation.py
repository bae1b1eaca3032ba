"""Validation through the API server: Kubernetes' exact messages."""

import pytest

from playground.sim import Cluster
from playground.sim.errors import AlreadyExists, BadRequest, Forbidden, Invalid, NotFound

LABEL_MSG = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
    "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex "
    "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)
SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
VALUE_MSG = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',"
    "  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)


@pytest.fixture(scope="module")
def c():
    return Cluster.new()


def pod(name="web", **spec):
    body = {"containers": [{"name": "app", "image": "nginx:1.25"}], **spec}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": body}


def deploy(name="web", labels=None, selector=None, **spec):
    labels = {"app": "web"} if labels is None else labels
    body = {"selector": {"matchLabels": {"app": "web"}} if selector is None else selector,
            "template": {"metadata": {"labels": labels},
                         "spec": {"containers": [{"name": "nginx", "image": "nginx"}]}}}
    body.update(spec)
    if selector == "absent":
        del body["selector"]
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
            "spec": body}


def invalid(c, obj):
    with pytest.raises(Invalid) as exc:
        c.api.create(obj, dry_run=True)
    return exc.value


def test_name_rules_per_kind(c):
    assert invalid(c, pod("Web_1")).message == (
        f'Pod "Web_1" is invalid: metadata.name: Invalid value: "Web_1": {SUBDOMAIN_MSG}')
    err = invalid(c, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a.b"}})
    assert err.message == 'Namespace "a.b" is invalid: metadata.name: Invalid value: "a.b": ' \
                          "must not contain dots"
    err = invalid(c, {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "x" * 64}})
    assert str(err.errors[0]).endswith("must be no more than 63 characters")
    c.api.create(pod("web.v1"), dry_run=True)  # dots are fine in a subdomain


def test_missing_name_and_generate_name_prefix(c):
    body = pod()
    del body["metadata"]["name"]
    assert invalid(c, body).kubectl_message() == (
        'The Pod "" is invalid: metadata.name: Required value: name or generateName is required')
    body["metadata"]["generateName"] = "web-"
    created = c.api.create(body, dry_run=True)
    assert created["metadata"]["name"].startswith("web-")
    assert len(created["metadata"]["name"]) == len("web-") + 5


def test_label_errors(c):
    body = pod()
    body["metadata"]["labels"] = {"app": "-bad", "bad key!": "x"}
    err = invalid(c, body)
    assert str(err.errors[0]) == f'metadata.labels: Invalid value: "-bad": {VALUE_MSG}'
    assert str(err.errors[1]).startswith(
        'metadata.labels: Invalid value: "bad key!": name part must consist of alphanumeric '
        "characters, '-', '_' or '.', and must start and end with an alphanumeric character "
        "(e.g. 'MyName',  or 'my.name',  or '123-abc'")
    assert err.kubectl_message().startswith('The Pod "web" is invalid: \n* metadata.labels:')


def test_pod_spec_messages(c):
    err = invalid(c, {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                      "spec": {"containers": []}})
    assert err.message == 'Pod "p" is invalid: spec.containers: Required value'
    err = invalid(c, pod(containers=[{"name": "app"}]))
    assert err.message == 'Pod "web" is invalid: spec.containers[0].image: Required value'
    err = invalid(c, pod(containers=[{"name": "a", "image": "x"}, {"name": "a", "image": "y"}]))
    assert err.message == 'Pod "web" is invalid: spec.containers[1].name: Duplicate value: "a"'
    err = invalid(c, pod(containers=[{"name": "App", "image": "x"}]))
    assert err.message == f'Pod "web" is invalid: spec.containers[0].name: Invalid value: "App": ' \
                          f"{LABEL_MSG}"
    err = invalid(c, pod(restartPolicy="Sometimes"))
    assert err.message == ('Pod "web" is invalid: spec.restartPolicy: Unsupported value: '
                           '"Sometimes": supported values: "Always", "OnFailure", "Never"')
    err = invalid(c, pod(containers=[{"name": "a", "image": "x", "ports": [
        {"containerPort": 70000}]}]))
    assert err.message == ('Pod "web" is invalid: spec.containers[0].ports[0].containerPort: '
                           "Invalid value: 70000: must be between 1 and 65535, inclusive")


def test_deployment_validation_messages(c):
    err = invalid(c, deploy(selector="absent"))
    assert err.kubectl_message() == (
        'The Deployment "web" is invalid: \n'
        "* spec.selector: Required value\n"
        '* spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: '
        "`selector` does not match template `labels`")
    err = invalid(c, deploy(labels={"app": "other"}))
    assert err.message == (
        'Deployment.apps "web" is invalid: spec.template.metadata.labels: Invalid value: '
        'map[string]string{"app":"other"}: `selector` does not match template `labels`')
    err = invalid(c, deploy(selector={}))
    assert err.message == (
        'Deployment.apps "web" is invalid: spec.selector: Invalid value: v1.LabelSelector{'
        "MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}"
        ": empty selector is invalid for deployment")
    err = invalid(c, deploy(replicas=-1))
    assert err.message == ('Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: '
                           "must be greater than or equal to 0")
    err = invalid(c, deploy(strategy={"rollingUpdate": {"maxSurge": 0, "maxUnavailable": 0}}))
    assert err.message == (
        'Deployment.apps "web" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid '
        'value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0')
    err = invalid(c, deploy(strategy={"type": "Recreate", "rollingUpdate": {}}))
    assert str(err.errors[0]) == ("spec.strategy.rollingUpdate: Forbidden: may not be specified "
                                  "when strategy `type` is 'Recreate'")
    err = invalid(c, deploy(progressDeadlineSeconds=5, minReadySeconds=10))
    assert str(err.errors[0]) == ("spec.progressDeadlineSeconds: Invalid value: 5: must be "
                                  "greater than minReadySeconds")
    err = invalid(c, deploy(strategy={"rollingUpdate": {"maxUnavailable": "110%"}}))
    assert str(err.errors[0]) == (
        'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, '
        'IntVal:0, StrVal:"110%"}: must not be greater than 100%')


def test_workload_restart_policy_and_selector_expressions(c):
    body = deploy()
    body["spec"]["template"]["spec"]["restartPolicy"] = "Never"
    assert str(invalid(c, body).errors[0]) == (
        'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: '
        '"Always"')
    body = deploy(selector={"matchLabels": {"app": "web"}, "matchExpressions": [
        {"key": "tier", "operator": "In"}, {"key": "x", "operator": "Exists", "values": ["a"]},
        {"key": "y", "operator": "Near", "values": ["a"]}]})
    assert [str(e) for e in invalid(c, body).errors] == [
        "spec.selector.matchExpressions[0].values: Required value: must be specified when "
        "`operator` is 'In' or 'NotIn'",
        "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when "
        "`operator` is 'Exists' or 'DoesNotExist'",
        'spec.selector.matchExpressions[2].operator: Invalid value: "Near": not a valid '
        "selector operator",
        'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: '
        "`selector` does not match template `labels`",
    ]


def test_replicaset_empty_selector_says_deployment(c):
    rs = deploy(selector={})
    rs["kind"] = "ReplicaSet"
    assert str(invalid(c, rs).errors[0]).endswith("empty selector is invalid for deployment")


def test_configmap_keys(c):
    err = invalid(c, {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"},
                      "data": {"bad key": "1"}})
    assert err.message == (
        'ConfigMap "cfg" is invalid: data: Invalid value: "bad key": a valid config key must '
        "consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  "
        "or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')")


def test_standard_errors(c):
    with pytest.raises(NotFound) as exc:
        c.api.get("deploy", "ghost")
    assert exc.value.message == 'deployments.apps "ghost" not found'
    with pytest.raises(NotFound) as exc:
        c.api.create(pod(), namespace="ghost")
    assert exc.value.message == 'namespaces "ghost" not found'
    with pytest.raises(BadRequest) as exc:
        c.api.create({**pod(), "metadata": {"name": "p", "resourceVersion": "5"}})
    assert exc.value.message == "resourceVersion should not be set on objects to be created"
    with pytest.raises(BadRequest) as exc:
        c.api.create({**pod(), "metadata": {"name": "p", "namespace": "a"}}, namespace="b")
    assert exc.value.message == ("the namespace of the provided object does not match the "
                                 "namespace sent on the request")


def test_already_exists_after_validation():
    c = Cluster.new()
    c.api.create(pod())
    with pytest.raises(AlreadyExists) as exc:
        c.api.create(pod())
    assert exc.value.kubectl_message() == 'Error from server (AlreadyExists): pods "web" already ' \
                                          "exists"
    with pytest.raises(Invalid):  # invalid objects are refused before the uniqueness check
        c.api.create(pod(containers=[]))


def test_forbidden_in_missing_service_account():
    c = Cluster.new()
    with pytest.raises(Forbidden) as exc:
        c.api.create(pod(serviceAccountName="robot"))
    assert exc.value.message == ('pods "web" is forbidden: error looking up service account '
                                 'default/robot: serviceaccount "robot" not found')


@pytest.mark.parametrize("spec, message", [
    ({"containers": "nginx"}, "json: cannot unmarshal string into Go struct field "
                              "PodSpec.spec.containers of type []v1.Container"),
    ({"containers": [{"name": "a", "image": "b", "ports": 80}]},
     "json: cannot unmarshal number into Go struct field Container.spec.containers.ports of "
     "type []v1.ContainerPort"),
    ([], "json: cannot unmarshal array into Go struct field Pod.spec of type v1.PodSpec"),
])
def test_malformed_specs_are_bad_requests(c, spec, message):
    with pytest.raises(BadRequest) as exc:
        c.api.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                      "spec": spec}, dry_run=True)
    assert exc.value.message == 'Pod in version "v1" cannot be handled as a Pod: ' + message


def test_non_string_label_and_data_values_fail_decoding(c):
    body = pod()
    body["metadata"]["labels"] = {"version": 3}
    with pytest.raises(BadRequest) as exc:
        c.api.create(body, dry_run=True)
    assert exc.value.message == ('Pod in version "v1" cannot be handled as a Pod: '
                                 "json: cannot unmarshal number into Go struct field "
                                 "ObjectMeta.metadata.labels of type string")
    with pytest.raises(BadRequest) as exc:
        c.api.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"},
                      "data": {"port": 80}}, dry_run=True)
    assert exc.value.message == ('ConfigMap in version "v1" cannot be handled as a ConfigMap: '
                                 "json: cannot unmarshal number into Go struct field "
                                 "ConfigMap.data of type string")


def test_null_pod_spec_validates_as_empty(c):
    err = invalid(c, {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                      "spec": None})
    assert err.message == 'Pod "p" is invalid: spec.containers: Required value'


def test_numbers_written_as_strings_fail_decoding(c):
    body = deploy(replicas="3")
    with pytest.raises(BadRequest) as exc:
        c.api.create(body, dry_run=True)
    assert exc.value.message == ('Deployment in version "v1" cannot be handled as a '
                                 "Deployment: json: cannot unmarshal string into Go struct "
                                 "field DeploymentSpec.spec.replicas of type int32")
    body = deploy()
    body["spec"]["template"]["spec"]["containers"][0]["ports"] = [{"containerPort": "80"}]
    with pytest.raises(BadRequest) as exc:
        c.api.create(body, dry_run=True)
    assert exc.value.message == (
        'Deployment in version "v1" cannot be handled as a Deployment: '
        "json: cannot unmarshal string into Go struct field ContainerPort.spec.template.spec."
        "containers.ports.containerPort of type int32")


def test_node_pod_cidr_is_fixed_once_set():
    c = Cluster.new()
    with pytest.raises(Invalid) as exc:
        c.api.patch("node", "worker-1", {"spec": {"podCIDR": "10.244.9.0/24",
                                                  "podCIDRs": ["10.244.9.0/24"]}})
    assert exc.value.message == ('Node "worker-1" is invalid: spec.podCIDRs: Forbidden: node '
                                 'updates may not change podCIDR except from "" to valid')
    c.api.patch("node", "worker-1", {"spec": {"unschedulable": True}})  # other fields may change
