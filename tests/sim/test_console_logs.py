"""`kubectl logs` through the console (text from the Node helper's logs.py)."""

import pytest

from playground.sim import Cluster
from playground.sim.console import Console

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: {name}
spec:
  containers:
{containers}
"""


def pod(name, *containers):
    text = "".join(f"  - name: {n}\n    image: busybox:1.36\n"
                   f"    command: [sh, -c, 'echo {msg}; sleep 3600']\n"
                   for n, msg in containers)
    return POD.format(name=name, containers=text)


@pytest.fixture
def console():
    c = Console(Cluster.new())
    c.run("kubectl apply -f -", stdin=pod("one", ("app", "hello")))
    c.run("kubectl apply -f -", stdin=pod("two", ("a", "from-a"), ("b", "from-b")))
    c.run("clock advance 30s")
    return c


def test_logs_of_a_pod(console):
    assert console.run("kubectl logs one").output == "hello\n"
    assert console.run("kubectl logs pod/one --tail=1").output == "hello\n"


def test_multi_container_default_and_explicit(console):
    assert console.run("kubectl logs two").output == \
        'Defaulted container "a" out of: a, b\nfrom-a\n'
    assert console.run("kubectl logs two -c b").output == "from-b\n"
    assert console.run("kubectl logs two b").output == "from-b\n"
    result = console.run("kubectl logs two -c nope")
    assert (result.ok, result.output) == (
        False, "Error from server (BadRequest): container nope is not valid for pod two\n")


def test_logs_errors(console):
    assert console.run("kubectl logs ghost").output == \
        'Error from server (NotFound): pods "ghost" not found\n'
    assert console.run("kubectl logs").output.startswith(
        "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.")


def test_logs_of_a_deployment_pick_one_pod():
    c = Console(Cluster.new())
    c.run("kubectl create deployment web --image=busybox:1.36 --replicas=2 -- "
          "sh -c 'echo up; sleep 3600'")
    c.run("clock advance 30s")
    out = c.run("kubectl logs deploy/web").output.splitlines()
    assert out[0].startswith("Found 2 pods, using pod/web-")
    assert out[1:] == ["up"]
