"""`kubectl logs`: what a container has printed, as the kubelet serves it.

Models pkg/registry/core/pod/rest/log.go + strategy.go LogLocation (an unknown container is a
BadRequest `container x is not valid for pod y`; a pod without a node has no logs yet) and
pkg/kubelet/kubelet_pods.go validateContainerLogStatus (which container instance `--previous`
and the current state select, and the `is waiting to start` / `previous terminated container`
messages). The text comes from the container's program (programs.py): its echo output,
repeating loops, and the start-up lines real servers print (nginx's docker-entrypoint, httpd,
redis, hello-app, agnhost, coredns), timestamped from the container's start.
"""

from __future__ import annotations

import time as _time
from typing import TYPE_CHECKING

from .errors import BadRequest, InternalError
from .images import lookup
from .objects import get_path, parse_time
from .programs import Program, argv_for, program

if TYPE_CHECKING:
    from .cluster import Cluster

MAX_REPEAT_LINES = 5000


def container_logs(cluster: Cluster, pod: dict, container: str, previous: bool = False) -> str:
    name = pod["metadata"]["name"]
    every = [*(get_path(pod, "spec", "initContainers", default=[]) or []),
             *get_path(pod, "spec", "containers", default=[])]
    spec = next((c for c in every if c["name"] == container), None)
    if spec is None:
        raise BadRequest(f"container {container} is not valid for pod {name}")
    node = get_path(pod, "spec", "nodeName")
    if not node:
        return ""
    _check_kubelet(cluster, pod, node)
    statuses = [*(get_path(pod, "status", "initContainerStatuses", default=[]) or []),
                *(get_path(pod, "status", "containerStatuses", default=[]) or [])]
    status = next((s for s in statuses if s.get("name") == container), {})
    run = _select_run(status, container, name, previous)
    start = parse_time(run["startedAt"])
    end = parse_time(run["finishedAt"]) if run.get("finishedAt") else cluster.clock.now
    return render(cluster, pod, spec, start, end)


def _check_kubelet(cluster: Cluster, pod: dict, node: str) -> None:
    from .nodes import node_is_running

    try:
        running = node_is_running(cluster, node)
    except Exception:  # noqa: BLE001 - a deleted node: no kubelet to ask
        running = False
    if not running:
        ip = get_path(pod, "status", "hostIP", default="") or node
        ns, name = pod["metadata"]["namespace"], pod["metadata"]["name"]
        raise InternalError(f'Get "https://{ip}:10250/containerLogs/{ns}/{name}/'
                            f'{pod["spec"]["containers"][0]["name"]}": dial tcp {ip}:10250: '
                            "connect: no route to host")


def _select_run(status: dict, container: str, pod: str, previous: bool) -> dict:
    state, last = status.get("state") or {}, (status.get("lastState") or {}).get("terminated")
    if previous:
        if not last or not last.get("containerID"):
            raise BadRequest(f'previous terminated container "{container}" in pod "{pod}" not '
                             "found")
        return last
    if state.get("running"):
        return state["running"]
    term = state.get("terminated")
    if term:
        if term.get("reason") == "StartError":
            return {"startedAt": term["finishedAt"], "finishedAt": term["finishedAt"]}
        return term
    if last and last.get("containerID"):
        return last
    waiting = (state.get("waiting") or {}).get("reason")
    if waiting == "ErrImagePull":
        detail = "image can't be pulled"
    elif waiting == "ImagePullBackOff":
        detail = "trying and failing to pull image"
    elif waiting:
        detail = waiting
    else:
        raise BadRequest(f'container "{container}" in pod "{pod}" is waiting to start - no logs '
                         "yet")
    raise BadRequest(f'container "{container}" in pod "{pod}" is waiting to start: {detail}')


def render(cluster: Cluster, pod: dict, container: dict, start: float, end: float) -> str:
    from .controllers.kubelet_env import container_env

    info = lookup(container.get("image", ""))
    if info is None:
        return ""
    env, _ = container_env(cluster, pod, container, get_path(pod, "status", "podIP",
                                                             default=""), start)
    prog = program(container, info, env)
    net = _network_tool_output(cluster, pod, container, info)
    if net is not None:
        return net
    lines = [ln for off, ln in prog.output if start + off <= end]
    lines += _repeats(prog, start, end)
    banner = server_banner(prog, info.version, pod, start)
    text = "\n".join(banner + lines)
    return text + "\n" if text else ""


NETWORK_TOOLS = ("nslookup", "dig", "curl", "wget", "nc", "ping", "host")


