"""Stopping and starting a node's kubelet: how a learner simulates a node failure.

A stopped node keeps its Node object and its pods, but its kubelet stops posting status:
the node lifecycle controller turns it Unknown ("NotReady") after the 50 s
node-monitor-grace-period, taints it unreachable, and the taint-eviction controller evicts its
pods 300 s later. Starting it again makes the kubelet post Ready and finish the deletions.
The state lives in the node's KubeletState internal object, written through the API.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import NotFound
from .objects import clone

if TYPE_CHECKING:
    from .cluster import Cluster

ACTOR = "you"


def _state(cluster: Cluster, name: str) -> dict:
    from .controllers.kubelet import new_kubelet_state

    if cluster.store.get("Node", "", name) is None:
        raise NotFound("nodes", name)
    state = cluster.store.get("KubeletState", "", name)
    if state is None:
        state = cluster.api.create(new_kubelet_state(name, cluster.clock.now), actor="kubelet")
    return state


def node_is_running(cluster: Cluster, name: str) -> bool:
    from .controllers.kubelet import kubelet_running

    if cluster.store.get("Node", "", name) is None:
        raise NotFound("nodes", name)
    return kubelet_running(cluster.store.get("KubeletState", "", name))


def stop_node(cluster: Cluster, name: str) -> None:
    """The node's kubelet stops (power off, network cut): no more status, no more work."""
    state = _state(cluster, name)
    if not state.get("running", True):
        return
    updated = clone(state)
    updated.update(running=False, stoppedAt=cluster.clock.now)
    cluster.api.update(updated, actor=ACTOR)
    node = cluster.store.get("Node", "", name)
    cluster.record(ACTOR, node, f"you stopped node {name}: its kubelet no longer posts status")


def start_node(cluster: Cluster, name: str) -> None:
    """The node's kubelet starts again and reports Ready."""
    state = _state(cluster, name)
    if state.get("running", True):
        return
    updated = clone(state)
    updated.update(running=True, stoppedAt=None, startedAt=cluster.clock.now)
    cluster.api.update(updated, actor=ACTOR)
    node = cluster.store.get("Node", "", name)
    cluster.record(ACTOR, node, f"you started node {name}: its kubelet posts status again")


def last_heartbeat(cluster: Cluster, name: str) -> float:
    """When the node's kubelet last renewed its Lease: now while it runs (the simulation does
    not write the 10 s renewals), else the moment it stopped."""
    state = _state(cluster, name)
    if state.get("running", True):
        return cluster.clock.now
    return float(state.get("stoppedAt") or cluster.clock.now)
