"""delete, scale, set image, label, annotate, rollout, cordon/drain, version, api-resources."""

import pytest

from playground.sim import Cluster
from playground.sim.console import Console

BARE_POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: solo
spec:
  nodeName: worker-1
  containers:
  - name: app
    image: nginx:1.25
"""


@pytest.fixture
def console():
    c = Console(Cluster.new())
    c.run("kubectl create deployment web --image=nginx:1.25 --replicas=2")
    c.cluster.settle()
    return c


def out(console, line, stdin=None):
    return console.run(line, stdin=stdin).output


def test_delete_messages_and_force_warning(console):
    console.run("kubectl apply -f -", stdin=BARE_POD)
    assert out(console, "kubectl delete pod solo") == 'pod "solo" deleted\n'
    console.run("kubectl apply -f -", stdin=BARE_POD)
    assert out(console, "kubectl delete pod solo --grace-period=0 --force") == (
        "Warning: Immediate deletion does not wait for confirmation that the running resource "
        "has been terminated. The resource may continue to run on the cluster indefinitely.\n"
        'pod "solo" force deleted\n')
    assert console.cluster.store.get("Pod", "default", "solo") is None
    assert out(console, "kubectl delete pod solo") == \
        'Error from server (NotFound): pods "solo" not found\n'
    assert out(console, "kubectl delete deployment.apps/web") == \
        'deployment.apps "web" deleted\n'


def test_delete_argument_errors(console):
    assert out(console, "kubectl delete pods") == \
        "error: resource(s) were provided, but no name was specified\n"
    assert out(console, "kubectl delete").startswith(
        "error: You must provide one or more resources by argument or filename.")
    assert out(console, "kubectl delete pods -l app=nothing") == "No resources found\n"
    assert out(console, "kubectl delete pod x --force --grace-period=5") == (
        "error: --force and --grace-period greater than 0 cannot be specified together\n")
    assert out(console, "kubectl delete ns default") == \
        'Error from server (Forbidden): namespaces "default" is forbidden: this namespace may ' \
        "not be deleted\n"


def test_delete_by_selector_and_grace_period_zero_means_one(console):
    pods = console.cluster.api.list("Pod", "default", label_selector="app=web")
    lines = out(console, "kubectl delete pods -l app=web --grace-period=0").splitlines()
    assert lines == [f'pod "{p["metadata"]["name"]}" deleted' for p in pods]
    terminating = console.cluster.api.get("Pod", pods[0]["metadata"]["name"])
    assert terminating["metadata"]["deletionGracePeriodSeconds"] == 1


def test_scale_and_set_image(console):
    assert out(console, "kubectl scale deploy/web --replicas=3") == \
        "deployment.apps/web scaled\n"
    assert console.cluster.api.get("Deployment", "web")["spec"]["replicas"] == 3
    assert out(console, "kubectl scale deploy web") == 'error: required flag(s) "replicas" ' \
        "not set\n"
    assert out(console, "kubectl set image deployment/web nginx=nginx:1.26") == \
        "deployment.apps/web image updated\n"
    assert out(console, "kubectl set image deployment/web nginx=nginx:1.26") == ""
    assert out(console, "kubectl set image deployment/web app=nginx:1.26") == \
        'error: unable to find container named "app"\n'


def test_label_and_annotate(console):
    assert out(console, "kubectl label deploy web tier=fe") == "deployment.apps/web labeled\n"
    assert out(console, "kubectl label deploy web tier=be") == \
        "error: 'tier' already has a value (fe), and --overwrite is false\n"
    assert out(console, "kubectl label deploy web tier=be --overwrite") == \
        "deployment.apps/web labeled\n"
    assert out(console, "kubectl label deploy web tier-") == "deployment.apps/web unlabeled\n"
    assert console.cluster.api.get("Deployment", "web")["metadata"]["labels"] == {"app": "web"}
    assert out(console, "kubectl annotate deploy web note=hi") == \
        "deployment.apps/web annotated\n"
    assert out(console, "kubectl annotate deploy web note=ho") == (
        "error: --overwrite is false but found the following declared annotation(s): 'note' "
        "already has a value (hi)\n")


def test_rollout_status_history_undo(console):
    assert out(console, "kubectl rollout status deploy/web") == \
        'deployment "web" successfully rolled out\n'
    console.run("kubectl set image deploy/web nginx=nginx:1.26")
    status = out(console, "kubectl rollout status deployment web")
    assert status.startswith('Waiting for deployment "web" rollout to finish: ')
    watched = out(console, "kubectl rollout status deploy/web -w").splitlines()
    assert watched[-1] == 'deployment "web" successfully rolled out'
    assert len(watched) == len(set(watched))  # one line per change of status
    assert out(console, "kubectl rollout history deploy/web") == (
        "deployment.apps/web \n"
        "REVISION  CHANGE-CAUSE\n"
        "1         <none>\n"
        "2         <none>\n"
        "\n")
    assert out(console, "kubectl rollout undo deploy/web") == "deployment.apps/web rolled back\n"
    image = console.cluster.api.get("Deployment", "web")["spec"]["template"]["spec"][
        "containers"][0]["image"]
    assert image == "nginx:1.25"
    assert out(console, "kubectl rollout undo deploy/web --to-revision=7") == \
        "error: unable to find specified revision 7 in history\n"


def test_rollout_pause_resume_restart(console):
    assert out(console, "kubectl rollout pause deploy/web") == "deployment.apps/web paused\n"
    assert out(console, "kubectl rollout pause deploy/web") == \
        'error: deployments.apps "web" is already paused\n'
    assert out(console, "kubectl rollout restart deploy/web") == (
        "error: deployments.apps \"web\" can't restart paused deployment (run rollout resume "
        "first)\n")
    assert out(console, "kubectl rollout undo deploy/web") == (
        "error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout "
        "resume' and try again\n")
    assert out(console, "kubectl rollout resume deploy/web") == "deployment.apps/web resumed\n"
    assert out(console, "kubectl rollout resume deploy/web") == \
        'error: deployments.apps "web" is not paused\n'
    assert out(console, "kubectl rollout restart deploy/web") == \
        "deployment.apps/web restarted\n"
    template = console.cluster.api.get("Deployment", "web")["spec"]["template"]
    assert "kubectl.kubernetes.io/restartedAt" in template["metadata"]["annotations"]


def test_cordon_uncordon(console):
    assert out(console, "kubectl cordon worker-1") == "node/worker-1 cordoned\n"
    assert out(console, "kubectl cordon worker-1") == "node/worker-1 already cordoned\n"
    assert console.cluster.api.get("Node", "worker-1")["spec"]["unschedulable"] is True
    assert "Ready,SchedulingDisabled" in out(console, "kubectl get node worker-1")
    assert out(console, "kubectl uncordon worker-1") == "node/worker-1 uncordoned\n"
    assert out(console, "kubectl uncordon worker-1") == "node/worker-1 already uncordoned\n"


def _on(console, node):
    return sorted(f"{p['metadata']['namespace']}/{p['metadata']['name']}"
                  for p in console.cluster.api.list("Pod")
                  if p["spec"].get("nodeName") == node and p["metadata"].get("ownerReferences")
                  and p["metadata"]["ownerReferences"][0]["kind"] == "DaemonSet")


def test_drain_refusals_then_force(console):
    console.run("kubectl apply -f -", stdin=BARE_POD)
    daemon = ", ".join(_on(console, "worker-1"))
    result = console.run("kubectl drain worker-1 --ignore-daemonsets")
    assert not result.ok
    assert result.output == (
        "node/worker-1 cordoned\n"
        'error: unable to drain node "worker-1" due to error:cannot delete Pods declare no '
        "controller (use --force to override): default/solo, continuing command...\n"
        "There are pending nodes to be drained:\n"
        " worker-1\n"
        "cannot delete Pods declare no controller (use --force to override): default/solo\n")
    web = sorted(p["metadata"]["name"] for p in console.cluster.api.list("Pod", "default")
                 if p["spec"].get("nodeName") == "worker-1" and p["metadata"]["name"] != "solo")
    result = console.run("kubectl drain worker-1 --ignore-daemonsets --force")
    evicted = ["default/solo", *[f"default/{n}" for n in web]]
    evicted.sort()
    expected = ["node/worker-1 already cordoned"]
    if daemon:  # kubectl sorts the warning groups
        expected.append("Warning: deleting Pods that declare no controller: default/solo; "
                        f"ignoring DaemonSet-managed Pods: {daemon}")
    expected += [f"evicting pod {e}" for e in evicted]
    expected += [f"pod/{e.split('/')[1]} evicted" for e in evicted]
    expected.append("node/worker-1 drained")
    assert result.output.splitlines() == expected


def test_version_and_api_resources(console):
    assert out(console, "kubectl version") == (
        "Client Version: v1.33.1\nKustomize Version: v5.6.0\nServer Version: v1.33.1\n")
    lines = out(console, "kubectl api-resources").splitlines()
    assert lines[0].split() == ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
    rows = {line.split()[0]: line.split() for line in lines[1:]}
    assert rows["deployments"] == ["deployments", "deploy", "apps/v1", "true", "Deployment"]
    assert rows["nodes"] == ["nodes", "no", "v1", "false", "Node"]
    assert lines[1].startswith("configmaps ")  # the core group comes first


STATEFULSET = """\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  replicas: 2
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
      - name: app
        image: nginx:1.25
