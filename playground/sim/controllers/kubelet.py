"""The kubelet of every node: runs the pods bound to it and reports their status.

Models pkg/kubelet (kubelet.go syncPod, pod_workers.go, kubelet_pods.go, status manager,
kubelet_node_status.go): for each pod bound to a node whose kubelet runs, create the sandbox
(pod IP from the node's /24 by host-local IPAM: sequential from .2, wrapping round and reusing
freed addresses only then), pull images (kubelet_runtime), start containers, report status
(kubelet_status) and the kubelet's events; init containers first, in order; on deletion send
SIGTERM ("Killing"), wait for the grace period while containers run, then remove the pod
(grace 0, as the status manager does). Pods bound by `spec.nodeName` that cannot run here are
rejected (kubelet_admission). Static pods' mirror pods are recreated when deleted.
The node side: a running kubelet posts Ready=True (event NodeReady when it comes back) and
reports NodeSchedulable / NodeNotSchedulable when the node is uncordoned / cordoned.

Simplified: containers keep running until the grace period ends whatever their SIGTERM
handling (nginx would exit at once); no sidecar (restartable init) or ephemeral containers;
Lease renewals are not written (the node lifecycle controller derives the last heartbeat from
the KubeletState internal object); a stopped kubelet freezes its pods as they were, and
resumes them when started again (no container restarts, as after a network cut).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..kinds.internal import internal_object
from ..objects import clone, format_time, get_path, parse_time
from ..scheduling import is_terminal, node_internal_ip
from . import kubelet_env, kubelet_ipam, pass_memo
from .base import Controller
from .kubelet_admission import admission_failure
from .kubelet_events import field_path as _field_path
from .kubelet_events import sentence as _sentence
from .kubelet_index import KubeletIndex
from .kubelet_orphans import RuntimeOrphans
from .kubelet_runtime import SANDBOX_SECONDS, ContainerRunner
from .kubelet_status import container_status, get_phase, pod_conditions
from .pod_subsets import PodSubsets, runtime_node_tag

if TYPE_CHECKING:
    from ..cluster import Cluster

NAME = "kubelet"
MAX_STEPS = 64


def runtime_name(pod: dict) -> str:
    return f"{pod['metadata'].get('namespace', 'default')}/{pod['metadata']['name']}"


def kubelet_running(state: dict | None) -> bool:
    return state is None or bool(state.get("running", True))


class Kubelet(Controller):
    name = NAME

    def reconcile(self, cluster: Cluster) -> None:
        if pass_memo.can_skip(cluster, NAME):
            return
        self.full_pass(cluster)
        pass_memo.remember(cluster, NAME, self.next_wakeup(cluster))

    def full_pass(self, cluster: Cluster) -> None:
        now = cluster.clock.now
        store = cluster.store
        nodes: dict[str, tuple[dict, dict]] = {}
        all_nodes = store.list("Node")
        states = store.list("KubeletState")
        if len(states) > len(all_nodes):  # a deleted Node's machine is gone with it
            names = {n["metadata"]["name"] for n in all_nodes}
            for st in states:
                if st["metadata"]["name"] not in names:
                    cluster.api.delete("KubeletState", st["metadata"]["name"], actor=NAME)
        for node in all_nodes:
            name = node["metadata"]["name"]
            state = store.get("KubeletState", "", name)
            if state is None:
                state = cluster.api.create(new_kubelet_state(name, now), actor=NAME)
            if kubelet_running(state):
                nodes[name] = (node, self.sync_node(cluster, node, state))
        due: dict[str, list[dict]] = {}
        # bound pods out of sync with their runtime (in store order); the in-sync ones, the
        # common case, are skipped without being visited (kubelet_index keeps them apart)
        out_of_sync, _ = KubeletIndex.of(cluster).scan(now)
        for pod, _ in out_of_sync:
            node_name = pod["spec"]["nodeName"]
            if node_name in nodes:
                due.setdefault(node_name, []).append(pod)
        for node_name, pods in due.items():
            node, state = nodes[node_name]
            NodeSync(cluster, node, state).run(pods)
        for name in RuntimeOrphans.of(cluster).gone():
            cluster.api.delete("PodRuntime", name, actor=NAME)

    def next_wakeup(self, cluster: Cluster) -> float | None:
        hit, value = pass_memo.cached_wakeup(cluster, NAME)
        if hit:
            return value
        best: float | None = None
        store = cluster.store
        by_node = PodSubsets.of(cluster, "runtimes-by-node", runtime_node_tag, "PodRuntime")
        # each node's earliest timer, recomputed only for nodes whose runtimes changed
        mins = cluster.cache.setdefault("kubelet.node-timers", {})
        for node_name in by_node.present_tags():  # runtimes of running kubelets only
            state = store.get("KubeletState", "", node_name)
            if state is None or not kubelet_running(state):
                continue
            version = (by_node, by_node.versions.get(node_name))
            memo = mins.get(node_name)
            if memo is None or memo[0] != version:
                times = [t for rt in by_node.subsets[node_name].values()
                         if (t := rt["state"].get("next")) is not None]
                memo = mins[node_name] = (version, min(times) if times else None)
            if memo[1] is not None and (best is None or memo[1] < best):
                best = memo[1]
        return pass_memo.remember_wakeup(cluster, NAME, best)

    # ---- the node's own status -----------------------------------------------------------

    def sync_node(self, cluster: Cluster, node: dict, state: dict) -> dict:
        name = node["metadata"]["name"]
        now = cluster.clock.now
        self.sync_mirror_pods(cluster, node, state)
        conds = get_path(node, "status", "conditions", default=[]) or []
        ready = next((c for c in conds if c.get("type") == "Ready"), None)
        if ready is None or ready.get("status") != "True":
            updated = clone(node)
            updated.setdefault("status", {})["conditions"] = healthy_conditions(conds, now)
            cluster.api.update(updated, subresource="status", actor=NAME)
            cluster.event(node, "Normal", "NodeReady", f"Node {name} status is now: NodeReady",
                          component=NAME, host=name)
            cluster.record(f"kubelet on {name}", node, "kubelet is posting ready status again: "
                           "node Ready")
        unschedulable = bool(get_path(node, "spec", "unschedulable"))
        if bool(state.get("reportedUnschedulable", False)) != unschedulable:
            reason = "NodeNotSchedulable" if unschedulable else "NodeSchedulable"
            cluster.event(node, "Normal", reason, f"Node {name} status is now: {reason}",
                          component=NAME, host=name)
            updated = clone(state)
            updated["reportedUnschedulable"] = unschedulable
            state = cluster.api.update(updated, actor=NAME)
        return state


    def sync_mirror_pods(self, cluster: Cluster, node: dict, state: dict) -> None:
        """A static pod's mirror deleted through the API comes back: the kubelet still runs
        the manifest from its static pod directory (kubelet/pod/mirror_client.go)."""
        for manifest in state.get("staticPods") or ():
            meta = manifest["metadata"]
            if cluster.store.get("Pod", meta["namespace"], meta["name"]) is not None:
                continue
            mirror = clone(manifest)
            mirror["metadata"]["ownerReferences"][0]["uid"] = node["metadata"]["uid"]
            cluster.api.create(mirror, actor=NAME)
            cluster.record(f"kubelet on {node['metadata']['name']}", mirror, (
                f"static pod {meta['name']} runs from /etc/kubernetes/manifests: recreated its "
                "mirror pod in the API"))


def new_kubelet_state(node: str, now: float) -> dict:
    return internal_object("KubeletState", node, running=True, startedAt=now, stoppedAt=None,
                           images={}, pullBusyUntil=0.0, ipamLast=1,
                           reportedUnschedulable=False)


def healthy_conditions(old: list[dict], now: float) -> list[dict]:
    from ..bootstrap import _ready_conditions

    fresh = _ready_conditions(format_time(now))
    prev = {c.get("type"): c for c in old}
    for cond in fresh:
        before = prev.get(cond["type"])
        if before is not None and before.get("status") == cond["status"]:
            cond["lastTransitionTime"] = before.get("lastTransitionTime", cond[
                "lastTransitionTime"])
    return fresh


def init_done(pod: dict, rt: dict) -> bool:
    """Every init container ran to completion with exit code 0."""
    recs = rt.get("init", {})
    for c in get_path(pod, "spec", "initContainers", default=[]) or []:
        rec = recs.get(c["name"], {})
        if rec.get("stage") != "done" or int(rec.get("exitCode") or 0) != 0:
            return False
    return True


def _waits_for(before: ContainerRunner, runner: ContainerRunner) -> bool:
    if runner.rec.get("stage", "new") != "new":
        return False
    if before.init:  # init containers run one after the other, each to completion
        return before.rec.get("stage") != "done" or int(before.rec.get("exitCode") or 0) != 0
    # SyncPod starts app containers in order; a failed pull does not stop the next one
    return int(before.rec.get("starts", 0)) == 0 and before.rec.get("stage", "new") in (
        "new", "pulling")


def _in_sync(st: dict, pod_rv: str, now: float) -> bool:
    nxt = st.get("next")
    return st.get("podRV") == pod_rv and not st.get("blocked") and (nxt is None or nxt > now)


class NodeSync:
    """One pass of one node's kubelet over its pods."""

    def __init__(self, cluster: Cluster, node: dict, state: dict):
        self.cluster = cluster
        self.node = node
        self.node_name = node["metadata"]["name"]
        self.state = state
        self.work: dict | None = None  # a clone of state, made when something changes it
        self.used_ips: set[str] | None = None
        self.now = cluster.clock.now
        self.actor = f"kubelet on {self.node_name}"

    def run(self, pods: list[dict]) -> None:
        for pod in sorted(pods, key=lambda p: p["metadata"].get("creationTimestamp", "")):
            self.sync_pod(pod)
        if self.work is not None and self.work != self.state:
            self.cluster.api.update(self.work, actor=NAME)

    def mutable_state(self) -> dict:
        if self.work is None:
            self.work = clone(self.state)
        return self.work

    # ---- one pod ----------------------------------------------------------------------------

    def sync_pod(self, pod: dict) -> None:
        rname = runtime_name(pod)
        stored = self.cluster.store.get("PodRuntime", "", rname)
        uid = pod["metadata"].get("uid")
        if stored is not None and stored["state"].get("podUID") == uid:
            st = stored["state"]
            nxt = st.get("next")
            if st.get("podRV") == pod["metadata"]["resourceVersion"] and not st.get(
                    "blocked") and (nxt is None or nxt > self.now):
                return  # nothing changed since the last sync and no timer is due
            rt = clone(st)
        else:
            if is_terminal(pod) or pod["metadata"].get("deletionTimestamp"):
                if pod["metadata"].get("deletionTimestamp"):
                    self.remove_pod(pod)
                return
            rt = {"podUID": uid, "node": self.node_name, "admittedAt": self.now,
                  "sandboxAt": self.now + SANDBOX_SECONDS, "containers": {}}
            if self.reject(pod):
                return
        events: list = []
        if pod["metadata"].get("deletionTimestamp"):
            if self.terminate(pod, rt, events):
                return
        elif not is_terminal(pod):
            self.advance(pod, rt, events)
        else:
            rt["next"] = None  # a finished pod: nothing left to do but report it
        pod = self.write_status(pod, rt)
        self.emit(pod, events)
        rt["podRV"] = pod["metadata"]["resourceVersion"]
        self.save_runtime(rname, stored, rt)

    def reject(self, pod: dict) -> bool:
        """kubelet.go rejectPod: the pod fails here without ever starting."""
        failure = admission_failure(self.cluster, self.node, pod)
        if failure is None:
            return False
        reason, message = failure
        updated = clone(pod)
        updated["status"].update(phase="Failed", reason=reason,
                                 message=f"Pod was rejected: {message}")
        pod = self.cluster.api.update(updated, subresource="status", actor=NAME)
        self.cluster.event(pod, "Warning", reason, message, component=NAME, host=self.node_name)
        self.cluster.record(self.actor, pod, f"rejected {pod['metadata']['name']}: {message}")
        return True

    def advance(self, pod: dict, rt: dict, events: list) -> None:
        if self.now < rt["sandboxAt"]:
            rt["next"] = rt["sandboxAt"]
            return
        if not rt.get("podIP"):
            rt["podIP"] = self.allocate_ip(pod)
        mount_error = kubelet_env.volume_error(self.cluster, pod)
        if mount_error:
            if rt.get("mountError") != mount_error:
                events.append(("Warning", "FailedMount", mount_error, None))
                rt["mountError"] = mount_error
            rt["next"], rt["blocked"] = None, True
            return
        rt.pop("mountError", None)
        init = self.runners(pod, rt, events, init=True)
        runners = self.runners(pod, rt, events) if init_done(pod, rt) else init
        for _ in range(MAX_STEPS):
            changed = False
            for i, runner in enumerate(runners):
                if i and _waits_for(runners[i - 1], runner):
                    break  # containers start in order: the next one waits for this one
                changed |= runner.step(self.now)
            if not changed and runners is init and init_done(pod, rt):
                runners, changed = self.runners(pod, rt, events), True
            if not changed:
                break
        times = [t for r in runners if (t := r.next_time()) is not None]
        rt["next"] = min(times) if times else None
        # waiting on objects (ConfigMaps) rather than on time: re-check on every pass
        rt["blocked"] = any(r.rec.get("stage") == "config-error" for r in runners)

    def runners(self, pod: dict, rt: dict, events: list, *,
                init: bool = False) -> list[ContainerRunner]:
        state = self.mutable_state()
        out = []
        field, store = ("initContainers", "init") if init else ("containers", "containers")
        for c in get_path(pod, "spec", field, default=[]) or []:
            rec = rt.setdefault(store, {}).setdefault(c["name"], {})
            env, err = kubelet_env.container_env(self.cluster, pod, c, rt.get("podIP", ""),
                                                 self.now)
            out.append(ContainerRunner(state, pod, c, rec, env, events,
                                       self.cluster.rand.random, env_error=err, init=init))
        return out

    def terminate(self, pod: dict, rt: dict, events: list) -> bool:
        """Graceful deletion; True when the pod is gone."""
        deadline = parse_time(pod["metadata"]["deletionTimestamp"])
        running = [n for n, r in rt["containers"].items() if r.get("stage") == "running"]
        if not rt.get("killing"):
            rt["killing"] = self.now
            for name in running:
                events.append(("Normal", "Killing", f"Stopping container {name}", name))
        if not running or self.now >= deadline:
            self.emit(pod, events)
            self.remove_pod(pod)
            return True
        rt["next"] = deadline
        return False

    def remove_pod(self, pod: dict) -> None:
        meta = pod["metadata"]
        self.cluster.api.delete("Pod", meta["name"], namespace=meta.get("namespace"),
                                grace_period_seconds=0, actor=NAME)
        self.cluster.record(self.actor, pod, f"containers of {meta['name']} stopped: pod removed")
        rname = runtime_name(pod)
        if self.cluster.store.get("PodRuntime", "", rname) is not None:
            self.cluster.api.delete("PodRuntime", rname, actor=NAME)

    # ---- status, events, bookkeeping -----------------------------------------------------

    def write_status(self, pod: dict, rt: dict) -> dict:
        containers = get_path(pod, "spec", "containers", default=[])
        inits = get_path(pod, "spec", "initContainers", default=[]) or []
        initialized = init_done(pod, rt)
        init_statuses = [container_status(pod, c, rt.get("init", {}).get(c["name"]))
                         for c in inits]
        statuses = [container_status(pod, c, rt["containers"].get(c["name"]),
                                     initializing=not initialized) for c in containers]
        phase = get_phase(pod, statuses, init_statuses)
        if is_terminal(pod):
            phase = pod["status"]["phase"]
        sandbox = self.now >= rt["sandboxAt"] and bool(rt.get("podIP"))
        # only the status is new: the apiserver copies the body anyway, so the rest of the
        # pod is not cloned here (most passes write nothing; see the comparison below)
        status = clone(pod["status"]) if "status" in pod else {}
        status["conditions"] = pod_conditions(pod, statuses, phase, sandbox, self.now,
                                              init_statuses=init_statuses)
        if inits:
            status["initContainerStatuses"] = init_statuses
        status["containerStatuses"] = statuses
        host_ip = node_internal_ip(self.node)
        status["hostIP"] = host_ip
        status["hostIPs"] = [{"ip": host_ip}]
        if sandbox:
            status["podIP"] = rt["podIP"]
            status["podIPs"] = [{"ip": rt["podIP"]}]
        status["phase"] = phase
        status.setdefault("startTime", format_time(rt["admittedAt"]))
        if status == pod.get("status"):
            return pod
        updated = {**pod, "status": status}
        return self.cluster.api.update(updated, subresource="status", actor=NAME)

    def emit(self, pod: dict, events: list) -> None:
        for type_, reason, message, container in events:
            fp = _field_path(pod, container)
            if type_:
                    self.cluster.event(pod, type_, reason, message, component=NAME,
                                   host=self.node_name, field_path=fp)
            sentence = _sentence(reason, message, container)
            if sentence:
                self.cluster.record(self.actor, pod, sentence)

    def save_runtime(self, rname: str, stored: dict | None, rt: dict) -> None:
        if stored is None or stored["state"].get("podUID") != rt["podUID"]:
            if stored is not None:
                self.cluster.api.delete("PodRuntime", rname, actor=NAME)
            self.cluster.api.create(internal_object("PodRuntime", rname, state=rt), actor=NAME)
        elif stored["state"] != rt:
            self.cluster.api.update({**stored, "state": rt}, actor=NAME)

    def allocate_ip(self, pod: dict) -> str:
        if get_path(pod, "spec", "hostNetwork"):
            return node_internal_ip(self.node)
        if self.used_ips is None:
            self.used_ips = kubelet_ipam.ips_in_use(self.cluster, self.node)
        return kubelet_ipam.next_ip(self.node, self.mutable_state(), self.used_ips)


CONTROLLERS = [Kubelet]
