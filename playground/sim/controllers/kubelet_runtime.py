"""The container runtime side of the simulated kubelet: pulls, starts, exits, back-off, probes.

Models pkg/kubelet/kuberuntime/kuberuntime_manager.go (computePodActions, doBackOff: restart
back-off measured from the dead container's finishedAt, 10 s doubling to 5 min, reset after
10 min of good behaviour), pkg/kubelet/images/image_manager.go (pull policy, "already present",
ErrImagePull -> ImagePullBackOff with the same back-off curve, serialized pulls per node) and
pkg/kubelet/prober (readiness gates Ready; failing liveness restarts the container).

Everything here works on the PodRuntime record (`rt`, a plain dict the kubelet stores as an
internal object) and returns the kubelet events to emit; `kubelet.py` writes them.
Timing constants are simulation choices: the sandbox (pause container + CNI) takes 1 s, the
kubelet notices an exit within 1 s (PLEG relist), a failed pull is shown as ErrImagePull for
1 s before the back-off, a re-pull of a cached image under imagePullPolicy Always costs the
manifest round trip (about 0.4 s).
"""

from __future__ import annotations

from typing import Any

from ..images import ImageInfo, lookup, parse_error, pull_failure
from ..programs import Program, program
from ..scheduling import format_duration, quantity
from . import kubelet_probes

SANDBOX_SECONDS = 1.0
PLEG_SECONDS = 1.0
ERR_IMAGE_PULL_SECONDS = 1.0
FAILED_PULL_SECONDS = 0.6
MANIFEST_SECONDS = 0.4
OOM_SECONDS = 1.0
BACKOFF_INITIAL = 10.0
BACKOFF_MAX = 300.0

Event = tuple[str, str, str, str | None]  # type, reason, message, container name (fieldPath)


def pull_policy(container: dict) -> str:
    policy = container.get("imagePullPolicy")
    if policy:
        return policy
    image = container.get("image", "")
    tag = image.split("@")[0].rsplit("/", 1)[-1]
    return "Always" if ":" not in tag or tag.endswith(":latest") else "IfNotPresent"


def backoff_next(entry: dict | None, ts: float) -> dict:
    """flowcontrol.Backoff.Next: initial, doubling, capped; reset when idle 2x max."""
    if entry is None or ts - entry["lastUpdate"] > 2 * BACKOFF_MAX:
        return {"lastUpdate": ts, "seconds": BACKOFF_INITIAL}
    return {"lastUpdate": ts, "seconds": min(entry["seconds"] * 2, BACKOFF_MAX)}


def in_backoff(entry: dict | None, since: float, now: float) -> bool:
    """flowcontrol.Backoff.IsInBackOffSince(key, since)."""
    if entry is None or since - entry["lastUpdate"] > 2 * BACKOFF_MAX:
        return False
    return now - since < entry["seconds"]


