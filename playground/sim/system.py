"""The kube-system workloads `kubeadm init` / `kubeadm join` leave on a fresh cluster.

Models cmd/kubeadm/app/phases/controlplane (static pod manifests: etcd, kube-apiserver,
kube-controller-manager, kube-scheduler, mirrored into the API by the kubelet with the
`kubernetes.io/config.mirror` annotation and an ownerReference to their Node),
phases/addons/dns/manifests.go (the coredns Deployment: 2 replicas, k8s-app=kube-dns,
system-cluster-critical, control-plane toleration, 100m/70Mi requests, /ready readiness and
/health liveness probes, its Corefile ConfigMap and ServiceAccount) and
phases/addons/proxy (kube-proxy pods, its ConfigMap and ServiceAccount).

The control-plane phase runs before the workers join (bootstrap order < 0), so the coredns
pods land on cp-1 as in kubeadm. kube-proxy has no DaemonSet object here (the kind is not
simulated): each node gets a kube-proxy pod whose controller ownerReference names a
DaemonSet `kube-proxy`, created with the node-name affinity the DaemonSet controller sets, so
the scheduler places it and `kubectl drain` treats it as DaemonSet-managed. Images are
pre-pulled (`kubeadm config images pull`), so the kubelet reports "already present".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .bootstrap import ACTOR, CLUSTER_DNS_IP, KUBERNETES_VERSION, add_step
from .objects import clone
from .scheduling import node_internal_ip

if TYPE_CHECKING:
    from .cluster import Cluster

NS = "kube-system"
ETCD_IMAGE = "registry.k8s.io/etcd:3.5.21-0"
COREDNS_IMAGE = "registry.k8s.io/coredns/coredns:v1.12.0"
PROXY_IMAGE = f"registry.k8s.io/kube-proxy:{KUBERNETES_VERSION}"
PAUSE_IMAGE = "registry.k8s.io/pause:3.10"
CONTROL_PLANE_SECONDS = 25.0
NODE_CRITICAL, CLUSTER_CRITICAL = 2000001000, 2000000000
PROXY_DS_UID = "5e7ab8e2-61c1-4b4b-9a3c-2f3f0c1d7a10"
PROXY_HASH = "7bb84c4984"

COREFILE = """.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30 {
       disable success cluster.local
       disable denial cluster.local
    }
    loop
    reload
    loadbalance
}
"""


def _image(component: str) -> str:
    return f"registry.k8s.io/{component}:{KUBERNETES_VERSION}"


def preload_images(cluster: Cluster, node: str, images: list[str]) -> None:
    """kubeadm pre-pulls its images: they sit in the node's containerd cache."""
    from .controllers.kubelet import new_kubelet_state
    from .images import lookup

    state = cluster.store.get("KubeletState", "", node)
    if state is None:
        state = cluster.api.create(new_kubelet_state(node, cluster.clock.now), actor="kubelet")
    updated = clone(state)
    for image in images:
        info = lookup(image)
        if info is not None:
            updated["images"].setdefault(info.reference, cluster.clock.now - 600)
    cluster.api.update(updated, actor="kubelet")


