"""What the tutorials' demo images answer over HTTP (apps_demo.py)."""

import json

import pytest

from playground.sim.cluster import Cluster
from playground.sim.console import Console


@pytest.fixture(scope="module")
def con():
    console = Console(Cluster.new())
    for line in ("kubectl run echo --image=hashicorp/http-echo --port=5678 -- -text=apple",
                 "kubectl run who --image=traefik/whoami",
                 "kubectl run info --image=ghcr.io/stefanprodan/podinfo:6.9.2",
                 "kubectl run hk --image=paulbouwer/hello-kubernetes:1.10 --env=MESSAGE=hi",
                 "kubectl run kuard --image=gcr.io/kuar-demo/kuard-amd64:blue",
                 "kubectl create deployment hello --image=registry.k8s.io/echoserver:1.10",
                 "kubectl expose deployment hello --port=8080",
                 "kubectl run b --image=busybox:1.36 --restart=Never -- sleep 3600",
                 "clock advance 40"):
        assert console.run(line).ok, line
    return console


def get(con, target):
    ip = con.cluster.api.get("Pod", target[0])["status"]["podIP"] if isinstance(
        target, tuple) else None
    url = f"{ip}:{target[1]}{target[2] if len(target) > 2 else ''}" if ip else target
    result = con.run(f"kubectl exec b -- wget -qO- {url}")
    assert result.ok, result.output
    return result.output, ip


def test_http_echo_prints_its_text(con):
    assert get(con, ("echo", 5678))[0] == "apple\n"


def test_whoami_and_podinfo(con):
    out, ip = get(con, ("who", 80))
    client = con.cluster.api.get("Pod", "b")["status"]["podIP"]
    lines = out.splitlines()
    assert lines[:4] == ["Hostname: who", "IP: 127.0.0.1", "IP: ::1", f"IP: {ip}"]
    assert lines[4].startswith(f"RemoteAddr: {client}:")
    assert lines[5:7] == ["GET / HTTP/1.1", f"Host: {ip}"]
    info = json.loads(get(con, ("info", 9898))[0])
    assert (info["hostname"], info["version"], info["message"]) == (
        "info", "6.9.2", "greetings from podinfo v6.9.2")
    assert json.loads(get(con, ("info", 9898, "/healthz"))[0]) == {"status": "OK"}


def test_echoserver_dumps_the_request(con):
    out, _ = get(con, "hello:8080/path?x=1")
    pod = next(p for p in con.cluster.api.list("Pod", "default")
               if p["metadata"]["name"].startswith("hello-"))
    assert out.startswith(f"\n\nHostname: {pod['metadata']['name']}\n\nPod Information:\n"
                          "\t-no pod information available-\n\nServer values:\n"
                          "\tserver_version=nginx: 1.13.3 - lua: 10008\n\n")
    assert "\treal path=/path\n\tquery=x=1\n" in out
    assert "\trequest_uri=http://hello:8080/path?x=1\n" in out
    assert "Request Headers:\n\tconnection=close\n\thost=hello:8080\n\tuser-agent=Wget\n" in out


def test_hello_kubernetes_and_kuard(con):
    page = get(con, ("hk", 8080))[0]
    assert '<div id="message">\n  hi\n</div>' in page and "<td>hk</td>" in page
    assert "<title>KUAR Demo</title>" in get(con, ("kuard", 8080))[0]
    assert get(con, ("kuard", 8080, "/healthy"))[0] == "ok\n"
