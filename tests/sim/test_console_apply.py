"""`kubectl apply -f -` / `create -f -` / generators through the console."""

import json

import pytest

from playground.sim import Cluster
from playground.sim.console import Console

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  labels: {app: api, tier: be}
spec:
  replicas: 2
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
      - name: api
        image: nginx:1.25
        env:
        - name: MODE
          value: fast
"""

CONFIGMAP = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: app
data:
  a: "1"
"""


@pytest.fixture
def console():
    return Console(Cluster.new())


def apply(console, text, flags=""):
    return console.run(f"kubectl apply {flags} -f -".replace("  ", " "), stdin=text)


def test_apply_creates_then_is_unchanged(console):
    assert apply(console, DEPLOYMENT).output == "deployment.apps/api created\n"
    console.cluster.settle()
    assert apply(console, DEPLOYMENT).output == "deployment.apps/api unchanged\n"


def test_last_applied_annotation_is_the_manifest_as_compact_json(console):
    apply(console, CONFIGMAP)
    live = console.cluster.api.get("ConfigMap", "app")
    text = live["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"]
    assert text == ('{"apiVersion":"v1","data":{"a":"1"},"kind":"ConfigMap",'
                    '"metadata":{"name":"app","namespace":"default"}}\n')


def test_three_way_merge_removes_fields_dropped_from_the_manifest(console):
    apply(console, DEPLOYMENT)
    console.cluster.settle()
    console.run("kubectl scale deploy api --replicas=5")
    changed = (DEPLOYMENT.replace("labels: {app: api, tier: be}", "labels: {app: api}")
               .replace("        env:\n        - name: MODE\n          value: fast\n", ""))
    assert apply(console, changed).output == "deployment.apps/api configured\n"
    live = console.cluster.api.get("Deployment", "api")
    assert live["metadata"]["labels"] == {"app": "api"}
    assert live["spec"]["replicas"] == 2  # the manifest's value wins over the live scale
    container = live["spec"]["template"]["spec"]["containers"][0]
    assert "env" not in container
    assert container["imagePullPolicy"] == "IfNotPresent"  # server defaults are kept


def test_fields_set_by_others_survive_a_reapply(console):
    apply(console, CONFIGMAP)
    console.run("kubectl label cm app team=blue")
    assert apply(console, CONFIGMAP).output == "configmap/app unchanged\n"
    assert console.cluster.api.get("ConfigMap", "app")["metadata"]["labels"] == {"team": "blue"}


def test_multi_document_heredoc_in_a_script(console):
    script = (f"kubectl apply -f - <<EOF\n{CONFIGMAP}---\n{DEPLOYMENT}EOF\n"
              "kubectl get cm app -o name\n")
    assert console.run_script(script) == (
        "$ kubectl apply -f - <<EOF\n"
        "configmap/app created\n"
        "deployment.apps/api created\n"
        "$ kubectl get cm app -o name\n"
        "configmap/app\n")


def test_namespace_mismatch_is_refused_client_side(console):
    text = CONFIGMAP.replace("  name: app\n", "  name: app\n  namespace: other\n")
    result = apply(console, text, "-n kube-public")
    assert (result.ok, result.output) == (False, (
        'error: the namespace from the provided object "other" does not match the namespace '
        "\"kube-public\". You must pass '--namespace=other' to perform this operation.\n"))


def test_manifest_errors(console):
    result = apply(console, "apiVersion: v1\nkind: ConfigMap\nmetadata: [\n")
    assert result.output.startswith("error: error parsing STDIN: error converting YAML to JSON: "
                                    "yaml: line ")
    result = apply(console, "apiVersion: v1\nmetadata:\n  name: x\n")
    assert result.output == (
        'error: error validating "STDIN": error validating data: kind not set; if you choose '
        "to ignore these errors, turn validation off with --validate=false\n")
    result = apply(console, "apiVersion: v1\nkind: Widget\nmetadata:\n  name: x\n")
    assert result.output == ('error: resource mapping not found for name: "x" namespace: "" '
                             'from "STDIN": no matches for kind "Widget" in version "v1"\n'
                             "ensure CRDs are installed first\n")
    assert console.run("kubectl apply").output == "error: must specify one of -f and -k\n"


