"""kube-scheduler: places each unscheduled pod on a node, or says why it cannot.

Models pkg/scheduler/schedule_one.go (one pod at a time, in queue order: higher
`spec.priority` first, then oldest), the default filter plugins in their order with the first
failing filter per node deciding that node's reason (framework/runtime/framework.go
RunFilterPlugins): NodeUnschedulable, NodeName, TaintToleration, NodeAffinity, NodePorts,
NodeResourcesFit, VolumeBinding; the FitError message (framework/types.go) with the
preemption post-filter's verdict (framework/preemption/preemption.go); binding through the
pods/binding subresource, the `Scheduled` / `FailedScheduling` events and the PodScheduled
condition.

Simplified: scoring is "fewest pods of the same owner on the node (the system default
topology spreading), then the lowest requested cpu+memory fraction using the scheduler's
non-zero defaults (LeastAllocated: 100m / 200Mi for pods without requests), then a seeded
random tie-break". Preemption never evicts anything (learners' pods all have priority 0), so
it only reports "No preemption victims found" or "Preemption is not helpful". An unschedulable
pod is retried on every pass (level-triggered), but its event and condition are written only
when the message changes, as the real scheduler's back-off and event aggregation make it look.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..objects import clone, controller_ref, format_time, get_path
from ..scheduling import (
    UNSCHEDULABLE,
    first_untolerated,
    is_terminal,
    stored_pod_requests,
    taints_of,
    tolerated,
    tolerations_of,
)
from . import pass_memo
from . import scheduler_affinity as affinity
from . import scheduler_volumes as volumes
from .base import Controller
from .pod_subsets import PodSubsets
from .scheduler_cache import REQUESTS_MEMO, build_node_infos

if TYPE_CHECKING:
    from ..cluster import Cluster

NAME = "default-scheduler"
DEFAULT_MILLI_CPU = 100            # schedutil.DefaultMilliCPURequest
DEFAULT_MEMORY = 200 * 1024 * 1024  # schedutil.DefaultMemoryRequest

ERR_UNSCHEDULABLE = "node(s) were unschedulable"
ERR_NODE_NAME = "node(s) didn't match the requested node name"
ERR_AFFINITY = "node(s) didn't match Pod's node affinity/selector"
ERR_PORTS = "node(s) didn't have free ports for the requested pod ports"
NOT_HELPFUL = "Preemption is not helpful for scheduling"
NO_VICTIMS = "No preemption victims found for incoming pod"


class NodeInfo:
    """What the scheduler's cache knows about one node (framework.NodeInfo)."""

    def __init__(self, node: dict, memo: dict | None = None):
        self.node = node
        self.memo = memo  # the cluster's pod_requests memo (stored_pod_requests)
        self.name = node["metadata"]["name"]
        alloc = get_path(node, "status", "allocatable", default={}) or {}
        from ..scheduling import quantity

        self.alloc_milli_cpu = int(round(quantity(alloc.get("cpu")) * 1000))
        self.alloc_memory = quantity(alloc.get("memory"))
        self.alloc_storage = quantity(alloc.get("ephemeral-storage"))
        self.alloc_pods = int(quantity(alloc.get("pods", "110")))
        self.milli_cpu = 0
        self.memory = 0.0
        self.storage = 0.0
        self.nonzero_cpu = 0
        self.nonzero_memory = 0.0
        self.pods = 0
        self.owners: dict[str, int] = {}
        self.host_ports: set[tuple[str, str, int]] = set()

    def add(self, pod: dict) -> None:
        req = stored_pod_requests(pod, self.memo)
        cpu = int(round(req.get("cpu", 0.0) * 1000))
        mem = req.get("memory", 0.0)
        self.milli_cpu += cpu
        self.memory += mem
        self.storage += req.get("ephemeral-storage", 0.0)
        self.nonzero_cpu += cpu or DEFAULT_MILLI_CPU
        self.nonzero_memory += mem or DEFAULT_MEMORY
        self.pods += 1
        ref = controller_ref(pod)
        if ref:
            self.owners[ref["uid"]] = self.owners.get(ref["uid"], 0) + 1
        self.host_ports |= host_ports(pod)


def host_ports(pod: dict) -> set[tuple[str, str, int]]:
    out = set()
    for c in get_path(pod, "spec", "containers", default=[]):
        for p in c.get("ports") or []:
            if p.get("hostPort"):
                ip = p.get("hostIP") or "0.0.0.0"  # noqa: S104 (a key, not a bind)
                out.add((ip, p.get("protocol") or "TCP", int(p["hostPort"])))
    return out


