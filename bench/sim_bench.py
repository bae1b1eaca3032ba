"""Simulation benchmarks: one `name: value unit` line per figure; never fails.

- sim_create_1000_pods_50_nodes: CPU seconds to create a 1,000-replica Deployment on a
  50-worker cluster and settle it (every pod scheduled, pulled, started and Ready); CPU time,
  not wall time, so a busy machine does not distort the figure.
- sim_reconcile_1000_pods: milliseconds for one reconcile pass (every controller once) over
  that settled cluster, median of several passes.
- sim_rollout_500_replicas: CPU seconds for a full rolling update of a 500-replica
  Deployment, from the template change until the cluster settles.
- sim_peak_memory: the process's peak resident memory (MiB) after the runs above.

Run: `PYTHONPATH=. python bench/sim_bench.py` (make bench does this).
"""

from __future__ import annotations

import gc
import os
import resource
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _deployment(name: str, replicas: int, image: str = "nginx:1.25") -> dict:
    labels = {"app": name}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": dict(labels)},
            "template": {
                "metadata": {"labels": dict(labels)},
                "spec": {"containers": [{"name": "app", "image": image}]},
            },
        },
    }


def _settle(cluster) -> None:
    cluster.settle(limit=24 * 3600)


def _running(cluster, name: str) -> int:
    return sum(
        1
        for p in cluster.store.list("Pod", "default")
        if p["metadata"].get("labels", {}).get("app") == name
        and p.get("status", {}).get("phase") == "Running"
        and not p["metadata"].get("deletionTimestamp")
    )


def _big_cluster(workers: int = 50):
    """A 50-worker cluster; the sandbox caps (limits.py) are lifted for the measurement."""
    from playground.sim import Cluster
    from playground.sim.bootstrap import bootstrap

    cluster = Cluster()
    cluster.store.meta["limits"] = {"max_nodes": 1000, "max_objects": 1_000_000}
    bootstrap(cluster, workers=workers)
    return cluster


def bench_create(results: dict) -> object:
    cluster = _big_cluster()
    start = time.process_time()
    cluster.api.create(_deployment("web", 1000))
    _settle(cluster)
    results["sim_create_1000_pods_50_nodes"] = (time.process_time() - start, "s")
    if _running(cluster, "web") != 1000:
        print(f"# only {_running(cluster, 'web')} of 1000 pods Running", file=sys.stderr)
    return cluster


def bench_reconcile(results: dict, cluster) -> None:
    samples = []
    for _ in range(9):
        before = cluster.store.meta["resourceVersion"]
        start = time.perf_counter()
        for controller in cluster.controllers:
            controller.reconcile(cluster)
        samples.append((time.perf_counter() - start) * 1000)
        if cluster.store.meta["resourceVersion"] != before:
            print("# a pass over the settled cluster wrote something", file=sys.stderr)
    results["sim_reconcile_1000_pods"] = (statistics.median(samples), "ms")


def bench_rollout(results: dict) -> None:
    cluster = _big_cluster()
    cluster.api.create(_deployment("roll", 500))
    _settle(cluster)
    d = cluster.api.get("deployments", "roll", "default")
    d["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.26"
    gc.collect()  # the earlier figures' garbage is not the rollout's cost
    start = time.process_time()
    cluster.api.update(d)
    _settle(cluster)
    results["sim_rollout_500_replicas"] = (time.process_time() - start, "s")


def main() -> None:
    results: dict[str, tuple[float, str]] = {}
    units = {
        "sim_create_1000_pods_50_nodes": "s",
        "sim_reconcile_1000_pods": "ms",
        "sim_rollout_500_replicas": "s",
        "sim_peak_memory": "MiB",
    }
    steps = [
        lambda: bench_reconcile(results, bench_create(results)),
        lambda: bench_rollout(results),
    ]
    for step in steps:
        try:
            step()
        except Exception as exc:  # a benchmark reports, it never fails the build
            print(f"# {type(exc).__name__}: {exc}", file=sys.stderr)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    results["sim_peak_memory"] = (peak_kib / 1024, "MiB")
    for name, unit in units.items():
        value = results.get(name, (float("nan"), unit))[0]
        print(f"{name}: {value:.3f} {unit}" if value == value else f"{name}: nan {unit}")


if __name__ == "__main__":
    main()
