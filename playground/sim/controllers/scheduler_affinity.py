"""The scheduler's PodTopologySpread and InterPodAffinity filters (required rules only).

Models pkg/scheduler/framework/plugins/podtopologyspread/filtering.go (DoNotSchedule
constraints: a node fails when placing the pod there would make its domain's count exceed the
smallest domain's count by more than maxSkew; nodes without the topology label fail with
"(missing required label)") and interpodaffinity/filtering.go (the incoming pod's required
affinity and anti-affinity terms, then the existing pods' required anti-affinity terms that
match the incoming pod; a pod whose affinity term matches only itself may start the group).

Simplified: preferred (soft) terms do not score; `namespaceSelector`, `matchLabelKeys` and
`nodeAffinityPolicy`/`nodeTaintsPolicy` are not modelled (namespaces default to the pod's own).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..labels import selector_matches
from ..objects import get_path
from ..scheduling import is_terminal
from .pod_subsets import PodSubsets

if TYPE_CHECKING:
    from ..cluster import Cluster
    from .scheduler import NodeInfo

ERR_SPREAD = "node(s) didn't match pod topology spread constraints"
ERR_SPREAD_LABEL = "node(s) didn't match pod topology spread constraints (missing required label)"
ERR_AFFINITY = "node(s) didn't match pod affinity rules"
ERR_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules"
ERR_EXISTING_ANTI = "node(s) didn't satisfy existing pods anti-affinity rules"


class AffinityState:
    """PreFilter: the placed pods, grouped by node, computed once per scheduling cycle."""

    def __init__(self, cluster: Cluster, infos: list[NodeInfo]):
        self.nodes = {i.name: i.node for i in infos}
        self.placed: list[tuple[dict, dict]] = []  # (pod, its node)
        self.anti_holders: list[tuple[dict, dict]] = []
        # the bound, live pods in store order, from an index kept from the change log
        for pod in PodSubsets.of(cluster, "scheduler-placed", _placed_tag).members("placed"):
            node = self.nodes.get(pod["spec"]["nodeName"])
            if node is None:
                continue
            self.placed.append((pod, node))
            if _required(pod, "podAntiAffinity"):
                self.anti_holders.append((pod, node))

    def add(self, pod: dict, node: dict) -> None:
        self.placed.append((pod, node))
        if _required(pod, "podAntiAffinity"):
            self.anti_holders.append((pod, node))


def _placed_tag(pod: dict) -> tuple[str, ...]:
    if not (pod.get("spec") or {}).get("nodeName") or is_terminal(pod) or pod["metadata"].get(
            "deletionTimestamp"):
        return ()
    return ("placed",)


def _required(pod: dict, kind: str) -> list[dict]:
    return get_path(pod, "spec", "affinity", kind,
                    "requiredDuringSchedulingIgnoredDuringExecution", default=[]) or []


def wanted(pod: dict) -> bool:
    spec = pod.get("spec") or {}
    aff = spec.get("affinity") or {}
    return bool(spec.get("topologySpreadConstraints") or aff.get("podAffinity")
                or aff.get("podAntiAffinity"))


def _term_matches(term: dict, owner: dict, other: dict) -> bool:
    namespaces = term.get("namespaces") or [owner["metadata"].get("namespace", "default")]
    if other["metadata"].get("namespace", "default") not in namespaces:
        return False
    return selector_matches(term.get("labelSelector"), other["metadata"].get("labels") or {})


def _same_domain(key: str, a: dict, b: dict) -> bool:
    va = (a["metadata"].get("labels") or {}).get(key)
    return va is not None and va == (b["metadata"].get("labels") or {}).get(key)


def topology_spread(pod: dict, node: dict, state: AffinityState) -> str | None:
    for c in get_path(pod, "spec", "topologySpreadConstraints", default=[]) or []:
        if c.get("whenUnsatisfiable", "DoNotSchedule") != "DoNotSchedule":
            continue
        key = c.get("topologyKey", "")
        value = (node["metadata"].get("labels") or {}).get(key)
        if value is None:
            return ERR_SPREAD_LABEL
        from .scheduler import matches_node_affinity

        counts: dict[str, int] = {}
        for n in state.nodes.values():
            domain = (n["metadata"].get("labels") or {}).get(key)
            # nodeAffinityPolicy Honor (default): only nodes the pod could select count;
            # nodeTaintsPolicy Ignore (default): tainted nodes still count as domains
            if domain is not None and matches_node_affinity(pod, n):
                counts.setdefault(domain, 0)
        ns = pod["metadata"].get("namespace", "default")
        for other, where in state.placed:
            domain = (where["metadata"].get("labels") or {}).get(key)
            if domain in counts and other["metadata"].get("namespace") == ns and \
                    selector_matches(c.get("labelSelector"), other["metadata"].get("labels") or {}):
                counts[domain] += 1
        self_match = 1 if selector_matches(c.get("labelSelector"),
                                           pod["metadata"].get("labels") or {}) else 0
        if counts[value] + self_match - min(counts.values()) > int(c.get("maxSkew") or 1):
            return ERR_SPREAD
    return None


def inter_pod_affinity(pod: dict, node: dict, state: AffinityState) -> tuple[str, bool] | None:
    """(reason, unresolvable) of the first failing check, or None."""
    for term in _required(pod, "podAffinity"):
        key = term.get("topologyKey", "")
        matching = [(o, w) for o, w in state.placed if _term_matches(term, pod, o)]
        if not matching and _term_matches(term, pod, pod):
            continue  # the first pod of a group may go anywhere its own term allows
        if not any(_same_domain(key, w, node) for _, w in matching):
            return ERR_AFFINITY, True
    for term in _required(pod, "podAntiAffinity"):
        key = term.get("topologyKey", "")
        if any(_same_domain(key, w, node) for o, w in state.placed if _term_matches(term, pod, o)):
            return ERR_ANTI_AFFINITY, False
    for holder, where in state.anti_holders:
        for term in _required(holder, "podAntiAffinity"):
            if _term_matches(term, holder, pod) and _same_domain(term.get("topologyKey", ""),
                                                                  where, node):
                return ERR_EXISTING_ANTI, False
    return None