def test_server_errors_carry_the_source(console):
    text = CONFIGMAP.replace("  name: app\n", "  name: app\n  namespace: ghost\n")
    assert apply(console, text).output == (
        'Error from server (NotFound): error when creating "STDIN": namespaces "ghost" '
        "not found\n")
    invalid = CONFIGMAP.replace("name: app", "name: App_1")
    out = apply(console, invalid).output
    assert out.startswith('The ConfigMap "App_1" is invalid: metadata.name: Invalid value: '
                          '"App_1": a lowercase RFC 1123 subdomain')


def test_create_from_file_refuses_existing(console):
    assert console.run("kubectl create -f -", stdin=CONFIGMAP).output == "configmap/app created\n"
    result = console.run("kubectl create -f -", stdin=CONFIGMAP)
    assert (result.ok, result.output) == (False, (
        'Error from server (AlreadyExists): error when creating "STDIN": configmaps "app" '
        "already exists\n"))


def test_create_deployment_generator_dry_run_yaml(console):
    out = console.run("kubectl create deployment web --image=nginx:1.25 --replicas=3 "
                      "--port=80 --dry-run=client -o yaml").output
    assert out == """\
apiVersion: apps/v1
kind: Deployment
metadata:
  creationTimestamp: null
  labels:
    app: web
  name: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  strategy: {}
  template:
    metadata:
      creationTimestamp: null
      labels:
        app: web
    spec:
      containers:
      - image: nginx:1.25
        name: nginx
        ports:
        - containerPort: 80
        resources: {}
status: {}
"""
    assert console.cluster.store.get("Deployment", "default", "web") is None


def test_create_generators(console):
    assert console.run("kubectl create deployment web --image=registry.k8s.io/pause:3.9"
                       ).output == "deployment.apps/web created\n"
    live = console.cluster.api.get("Deployment", "web")
    assert live["spec"]["template"]["spec"]["containers"][0]["name"] == "pause"
    assert console.run("kubectl create ns dev").output == "namespace/dev created\n"
    assert console.run("kubectl create cm cfg -n dev --from-literal=a=1 --from-literal=b=x=y"
                       ).output == "configmap/cfg created\n"
    assert console.cluster.api.get("ConfigMap", "cfg", "dev")["data"] == {"a": "1", "b": "x=y"}
    assert console.run("kubectl create deployment nope").output == \
        'error: required flag(s) "image" not set\n'
    assert console.run("kubectl create ns dev").output == \
        'Error from server (AlreadyExists): namespaces "dev" already exists\n'
    # create_deployment.go / create_configmap.go wrap the API error
    assert console.run("kubectl create deployment web --image=nginx").output == \
        'error: failed to create deployment: deployments.apps "web" already exists\n'
    assert console.run("kubectl create cm cfg -n dev").output == \
        'error: failed to create configmap: configmaps "cfg" already exists\n'
    assert console.run("kubectl create deploy sl --image=busybox:1.36 -- sleep 3600").ok
    container = console.cluster.api.get("Deployment", "sl")["spec"]["template"]["spec"][
        "containers"][0]
    assert (container["name"], container["command"]) == ("busybox", ["sleep", "3600"])
    out = console.run("kubectl create deploy py --image=python:3.12 --dry-run=client "
                      "-o jsonpath={.spec.template.spec.containers[0].name}").output
    assert out == "python"


def test_apply_dry_run_and_output(console):
    assert apply(console, CONFIGMAP, "--dry-run=client").output == \
        "configmap/app created (dry run)\n"
    assert console.cluster.store.get("ConfigMap", "default", "app") is None
    out = apply(console, CONFIGMAP, "-o json").output
    assert json.loads(out)["metadata"]["name"] == "app"


def test_apply_over_an_imperatively_created_object_warns(console):
    console.run("kubectl create cm app")
    assert apply(console, CONFIGMAP).output == (
        "Warning: resource configmaps/app is missing the kubectl.kubernetes.io/"
        "last-applied-configuration annotation which is required by kubectl apply. kubectl "
        "apply should only be used on resources created declaratively by either kubectl create "
        "--save-config or kubectl apply. The missing annotation will be patched automatically.\n"
        "configmap/app configured\n")
    assert apply(console, CONFIGMAP).output == "configmap/app unchanged\n"


def test_apply_without_a_name(console):
    result = apply(console, "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  labels: {}\n")
    assert (result.ok, result.output) == (False, (
        "error: error when retrieving current configuration of:\n"
        'Resource: "apps/v1, Resource=deployments", GroupVersionKind: "apps/v1, Kind=Deployment"\n'
        'Name: "", Namespace: "default"\n'
        'from server for: "STDIN": resource name may not be empty\n'))