class ContainerRunner:
    """Advances one container's record to `now`, collecting the kubelet's events."""

    def __init__(self, kubelet_state: dict, pod: dict, container: dict, rec: dict,
                 env: dict[str, str], events: list[Event], rand_jitter: Any,
                 env_error: str | None = None, init: bool = False):
        self.node = kubelet_state
        self.pod = pod
        self.c = container
        self.rec = rec
        self.env = env
        self.events = events
        self.jitter = rand_jitter
        self.env_error = env_error
        self.init = init
        self.name = container["name"]
        self.image = container.get("image", "")

    # ---- one step ------------------------------------------------------------------------

    def step(self, now: float) -> bool:
        """Apply the next due transition; True when something changed."""
        r = self.rec
        if r.get("image") not in (None, self.image) and r.get("stage") != "done":
            return self._definition_changed(now)
        stage = r.get("stage", "new")
        handler = getattr(self, f"_on_{stage.replace('-', '_')}")
        return handler(now)

    def _definition_changed(self, now: float) -> bool:
        """computePodActions: a container whose spec hash changed is killed and started
        again with the new image at once (restartCount + 1, no back-off)."""
        r = self.rec
        if r.get("stage") == "running":
            self.events.append(("Normal", "Killing", f"Container {self.name} definition "
                                "changed, will be restarted", self.name))
            r.update(exitAt=now, exitCode=r.get("sigtermCode", 137), exitReason=None,
                     exitMessage=None)
            r["prevLast"] = r.get("last")
            r["last"] = {k: r.get(k) for k in ("startedAt", "exitAt", "exitCode", "exitReason",
                                               "exitMessage", "starts")}
        for k in ("probes", "flipIdx", "eventIdx", "pullBackoff"):
            r.pop(k, None)
        r["stage"] = "new"
        return self._request_pull(now)

    def next_time(self) -> float | None:
        r = self.rec
        stage = r.get("stage", "new")
        if stage == "running":
            times = [r.get("exitAt")]
            probes = r.get("probes") or {}
            times += [f[0] for f in probes.get("flips", [])[r.get("flipIdx", 0):][:1]]
            times += [e[0] for e in probes.get("events", [])[r.get("eventIdx", 0):][:1]]
            if not r.get("startupDone", True):
                times.append(probes.get("started"))
            times = [t for t in times if t is not None]
            return min(times) if times else None
        if stage == "pull-failed" and not r.get("shownBackoff"):
            return r["failedAt"] + ERR_IMAGE_PULL_SECONDS
        return {"pulling": r.get("pullDone"), "pull-failed": r.get("retryAt"),
                "exited": r.get("syncAt"), "backoff": r.get("restartAt")}.get(stage)

    def _on_new(self, now: float) -> bool:
        return self._request_pull(now)

    def _request_pull(self, now: float) -> bool:
        r = self.rec
        if parse_error(self.image):
            if r.get("stage") != "invalid":
                r.update(stage="invalid", reason="InvalidImageName", message=parse_error(
                    self.image))
                self.events.append(("Warning", "InspectFailed", r["message"], self.name))
                self.events.append(("Warning", "Failed", "Error: InvalidImageName", self.name))
                return True
            return False
        info = lookup(self.image)
        policy = pull_policy(self.c)
        cache = self.node.setdefault("images", {})
        ref = info.reference if info else None
        cached_at = cache.get(ref) if ref else None
        if policy == "Never" and (cached_at is None or cached_at > now):
            msg = f'Container image "{self.image}" is not present with pull policy of Never'
            if r.get("stage") != "never":
                r.update(stage="never", reason="ErrImageNeverPull", message=msg)
                self.events.append(("Warning", "ErrImageNeverPull", msg, self.name))
                return True
            return False
        if policy != "Always" and cached_at is not None and cached_at <= now:
            self.events.append(("Normal", "Pulled",
                                f'Container image "{self.image}" already present on machine',
                                self.name))
            r.update(stage="pulling", pullStart=now, pullDone=now, pullNote="present",
                     image=self.image)
            return True
        self.events.append(("Normal", "Pulling", f'Pulling image "{self.image}"', self.name))
        busy = max(float(self.node.get("pullBusyUntil", 0.0)), now)
        if info is None:
            begin, done = busy, busy + FAILED_PULL_SECONDS
            self.node["pullBusyUntil"] = done
        elif cached_at is not None and cached_at > now:
            begin, done = now, cached_at  # the same image is on its way: share that pull
        elif cached_at is not None:
            begin, done = now, now + MANIFEST_SECONDS  # Always: only the manifest again
        else:
            begin = busy
            done = busy + round(info.pull_seconds * (0.85 + 0.3 * self.jitter()), 3)
            self.node["pullBusyUntil"] = done
            self.node.setdefault("images", {})[info.reference] = done
        r["image"] = self.image
        r.update(stage="pulling", pullStart=now, pullBegin=begin, pullDone=done,
                 pullNote="pull" if info else "fail")
        return True

    def _on_invalid(self, now: float) -> bool:
        return False

    def _on_config_error(self, now: float) -> bool:
        info = lookup(self.image)
        return self._start(now, info) if info else False

    def _on_never(self, now: float) -> bool:
        return self._request_pull(now) if self._image_cached(now) else False

    def _image_cached(self, now: float) -> bool:
        info = lookup(self.image)
        at = self.node.get("images", {}).get(info.reference) if info else None
        return at is not None and at <= now

    def _on_pulling(self, now: float) -> bool:
        r = self.rec
        if now < r["pullDone"]:
            return False
        info = lookup(self.image)
        if r.get("pullNote") == "fail" or info is None:
            return self._pull_failed(now)
        if r.get("pullNote") == "pull":
            took, waited = r["pullDone"] - r["pullBegin"], r["pullDone"] - r["pullStart"]
            cache = self.node.setdefault("images", {})
            cache[info.reference] = min(cache.get(info.reference, r["pullDone"]), r["pullDone"])
            self.events.append(("Normal", "Pulled", (
                f'Successfully pulled image "{self.image}" in {format_duration(took)} '
                f"({format_duration(waited)} including waiting). Image size: {info.size_bytes} "
                "bytes."), self.name))
            r["pulledIn"] = took
        r.pop("pullBackoff", None)
        return self._start(now, info)

    def _pull_failed(self, now: float) -> bool:
        r = self.rec
        err = pull_failure(self.image)
        entry = backoff_next(r.get("pullBackoff"), now)
        r.update(stage="pull-failed", failedAt=now, retryAt=now + entry["seconds"],
                 pullBackoff=entry, message=err, shownBackoff=False)
        self.events.append(("Warning", "Failed", f'Failed to pull image "{self.image}": {err}',
                            self.name))
        self.events.append(("Warning", "Failed", "Error: ErrImagePull", self.name))
        return True

    def _on_pull_failed(self, now: float) -> bool:
        r = self.rec
        if now >= r["retryAt"]:
            return self._request_pull(now)
        if not r.get("shownBackoff") and now >= r["failedAt"] + ERR_IMAGE_PULL_SECONDS:
            r["shownBackoff"] = True
            self.events.append(("Normal", "BackOff", f'Back-off pulling image "{self.image}"',
                                self.name))
            self.events.append(("Warning", "Failed", "Error: ImagePullBackOff", self.name))
            return True
        return False

    # ---- running --------------------------------------------------------------------------

    def _start(self, now: float, info: ImageInfo) -> bool:
        r = self.rec
        if self.env_error:
            if r.get("stage") != "config-error" or r.get("message") != self.env_error:
                r.update(stage="config-error", message=self.env_error)
                self.events.append(("Warning", "Failed", f"Error: {self.env_error}", self.name))
                return True
            return False
        prog: Program = program(self.c, info, self.env)
        r["starts"] = int(r.get("starts", 0)) + 1
        self.events.append(("Normal", "Created", f"Created container: {self.name}", self.name))
        if prog.start_error:
            msg = ("failed to create containerd task: failed to create shim task: OCI runtime "
                   "create failed: runc create failed: unable to start container process: "
                   f"error during container init: {prog.start_error}: unknown")
            self.events.append(("Warning", "Failed", f"Error: {msg}", self.name))
            r.update(stage="exited", startedAt=now, exitAt=now, exitCode=128,
                     exitReason="StartError", exitMessage=msg, syncAt=now + PLEG_SECONDS)
            return True
        # v1.33 kuberuntime_container.go: "Created container: %v" but "Started container %v"
        self.events.append(("Normal", "Started", f"Started container {self.name}", self.name))
        exit_at = None if prog.runs_for is None else now + prog.runs_for
        r.update(stage="running", startedAt=now, exitAt=exit_at, exitCode=prog.exit_code,
                 exitReason=None, exitMessage=None, ready=False,
                 listens={str(k): v for k, v in prog.listens.items()}, server=prog.server,
                 sigtermCode=prog.sigterm_code)
        self._plan_probes(now, prog)
        limit = quantity(((self.c.get("resources") or {}).get("limits") or {}).get("memory"))
        if limit and prog.memory_bytes > limit:
            # the kernel's OOM killer ends it as soon as it has allocated past its limit
            oom_at = now + OOM_SECONDS
            if r.get("exitAt") is None or oom_at < r["exitAt"]:
                r.update(exitAt=oom_at, exitCode=137, exitReason="OOMKilled")
        return True

    def _plan_probes(self, now: float, prog: Program) -> None:
        r = self.rec
        probes = kubelet_probes.plan(self.c, prog, self.pod, now)
        r.update(probes=probes, flipIdx=0, eventIdx=0,
                 startupDone=probes["started"] is not None and probes["started"] <= now)
        kill = probes["kill"]
        if kill is not None and (r.get("exitAt") is None or kill < r["exitAt"]):
            r.update(exitAt=kill, exitCode=r.get("sigtermCode", 137),
                     exitReason=probes["killProbe"])

    def _on_running(self, now: float) -> bool:
        r = self.rec
        probes = r.get("probes") or {}
        exit_at = r.get("exitAt")
        changed = False
        flips, events = probes.get("flips", []), probes.get("events", [])
        while r.get("eventIdx", 0) < len(events) and events[r["eventIdx"]][0] <= now and (
                exit_at is None or events[r["eventIdx"]][0] <= exit_at):
            self.events.append(("Warning", "Unhealthy", events[r["eventIdx"]][1], self.name))
            r["eventIdx"] += 1
            changed = True
        while r.get("flipIdx", 0) < len(flips) and flips[r["flipIdx"]][0] <= now and (
                exit_at is None or flips[r["flipIdx"]][0] < exit_at):
            r["ready"] = flips[r["flipIdx"]][1]
            r["flipIdx"] += 1
            changed = True
        started = probes.get("started")
        if not r.get("startupDone", True) and started is not None and now >= started and (
                exit_at is None or started < exit_at):
            r["startupDone"] = True
            changed = True
        if exit_at is not None and now >= exit_at:
            if r.get("exitReason") in ("liveness", "startup"):
                self.events.append(("Normal", "Killing", f"Container {self.name} failed "
                                    f"{r['exitReason']} probe, will be restarted", self.name))
            r.update(stage="exited", ready=False, syncAt=exit_at + PLEG_SECONDS)
            code = int(r.get("exitCode") or 0)
            self.events.append(("", "Exited", f"container {self.name} exited with code {code} "
                                f"({'Completed' if code == 0 else 'Error'})", self.name))
            changed = True
        return changed

    def _on_exited(self, now: float) -> bool:
        r = self.rec
        if now < r["syncAt"]:
            return False
        if not restart_wanted(self.pod, r, init=self.init):
            r["stage"] = "done"
            return True
        ts = r["exitAt"]
        if in_backoff(r.get("backoff"), ts, now):
            r.update(stage="backoff", restartAt=ts + r["backoff"]["seconds"])
            self.events.append(("Warning", "BackOff", (
                f"Back-off restarting failed container {self.name} in pod "
                f"{_format_pod(self.pod)}"), self.name))
            self.events.append(("", "Note", (
                f"container {self.name} keeps exiting: back-off "
                f"{format_duration(r['backoff']['seconds'])} before restarting it "
                "(CrashLoopBackOff)"), self.name))
            return True
        return self._restart(now, ts)

    def _restart(self, now: float, ts: float) -> bool:
        r = self.rec
        r["backoff"] = backoff_next(r.get("backoff"), ts)
        r["restarts"] = int(r.get("restarts", 0)) + 1
        r["prevLast"] = r.get("last")
        r["last"] = {k: r.get(k) for k in ("startedAt", "exitAt", "exitCode", "exitReason",
                                           "exitMessage", "starts")}
        r["stage"] = "new"
        for k in ("probes", "flipIdx", "eventIdx"):
            r.pop(k, None)
        return self._request_pull(now)

    def _on_backoff(self, now: float) -> bool:
        r = self.rec
        if now < r["restartAt"]:
            return False
        return self._restart(now, r["exitAt"])

    def _on_done(self, now: float) -> bool:
        return False


def restart_wanted(pod: dict, rec: dict, *, init: bool = False) -> bool:
    policy = (pod.get("spec") or {}).get("restartPolicy") or "Always"
    if init:  # an init container is retried until it succeeds, unless the pod never restarts
        return policy != "Never" and int(rec.get("exitCode") or 0) != 0
    if policy == "Always":
        return True
    return policy == "OnFailure" and int(rec.get("exitCode") or 0) != 0


def _format_pod(pod: dict) -> str:
    m = pod["metadata"]
    return f"{m['name']}_{m.get('namespace', 'default')}({m.get('uid', '')})"
