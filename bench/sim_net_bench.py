"""Networking benchmarks: one `name: value unit` line per figure; never fails.

A cluster of 20 workers with 200 Services of 10 running nginx pods each (every fourth
Service headless), reconciled by the networking controllers, so 200 Services and 2,000
endpoints:

- sim_dns_lookup_200svc: milliseconds for one name lookup from a pod (resolv.conf search
  list, two queries: `svc-N.other-namespace`), mean over many lookups.
- sim_traffic_decision_200svc: milliseconds for one HTTP request from a pod through DNS,
  kube-proxy's endpoint choice and the answering app, mean over many requests.
- sim_net_reconcile_200svc: milliseconds for one pass of the networking controllers over
  the settled cluster (median; nothing changed, so each controller skips).
- sim_net_full_pass_200svc: the same pass when a pod changed somewhere (pod index rebuilt,
  every Service's inputs re-checked against its fingerprint; no writes).
- sim_net_setup_200svc: wall seconds to build and reconcile that cluster.

Run: `PYTHONPATH=. python bench/sim_net_bench.py`.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

SERVICES = int(os.environ.get("NET_BENCH_SERVICES", "200"))
REPLICAS = 10


def build():
    """Pods are written with the status a kubelet would report (Running, Ready, podIP from
    the node's /24), so the figures measure the networking code, not pod start-up."""
    from playground.sim import Cluster
    from playground.sim.bootstrap import bootstrap
    from playground.sim.clock import DEFAULT_START
    from playground.sim.cluster import BOOTSTRAP_LEAD
    from playground.sim.controllers.endpoints import EndpointsController
    from playground.sim.controllers.endpointslice import EndpointSliceController
    from playground.sim.controllers.endpointslicemirroring import (
        EndpointSliceMirroringController,
    )
    from playground.sim.controllers.service import (
        KubernetesServiceController,
        ServiceController,
    )

    # Cluster.new with the sandbox caps (limits.py) lifted for the measurement: 20 workers,
    # 200 Services and 2,000 pods are past a learner's sandbox
    c = Cluster(start=DEFAULT_START - BOOTSTRAP_LEAD)
    c.store.meta["limits"] = {"max_nodes": 1000, "max_objects": 1_000_000,
                              "default_quota": {"pods": "100000", "services": "10000"}}
    bootstrap(c, workers=20)
    c.run_until(DEFAULT_START)
    c.controllers = [EndpointsController(), EndpointSliceController(),
                     EndpointSliceMirroringController(), ServiceController(),
                     KubernetesServiceController()]
    c.api.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "apps"}})
    n = 0
    for i in range(SERVICES):
        name = f"svc-{i}"
        spec = {"selector": {"app": name}, "ports": [{"name": "http", "port": 80}]}
        if i % 4 == 3:
            spec["clusterIP"] = "None"
        c.api.create({"apiVersion": "v1", "kind": "Service",
                      "metadata": {"name": name, "namespace": "apps"}, "spec": spec})
        for r in range(REPLICAS):
            n += 1
            _running_pod(c, "apps", f"{name}-{r}", {"app": name}, "nginx:1.25", n)
    _running_pod(c, "default", "client", {}, "busybox:1.36", n + 1)
    c.reconcile()
    return c


def _running_pod(c, namespace: str, name: str, labels: dict, image: str, n: int) -> None:
    node = n % 20 + 1
    pod = c.api.create({"apiVersion": "v1", "kind": "Pod",
                        "metadata": {"name": name, "namespace": namespace, "labels": labels},
                        "spec": {"nodeName": f"worker-{node}",
                                 "containers": [{"name": "app", "image": image}]}})
    ip = f"10.244.{node}.{n // 20 + 2}"
    pod["status"] = {
        "phase": "Running", "podIP": ip, "podIPs": [{"ip": ip}], "hostIP": f"172.18.0.{node + 2}",
        "conditions": [{"type": "Ready", "status": "True"}],
        "containerStatuses": [{"name": "app", "ready": True, "restartCount": 0, "image": image,
                               "state": {"running": {"startedAt": "2026-01-01T00:00:00Z"}}}],
    }
    c.api.update(pod, subresource="status")


def mean_ms(fn, n: int) -> float:
    fn()  # warm the indexes
    t = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - t) * 1000 / n


def main() -> None:
    from playground.sim.network import request
    from playground.sim.resolver import lookup

    t0 = time.perf_counter()
    c = build()
    setup = time.perf_counter() - t0
    client = c.store.get("Pod", "default", "client")
    ready = sum(1 for s in c.store.list("EndpointSlice", "apps") for e in s.get("endpoints") or ()
                if (e.get("conditions") or {}).get("ready"))
    names = [f"svc-{i}.apps" for i in range(SERVICES)]
    counter = iter(range(10**9))

    def one_lookup():
        res = lookup(c, client, names[next(counter) % SERVICES])
        assert res.ok

    def one_request():
        i = next(counter) % SERVICES
        resp = request(c, client, f"http://{names[i]}/")
        assert resp.status == 200, resp.trace

    dns_ms = mean_ms(one_lookup, 2000)
    traffic_ms = mean_ms(one_request, 2000)
    net = c.controllers
    passes = []
    for _ in range(9):
        t = time.perf_counter()
        for ctl in net:
            ctl.reconcile(c)
        passes.append((time.perf_counter() - t) * 1000)
    forced = []
    for _ in range(9):
        for key in [k for k in c.cache if k.startswith("net.pass.")] + [
                "net.pods_by_label", "pod-subsets:net.pods-by-label"]:
            c.cache.pop(key, None)  # as if some pod had changed: everything re-checked
        t = time.perf_counter()
        for ctl in net:
            ctl.reconcile(c)
        forced.append((time.perf_counter() - t) * 1000)
    print(f"sim_net_setup_200svc: {setup:.1f} s ({ready} ready endpoints)")
    print(f"sim_dns_lookup_200svc: {dns_ms:.3f} ms")
    print(f"sim_traffic_decision_200svc: {traffic_ms:.3f} ms")
    print(f"sim_net_reconcile_200svc: {statistics.median(passes):.2f} ms")
    print(f"sim_net_full_pass_200svc: {statistics.median(forced):.2f} ms")


if __name__ == "__main__":
    main()
