"""Helpers for the network tests: pods that look like the kubelet ran them.

The tests of Services, endpoints, DNS and traffic drive their own controllers only (the
Endpoints/EndpointSlice/service controllers), so the pod status a kubelet would write
(podIP, Ready, a running container) is set here directly through the status subresource.
"""

from __future__ import annotations

from playground.sim import Cluster
from playground.sim.controllers.endpoints import EndpointsController
from playground.sim.controllers.endpointslice import EndpointSliceController
from playground.sim.controllers.endpointslicemirroring import EndpointSliceMirroringController
from playground.sim.controllers.service import KubernetesServiceController, ServiceController
from playground.sim.objects import format_time

NODE_INDEX = {"cp-1": 0, "worker-1": 1, "worker-2": 2, "worker-3": 3}


def net_cluster(seed: int = 0, workers: int = 2) -> Cluster:
    """A default cluster whose control loops are only the networking ones."""
    c = Cluster.new(seed=seed, workers=workers)
    c.controllers = [EndpointsController(), EndpointSliceController(),
                     EndpointSliceMirroringController(), ServiceController(),
                     KubernetesServiceController()]
    # a running CoreDNS replica, so that kube-dns (10.96.0.10) has a ready endpoint
    pod(c, "coredns-test-0", namespace="kube-system", labels={"k8s-app": "kube-dns"},
        image="registry.k8s.io/coredns/coredns:v1.12.0", node="cp-1", ip_host=2,
        ports=[{"name": "dns", "containerPort": 53, "protocol": "UDP"},
               {"name": "dns-tcp", "containerPort": 53, "protocol": "TCP"},
               {"name": "metrics", "containerPort": 9153, "protocol": "TCP"}])
    c.reconcile()
    return c


def ns(c: Cluster, name: str) -> None:
    c.api.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})


def service(c: Cluster, name: str, *, namespace: str = "default", selector=None, ports=None,
            **spec) -> dict:
    body = dict(spec)
    if selector is not None:
        body["selector"] = selector
    body["ports"] = ports if ports is not None else [{"port": 80}]
    if body["ports"] == []:
        del body["ports"]
    return c.api.create({"apiVersion": "v1", "kind": "Service",
                         "metadata": {"name": name, "namespace": namespace}, "spec": body})


def pod(c: Cluster, name: str, *, namespace: str = "default", labels=None, image="nginx:1.25",
        node="worker-1", ip_host: int | None = None, ready: bool = True, running: bool = True,
        ports=None, hostname=None, subdomain=None, args=None, command=None) -> dict:
    container = {"name": "app", "image": image}
    if ports:
        container["ports"] = ports
    if args is not None:
        container["args"] = args
    if command is not None:
        container["command"] = command
    spec = {"containers": [container], "nodeName": node}
    if hostname:
        spec["hostname"] = hostname
    if subdomain:
        spec["subdomain"] = subdomain
    obj = c.api.create({"apiVersion": "v1", "kind": "Pod",
                        "metadata": {"name": name, "namespace": namespace,
                                     "labels": labels or {}},
                        "spec": spec})
    if ip_host is None:
        # hand out host numbers 10, 11, ... per test cluster (system pods do not count)
        ip_host = c.cache.setdefault("test.next_host", [10])[0]
        c.cache["test.next_host"][0] += 1
    host = ip_host
    return set_status(c, obj, ip=f"10.244.{NODE_INDEX.get(node, 1)}.{host}", ready=ready,
                      running=running)


def set_status(c: Cluster, obj: dict, *, ip: str | None, ready: bool, running: bool = True):
    obj = c.api.get("pods", obj["metadata"]["name"], obj["metadata"]["namespace"])
    now = format_time(c.clock.now)
    status = "True" if ready else "False"
    state = {"running": {"startedAt": now}} if running else {
        "waiting": {"reason": "ContainerCreating"}}
    obj["status"] = {
        "phase": "Running" if running else "Pending",
        "conditions": [{"type": "Ready", "status": status, "lastTransitionTime": now}],
        "containerStatuses": [{"name": "app", "ready": ready, "restartCount": 0,
                               "image": obj["spec"]["containers"][0]["image"], "state": state}],
    }
    if ip:
        obj["status"]["podIP"] = ip
        obj["status"]["podIPs"] = [{"ip": ip}]
        obj["status"]["hostIP"] = f"172.18.0.{NODE_INDEX.get(obj['spec']['nodeName'], 1) + 2}"
    return c.api.update(obj, subresource="status")
