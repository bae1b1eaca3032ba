"""The pod status the kubelet reports, generated from its runtime records.

Models pkg/kubelet/kubelet_pods.go (generateAPIPodStatus, getPhase,
convertToAPIContainerStatuses) and pkg/kubelet/status/generate.go (the Ready,
ContainersReady, Initialized and PodReadyToStartContainers conditions with their reasons and
messages): containerStatuses with waiting / running / terminated states and lastState,
restartCount, ready and started; phase; hostIP(s), podIP(s), startTime; qosClass kept.
"""

from __future__ import annotations

import hashlib

from ..images import lookup
from ..objects import format_time, get_path

CONDITION_ORDER = ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady",
                   "PodScheduled")


def container_id(pod: dict, name: str, attempt: int) -> str:
    seed = f"{pod['metadata'].get('uid', '')}/{name}/{attempt}"
    return "containerd://" + hashlib.sha256(seed.encode()).hexdigest()


def _terminated(pod: dict, name: str, rec: dict, attempt: int) -> dict:
    code = int(rec.get("exitCode") or 0)
    reason = rec.get("exitReason")
    if reason not in ("StartError", "OOMKilled"):
        reason = "Completed" if code == 0 else "Error"
    out = {"containerID": container_id(pod, name, attempt), "exitCode": code,
           "finishedAt": format_time(rec["exitAt"])}
    if rec.get("exitMessage"):
        out["message"] = rec["exitMessage"]
    out.update(reason=reason, startedAt=format_time(rec["startedAt"]))
    if reason == "StartError":
        out["startedAt"] = "1970-01-01T00:00:00Z"
    return out


def container_status(pod: dict, container: dict, rec: dict | None, *,
                     initializing: bool = False) -> dict:
    name, image = container["name"], container.get("image", "")
    rec = rec or {}
    stage = rec.get("stage", "new")
    starts = int(rec.get("starts", 0))
    info = lookup(image)
    status: dict = {"image": image, "imageID": "", "lastState": {}, "name": name,
                    "ready": False, "restartCount": max(starts - 1, 0), "started": False,
                    "state": {"waiting": {"reason": "ContainerCreating"}}}
    last = rec.get("last")
    if stage == "running":
        status.update(containerID=container_id(pod, name, starts), ready=bool(rec.get("ready")),
                      started=bool(rec.get("startupDone", True)),
                      state={"running": {"startedAt": format_time(rec["startedAt"])}})
        if last:
            status["lastState"] = {"terminated": _terminated(pod, name, last, starts - 1)}
    elif stage in ("exited", "done"):
        status.update(containerID=container_id(pod, name, starts),
                      state={"terminated": _terminated(pod, name, rec, starts)})
        if last:
            status["lastState"] = {"terminated": _terminated(pod, name, last, starts - 1)}
    elif stage == "backoff":
        msg = (f"back-off {_go_seconds(rec['backoff']['seconds'])} restarting failed "
               f"container={name} pod={_format_pod(pod)}")
        status["state"] = {"waiting": {"message": msg, "reason": "CrashLoopBackOff"}}
        status["lastState"] = {"terminated": _terminated(pod, name, rec, starts)}
        status["containerID"] = container_id(pod, name, starts)  # the dead one, as kubelet
    elif starts > 0 and last and stage in ("new", "pulling"):
        # restarting: the dead container is still the newest until the new one is created
        status["state"] = {"terminated": _terminated(pod, name, last, starts)}
        status["containerID"] = container_id(pod, name, starts)
        if rec.get("prevLast"):
            status["lastState"] = {"terminated": _terminated(pod, name, rec["prevLast"],
                                                             starts - 1)}
    else:
        waiting = {"reason": "PodInitializing"} if initializing else _waiting(stage, rec, image)
        status["state"] = {"waiting": waiting}
        if last:
            status["lastState"] = {"terminated": _terminated(pod, name, last, starts)}
    if "containerID" in status and info is not None:
        status["image"] = info.reference
        status["imageID"] = info.image_id
    mounts = _volume_mounts(container)
    if mounts:
        status["volumeMounts"] = mounts
    return _sorted(status)


