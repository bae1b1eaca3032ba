"""Leases (controllers/lease.py) and kube-public/cluster-info (cluster_info.py)."""

from playground.sim.cluster import Cluster
from playground.sim.console import Console
from playground.sim.controllers.lease import apiserver_lease_name
from playground.sim.nodes import start_node, stop_node


def lease(c, name, ns="kube-node-lease"):
    return c.store.get("Lease", ns, name)


def test_every_node_has_a_heartbeat_lease_and_the_control_plane_holds_its_locks():
    c = Cluster.new()
    out = Console(c).run("kubectl get leases -A").output.splitlines()
    assert out[0].split() == ["NAMESPACE", "NAME", "HOLDER", "AGE"]
    rows = [line.split() for line in out[1:]]
    assert [r[:3] for r in rows[:3]] == [["kube-node-lease", n, n]
                                         for n in ("cp-1", "worker-1", "worker-2")]
    names = [r[1] for r in rows[3:]]
    assert names == [apiserver_lease_name("cp-1"), "kube-controller-manager", "kube-scheduler"]
    assert names[0].startswith("apiserver-") and len(names[0]) == len("apiserver-") + 26
    node = c.store.get("Node", "", "worker-1")
    assert lease(c, "worker-1")["spec"]["leaseDurationSeconds"] == 40
    assert lease(c, "worker-1")["metadata"]["ownerReferences"] == [
        {"apiVersion": "v1", "kind": "Node", "name": "worker-1",
         "uid": node["metadata"]["uid"]}]
    kcm = lease(c, "kube-controller-manager", "kube-system")["spec"]
    assert kcm["holderIdentity"].startswith("cp-1_")
    assert (kcm["leaseDurationSeconds"], kcm["leaseTransitions"]) == (15, 0)
    api = lease(c, names[0], "kube-system")["metadata"]["labels"]
    assert api == {"apiserver.kubernetes.io/identity": "kube-apiserver",
                   "kubernetes.io/hostname": "cp-1"}


def test_idempotent_and_settled():
    c = Cluster.new()
    c.reconcile()
    rv = c.store.meta["resourceVersion"]
    c.reconcile()
    assert c.store.meta["resourceVersion"] == rv
    versions = {lease["metadata"]["resourceVersion"] for lease in c.store.list("Lease")}
    c.advance(300)
    assert {lease["metadata"]["resourceVersion"] for lease in c.store.list("Lease")} == versions


def test_renew_time_follows_the_kubelet_stop_and_start():
    c = Cluster.new()
    c.advance(30)
    stop_node(c, "worker-1")
    c.reconcile()
    assert lease(c, "worker-1")["spec"]["renewTime"] == "2026-01-01T00:00:30.000000Z"
    c.advance(100)
    assert lease(c, "worker-1")["spec"]["renewTime"] == "2026-01-01T00:00:30.000000Z"
    start_node(c, "worker-1")
    c.reconcile()
    assert lease(c, "worker-1")["spec"]["renewTime"] == "2026-01-01T00:02:10.000000Z"


def test_level_triggered_a_deleted_or_edited_lease_comes_back():
    c = Cluster.new()
    before = lease(c, "worker-2")
    c.api.delete("Lease", "worker-2", namespace="kube-node-lease")
    edited = dict(lease(c, "kube-scheduler", "kube-system"))
    edited["spec"] = dict(edited["spec"], holderIdentity="someone-else")
    c.api.update(edited)
    c.reconcile()
    again = lease(c, "worker-2")
    assert again["spec"]["holderIdentity"] == "worker-2"
    assert again["metadata"]["uid"] != before["metadata"]["uid"]
    assert lease(c, "kube-scheduler", "kube-system")["spec"]["holderIdentity"].startswith(
        "cp-1_")


def test_cluster_info_configmap_and_command_agree():
    c = Cluster.new()
    cm = c.store.get("ConfigMap", "kube-public", "cluster-info")
    assert "    server: https://172.18.0.2:6443\n  name: \"\"\ncontexts: null\n" in (
        cm["data"]["kubeconfig"])
    assert Console(c).run("kubectl cluster-info").output == (
        "Kubernetes control plane is running at https://172.18.0.2:6443\n"
        "CoreDNS is running at https://172.18.0.2:6443/api/v1/namespaces/kube-system/services/"
        "kube-dns:dns/proxy\n\n"
        "To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n")


def test_describe_lease_uses_kubectls_generic_describer():
    c = Cluster.new()
    node_uid = c.store.get("Node", "", "worker-1")["metadata"]["uid"]
    out = Console(c).run("kubectl describe lease worker-1 -n kube-node-lease").output
    lease_obj = lease(c, "worker-1")
    assert out == (
        "Name:         worker-1\nNamespace:    kube-node-lease\nLabels:       <none>\n"
        "Annotations:  <none>\nAPI Version:  coordination.k8s.io/v1\nKind:         Lease\n"
        "Metadata:\n"
        f"  Creation Timestamp:  {lease_obj['metadata']['creationTimestamp']}\n"
        "  Owner References:\n    API Version:     v1\n    Kind:            Node\n"
        f"    Name:            worker-1\n    UID:             {node_uid}\n"
        f"  Resource Version:  {lease_obj['metadata']['resourceVersion']}\n"
        f"  UID:               {lease_obj['metadata']['uid']}\n"
        "Spec:\n  Holder Identity:         worker-1\n  Lease Duration Seconds:  40\n"
        f"  Renew Time:              {lease_obj['spec']['renewTime']}\n"
        "Events:                    <none>\n")
