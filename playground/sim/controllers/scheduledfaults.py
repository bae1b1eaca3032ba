"""Scheduled faults of an instructor's exercise: the same incident, at the same simulated
time, for every learner ("at 2m stop worker-2", "at 3m delete pod web-0").

Not a Kubernetes component: it plays the part of the outside world (a power cut, an
operator's mistake). The plan lives in `store.meta["scheduled_faults"]`, written when the
exercise's sandbox is prepared (exercises/runner.py): a list of
`{"at": absolute simulated time, "action": stop-node|start-node|delete-pod, "target",
"namespace"?, "fired": bool}`. A due fault fires once and is marked fired, so a second
reconcile writes nothing; `next_wakeup` is the earliest unfired fault, so the live
sandbox's timer (and `clock advance`) stops exactly there. The learner's own actions are
"you" on the timeline; a fault's are this controller's ("exercise"), so history checks
such as "no pod was deleted by hand" do not blame the learner for the incident.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import ApiError
from ..objects import clone
from .base import Controller

if TYPE_CHECKING:
    from ..cluster import Cluster

META_KEY = "scheduled_faults"


class ScheduledFaults(Controller):
    name = "exercise"

    def reconcile(self, cluster: Cluster) -> None:
        plan = cluster.store.meta.get(META_KEY)
        if not plan:
            return
        now = cluster.clock.now
        due = [i for i, f in enumerate(plan) if not f.get("fired") and float(f["at"]) <= now]
        if not due:
            return
        updated = [dict(f) for f in plan]
        for i in due:
            updated[i]["fired"] = True
            cluster.store.meta[META_KEY] = updated  # marked before firing: never twice
            self.fire(cluster, updated[i])

    def next_wakeup(self, cluster: Cluster) -> float | None:
        times = [float(f["at"]) for f in cluster.store.meta.get(META_KEY) or []
                 if not f.get("fired")]
        return min(times) if times else None

    def fire(self, cluster: Cluster, fault: dict) -> None:
        action, target = fault["action"], fault["target"]
        try:
            if action in ("stop-node", "start-node"):
                self._node(cluster, target, running=action == "start-node")
            elif action == "delete-pod":
                ns = fault.get("namespace") or "default"
                pod = cluster.store.get("Pod", ns, target)
                if pod is None:
                    return
                cluster.api.delete("Pod", target, namespace=ns, actor=self.name)
                cluster.record(self.name, pod, f"the exercise's incident deleted pod {target}")
        except ApiError:
            return  # the target is gone: the incident has nothing to hit

    def _node(self, cluster: Cluster, name: str, *, running: bool) -> None:
        from ..nodes import _state

        state = _state(cluster, name)
        if bool(state.get("running", True)) == running:
            return
        changed = clone(state)
        if running:
            changed.update(running=True, stoppedAt=None, startedAt=cluster.clock.now)
        else:
            changed.update(running=False, stoppedAt=cluster.clock.now)
        cluster.api.update(changed, actor=self.name)
        node = cluster.store.get("Node", "", name)
        verb = "started" if running else "stopped"
        cluster.record(self.name, node, f"the exercise's incident {verb} node {name}")


CONTROLLERS = [ScheduledFaults]
