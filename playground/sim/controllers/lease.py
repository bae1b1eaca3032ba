"""Leases: each kubelet's node heartbeat Lease and the control plane's kube-system Leases.

Models pkg/kubelet/nodelease (via component-helpers/apimachinery/lease/controller.go): a Lease
named after the node in kube-node-lease, holderIdentity = node name, leaseDurationSeconds 40,
an ownerReference to the Node (so it goes when the Node goes); client-go's leaderelection
(kube-controller-manager / kube-scheduler hold `kube-system/<component>` with holderIdentity
`<hostname>_<uuid>`, leaseDurationSeconds 15) and pkg/controlplane/apiserver's identity
Lease `apiserver-<base32(sha256(hostname))[:16]>` (leaseDurationSeconds 3600, labels
apiserver.kubernetes.io/identity and kubernetes.io/hostname).

Simplified: real holders renew every 10 s (kubelet) or 2 s (leader election). Writing that would
keep the cluster from ever settling, so `spec.renewTime` is written only when it says something:
when the kubelet (re)starts and when it stops (nodes.stop_node / start_node), i.e. the Lease
shows the last renewal the node controller would have seen before the node went silent.
`playground.sim.nodes.last_heartbeat` gives the live value (describe node uses it). The
leader/identity holders' `<uuid>` is the uid of their static pod's mirror pod (stable across
reconciles, where the real one is drawn at process start).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
from typing import TYPE_CHECKING

from ..errors import AlreadyExists, NotFound
from ..objects import clone, format_micro_time, owner_reference, parse_time
from .base import Controller
from .endpoints_util import mark_pass, nothing_changed

if TYPE_CHECKING:
    from ..cluster import Cluster

NODE_LEASE_NS = "kube-node-lease"
NODE_LEASE_SECONDS = 40
LEADER_LEASE_SECONDS = 15
APISERVER_LEASE_SECONDS = 3600
LEADERS = ("kube-controller-manager", "kube-scheduler")
_MARK = "lease:pass"
# everything a pass reads: with none of it written since the last pass, it would write nothing
_INPUTS = frozenset({"Namespace", "Node", "KubeletState", "Lease", "Pod"})
_INPUT_NAMESPACES = frozenset({"", "kube-system", NODE_LEASE_NS})


def apiserver_lease_name(hostname: str) -> str:
    digest = hashlib.sha256(hostname.encode()).digest()[:16]
    return "apiserver-" + base64.b32encode(digest).decode().rstrip("=").lower()


def node_lease(node: dict, renew: float) -> dict:
    name = node["metadata"]["name"]
    return {
        "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
        "metadata": {"name": name, "namespace": NODE_LEASE_NS,
                     "ownerReferences": [owner_reference(node, controller=False)]},
        "spec": {"holderIdentity": name, "leaseDurationSeconds": NODE_LEASE_SECONDS,
                 "renewTime": format_micro_time(renew)},
    }


def last_renewal(cluster: Cluster, node: dict) -> float:
    """When the kubelet last renewed, as far as the stored Lease tells: its (re)start while it
    runs, the moment it stopped otherwise."""
    state = cluster.store.get("KubeletState", "", node["metadata"]["name"]) or {}
    created = parse_time(node["metadata"]["creationTimestamp"])
    if state.get("running", True):
        return max(float(state.get("startedAt") or created), created)
    return float(state.get("stoppedAt") or created)


def control_plane_leases(cluster: Cluster) -> list[tuple[str, dict]]:
    """(actor, Lease) for each control-plane component whose mirror pod exists."""
    out = []
    for pod in cluster.store.list("Pod", "kube-system"):
        component = (pod["metadata"].get("labels") or {}).get("component")
        host = (pod.get("spec") or {}).get("nodeName", "")
        if component not in LEADERS + ("kube-apiserver",) or not host:
            continue
        since = format_micro_time(parse_time(pod["metadata"]["creationTimestamp"]))
        spec: dict = {}
        meta: dict = {"name": component, "namespace": "kube-system"}
        if component == "kube-apiserver":
            meta["name"] = apiserver_lease_name(host)
            meta["labels"] = {"apiserver.kubernetes.io/identity": "kube-apiserver",
                              "kubernetes.io/hostname": host}
            spec = {"holderIdentity": f"{meta['name']}_{pod['metadata']['uid']}",
                    "leaseDurationSeconds": APISERVER_LEASE_SECONDS, "renewTime": since}
        else:
            spec = {"acquireTime": since, "holderIdentity": f"{host}_{pod['metadata']['uid']}",
                    "leaseDurationSeconds": LEADER_LEASE_SECONDS, "leaseTransitions": 0,
                    "renewTime": since}
        out.append((component, {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                                "metadata": meta, "spec": spec}))
    return out


class LeaseController(Controller):
    """Stands for the kubelets' lease controllers and the control plane's lease holders."""

    name = "kubelet"

    def reconcile(self, cluster: Cluster) -> None:
        if nothing_changed(cluster, _MARK, _INPUTS, _INPUT_NAMESPACES):
            return
        self.full_pass(cluster)
        mark_pass(cluster, _MARK)

    def full_pass(self, cluster: Cluster) -> None:
        if cluster.store.get("Namespace", "", NODE_LEASE_NS) is None:
            return
        for node in cluster.store.list("Node"):
            if node["metadata"].get("deletionTimestamp"):
                continue
            self.ensure(cluster, "kubelet", node_lease(node, last_renewal(cluster, node)))
        for actor, lease in control_plane_leases(cluster):
            self.ensure(cluster, actor, lease, keep_renewals=True)

    def ensure(self, cluster: Cluster, actor: str, want: dict, keep_renewals: bool = False
               ) -> None:
        meta = want["metadata"]
        have = cluster.store.get("Lease", meta["namespace"], meta["name"])
        if have is None:
            # the namespace may be going away; the next pass tries again
            with contextlib.suppress(AlreadyExists, NotFound):
                cluster.api.create(want, actor=actor)
            return
        spec = dict(have.get("spec") or {})
        if keep_renewals:  # a holder that finds its lock only renews what it lacks
            spec = {**want["spec"], **{k: v for k, v in spec.items() if k != "holderIdentity"}}
            spec["holderIdentity"] = want["spec"]["holderIdentity"]
        else:
            spec.update(want["spec"])
        owners = meta.get("ownerReferences")
        if spec == have.get("spec") and (
                not owners or have["metadata"].get("ownerReferences") == owners):
            return
        updated = clone(have)
        updated["spec"] = spec
        if owners:
            updated["metadata"]["ownerReferences"] = owners
        cluster.api.update(updated, actor=actor)


CONTROLLERS = [LeaseController]
