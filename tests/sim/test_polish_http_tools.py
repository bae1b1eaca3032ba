"""curl and busybox wget flags learners use: timeouts report the limit, -w, -o, -v, --spider,
-S, -O FILE (console/net_http.py)."""

import pytest

from playground.sim.cluster import Cluster
from playground.sim.console import Console

DROP = "http://10.244.9.9"  # no pod there: the SYN is never answered


@pytest.fixture(scope="module")
def con():
    console = Console(Cluster.new())
    for line in ("kubectl create deployment web --image=nginx",
                 "kubectl expose deployment web --port=80",
                 "kubectl run c --image=curlimages/curl --restart=Never --command -- sleep 1d",
                 "kubectl run b --image=busybox:1.36 --restart=Never -- sleep 3600",
                 "clock advance 30"):
        assert console.run(line).ok
    return console


def run(con, line):
    return con.run(f"kubectl exec {line}")


def test_curl_write_out_and_output_file(con):
    assert run(con, "c -- curl -s -o /dev/null -w '%{http_code}\\n' web").output == "200\n"
    r = run(con, f"c -- curl -s -w '%{{http_code}}' --connect-timeout 3 {DROP}")
    assert r.output == "000\ncommand terminated with exit code 28\n"  # console ends lines


def test_curl_timeouts_report_the_limit(con):
    assert run(con, f"c -- curl -sS -m 5 {DROP}").output == (
        "curl: (28) Connection timed out after 5001 milliseconds\n"
        "command terminated with exit code 28\n")
    assert run(con, f"c -- curl --max-time=2.5 {DROP}").output.startswith(
        "curl: (28) Connection timed out after 2501 milliseconds\n")
    assert "after 135029 ms" in run(con, f"c -- curl {DROP}").output


def test_curl_verbose(con):
    out = run(con, "c -- curl -v web").output
    ip = con.cluster.api.get("Service", "web")["spec"]["clusterIP"]
    assert out.startswith(f"*   Trying {ip}:80...\n* Connected to web ({ip}) port 80\n"
                          "* using HTTP/1.x\n> GET / HTTP/1.1\n> Host: web\n"
                          "> User-Agent: curl/8.17.0\n> Accept: */*\n> \n"
                          "* Request completely sent off\n< HTTP/1.1 200 OK\n")
    assert out.endswith("</html>\n* Connection #0 to host web left intact\n")


def test_wget_timeout_spider_headers_and_file(con):
    assert run(con, f"b -- wget -T 2 -O- {DROP}").output == (
        "Connecting to 10.244.9.9 (10.244.9.9:80)\nwget: download timed out\n"
        "command terminated with exit code 1\n")
    ip = con.cluster.api.get("Service", "web")["spec"]["clusterIP"]
    assert run(con, "b -- wget --spider web").output == (
        f"Connecting to web ({ip}:80)\nremote file exists\n")
    out = run(con, "b -- wget -S -qO- web").output
    assert out.startswith("  HTTP/1.1 200 OK\n  Server: nginx/")
    assert run(con, "b -- wget -O /tmp/x web").output == (
        f"Connecting to web ({ip}:80)\nsaving to '/tmp/x'\n/tmp/x               100% "
        "|********************************|   615  0:00:00 ETA\n'/tmp/x' saved\n")
    assert run(con, "b -- wget -qO- nope").output.startswith("wget: bad address 'nope'\n")