class Scheduler(Controller):
    name = NAME

    def reconcile(self, cluster: Cluster) -> None:
        if pass_memo.can_skip(cluster, self.name):
            return
        self.full_pass(cluster)
        pass_memo.remember(cluster, self.name, self.next_wakeup(cluster))

    def full_pass(self, cluster: Cluster) -> None:
        # order does not matter: sorted below by a key that names each pod
        pending = PodSubsets.of(cluster, NAME, _pending_tag).members("pending")
        if not pending:
            return
        infos = build_node_infos(cluster)
        state = affinity.AffinityState(cluster, infos)
        pending.sort(key=lambda p: (-int(get_path(p, "spec", "priority", default=0) or 0),
                                    p["metadata"].get("creationTimestamp", ""),
                                    p["metadata"].get("namespace", ""), p["metadata"]["name"]))
        for pod in pending:
            self.schedule_one(cluster, pod, infos, state)

    def schedule_one(self, cluster: Cluster, pod: dict, infos: list[NodeInfo],
                     state: affinity.AffinityState) -> None:
        pre = volumes.pre_filter(cluster, pod)
        if pre is not None:
            self._unschedulable(cluster, pod, fit_error(len(infos), pre_filter_msg=pre,
                                                        statuses={}))
            return
        statuses: dict[str, tuple[list[str], bool]] = {}
        feasible: list[NodeInfo] = []
        facts = PodFacts(pod)
        for info in infos:
            reasons, unresolvable = run_filters(cluster, pod, info, state, facts)
            if reasons:
                statuses[info.name] = (reasons, unresolvable)
            else:
                feasible.append(info)
        if not feasible:
            self._unschedulable(cluster, pod, fit_error(len(infos), statuses=statuses))
            return
        chosen, why = select_host(cluster, pod, feasible)
        if not volumes.ready_to_bind(cluster, pod, chosen.name, actor=self.name):
            return  # waiting for a WaitForFirstConsumer claim to be provisioned on that node
        state.add(self._bind(cluster, pod, chosen, why), chosen.node)

    def _bind(self, cluster: Cluster, pod: dict, info: NodeInfo, why: str) -> dict:
        meta = pod["metadata"]
        # shallow copies of the stored pod, deep only where changed: the apiserver copies
        # each body it receives anyway
        bound = {**pod, "spec": {**pod["spec"], "nodeName": info.name}}
        bound = bind(cluster, bound, self.name)
        status = {**bound, "status": clone(bound["status"]) if "status" in bound else {}}
        set_condition(status, {"type": "PodScheduled", "status": "True"}, cluster.clock.now)
        status["status"].pop("nominatedNodeName", None)
        bound = cluster.api.update(status, subresource="status", actor=self.name)
        info.add(bound)
        cluster.event(bound, "Normal", "Scheduled",
                      f"Successfully assigned {meta['namespace']}/{meta['name']} to {info.name}",
                      component=self.name)
        cluster.record(self.name, bound, f"placed {meta['name']} on {info.name} ({why})")
        return bound

    def _unschedulable(self, cluster: Cluster, pod: dict, message: str) -> None:
        cond = {"type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                "message": message}
        current = _condition(pod, "PodScheduled")
        if current and all(current.get(k) == v for k, v in cond.items()):
            return
        updated = clone(pod)
        set_condition(updated, cond, cluster.clock.now)
        updated = cluster.api.update(updated, subresource="status", actor=self.name)
        cluster.event(updated, "Warning", "FailedScheduling", message, component=self.name)
        cluster.record(self.name, updated,
                       f"cannot place {pod['metadata']['name']} anywhere: {message}")


def bind(cluster: Cluster, pod: dict, actor: str) -> dict:
    """POST pods/<name>/binding; the plain update is a fallback until PodStrategy serves
    the binding subresource."""
    from ..errors import NotFound

    try:
        return cluster.api.update(pod, subresource="binding", actor=actor)
    except NotFound as exc:
        if "binding" not in str(exc.message):
            raise
        return cluster.api.update(pod, actor=actor)


def _pending_tag(pod: dict) -> tuple[str, ...]:
    return ("pending",) if _wants_scheduling(pod) else ()


def _wants_scheduling(pod: dict) -> bool:
    spec = pod.get("spec") or {}
    if spec.get("nodeName") or pod["metadata"].get("deletionTimestamp"):
        return False
    return not is_terminal(pod) and (spec.get("schedulerName") or NAME) == NAME


# ---- filters (in the default plugin order) ---------------------------------------------------

class PodFacts:
    """What the filters read of the pod being scheduled, taken once per pod rather than once
    per node (a plain pod skips the filters that cannot refuse it)."""

    def __init__(self, pod: dict):
        spec = pod.get("spec") or {}
        self.tolerations = tolerations_of(pod)
        self.host_ports = host_ports(pod)
        node_affinity = (spec.get("affinity") or {}).get("nodeAffinity")
        self.selects_nodes = bool(spec.get("nodeSelector") or node_affinity)
        self.has_claims = bool(volumes.claim_names(pod))
        self.spreads = affinity.wanted(pod)


def run_filters(cluster: Cluster, pod: dict, info: NodeInfo,
                state: affinity.AffinityState | None = None,
                facts: PodFacts | None = None) -> tuple[list[str], bool]:
    """The first failing filter's reasons and whether they are unresolvable by preemption."""
    node = info.node
    facts = facts or PodFacts(pod)
    tolerations = facts.tolerations
    if get_path(node, "spec", "unschedulable") and not tolerated(
            {"key": UNSCHEDULABLE, "effect": "NoSchedule"}, tolerations):
        return [ERR_UNSCHEDULABLE], True
    taint = first_untolerated(taints_of(node), tolerations)
    if taint is not None:
        return [f"node(s) had untolerated taint {{{taint['key']}: {taint.get('value', '')}}}"], True
    if facts.selects_nodes and not matches_node_affinity(pod, node):
        return [ERR_AFFINITY], True
    if facts.host_ports and facts.host_ports & info.host_ports:
        return [ERR_PORTS], False
    reasons = fit_reasons(pod, info)
    if reasons:
        return reasons, False
    reason = volumes.filter_node(cluster, pod, node) if facts.has_claims else None
    if reason:
        return [reason], True
    if state is None or not (facts.spreads or state.anti_holders):
        return [], False
    reason = affinity.topology_spread(pod, node, state)
    if reason:
        return [reason], reason == affinity.ERR_SPREAD_LABEL
    failed = affinity.inter_pod_affinity(pod, node, state)
    if failed:
        return [failed[0]], failed[1]
    return [], False


def fit_reasons(pod: dict, info: NodeInfo) -> list[str]:
    """noderesources/fit.go fitsRequest: pods first, then cpu, memory, ephemeral-storage."""
    reasons = []
    if info.pods + 1 > info.alloc_pods:
        reasons.append("Too many pods")
    req = stored_pod_requests(pod, info.memo)
    cpu = int(round(req.get("cpu", 0.0) * 1000))
    if cpu > 0 and cpu > info.alloc_milli_cpu - info.milli_cpu:
        reasons.append("Insufficient cpu")
    mem = req.get("memory", 0.0)
    if mem > 0 and mem > info.alloc_memory - info.memory:
        reasons.append("Insufficient memory")
    storage = req.get("ephemeral-storage", 0.0)
    if storage > 0 and storage > info.alloc_storage - info.storage:
        reasons.append("Insufficient ephemeral-storage")
    return reasons


def matches_node_affinity(pod: dict, node: dict) -> bool:
    labels = node["metadata"].get("labels") or {}
    for k, v in (get_path(pod, "spec", "nodeSelector", default={}) or {}).items():
        if labels.get(k) != v:
            return False
    terms = get_path(pod, "spec", "affinity", "nodeAffinity",
                     "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms")
    if not terms:
        return True
    return any(node_selector_term_matches(t, node) for t in terms)


def node_selector_term_matches(term: dict, node: dict) -> bool:
    exprs, fields = term.get("matchExpressions") or [], term.get("matchFields") or []
    if not exprs and not fields:
        return False  # an empty term matches nothing
    labels = node["metadata"].get("labels") or {}
    field_values = {"metadata.name": node["metadata"]["name"]}
    return (all(_requirement(e, labels) for e in exprs)
            and all(_requirement(f, field_values) for f in fields))


def _requirement(expr: dict, values: dict[str, str]) -> bool:
    key, op, wanted = expr.get("key", ""), expr.get("operator"), expr.get("values") or []
    have = values.get(key)
    if op == "In":
        return have is not None and have in wanted
    if op == "NotIn":
        return have is None or have not in wanted
    if op == "Exists":
        return have is not None
    if op == "DoesNotExist":
        return have is None
    if op in ("Gt", "Lt") and have is not None and wanted:
        try:
            a, b = int(have), int(wanted[0])
        except ValueError:
            return False
        return a > b if op == "Gt" else a < b
    return False


# ---- the FitError message ---------------------------------------------------------------------

def fit_error(num_nodes: int, *, statuses: dict[str, tuple[list[str], bool]],
              pre_filter_msg: str | None = None) -> str:
    """framework.FitError.Error() plus the preemption post-filter message."""
    msg = f"0/{num_nodes} nodes are available:"
    if pre_filter_msg:
        msg += f" {pre_filter_msg}."
        preempt = {"_": NOT_HELPFUL}
        counts = {NOT_HELPFUL: num_nodes}
    else:
        msg += f" {_histogram(r for reasons, _ in statuses.values() for r in reasons)}."
        preempt = {n: NOT_HELPFUL if unresolvable else NO_VICTIMS
                   for n, (_, unresolvable) in statuses.items()}
        counts = {}
        for verdict in preempt.values():
            counts[verdict] = counts.get(verdict, 0) + 1
    inner = ", ".join(sorted(f"{n} {r}" for r, n in counts.items()))
    return f"{msg} preemption: 0/{num_nodes} nodes are available: {inner}.."


def _histogram(reasons) -> str:
    counts: dict[str, int] = {}
    for r in reasons:
        counts[r] = counts.get(r, 0) + 1
    return ", ".join(sorted(f"{n} {r}" for r, n in counts.items()))


# ---- scoring ------------------------------------------------------------------------------

def select_host(cluster: Cluster, pod: dict, feasible: list[NodeInfo]) -> tuple[NodeInfo, str]:
    ref = controller_ref(pod)
    owner_uid = ref["uid"] if ref else None
    req = stored_pod_requests(pod, cluster.cache.setdefault(REQUESTS_MEMO, {}))
    cpu = int(round(req.get("cpu", 0.0) * 1000)) or DEFAULT_MILLI_CPU
    mem = req.get("memory", 0.0) or DEFAULT_MEMORY

    def score(info: NodeInfo) -> tuple[int, float]:
        same = info.owners.get(owner_uid, 0) if owner_uid else 0
        cpu_frac = (info.nonzero_cpu + cpu) / max(info.alloc_milli_cpu, 1)
        mem_frac = (info.nonzero_memory + mem) / max(info.alloc_memory, 1.0)
        return same, round((cpu_frac + mem_frac) / 2, 9)

    scored = sorted(((score(i), i) for i in feasible), key=lambda s: s[0])
    best = [i for s, i in scored if s == scored[0][0]]
    chosen = best[0] if len(best) == 1 else cluster.rand.choice(best)
    return chosen, _why(pod, ref, scored, chosen, len(best))


def _why(pod: dict, ref: dict | None, scored: list, chosen: NodeInfo, ties: int) -> str:
    if len(scored) == 1:
        return "the only node that fits"
    owner = f"its {ref['kind']}" if ref else "its owner"
    counts = {s[0] for s, _ in scored}
    parts = []
    if ref and len(counts) > 1:
        parts.append(f"fewest pods of {owner}")
    fracs = {s[1] for s, i in scored if s[0] == scored[0][0][0]}
    if len(fracs) > 1:
        parts.append("most free CPU and memory")
    if ties > 1:
        parts.append(f"random pick among {ties} equally good nodes")
    return ", ".join(parts) or "best score"


# ---- conditions --------------------------------------------------------------------------

def _condition(pod: dict, type_: str) -> dict | None:
    for cond in get_path(pod, "status", "conditions", default=[]) or []:
        if cond.get("type") == type_:
            return cond
    return None


def set_condition(pod: dict, cond: dict, now: float) -> None:
    """podutil.UpdatePodCondition: lastTransitionTime moves only when the status changes."""
    status = pod.setdefault("status", {})
    conds = status.setdefault("conditions", [])
    full = {"lastProbeTime": None, "lastTransitionTime": format_time(now), **cond}
    for i, old in enumerate(conds):
        if old.get("type") == cond["type"]:
            if old.get("status") == cond["status"]:
                full["lastTransitionTime"] = old.get("lastTransitionTime", full[
                    "lastTransitionTime"])
            conds[i] = _cond_order(full)
            return
    conds.append(_cond_order(full))


def _cond_order(cond: dict) -> dict:
    keys = ("lastProbeTime", "lastTransitionTime", "message", "reason", "status", "type")
    return {k: cond[k] for k in keys if k in cond}


CONTROLLERS = [Scheduler]
