"""`container kill`: a SIGKILLed container exits 137 and the kubelet restarts it."""

from playground.sim import Cluster
from playground.sim.console import Console


def running_pod(console: Console, cluster: Cluster) -> str:
    assert console.run("kubectl run web --image=nginx:1.27").ok
    cluster.advance(30)
    pod = cluster.api.get("pods", "web")
    assert pod["status"]["phase"] == "Running"
    return "web"


def test_killed_container_restarts_with_exit_code_137():
    cluster = Cluster.new()
    console = Console(cluster)
    running_pod(console, cluster)
    result = console.run("container kill web")
    assert result.ok, result.output
    assert result.output.startswith("container web of pod web killed (exit code 137)")
    cluster.advance(15)
    status = cluster.api.get("pods", "web")["status"]["containerStatuses"][0]
    assert status["restartCount"] == 1
    assert status["lastState"]["terminated"]["exitCode"] == 137
    assert status["lastState"]["terminated"]["reason"] == "Error"
    assert "running" in status["state"]
    sentences = [e["message"] for e in cluster.store.timeline if e["name"] == "web"]
    assert any("you killed container web of pod web (SIGKILL)" in s for s in sentences)


def test_kill_errors_read_clearly():
    cluster = Cluster.new()
    console = Console(cluster)
    assert console.run("container kill ghost").output.strip() == (
        'Error from server (NotFound): pods "ghost" not found')
    running_pod(console, cluster)
    out = console.run("container kill web -c sidecar").output.strip()
    assert out == "Error from server (BadRequest): container sidecar is not valid for pod web"
    assert not console.run("container stop web").ok


def test_a_shell_with_stdin_keeps_running_and_one_without_exits():
    """`kubectl run -it --image=busybox -- sh` stays Running; a plain `sh` has no input and
    exits at once (Completed, then CrashLoopBackOff under restartPolicy Always)."""
    cluster = Cluster.new()
    pod = {
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "shell"},
        "spec": {"restartPolicy": "Never", "containers": [
            {"name": "shell", "image": "busybox:1.36", "command": ["sh"], "stdin": True,
             "tty": True}]},
    }
    cluster.api.create(pod)
    plain = {**pod, "metadata": {"name": "plain"}, "spec": {**pod["spec"], "containers": [
        {"name": "plain", "image": "busybox:1.36", "command": ["sh"]}]}}
    cluster.api.create(plain)
    cluster.advance(60)
    assert cluster.api.get("pods", "shell")["status"]["phase"] == "Running"
    assert cluster.api.get("pods", "plain")["status"]["phase"] == "Succeeded"
