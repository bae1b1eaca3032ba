"""Namespaces: what every Active namespace holds, and how a Terminating one empties.

Models three kube-controller-manager loops:
- root-ca-cert-publisher (pkg/controller/certificates/rootcacertpublisher/publisher.go):
  ConfigMap `kube-root-ca.crt` with the cluster CA under `ca.crt` in every namespace,
  restored if edited or deleted;
- serviceaccounts controller (pkg/controller/serviceaccount/serviceaccounts_controller.go):
  ServiceAccount `default` in every namespace, recreated if deleted;
- namespace controller (pkg/controller/namespace/deletion/namespaced_resources_deleter.go):
  a Terminating namespace has its pods deleted first (OrderedNamespaceDeletion), then
  everything else; when nothing is left it removes the `kubernetes` finalizer through
  namespaces/finalize and deletes the namespace, which disappears.
Status conditions follow namespaceConditionUpdater (the five deletion conditions, with
"Some resources are remaining: pods. has 2 resource instances"). Simplified: the CA is a
fixed, plausible PEM (no real key material).
"""

from __future__ import annotations

import base64
import hashlib
from typing import TYPE_CHECKING

from ..errors import ApiError
from ..objects import clone, format_time
from ..resources import REGISTRY
from .base import Controller

if TYPE_CHECKING:
    from ..cluster import Cluster

NAME = "namespace-controller"
CA_PUBLISHER = "root-ca-cert-publisher"
SA_CONTROLLER = "service-account-controller"
ROOT_CA_CONFIGMAP = "kube-root-ca.crt"
DESCRIPTION = (
    "Contains a CA bundle that can be used to verify the kube-apiserver when using internal "
    "endpoints such as the internal service IP or kubernetes.default.svc. No other usage is "
    "guaranteed across distributions of Kubernetes clusters."
)


def _ca_pem() -> str:
    """A stable, certificate-shaped PEM (DER prefix of an RSA CA cert, then filler)."""
    body = b""
    block = b"kubernetes-ca"
    while len(body) < 760:
        block = hashlib.sha256(block).digest()
        body += block
    text = "MIIDBTCCAe2gAwIBAgIIW" + base64.b64encode(body[:760]).decode()
    lines = [text[i:i + 64] for i in range(0, len(text), 64)]
    return "-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE-----\n"


CA_CERT = _ca_pem()


def root_ca_configmap(namespace: str) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": ROOT_CA_CONFIGMAP, "namespace": namespace,
                     "annotations": {"kubernetes.io/description": DESCRIPTION}},
        "data": {"ca.crt": CA_CERT},
    }


def default_service_account(namespace: str) -> dict:
    return {"apiVersion": "v1", "kind": "ServiceAccount",
            "metadata": {"name": "default", "namespace": namespace}}


#: (type, okay reason, okay message) in the order upstream writes them
CONDITION_TYPES = (
    ("NamespaceDeletionDiscoveryFailure", "ResourcesDiscovered",
     "All resources successfully discovered"),
    ("NamespaceDeletionGroupVersionParsingFailure", "ParsedGroupVersions",
     "All legacy kube types successfully parsed"),
    ("NamespaceDeletionContentFailure", "ContentDeleted",
     "All content successfully deleted, may be waiting on finalization"),
    ("NamespaceContentRemaining", "ContentRemoved", "All content successfully removed"),
    ("NamespaceFinalizersRemaining", "ContentHasNoFinalizers",
     "All content-preserving finalizers finished"),
)


def deletion_conditions(remaining: list[dict]) -> list[dict]:
    """ProcessContentTotals: what is left, by resource and by finalizer."""
    by_resource: dict[str, int] = {}
    by_finalizer: dict[str, int] = {}
    for obj in remaining:
        rt = REGISTRY.get(obj["kind"])
        key = f"{rt.plural}.{rt.group}"
        by_resource[key] = by_resource.get(key, 0) + 1
        for f in obj["metadata"].get("finalizers") or ():
            by_finalizer[f] = by_finalizer.get(f, 0) + 1
    problems = {}
    if by_resource:
        problems["NamespaceContentRemaining"] = (
            "SomeResourcesRemain", "Some resources are remaining: " + ", ".join(sorted(
                f"{r} has {n} resource instances" for r, n in by_resource.items())))
    if by_finalizer:
        problems["NamespaceFinalizersRemaining"] = (
            "SomeFinalizersRemain", "Some content in the namespace has finalizers remaining: "
            + ", ".join(sorted(f"{f} in {n} resource instances" for f, n in by_finalizer.items())))
    conditions = []
    for type_, reason, message in CONDITION_TYPES:
        if type_ in problems:
            reason, message = problems[type_]
            conditions.append({"type": type_, "status": "True", "reason": reason,
                               "message": message})
        else:
            conditions.append({"type": type_, "status": "False", "reason": reason,
                               "message": message})
    return conditions