def _static_pod(cluster: Cluster, node: dict, component: str, image: str, command: list[str],
                cpu: str, port: int, extra_annotations: dict | None = None) -> dict:
    name = node["metadata"]["name"]
    config_hash = cluster.rand.uuid().replace("-", "")
    annotations = {
        **(extra_annotations or {}),
        "kubernetes.io/config.hash": config_hash,
        "kubernetes.io/config.mirror": config_hash,
        "kubernetes.io/config.seen": _seen(cluster),
        "kubernetes.io/config.source": "file",
    }
    host = node_internal_ip(node) if component == "kube-apiserver" else "127.0.0.1"
    path = "/healthz" if component == "kube-controller-manager" else "/livez"
    probe = {"failureThreshold": 8, "initialDelaySeconds": 10, "periodSeconds": 10,
             "successThreshold": 1, "timeoutSeconds": 15,
             "httpGet": {"host": host, "path": path, "port": port,
                         "scheme": "HTTP" if component == "etcd" else "HTTPS"}}
    container = {"name": component, "image": image, "imagePullPolicy": "IfNotPresent",
                 "command": command, "resources": {"requests": {"cpu": cpu}},
                 "livenessProbe": probe}
    if component == "etcd":
        container["resources"]["requests"]["memory"] = "100Mi"
    return {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {
            "name": f"{component}-{name}", "namespace": NS, "annotations": annotations,
            "labels": {"component": component, "tier": "control-plane"},
            "ownerReferences": [{"apiVersion": "v1", "controller": True, "kind": "Node",
                                 "name": name, "uid": node["metadata"]["uid"]}],
        },
        "spec": {
            "containers": [container], "hostNetwork": True, "nodeName": name,
            "priority": NODE_CRITICAL, "priorityClassName": "system-node-critical",
            "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
            "tolerations": [{"effect": "NoExecute", "operator": "Exists"}],
            "automountServiceAccountToken": False, "enableServiceLinks": True,
        },
    }


def _seen(cluster: Cluster) -> str:
    import time as _time

    t = cluster.clock.now
    return _time.strftime("%Y-%m-%dT%H:%M:%S", _time.gmtime(int(t))) + (
        f".{int((t % 1) * 1e9):09d}Z")


def control_plane_pods(cluster: Cluster, node: dict) -> list[dict]:
    ip = node_internal_ip(node)
    etcd_cmd = ["etcd", f"--advertise-client-urls=https://{ip}:2379",
                "--cert-file=/etc/kubernetes/pki/etcd/server.crt", "--data-dir=/var/lib/etcd",
                f"--listen-client-urls=https://127.0.0.1:2379,https://{ip}:2379",
                f"--name={node['metadata']['name']}"]
    api_cmd = ["kube-apiserver", f"--advertise-address={ip}", "--allow-privileged=true",
               "--authorization-mode=Node,RBAC", "--enable-admission-plugins=NodeRestriction",
               "--etcd-servers=https://127.0.0.1:2379", "--secure-port=6443",
               "--service-cluster-ip-range=10.96.0.0/12"]
    cm_cmd = ["kube-controller-manager", "--allocate-node-cidrs=true",
              "--cluster-cidr=10.244.0.0/16", "--cluster-name=kubernetes",
              "--controllers=*,bootstrapsigner,tokencleaner", "--leader-elect=true",
              "--service-cluster-ip-range=10.96.0.0/12", "--use-service-account-credentials=true"]
    sched_cmd = ["kube-scheduler", "--authentication-kubeconfig=/etc/kubernetes/scheduler.conf",
                 "--bind-address=127.0.0.1", "--kubeconfig=/etc/kubernetes/scheduler.conf",
                 "--leader-elect=true"]
    return [
        _static_pod(cluster, node, "etcd", ETCD_IMAGE, etcd_cmd, "100m", 2381, {
            "kubeadm.kubernetes.io/etcd.advertise-client-urls": f"https://{ip}:2379"}),
        _static_pod(cluster, node, "kube-apiserver", _image("kube-apiserver"), api_cmd, "250m",
                    6443, {"kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint":
                           f"{ip}:6443"}),
        _static_pod(cluster, node, "kube-controller-manager", _image("kube-controller-manager"),
                    cm_cmd, "200m", 10257),
        _static_pod(cluster, node, "kube-scheduler", _image("kube-scheduler"), sched_cmd,
                    "100m", 10259),
    ]