def _network_tool_output(cluster: Cluster, pod: dict, container: dict, info) -> str | None:
    """`kubectl run dns --image=busybox:1.28 --restart=Never -- nslookup kubernetes`: the
    tool's output, computed by the network model (console/net_tools.py) against the cluster
    as it is now (a simplification: the real output is from when the container ran)."""
    argv = argv_for(container, info)
    if not argv or argv[0].rsplit("/", 1)[-1] not in NETWORK_TOOLS:
        return None
    try:
        from .console.net_tools import run_tool
    except ImportError:
        return None
    return run_tool(cluster, pod, container, argv).stdout


def _repeats(prog: Program, start: float, end: float) -> list[str]:
    if prog.repeat is None:
        return []
    first, period, body = prog.repeat
    if not body or end < start + first:
        return []
    runs = int((end - start - first) // period) + 1
    runs = min(runs, MAX_REPEAT_LINES // max(len(body), 1))
    return body * runs


def _stamp(t: float, fmt: str) -> str:
    return _time.strftime(fmt, _time.gmtime(int(t)))


def server_banner(prog: Program, version: str, pod: dict, start: float) -> list[str]:
    ip = get_path(pod, "status", "podIP", default="")
    if prog.server == "nginx":
        t = _stamp(start, "%Y/%m/%d %H:%M:%S")
        ep = "/docker-entrypoint.sh"
        return [
            f"{ep}: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
            f"{ep}: Looking for shell scripts in /docker-entrypoint.d/",
            f"{ep}: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
            "10-listen-on-ipv6-by-default.sh: info: Getting the checksum of "
            "/etc/nginx/conf.d/default.conf",
            "10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in "
            "/etc/nginx/conf.d/default.conf",
            f"{ep}: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh",
            f"{ep}: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh",
            f"{ep}: Launching /docker-entrypoint.d/30-tune-worker-processes.sh",
            f"{ep}: Configuration complete; ready for start up",
            f'{t} [notice] 1#1: using the "epoll" event method',
            f"{t} [notice] 1#1: nginx/{version}",
            f"{t} [notice] 1#1: built by gcc 12.2.0 (Debian 12.2.0-14+deb12u1) ",
            f"{t} [notice] 1#1: OS: Linux 6.8.0-60-generic",
            f"{t} [notice] 1#1: getrlimit(RLIMIT_NOFILE): 1048576:1048576",
            f"{t} [notice] 1#1: start worker processes",
            f"{t} [notice] 1#1: start worker process 29",
            f"{t} [notice] 1#1: start worker process 30",
        ]
    if prog.server == "httpd":
        fqdn = ("AH00558: httpd: Could not reliably determine the server's fully qualified "
                f"domain name, using {ip}. Set the 'ServerName' directive globally to "
                "suppress this message")
        t = _stamp(start, "%a %b %d %H:%M:%S.000000 %Y")
        return [fqdn, fqdn,
                f"[{t}] [mpm_event:notice] [pid 1:tid 1] AH00489: Apache/{version} (Unix) "
                "configured -- resuming normal operations",
                f"[{t}] [core:notice] [pid 1:tid 1] AH00094: Command line: 'httpd -D FOREGROUND'"]
    if prog.server == "kubernetes-bootcamp":  # server.js: console.log(..., startTime, ...)
        started = _stamp(start, "%Y-%m-%dT%H:%M:%S.000Z")
        return [f"Kubernetes Bootcamp App Started At: {started} | Running On:  "
                f"{pod['metadata']['name']} ", ""]
    if prog.server == "hello-app":
        return [f"{_stamp(start, '%Y/%m/%d %H:%M:%S')} Server listening on port 8080"]
    if prog.server == "redis":
        t = _stamp(start, "%d %b %Y %H:%M:%S.000")
        return [f"1:C {t} * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo",
                f"1:C {t} * Redis version={version}, bits=64, commit=00000000, modified=0, "
                "pid=1, just started",
                f"1:M {t} * Running mode=standalone, port=6379.",
                f"1:M {t} * Server initialized",
                f"1:M {t} * Ready to accept connections tcp"]
    if prog.server == "agnhost-netexec":
        t = _stamp(start, "%m%d %H:%M:%S.000000")
        port = next(iter(prog.listens), 8080)
        return [f"I{t}       1 log.go:245] Started HTTP server on port {port}",
                f"I{t}       1 log.go:245] Started UDP server on port  8081"]
    if prog.server == "coredns":
        return [".:53", "[INFO] plugin/reload: Running configuration SHA512 = "
                "591cf328cccc12bc490481273e738df59329c62c0b729d94e8b61db9961c2fa5f046dd37f1cf888b9"
                "53814040d180f52594972691cd6ff41be96639138a43908",
                f"CoreDNS-{version}", "linux/amd64, go1.23.3, 51e11f1"]
    return []