def _waiting(stage: str, rec: dict, image: str) -> dict:
    if stage == "pull-failed":
        if rec.get("shownBackoff"):
            # v1.32+ (images/image_manager.go prevPullErrMsg): the last pull error is appended
            return {"message": f'Back-off pulling image "{image}": ErrImagePull: '
                               f'{rec.get("message", "")}', "reason": "ImagePullBackOff"}
        return {"message": rec.get("message", ""), "reason": "ErrImagePull"}
    if stage == "invalid":
        return {"message": rec.get("message", ""), "reason": "InvalidImageName"}
    if stage == "never":
        return {"message": rec.get("message", ""), "reason": "ErrImageNeverPull"}
    if stage == "config-error":
        return {"message": rec.get("message", ""), "reason": "CreateContainerConfigError"}
    return {"reason": "ContainerCreating"}


def _volume_mounts(container: dict) -> list[dict]:
    out = []
    for m in container.get("volumeMounts") or []:
        entry = {"mountPath": m.get("mountPath"), "name": m.get("name")}
        if m.get("readOnly"):
            entry["readOnly"] = True
            entry["recursiveReadOnly"] = "Disabled"
        out.append(entry)
    return out


def _sorted(d: dict) -> dict:
    return {k: d[k] for k in sorted(d)}


def _go_seconds(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 60}m{s % 60}s" if s >= 60 else f"{s}s"


def _format_pod(pod: dict) -> str:
    m = pod["metadata"]
    return f"{m['name']}_{m.get('namespace', 'default')}({m.get('uid', '')})"


def get_phase(pod: dict, statuses: list[dict], init_statuses: list[dict] | None = None) -> str:
    """kubelet_pods.go getPhase: Pending while init containers run (Failed when one failed
    and the pod never restarts)."""
    policy = get_path(pod, "spec", "restartPolicy") or "Always"
    for s in init_statuses or []:
        term = s["state"].get("terminated")
        if term and term["exitCode"] == 0:
            continue
        if term and policy == "Never":
            return "Failed"
        return "Pending"
    running = waiting = stopped = succeeded = 0
    for s in statuses:
        state = s["state"]
        if "running" in state:
            running += 1
        elif "terminated" in state:
            stopped += 1
            succeeded += state["terminated"]["exitCode"] == 0
        elif s.get("lastState", {}).get("terminated"):
            stopped += 1
        else:
            waiting += 1
    if waiting > 0:
        return "Pending"
    if running > 0:
        return "Running"
    if stopped > 0:
        if policy == "Always":
            return "Running"
        if stopped == succeeded:
            return "Succeeded"
        return "Running" if policy == "OnFailure" else "Failed"
    return "Pending"


def pod_conditions(pod: dict, statuses: list[dict], phase: str, sandbox_ready: bool,
                   now: float, *, init_statuses: list[dict] | None = None) -> list[dict]:
    unready = [s["name"] for s in statuses if not s["ready"]]
    incomplete = [s["name"] for s in init_statuses or []
                  if (s["state"].get("terminated") or {}).get("exitCode", 1) != 0]
    if incomplete and phase != "Failed":
        initialized = {"message": f"containers with incomplete status: [{' '.join(incomplete)}]",
                       "reason": "ContainersNotInitialized", "status": "False"}
    else:
        initialized = {"status": "True"}
    if phase == "Succeeded" or (phase == "Failed"):
        ready = {"reason": "PodCompleted", "status": "False"}
    elif unready:
        ready = {"message": f"containers with unready status: [{' '.join(unready)}]",
                 "reason": "ContainersNotReady", "status": "False"}
    else:
        ready = {"status": "True"}
    wanted = {
        "PodReadyToStartContainers": {"status": "True" if sandbox_ready else "False"},
        "Initialized": initialized,
        "Ready": ready,
        "ContainersReady": dict(ready),
    }
    old = {c.get("type"): c for c in get_path(pod, "status", "conditions", default=[]) or []}
    out = []
    for type_ in CONDITION_ORDER:
        if type_ == "PodScheduled":
            cond = old.get(type_) or _cond(type_, {"status": "True"}, None, now)
        else:
            cond = _cond(type_, wanted[type_], old.get(type_), now)
        out.append(cond)
    out += [c for t, c in old.items() if t not in CONDITION_ORDER]
    return out


def _cond(type_: str, want: dict, old: dict | None, now: float) -> dict:
    lt = format_time(now)
    if old is not None and old.get("status") == want["status"]:
        lt = old.get("lastTransitionTime", lt)
    cond = {"lastProbeTime": None, "lastTransitionTime": lt, **want, "type": type_}
    keys = ("lastProbeTime", "lastTransitionTime", "message", "reason", "status", "type")
    return {k: cond[k] for k in keys if k in cond}
