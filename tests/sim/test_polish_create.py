"""`kubectl create service ...` / `create secret ...` generators and the Secret kind, checked
against kubectl v1.32's client-side output (create_service.go, create_secret*.go)."""

import base64
import json

import pytest

from playground.sim.cluster import Cluster
from playground.sim.console import Console
from playground.sim.errors import BadRequest, Invalid


@pytest.fixture
def console():
    return Console(Cluster.new())


def run(console, line, ok=True):
    result = console.run(line)
    assert result.ok is ok, result.output
    return result.output


def test_create_service_nodeport_yaml_matches_kubectl(console):
    out = run(console, "kubectl create service nodeport web --tcp=80:8080 --node-port=30080 "
                       "--dry-run=client -o yaml")
    assert out == """apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    app: web
  name: web
spec:
  ports:
  - name: 80-8080
    nodePort: 30080
    port: 80
    protocol: TCP
    targetPort: 8080
  selector:
    app: web
  type: NodePort
status:
  loadBalancer: {}
"""


def test_create_service_port_names_headless_and_externalname(console):
    out = run(console, "kubectl create service clusterip x --tcp=80 --tcp=443:8443 "
                       "--dry-run=client -o yaml")
    assert '  - name: "80"\n    port: 80\n    protocol: TCP\n    targetPort: 80\n' in out
    assert "  - name: 443-8443\n" in out
    out = run(console, "kubectl create service clusterip hl --clusterip=None --dry-run=client "
                       "-o yaml")
    assert "spec:\n  clusterIP: None\n  selector:\n    app: hl\n  type: ClusterIP\n" in out
    out = run(console, "kubectl create service externalname ext --external-name=example.com "
                       "--dry-run=client -o yaml")
    assert "spec:\n  externalName: example.com\n  selector:\n    app: ext\n" in out


@pytest.mark.parametrize("line, message", [
    ("clusterip x", "error: at least one tcp port specifier must be provided"),
    ("nodeport web --tcp=abc:80", 'error: strconv.ParseUint: parsing "abc": invalid syntax'),
    ("nodeport web --tcp=80:x_y",
     "error: must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"),
    ("externalname web --external-name=Bad_Name", "error: invalid service external name Bad_Name"),
    ("externalname web", 'error: required flag(s) "external-name" not set'),
    ("foo x", "error: unknown command \"foo x\"\nSee 'kubectl create service -h' for help and "
              "examples"),
])
def test_create_service_client_errors(console, line, message):
    assert run(console, f"kubectl create service {line}", ok=False) == message + "\n"


def test_create_service_creates_and_wraps_server_errors(console):
    assert run(console, "kubectl create service nodeport web --tcp=80:8080") == \
        "service/web created\n"
    svc = console.cluster.api.get("Service", "web")
    assert svc["spec"]["ports"][0]["name"] == "80-8080"
    assert 30000 <= svc["spec"]["ports"][0]["nodePort"] <= 32767
    assert run(console, "kubectl create service nodeport web --tcp=80:8080", ok=False) == (
        'error: failed to create NodePort service: services "web" already exists\n')


def test_create_secret_generic_and_docker_registry(console):
    out = run(console, "kubectl create secret generic db --from-literal=user=admin "
                       "--from-literal=pass=s3cr=t --dry-run=client -o yaml")
    assert out == ("apiVersion: v1\ndata:\n  pass: czNjcj10\n  user: YWRtaW4=\nkind: Secret\n"
                   "metadata:\n  creationTimestamp: null\n  name: db\n")
    out = run(console, "kubectl create secret docker-registry reg --docker-server=r.example.com "
                       "--docker-username=u --docker-password=p --docker-email=e@x "
                       "--dry-run=client -o yaml")
    assert out.endswith("  name: reg\ntype: kubernetes.io/dockerconfigjson\n")
    blob = out.split(".dockerconfigjson: ")[1].split("\n")[0]
    assert base64.b64decode(blob).decode() == (
        '{"auths":{"r.example.com":{"username":"u","password":"p","email":"e@x",'
        '"auth":"dTpw"}}}')
    assert run(console, "kubectl create secret tls t", ok=False) == (
        "error: key and cert must be specified\n")
    assert run(console, "kubectl create secret generic x --from-literal=a", ok=False) == (
        "error: invalid literal source a, expected key=value\n")


def test_secret_is_stored_listed_and_described(console):
    assert run(console, "kubectl create secret generic db --from-literal=user=admin "
                        "--from-literal=pass=s3cr=t") == "secret/db created\n"
    assert run(console, "kubectl get secrets") == (
        "NAME   TYPE     DATA   AGE\ndb     Opaque   2      0s\n")
    assert run(console, "kubectl describe secret db") == (
        "Name:         db\nNamespace:    default\nLabels:       <none>\nAnnotations:  <none>\n\n"
        "Type:  Opaque\n\nData\n====\npass:  6 bytes\nuser:  5 bytes\n")
    assert run(console, "kubectl create secret generic t --type=kubernetes.io/tls "
                        "--from-literal=tls.crt=x", ok=False) == (
        'error: failed to create secret Secret "t" is invalid: data[tls.key]: Required value\n')


def test_secret_api_folds_string_data_and_checks_base64():
    c = Cluster.new()
    s = c.api.create({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"},
                      "data": {"a": "eA=="}, "stringData": {"a": "y", "b": "z"}})
    assert s["type"] == "Opaque" and "stringData" not in s
    assert s["data"] == {"a": "eQ==", "b": "eg=="}
    with pytest.raises(BadRequest) as exc:
        c.api.create({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "t"},
                      "data": {"a": "not base64!"}})
    assert exc.value.message == ('Secret in version "v1" cannot be handled as a Secret: '
                                 "illegal base64 data at input byte 3")
    changed = dict(s, type="kubernetes.io/basic-auth")
    with pytest.raises(Invalid) as exc:
        c.api.update(changed)
    assert 'type: Invalid value: "kubernetes.io/basic-auth": field is immutable' in str(
        exc.value.message)
    assert json.loads(json.dumps(s))  # plain dicts only
