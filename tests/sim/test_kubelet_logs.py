"""container_logs: what kubectl logs prints, and the kubelet's refusals."""

import pytest

from playground.sim import Cluster
from playground.sim.errors import BadRequest, InternalError
from playground.sim.logs import container_logs
from playground.sim.nodes import last_heartbeat, stop_node

from .node_support import make_pod, pod


def logs(c, name, container="app", previous=False):
    return container_logs(c, pod(c, name), container, previous)


def test_nginx_prints_its_entrypoint_and_start_up_lines():
    c = Cluster.new()
    make_pod(c, "web", image="nginx:1.27")
    c.advance(10)
    lines = logs(c, "web").splitlines()
    assert lines[0] == ("/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt "
                        "to perform configuration")
    assert "/docker-entrypoint.sh: Configuration complete; ready for start up" in lines
    assert any(line.endswith("[notice] 1#1: nginx/1.27.5") for line in lines)


def test_echo_loop_output_grows_with_time():
    c = Cluster.new()
    make_pod(c, "loop", image="busybox:1.36",
             command=["sh", "-c", "while true; do echo hello; sleep 10; done"])
    c.advance(5)
    first = logs(c, "loop").count("hello")
    c.advance(30)
    assert logs(c, "loop").count("hello") == first + 3


def test_previous_shows_the_crashed_run_and_waiting_containers_refuse():
    c = Cluster.new()
    make_pod(c, "crash", image="busybox:1.36", command=["sh", "-c", "echo boom; exit 1"])
    make_pod(c, "bad", image="nginx:1.99")
    assert logs(c, "crash") == "", "not scheduled yet: nothing to show"
    c.reconcile()
    with pytest.raises(BadRequest) as exc:
        logs(c, "crash")
    assert exc.value.message == ('container "app" in pod "crash" is waiting to start: '
                                 "ContainerCreating")
    c.advance(30)
    assert logs(c, "crash") == "boom\n"
    assert logs(c, "crash", previous=True) == "boom\n"
    with pytest.raises(BadRequest) as exc:
        logs(c, "bad")
    assert exc.value.message == ('container "app" in pod "bad" is waiting to start: trying and '
                                 "failing to pull image")
    with pytest.raises(BadRequest) as exc:
        logs(c, "bad", previous=True)
    assert exc.value.message == 'previous terminated container "app" in pod "bad" not found'
    with pytest.raises(BadRequest) as exc:
        logs(c, "bad", container="nope")
    assert exc.value.message == "container nope is not valid for pod bad"


def test_logs_of_a_pod_on_a_stopped_node_cannot_be_fetched():
    c = Cluster.new()
    make_pod(c, "web", nodeName="worker-1")
    c.advance(10)
    stop_node(c, "worker-1")
    stopped = c.clock.now
    c.advance(60)
    assert last_heartbeat(c, "worker-1") == stopped
    assert last_heartbeat(c, "worker-2") == c.clock.now
    with pytest.raises(InternalError) as exc:
        logs(c, "web")
    assert "dial tcp 172.18.0.3:10250" in exc.value.message


def test_a_network_tool_as_the_command_logs_what_the_network_model_answers():
    c = Cluster.new()
    make_pod(c, "dns", image="busybox:1.36", args=["nslookup", "kubernetes.default"],
             restartPolicy="Never")
    c.advance(10)
    assert pod(c, "dns")["status"]["phase"] == "Succeeded"
    out = logs(c, "dns")
    assert "10.96.0.10" in out and "10.96.0.1" in out