def coredns_deployment() -> dict:
    probe_common = {"failureThreshold": 3, "successThreshold": 1, "timeoutSeconds": 1}
    container = {
        "name": "coredns", "image": COREDNS_IMAGE, "imagePullPolicy": "IfNotPresent",
        "args": ["-conf", "/etc/coredns/Corefile"],
        "ports": [{"containerPort": 53, "name": "dns", "protocol": "UDP"},
                  {"containerPort": 53, "name": "dns-tcp", "protocol": "TCP"},
                  {"containerPort": 9153, "name": "metrics", "protocol": "TCP"},
                  {"containerPort": 8080, "name": "liveness-probe", "protocol": "TCP"},
                  {"containerPort": 8181, "name": "readiness-probe", "protocol": "TCP"}],
        "resources": {"limits": {"memory": "170Mi"}, "requests": {"cpu": "100m",
                                                                  "memory": "70Mi"}},
        "livenessProbe": {**probe_common, "failureThreshold": 5, "initialDelaySeconds": 60,
                          "periodSeconds": 10, "timeoutSeconds": 5,
                          "httpGet": {"path": "/health", "port": "liveness-probe",
                                      "scheme": "HTTP"}},
        "readinessProbe": {**probe_common, "periodSeconds": 10,
                           "httpGet": {"path": "/ready", "port": "readiness-probe",
                                       "scheme": "HTTP"}},
        "securityContext": {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                            "capabilities": {"add": ["NET_BIND_SERVICE"], "drop": ["ALL"]}},
        "volumeMounts": [{"mountPath": "/etc/coredns", "name": "config-volume",
                          "readOnly": True}],
    }
    anti = {"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 100, "podAffinityTerm": {
        "labelSelector": {"matchExpressions": [{"key": "k8s-app", "operator": "In",
                                                "values": ["kube-dns"]}]},
        "topologyKey": "kubernetes.io/hostname"}}]}
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "coredns", "namespace": NS, "labels": {"k8s-app": "kube-dns"}},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"k8s-app": "kube-dns"}},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1}},
            "template": {
                "metadata": {"labels": {"k8s-app": "kube-dns"}},
                "spec": {
                    "containers": [container], "dnsPolicy": "Default",
                    "nodeSelector": {"kubernetes.io/os": "linux"},
                    "priorityClassName": "system-cluster-critical", "priority": CLUSTER_CRITICAL,
                    "serviceAccountName": "coredns", "affinity": {"podAntiAffinity": anti},
                    "tolerations": [{"key": "CriticalAddonsOnly", "operator": "Exists"},
                                    {"effect": "NoSchedule",
                                     "key": "node-role.kubernetes.io/control-plane"}],
                    "volumes": [{"name": "config-volume", "configMap": {
                        "name": "coredns", "items": [{"key": "Corefile", "path": "Corefile"}]}}],
                },
            },
        },
    }


def kube_proxy_pod(node_name: str) -> dict:
    tolerations = [{"operator": "Exists"}] + [
        {"effect": effect, "key": f"node.kubernetes.io/{key}", "operator": "Exists"}
        for key, effect in (("not-ready", "NoExecute"), ("unreachable", "NoExecute"),
                            ("disk-pressure", "NoSchedule"), ("memory-pressure", "NoSchedule"),
                            ("pid-pressure", "NoSchedule"), ("unschedulable", "NoSchedule"),
                            ("network-unavailable", "NoSchedule"))]
    affinity = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
        "nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In",
                                                "values": [node_name]}]}]}}}
    return {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {
            "generateName": "kube-proxy-", "namespace": NS,
            "labels": {"controller-revision-hash": PROXY_HASH, "k8s-app": "kube-proxy",
                       "pod-template-generation": "1"},
            "ownerReferences": [{"apiVersion": "apps/v1", "blockOwnerDeletion": True,
                                 "controller": True, "kind": "DaemonSet", "name": "kube-proxy",
                                 "uid": PROXY_DS_UID}],
        },
        "spec": {
            "affinity": affinity,
            "containers": [{
                "name": "kube-proxy", "image": PROXY_IMAGE, "imagePullPolicy": "IfNotPresent",
                "command": ["/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf",
                            "--hostname-override=$(NODE_NAME)"],
                "env": [{"name": "NODE_NAME", "valueFrom": {"fieldRef": {
                    "apiVersion": "v1", "fieldPath": "spec.nodeName"}}}],
                "securityContext": {"privileged": True},
            }],
            "hostNetwork": True, "nodeSelector": {"kubernetes.io/os": "linux"},
            "priorityClassName": "system-node-critical", "priority": NODE_CRITICAL,
            "serviceAccountName": "kube-proxy", "tolerations": tolerations,
        },
    }