"""


def test_statefulset_rollout_status_uses_the_partitioned_wording():
    console = Console(Cluster.new())
    console.run("kubectl apply -f -", stdin=STATEFULSET)
    assert out(console, "kubectl rollout status sts/db").startswith("Waiting for ")
    lines = out(console, "kubectl rollout status statefulset/db --watch").splitlines()
    assert lines[-1] == "partitioned roll out complete: 2 new pods have been updated..."
    assert "Waiting for 1 pods to be ready..." in lines
    console.run("kubectl set image sts/db app=nginx:1.26")
    assert out(console, "kubectl rollout status sts/db").startswith(
        "Waiting for partitioned roll out to finish: 0 out of 2 new pods have been updated")
    console.run("kubectl patch sts db -p '{\"spec\":{\"updateStrategy\":{\"type\":\"OnDelete\","
                "\"rollingUpdate\":null}}}'")
    assert out(console, "kubectl rollout status sts/db") == \
        "error: rollout status is only available for RollingUpdate strategy type\n"


def test_drain_refuses_emptydir_pods_without_the_flag(console):
    console.run("kubectl apply -f -", stdin=BARE_POD.replace(
        "  containers:", "  volumes:\n  - name: scratch\n    emptyDir: {}\n  containers:"))
    result = console.run("kubectl drain worker-1 --ignore-daemonsets --force")
    assert "cannot delete Pods with local storage (use --delete-emptydir-data to override): " \
           "default/solo" in result.output
    result = console.run("kubectl drain worker-1 --ignore-daemonsets --force "
                         "--delete-emptydir-data")
    assert result.ok
    # the last filter's status wins (GetPodsForDeletion): only the no-controller warning shows
    assert "deleting Pods that declare no controller: default/solo" in result.output
    assert "local storage" not in result.output
    assert result.output.endswith("node/worker-1 drained\n")
