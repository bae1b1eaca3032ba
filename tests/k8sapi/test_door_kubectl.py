"""The real kubectl against a live daphne: the commands a learner uses at work."""

from __future__ import annotations

import subprocess
import time

import pytest

from playground.models import Sandbox
from playground.sandboxes import opened
from playground.sim.console import Console
from tests.k8sapi.conftest import versioned_kubectl

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports: [{containerPort: 80}]
"""


def console(door, line: str) -> str:
    with opened(door.sandbox.pk) as loaded:
        return Console(loaded.cluster).run(line).output


def test_version_discovery_and_tables_match_the_console(door, need_kubectl):
    version = door.kubectl("version").stdout
    assert "Server Version: v1.33.0" in version

    resources = [line.split() for line in door.kubectl("api-resources").stdout.splitlines()]
    assert ["deployments", "deploy", "apps/v1", "true", "Deployment"] in resources
    assert ["pods", "po", "v1", "true", "Pod"] in resources

    nodes = door.kubectl("get", "nodes").stdout.splitlines()
    assert nodes[0].split() == ["NAME", "STATUS", "ROLES", "AGE", "VERSION"]
    assert [line.split()[0] for line in nodes[1:]] == ["cp-1", "worker-1", "worker-2"]

    wide = door.kubectl("get", "pods", "-A", "-o", "wide").stdout.splitlines()
    ours = console(door, "kubectl get pods -A -o wide").splitlines()
    assert wide[0].split() == ours[0].split()
    assert wide[0].split()[:2] == ["NAMESPACE", "NAME"]
    assert [line.split()[:3] for line in wide[1:]] == [line.split()[:3] for line in ours[1:]]

    labels = door.kubectl("get", "ns", "default", "--show-labels").stdout.splitlines()
    assert labels[0].split() == ["NAME", "STATUS", "AGE", "LABELS"]
    assert labels[1].split()[-1] == "kubernetes.io/metadata.name=default"


def test_apply_scale_label_set_image_diff_and_delete(door, need_kubectl):
    assert door.kubectl("apply", "-f", "-", stdin=DEPLOYMENT).stdout == (
        "deployment.apps/web created\n"
    )
    assert door.kubectl("apply", "-f", "-", stdin=DEPLOYMENT).stdout == (
        "deployment.apps/web unchanged\n"
    )
    # the change is stored where the page and the console read it
    assert "web" in console(door, "kubectl get deploy")

    assert door.kubectl("scale", "deploy/web", "--replicas=3").stdout == (
        "deployment.apps/web scaled\n"
    )
    assert door.kubectl("get", "deploy", "web", "-o", "jsonpath={.spec.replicas}").stdout == "3"

    diff = door.kubectl("diff", "-f", "-", stdin=DEPLOYMENT, ok=False)
    assert diff.returncode == 1, diff.stderr
    assert "-  replicas: 3" in diff.stdout and "+  replicas: 2" in diff.stdout
    assert door.kubectl("get", "deploy", "web", "-o", "jsonpath={.spec.replicas}").stdout == "3"

    out = door.kubectl("set", "image", "deploy/web", "nginx=nginx:1.28").stdout
    assert out == "deployment.apps/web image updated\n"
    assert door.kubectl("label", "deploy", "web", "tier=front").stdout == (
        "deployment.apps/web labeled\n"
    )
    shown = door.kubectl("get", "deploy", "-L", "tier").stdout.splitlines()
    assert shown[0].split()[-1] == "TIER" and shown[1].split()[-1] == "front"

    dry = door.kubectl("delete", "deploy", "web", "--dry-run=server").stdout
    assert dry == 'deployment.apps "web" deleted (server dry run)\n'
    assert door.kubectl("delete", "deploy", "web").stdout == 'deployment.apps "web" deleted\n'
    missing = door.kubectl("get", "deploy", "web", ok=False)
    assert missing.returncode == 1
    assert missing.stderr == 'Error from server (NotFound): deployments.apps "web" not found\n'


def test_create_commands_send_protobuf_and_expose(door, need_kubectl):
    out = door.kubectl(
        "create", "deployment", "hello", "--image=nginx:1.27", "--replicas=2", "--port=80"
    ).stdout
    assert out == "deployment.apps/hello created\n"
    spec = door.kubectl(
        "get",
        "deploy",
        "hello",
        "-o",
        "jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image} "
        "{.spec.template.spec.containers[0].ports[0].containerPort}",
    ).stdout
    assert spec == "2 nginx:1.27 80"
    assert door.kubectl("create", "configmap", "cfg", "--from-literal=a=1").stdout == (
        "configmap/cfg created\n"
    )
    assert door.kubectl("get", "cm", "cfg", "-o", "jsonpath={.data.a}").stdout == "1"
    assert door.kubectl("create", "namespace", "team").stdout == "namespace/team created\n"
    assert door.kubectl("create", "service", "clusterip", "db", "--tcp=5432").stdout == (
        "service/db created\n"
    )
    assert door.kubectl("expose", "deployment", "hello", "--port=80").stdout == (
        "service/hello exposed\n"
    )
    svc = door.kubectl("get", "svc", "hello").stdout.splitlines()
    assert svc[0].split() == ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"]
    assert svc[1].split()[:2] == ["hello", "ClusterIP"] and svc[1].split()[4] == "80/TCP"
    assert door.kubectl("auth", "can-i", "create", "pods").stdout == "yes\n"
    secret = door.kubectl("create", "secret", "generic", "s", "--from-literal=x=y", ok=False)
    if secret.returncode == 0:  # Secrets served: the protobuf map<string, bytes> decoded
        data = door.kubectl("get", "secret", "s", "-o", "jsonpath={.data.x}").stdout
        assert data == "eQ=="
    else:
        assert "the server could not find the requested resource" in secret.stderr
    unknown = door.kubectl("get", "cronjobs", ok=False)
    assert unknown.stderr == 'error: the server doesn\'t have a resource type "cronjobs"\n'


def test_strict_field_validation_and_explain(door, need_kubectl):
    bad = DEPLOYMENT.replace("  replicas: 2\n", "  replicas: 2\n  replica: 3\n")
    refused = door.kubectl("apply", "-f", "-", stdin=bad, ok=False)
    assert refused.returncode == 1
    assert refused.stderr == (
        'Error from server (BadRequest): error when creating "STDIN": Deployment in version '
        '"v1" cannot be handled as a Deployment: strict decoding error: unknown field '
        '"spec.replica"\n'
    )
    door.kubectl("apply", "-f", "-", stdin=DEPLOYMENT)
    patched = door.kubectl("patch", "deploy", "web", "-p", '{"spec":{"replicaz":1}}')
    # no fieldValidation on a patch: the server's default warns and drops the field
    assert patched.stderr == 'Warning: unknown field "spec.replicaz"\n'
    stored = door.kubectl("get", "deploy", "web", "-o", "yaml").stdout
    assert "replicaz" not in stored
    endpoints = door.kubectl("get", "endpoints", "kubernetes")
    assert endpoints.stderr == (
        "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n"
    )
    rules = door.kubectl("auth", "can-i", "--list").stdout.splitlines()
    assert rules[1].split() == ["*.*", "[]", "[]", "[*]"]
    explained = door.kubectl("explain", "deployment.spec.replicas").stdout
    assert "KIND:       Deployment" in explained and "FIELD: replicas <integer>" in explained


def test_get_watch_rollout_logs_exec_and_run(door, celery_worker, need_kubectl):
    env_kubectl = door.kubectl  # the watcher below runs beside other commands
    watcher = subprocess.Popen(
        ["kubectl", "--kubeconfig", str(door.kubeconfig), "get", "pods", "-w", "-l", "app=w"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={"HOME": str(door.cache), "KUBECACHEDIR": str(door.cache), "PATH": "/usr/bin:/bin"},
    )
    try:
        time.sleep(1.0)
        env_kubectl("create", "deployment", "w", "--image=nginx:1.27")
        status = env_kubectl("rollout", "status", "deploy/w", "--timeout=60s").stdout
        assert status.endswith('deployment "w" successfully rolled out\n')
    finally:
        time.sleep(1.0)
        watcher.terminate()
        seen = watcher.communicate(timeout=10)[0].splitlines()
    assert seen[0].split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    statuses = [line.split()[2] for line in seen[1:]]
    assert statuses[0] == "Pending" and "Running" in statuses

    pod = env_kubectl("get", "pods", "-l", "app=w", "-o", "name").stdout.strip()
    logs = env_kubectl("logs", pod).stdout
    assert "/docker-entrypoint.sh: Configuration complete; ready for start up" in logs

    env_kubectl("run", "bb", "--image=busybox:1.36", "--restart=Never", "--", "sleep", "3600")
    env_kubectl("wait", "--for=condition=Ready", "pod/bb", "--timeout=60s")
    lookup = env_kubectl("exec", "bb", "--", "nslookup", "kubernetes").stdout
    assert "Name:\tkubernetes.default.svc.cluster.local\nAddress: 10.96.0.1\n" in lookup
    resolv = env_kubectl("exec", "bb", "--", "cat", "/etc/resolv.conf").stdout
    assert resolv.startswith("search default.svc.cluster.local svc.cluster.local cluster.local")
    missing = env_kubectl("exec", "nope", "--", "ls", ok=False)
    assert missing.stderr == 'Error from server (NotFound): pods "nope" not found\n'
    env_kubectl("run", "stuck", "--image=nginx:9.99", "--restart=Never")
    waiting = env_kubectl("exec", "stuck", "--", "ls", ok=False)
    assert waiting.stderr == 'error: unable to upgrade connection: container not found ("stuck")\n'

    once = env_kubectl(
        "run",
        "tmp",
        "--rm",
        "-i",
        "--image=busybox:1.36",
        "--restart=Never",
        "--",
        "nslookup",
        "kubernetes",
    )
    assert "Address: 10.96.0.1" in once.stdout and 'pod "tmp" deleted' in once.stdout

    for verb in ("pause", "resume", "restart"):
        out = env_kubectl("rollout", verb, "deploy/w").stdout
        assert out == f"deployment.apps/w {verb}d\n".replace("restartd", "restarted")
    history = env_kubectl("rollout", "history", "deploy/w").stdout
    assert history.startswith("deployment.apps/w \nREVISION  CHANGE-CAUSE\n1         <none>\n")
    assert Sandbox.objects.get(pk=door.sandbox.pk).resource_version > 0


def test_kubectl_1_32_sends_what_the_door_understands(door, need_kubectl):
    binary = versioned_kubectl("1.32")
    if binary is None:
        pytest.skip("no kubectl 1.32 binary beside the default kubectl")
    assert "Client Version: v1.32." in door.kubectl("version", binary=binary).stdout
    created = door.kubectl("create", "deployment", "old", "--image=nginx:1.27", binary=binary)
    assert created.stdout == "deployment.apps/old created\n"  # a protobuf body
    assert door.kubectl("apply", "-f", "-", stdin=DEPLOYMENT, binary=binary).stdout == (
        "deployment.apps/web created\n"
    )
    table = door.kubectl("get", "deploy", "-o", "wide", binary=binary).stdout.splitlines()
    assert table[0].split() == [
        "NAME",
        "READY",
        "UP-TO-DATE",
        "AVAILABLE",
        "AGE",
        "CONTAINERS",
        "IMAGES",
        "SELECTOR",
    ]
    assert [line.split()[0] for line in table[1:]] == ["old", "web"]
    assert door.kubectl("auth", "can-i", "delete", "pods", binary=binary).stdout == "yes\n"


def test_get_every_kind_describe_and_rollout_undo(door, need_kubectl):
    from k8sapi import discovery

    door.kubectl("apply", "-f", "-", stdin=DEPLOYMENT)
    for rt in discovery.served():
        shown = door.kubectl("get", rt.resource, "-A", ok=False)
        assert shown.returncode == 0, (rt.kind, shown.stderr)
        if shown.stdout:
            printed = console(door, f"kubectl get {rt.resource} -A").splitlines()
            ours = [line for line in printed if not line.startswith("Warning:")]
            assert shown.stdout.splitlines()[0].split() == ours[0].split(), rt.kind
        else:
            assert shown.stderr.endswith("No resources found\n"), (rt.kind, shown.stderr)

    described = door.kubectl("describe", "deployment", "web").stdout
    assert described.startswith("Name:                   web\nNamespace:              default\n")
    assert "Replicas:               2 desired" in described

    door.kubectl("set", "image", "deploy/web", "nginx=nginx:1.28")
    assert door.kubectl("rollout", "undo", "deploy/web").stdout == (
        "deployment.apps/web rolled back\n"
    )
    image = door.kubectl(
        "get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.containers[0].image}"
    ).stdout
    assert image == "nginx:1.27"


def test_a_revoked_kubeconfig_is_refused(door, need_kubectl):
    from k8sapi import access

    assert door.kubectl("get", "ns", "default", "-o", "name").stdout == "namespace/default\n"
    access.revoke(door.sandbox)
    refused = door.kubectl("get", "pods", ok=False)
    assert refused.returncode == 1
    # with discovery cached the Status message shows; without, discovery's own wording
    assert refused.stderr.splitlines()[-1] in (
        "error: You must be logged in to the server (Unauthorized)",
        "error: You must be logged in to the server (the server has asked for the client to "
        "provide credentials)",
    )


def test_attach_streams_the_main_process_output(door, celery_worker, need_kubectl):
    door.kubectl(
        "run",
        "ticker",
        "--image=busybox:1.36",
        "--restart=Never",
        "--",
        "sh",
        "-c",
        "while true; do echo tick; sleep 1; done",
    )
    door.kubectl("wait", "--for=condition=Ready", "pod/ticker", "--timeout=60s")
    attached = subprocess.Popen(
        ["kubectl", "--kubeconfig", str(door.kubeconfig), "attach", "ticker"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={"HOME": str(door.cache), "KUBECACHEDIR": str(door.cache), "PATH": "/usr/bin:/bin"},
    )
    time.sleep(5)
    attached.terminate()
    out = attached.communicate(timeout=10)[0]
    assert out.splitlines()[:2] == ["tick", "tick"]


def test_a_change_made_on_the_page_shows_in_kubectl_get_watch(door, need_kubectl):
    from playground import sandboxes

    watcher = subprocess.Popen(
        ["kubectl", "--kubeconfig", str(door.kubeconfig), "get", "configmaps", "-w"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={"HOME": str(door.cache), "KUBECACHEDIR": str(door.cache), "PATH": "/usr/bin:/bin"},
    )
    try:
        time.sleep(1.5)
        started = time.monotonic()
        line = "kubectl create configmap from-page --from-literal=a=1"
        out, ok = sandboxes.sandbox_command(sandbox_id=door.sandbox.pk, line=line)
        assert ok, out
        time.sleep(2.0)
    finally:
        watcher.terminate()
        seen = watcher.communicate(timeout=10)[0].splitlines()
    assert [line.split()[0] for line in seen] == ["NAME", "kube-root-ca.crt", "from-page"]
    assert time.monotonic() - started < 10
