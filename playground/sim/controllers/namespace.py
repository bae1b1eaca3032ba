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
Simplified: the CA is a fixed, plausible PEM (no real key material); status conditions
(NamespaceContentRemaining...) are set as upstream names them but with plain counts.
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
            created = cluster.api.create(want, actor=CA_PUBLISHER)
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
        created = cluster.api.create(default_service_account(name), actor=SA_CONTROLLER)
        cluster.record(SA_CONTROLLER, created,
                       f"namespace {name} has no ServiceAccount default: created it")

    # ---- Terminating namespaces ------------------------------------------------------------

    def delete_content(self, cluster: Cluster, ns: dict) -> None:
        name = ns["metadata"]["name"]
        pods = cluster.store.list("Pod", name)
        if pods:
            # OrderedNamespaceDeletion: pods go first, everything else waits for them
            self._delete_all(cluster, ns, pods, "pods first")
            self._set_conditions(cluster, ns, len(pods))
            return
        rest = [o for rt in REGISTRY.served() if rt.namespaced and rt.kind != "Pod"
                for o in cluster.store.list(rt.kind, name)]
        if rest:
            self._delete_all(cluster, ns, rest, "its remaining objects")
            self._set_conditions(cluster, ns, len(rest))
            return
        self._finalize(cluster, ns)

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

    def _set_conditions(self, cluster: Cluster, ns: dict, remaining: int) -> None:
        conditions = [{
            "type": "NamespaceContentRemaining", "status": "True",
            "reason": "SomeResourcesRemain",
            "message": f"Some resources are remaining: {remaining} objects",
        }]
        current = [{k: v for k, v in c.items() if k != "lastTransitionTime"}
                   for c in (ns.get("status") or {}).get("conditions") or ()]
        if current == conditions:
            return
        updated = clone(ns)
        now = format_time(cluster.clock.now)
        updated["status"]["conditions"] = [{**c, "lastTransitionTime": now} for c in conditions]
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
