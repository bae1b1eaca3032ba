"""The kubelet's prober, planned ahead: when a container turns ready, unready or gets killed.

Models pkg/kubelet/prober (worker.go: probes every periodSeconds once initialDelaySeconds
have passed; successThreshold / failureThreshold consecutive results flip the state;
readiness failures make the container unready, liveness failures restart it; events
`Unhealthy` "Readiness probe failed: ..." / "Liveness probe failed: ..." and `Killing`
"Container app failed liveness probe, will be restarted").

A container's program is deterministic, so the results of all its probes are known when it
starts: HTTP/TCP/gRPC probes pass when the program serves the port; exec probes run `cat`,
`test -e`/`-f` or `ls` against the files its script `touch`es and `rm`s over time (the liveness
example of the Kubernetes docs), any other command passes unless it is `false` / `exit N`.
The plan lists (time, ready?) flips, the Unhealthy events and the kill time.

Simplified: an Unhealthy event is written when a failure streak starts, not on every failed
probe (no `(x22 over 3m)` counts), so that a permanently failing probe leaves nothing pending.
"""

from __future__ import annotations

import shlex
from typing import Any

from ..programs import Program

MAX_PROBES = 2000


def plan(container: dict, prog: Program, pod: dict, start: float) -> dict:
    out: dict = {"flips": [], "events": [], "kill": None, "killProbe": None, "started": start}
    startup = container.get("startupProbe")
    after = 0.0
    if startup:  # the other probes wait until the startup probe has succeeded once
        done = _plan_startup(startup, container, prog, pod, start, out)
        if done is None:
            out["started"] = None
            out["events"].sort()
            return out
        after = done
        out["started"] = start + done
    readiness, liveness = container.get("readinessProbe"), container.get("livenessProbe")
    if readiness:
        _plan_readiness(readiness, container, prog, pod, start, out, after)
    else:
        out["flips"].append([start + after, True])
    if liveness:
        _plan_liveness(liveness, container, prog, pod, start, out, after)
    out["events"].sort()
    return out


def _plan_startup(probe: dict, container: dict, prog: Program, pod: dict, start: float,
                  out: dict) -> float | None:
    """Offset of the first success, or None (killed after failureThreshold failures)."""
    fail_needed = int(probe.get("failureThreshold") or 3)
    horizon = fail_needed * float(probe.get("periodSeconds") or 10)
    for streak, t in enumerate(_times(probe, prog, horizon_after=horizon), start=1):
        ok, detail = result(probe, container, prog, pod, t)
        if ok:
            return t
        if streak == 1:
            out["events"].append([start + t, f"Startup probe failed: {detail}"])
        if streak >= fail_needed:
            out["kill"], out["killProbe"] = start + t, "startup"
            return None
    return None


def _times(probe: dict, prog: Program, horizon_after: float = 0.0, after: float = 0.0):
    delay = float(probe.get("initialDelaySeconds") or 0)
    first = delay if delay > 0 else 1.0
    period = float(probe.get("periodSeconds") or 10)
    if after > first:  # the first tick once the startup probe has passed
        first += -(-(after - first) // period) * period
    last_change = max([t for t, _, _ in prog.files] or [0.0])
    limit = max(first, last_change) + (int(probe.get("failureThreshold") or 3) + 2) * period
    for k in range(MAX_PROBES):
        t = first + k * period
        if t > limit + horizon_after:
            return
        yield t


def _plan_readiness(probe: dict, container: dict, prog: Program, pod: dict, start: float,
                    out: dict, after: float = 0.0) -> None:
    ok_needed = int(probe.get("successThreshold") or 1)
    fail_needed = int(probe.get("failureThreshold") or 3)
    ready, streak_ok, streak_fail = False, 0, 0
    for t in _times(probe, prog, after=after):
        ok, detail = result(probe, container, prog, pod, t)
        streak_ok, streak_fail = (streak_ok + 1, 0) if ok else (0, streak_fail + 1)
        if not ok and streak_fail == 1:
            out["events"].append([start + t, f"Readiness probe failed: {detail}"])
        if not ready and ok and streak_ok >= ok_needed:
            ready = True
            out["flips"].append([start + t, True])
        elif ready and not ok and streak_fail >= fail_needed:
            ready = False
            out["flips"].append([start + t, False])


def _plan_liveness(probe: dict, container: dict, prog: Program, pod: dict, start: float,
                   out: dict, after: float = 0.0) -> None:
    fail_needed = int(probe.get("failureThreshold") or 3)
    streak = 0
    for t in _times(probe, prog, after=after):
        ok, detail = result(probe, container, prog, pod, t)
        streak = 0 if ok else streak + 1
        if streak == 1:
            out["events"].append([start + t, f"Liveness probe failed: {detail}"])
        if streak >= fail_needed:
            out["kill"], out["killProbe"] = start + t, "liveness"
            return


def result(probe: dict, container: dict, prog: Program, pod: dict,
           offset: float) -> tuple[bool, str]:
    """One probe's outcome `offset` seconds after the container started, and its failure text."""
    listens = prog.listens
    host = (pod.get("status") or {}).get("podIP") or "10.244.0.0"
    if probe.get("httpGet"):
        port = _resolve_port(probe["httpGet"].get("port"), container)
        path = probe["httpGet"].get("path") or "/"
        if port in listens:
            return True, ""
        return False, (f'Get "http://{host}:{port}{path}": dial tcp {host}:{port}: connect: '
                       "connection refused")
    if probe.get("tcpSocket"):
        port = _resolve_port(probe["tcpSocket"].get("port"), container)
        if port in listens:
            return True, ""
        return False, f"dial tcp {host}:{port}: connect: connection refused"
    if probe.get("grpc"):
        port = int(probe["grpc"].get("port") or 0)
        return port in listens, f'timeout: failed to connect service ":{port}" within 1s'
    if probe.get("exec"):
        return _exec(probe["exec"].get("command") or [], prog, offset)
    return True, ""


def _exec(cmd: list[str], prog: Program, offset: float) -> tuple[bool, str]:
    if len(cmd) >= 3 and cmd[0].rsplit("/", 1)[-1] in ("sh", "bash") and cmd[1] == "-c":
        try:
            cmd = shlex.split(cmd[2])
        except ValueError:
            return True, ""
    if not cmd:
        return True, ""
    name = cmd[0].rsplit("/", 1)[-1]
    if name == "false" or (name == "exit" and cmd[1:] and cmd[1] != "0"):
        return False, ""
    if name in ("cat", "ls", "test", "[") and len(cmd) >= 2:
        path = cmd[-1] if name != "[" else cmd[-2]
        if _exists(prog, path, offset):
            return True, ""
        if name == "cat":
            return False, f"cat: can't open '{path}': No such file or directory"
        if name == "ls":
            return False, f"ls: {path}: No such file or directory"
        return False, ""
    return True, ""


def _exists(prog: Program, path: str, offset: float) -> bool:
    """A file the script touches/removes follows that timeline; any other path is taken to be
    part of the image (there is no real file system)."""
    if all(p != path for _, p, _ in prog.files):
        return True
    state = False
    for t, p, exists in prog.files:
        if p == path and t <= offset:
            state = exists
    return state


def _resolve_port(port: Any, container: dict) -> int:
    if isinstance(port, int) or (isinstance(port, str) and port.isdigit()):
        return int(port)
    for p in container.get("ports") or []:
        if p.get("name") == port:
            return int(p.get("containerPort") or 0)
    return 0