def _remember_static_pods(cluster: Cluster, node: str, manifests: list[dict]) -> None:
    """/etc/kubernetes/manifests: the kubelet recreates a deleted mirror pod from these."""
    state = cluster.store.get("KubeletState", "", node)
    updated = clone(state)
    updated["staticPods"] = [clone(m) for m in manifests]
    cluster.api.update(updated, actor="kubelet")


def _ensure(cluster: Cluster, obj: dict) -> None:
    kind, meta = obj["kind"], obj["metadata"]
    if cluster.store.get(kind, meta.get("namespace", ""), meta["name"]) is None:
        cluster.api.create(obj, actor=ACTOR)


def install_control_plane(cluster: Cluster) -> None:
    """`kubeadm init`: static pods on cp-1, the coredns and kube-proxy addons."""
    nodes = [n for n in cluster.store.list("Node")
             if "node-role.kubernetes.io/control-plane" in (n["metadata"].get("labels") or {})]
    for sa in ("coredns", "kube-proxy"):
        _ensure(cluster, {"apiVersion": "v1", "kind": "ServiceAccount",
                          "metadata": {"name": sa, "namespace": NS}})
    _ensure(cluster, {"apiVersion": "v1", "kind": "ConfigMap",
                      "metadata": {"name": "coredns", "namespace": NS},
                      "data": {"Corefile": COREFILE}})
    _ensure(cluster, {"apiVersion": "v1", "kind": "ConfigMap",
                      "metadata": {"name": "kube-proxy", "namespace": NS,
                                   "labels": {"app": "kube-proxy"}},
                      "data": {"config.conf": _proxy_config(), "kubeconfig.conf": ""}})
    for node in nodes:
        preload_images(cluster, node["metadata"]["name"], [
            ETCD_IMAGE, _image("kube-apiserver"), _image("kube-controller-manager"),
            _image("kube-scheduler"), COREDNS_IMAGE, PROXY_IMAGE, PAUSE_IMAGE])
        manifests = control_plane_pods(cluster, node)
        _remember_static_pods(cluster, node["metadata"]["name"], manifests)
        for pod in manifests:
            _ensure(cluster, pod)
    _ensure(cluster, coredns_deployment())
    _run_only(cluster, INIT_LOOPS, CONTROL_PLANE_SECONDS)


#: the loops that matter while only the control plane exists (Services and their endpoints
#: are created by later bootstrap steps, so their controllers wait until the workers join)
INIT_LOOPS = ("deployment", "replicaset", "kubeproxy", "scheduler", "kubelet", "nodelifecycle",
              "lease")


def _run_only(cluster: Cluster, modules: tuple[str, ...], seconds: float) -> None:
    saved = cluster.controllers
    cluster.controllers = [c for c in saved if type(c).__module__.rsplit(".", 1)[-1] in modules]
    try:
        cluster.advance(seconds)
    finally:
        cluster.controllers = saved


def join_workers(cluster: Cluster) -> None:
    """`kubeadm join`: the workers' images are pre-pulled; the kube-proxy DaemonSet
    (controllers/kubeproxy.py) gives each its pod; the cluster settles."""
    for node in cluster.store.list("Node"):
        preload_images(cluster, node["metadata"]["name"], [PROXY_IMAGE, PAUSE_IMAGE])
    cluster.settle(limit=120)


def _proxy_config() -> str:
    return ("apiVersion: kubeproxy.config.k8s.io/v1alpha1\nbindAddress: 0.0.0.0\n"
            "clusterCIDR: 10.244.0.0/16\nkind: KubeProxyConfiguration\nmode: iptables\n")


add_step(-10, install_control_plane)
add_step(90, join_workers)

__all__ = ["install_control_plane", "join_workers", "CLUSTER_DNS_IP"]
