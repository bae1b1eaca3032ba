"""Faults a learner injects by hand, beside `node stop`: killing one container.

Killing a container is what `kill -9 1` inside it (or `crictl stop` on the node) does on a
real cluster: the runtime reports it terminated with exit code 137 (128 + SIGKILL, reason
`Error`), and the kubelet restarts it according to the pod's restartPolicy, with the usual
back-off. The kubelet's own record of the container (the PodRuntime internal object) is
where the simulation keeps container processes, so the fault is written there, through
the API, and the kubelet notices it on its next pass.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import BadRequest, NotFound
from .objects import clone

if TYPE_CHECKING:
    from .cluster import Cluster

ACTOR = "you"
SIGKILL_EXIT_CODE = 137


def kill_container(cluster: Cluster, pod_name: str, *, namespace: str = "default",
                   container: str | None = None) -> str:
    """Kill a running container of a pod; returns the container's name."""
    pod = cluster.store.get("Pod", namespace, pod_name)
    if pod is None:
        raise NotFound("pods", pod_name)
    names = [c["name"] for c in pod["spec"].get("containers", [])]
    name = container or names[0]
    if name not in names:
        raise BadRequest(f'container {name} is not valid for pod {pod_name}')
    runtime = cluster.store.get("PodRuntime", "", f"{namespace}/{pod_name}")
    rec = (runtime or {}).get("state", {}).get("containers", {}).get(name)
    if rec is None or rec.get("stage") != "running":
        raise BadRequest(f'container "{name}" in pod "{pod_name}" is not running')
    updated = clone(runtime)
    now = cluster.clock.now
    updated["state"]["containers"][name].update(
        exitAt=now, exitCode=SIGKILL_EXIT_CODE, exitReason=None, exitMessage=None)
    updated["state"]["next"] = now  # the kubelet's pass must look at this pod now
    cluster.api.update(updated, actor=ACTOR)
    cluster.record(ACTOR, pod, f"you killed container {name} of pod {pod_name} (SIGKILL): "
                   "the kubelet will see it exit with code 137 and restart it per the pod's "
                   f"restartPolicy ({pod['spec'].get('restartPolicy', 'Always')})")
    return name