class NamespaceController(Controller):
    name = NAME

    def reconcile(self, cluster: Cluster) -> None:
        for ns in cluster.store.list("Namespace"):
            if (ns.get("status") or {}).get("phase") == "Terminating":
                self.delete_content(cluster, ns)
            else:
                self.publish_root_ca(cluster, ns)
                self.ensure_default_service_account(cluster, ns)

    # ---- Active namespaces ---------------------------------------------------------------

    def publish_root_ca(self, cluster: Cluster, ns: dict) -> None:
        name = ns["metadata"]["name"]
        cm = cluster.store.get("ConfigMap", name, ROOT_CA_CONFIGMAP)
        want = root_ca_configmap(name)
        if cm is None:
            try:
                created = cluster.api.create(want, actor=CA_PUBLISHER)
            except ApiError:  # e.g. a quota or the sandbox's object cap: retried next pass
                return
            cluster.record(CA_PUBLISHER, created, f"namespace {name} gets the cluster CA "
                                                  f"bundle: created ConfigMap {ROOT_CA_CONFIGMAP}")
            return
        annotations = cm["metadata"].get("annotations") or {}
        if cm.get("data") == want["data"] and annotations.get(
                "kubernetes.io/description") == DESCRIPTION:
            return
        updated = clone(cm)
        updated["data"] = want["data"]
        updated.pop("binaryData", None)
        updated["metadata"]["annotations"] = {**annotations, **want["metadata"]["annotations"]}
        cluster.api.update(updated, actor=CA_PUBLISHER)
        cluster.record(CA_PUBLISHER, cm, f"ConfigMap {ROOT_CA_CONFIGMAP} in {name} was changed: "
                                         "restored the cluster CA bundle")

    def ensure_default_service_account(self, cluster: Cluster, ns: dict) -> None:
        name = ns["metadata"]["name"]
        if cluster.store.get("ServiceAccount", name, "default") is not None:
            return
        try:
            created = cluster.api.create(default_service_account(name), actor=SA_CONTROLLER)
        except ApiError:  # e.g. a quota or the sandbox's object cap: retried next pass
            return
        cluster.record(SA_CONTROLLER, created,
                       f"namespace {name} has no ServiceAccount default: created it")

    # ---- Terminating namespaces ------------------------------------------------------------

    def delete_content(self, cluster: Cluster, ns: dict) -> None:
        name = ns["metadata"]["name"]
        pods = cluster.store.list("Pod", name)
        if pods:
            # OrderedNamespaceDeletion: pods go first, everything else waits for them
            self._delete_all(cluster, ns, pods, "pods first")
            self._set_conditions(cluster, ns, cluster.store.list("Pod", name))
            return
        rest = [o for rt in REGISTRY.served() if rt.namespaced and rt.kind != "Pod"
                for o in cluster.store.list(rt.kind, name)]
        if rest:
            self._delete_all(cluster, ns, rest, "its remaining objects")
            rest = [o for rt in REGISTRY.served() if rt.namespaced
                    for o in cluster.store.list(rt.kind, name)]
            if rest:
                self._set_conditions(cluster, ns, rest)
                return
        self._set_conditions(cluster, ns, [])
        self._finalize(cluster, cluster.store.get("Namespace", "", name) or ns)

    def _delete_all(self, cluster: Cluster, ns: dict, objs: list[dict], what: str) -> None:
        deleted = []
        for obj in objs:
            meta = obj["metadata"]
            if meta.get("deletionTimestamp"):
                continue
            try:
                cluster.api.delete(obj["kind"], meta["name"], namespace=meta["namespace"],
                                   actor=NAME)
            except ApiError:
                continue
            deleted.append(f"{obj['kind']} {meta['name']}")
        if deleted:
            cluster.record(NAME, ns, f"namespace {ns['metadata']['name']} is terminating: "
                                     f"deleting {what} ({', '.join(deleted)})")

    def _set_conditions(self, cluster: Cluster, ns: dict, remaining: list[dict]) -> None:
        """namespaceConditionUpdater: the five deletion conditions, "okay" unless content or
        content finalizers remain; only changed conditions get a new lastTransitionTime."""
        live = cluster.store.get("Namespace", "", ns["metadata"]["name"]) or ns
        wanted = deletion_conditions(remaining)
        current = {c.get("type"): c for c in (live.get("status") or {}).get("conditions") or ()}
        now = format_time(cluster.clock.now)
        merged, changed = [], False
        for cond in wanted:
            old = current.get(cond["type"])
            if old and all(old.get(k) == cond[k] for k in ("status", "reason", "message")):
                merged.append(old)
            else:
                merged.append({**cond, "lastTransitionTime": now})
                changed = True
        if not changed:
            return
        updated = clone(live)
        updated.setdefault("status", {})["conditions"] = merged
        cluster.api.update(updated, subresource="status", actor=NAME)

    def _finalize(self, cluster: Cluster, ns: dict) -> None:
        name = ns["metadata"]["name"]
        if "kubernetes" in ((ns.get("spec") or {}).get("finalizers") or ()):
            updated = clone(ns)
            updated["spec"]["finalizers"] = [f for f in updated["spec"]["finalizers"]
                                             if f != "kubernetes"]
            cluster.api.update(updated, subresource="finalize", actor=NAME)
            cluster.record(NAME, ns, f"namespace {name} is empty: removed the kubernetes "
                                     "finalizer and deleted it")
        live = cluster.store.get("Namespace", "", name)
        if live is not None and not (live.get("spec") or {}).get("finalizers"):
            cluster.api.delete("Namespace", name, actor=NAME)


CONTROLLERS = [NamespaceController]
