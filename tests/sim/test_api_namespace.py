"""The namespace controller: per-namespace ConfigMap and ServiceAccount, Terminating cleanup."""

from playground.sim import Cluster
from playground.sim.controllers.namespace import CA_CERT, NamespaceController


def ns(name, **meta):
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, **meta}}


def pod(name, namespace):
    body = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": namespace},
            "spec": {"containers": [{"name": "app", "image": "nginx"}]}}
    return body


def test_new_namespace_defaults_and_content():
    c = Cluster.new()
    created = c.api.create(ns("dev"))
    assert created["metadata"]["labels"] == {"kubernetes.io/metadata.name": "dev"}
    assert created["spec"] == {"finalizers": ["kubernetes"]}
    assert created["status"] == {"phase": "Active"}
    c.reconcile()
    cm = c.api.get("cm", "kube-root-ca.crt", "dev")
    assert cm["data"] == {"ca.crt": CA_CERT}
    assert CA_CERT.startswith("-----BEGIN CERTIFICATE-----\nMIID")
    assert c.api.get("sa", "default", "dev")["metadata"]["namespace"] == "dev"


def test_system_namespaces_have_their_content_at_bootstrap():
    c = Cluster.new()
    for name in ("default", "kube-system", "kube-public", "kube-node-lease"):
        assert c.store.get("ConfigMap", name, "kube-root-ca.crt") is not None
        assert c.store.get("ServiceAccount", name, "default") is not None


def test_level_triggered_restores_edited_and_deleted_objects():
    c = Cluster.new()
    c.api.patch("cm", "kube-root-ca.crt", {"data": {"ca.crt": "tampered"}})
    c.api.delete("sa", "default")
    c.reconcile()
    assert c.api.get("cm", "kube-root-ca.crt")["data"]["ca.crt"] == CA_CERT
    assert c.store.get("ServiceAccount", "default", "default") is not None


def test_second_reconcile_writes_nothing():
    c = Cluster.new()
    c.api.create(ns("dev"))
    c.reconcile()
    rv = c.store.meta["resourceVersion"]
    NamespaceController().reconcile(c)
    assert c.store.meta["resourceVersion"] == rv


def test_terminating_namespace_deletes_pods_first_then_the_rest_then_itself():
    c = Cluster.new()
    c.controllers = [NamespaceController()]
    c.api.create(ns("dev"))
    c.reconcile()
    c.api.create(pod("p", "dev"))
    c.api.create({"apiVersion": "v1", "kind": "ConfigMap",
                  "metadata": {"name": "cfg", "namespace": "dev",
                               "finalizers": ["example.com/hold"]}})
    c.api.delete("namespace", "dev")
    c.reconcile()
    live = c.api.get("ns", "dev")
    assert live["status"]["phase"] == "Terminating"
    conditions = {x["type"]: (x["status"], x["reason"], x["message"])
                  for x in live["status"]["conditions"]}
    assert conditions["NamespaceContentRemaining"] == (
        "True", "SomeResourcesRemain",
        "Some resources are remaining: configmaps. has 1 resource instances")
    assert conditions["NamespaceFinalizersRemaining"] == (
        "True", "SomeFinalizersRemain", "Some content in the namespace has finalizers remaining: "
        "example.com/hold in 1 resource instances")
    assert conditions["NamespaceDeletionDiscoveryFailure"] == (
        "False", "ResourcesDiscovered", "All resources successfully discovered")
    assert c.store.get("Pod", "dev", "p") is None
    assert c.api.get("cm", "cfg", "dev")["metadata"]["deletionTimestamp"]
    assert c.store.get("ServiceAccount", "dev", "default") is None
    sentences = [e["message"] for e in c.store.timeline if e["actor"] == "namespace-controller"]
    assert sentences[0] == "namespace dev is terminating: deleting pods first (Pod p)"
    c.api.patch("cm", "cfg", {"metadata": {"finalizers": None}}, namespace="dev")
    c.reconcile()
    assert c.store.get("Namespace", "", "dev") is None
    assert sentences[-1].startswith("namespace dev is terminating: deleting its remaining")
    assert c.store.timeline[-1]["message"] == ("namespace dev is empty: removed the kubernetes "
                                               "finalizer and deleted it")


def test_namespace_with_running_pods_waits_for_their_grace_period():
    c = Cluster.new()
    c.api.create(ns("dev"))
    c.api.create({"apiVersion": "apps/v1", "kind": "Deployment",
                  "metadata": {"name": "web", "namespace": "dev"},
                  "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                           "template": {"metadata": {"labels": {"app": "web"}}, "spec": {
                               "containers": [{"name": "nginx", "image": "nginx"}]}}}})
    c.settle()
    assert len(c.api.list("pods", "dev")) == 2
    c.api.delete("ns", "dev")
    c.reconcile()
    assert c.api.get("ns", "dev")["status"]["phase"] == "Terminating"
    c.settle()
    assert c.store.get("Namespace", "", "dev") is None
    assert c.store.list("Pod", "dev") == []
