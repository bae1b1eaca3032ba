"""Internal kinds: what a real node keeps in process memory, never served by the API.

- `KubeletState` (one per node, named after it): whether the node's kubelet runs (and since
  when it stopped: the node lifecycle controller derives the last heartbeat from it instead of
  renewing a Lease every 10 s), the images in the node's containerd cache, and the host-local
  IPAM cursor (the last pod IP handed out).
- `PodRuntime` (one per pod the kubelet admitted, named `<namespace>/<pod>`): precise float
  times of pulls, container starts and exits, back-off entries and probe results — the state
  kubelet's pod workers, image puller and prober keep in memory. Pod status stays the truth
  for everything a real kubelet writes there (restartCount, state timestamps).
- `PodGCState` (a single object `podgc`): since when PodGC has seen a Node missing (its 40 s
  quarantine before deleting orphaned pods).
- `TaintEvictionState` (a single object `taint-eviction`): the evictions the taint-eviction
  controller has scheduled (its timed work queue), so that it can say "Cancelling deletion"
  when a taint goes away first.

All are cluster-scoped (a pod's runtime must survive its namespace terminating) and
accept any name.
"""

from __future__ import annotations

from ..resources import ResourceType, Strategy, register

API_VERSION = "sim.playground/v1"


class InternalStrategy(Strategy):
    def validate_name(self, name: str) -> list[str]:
        return []


for _kind, _plural in (("KubeletState", "kubeletstates"), ("PodRuntime", "podruntimes"),
                       ("PodGCState", "podgcstates"),
                       ("TaintEvictionState", "taintevictionstates")):
    register(
        ResourceType(_kind, _plural, _kind.lower(), namespaced=False, group="sim.playground",
                     internal=True),
        InternalStrategy(),
    )


def internal_object(kind: str, name: str, **fields: object) -> dict:
    return {"apiVersion": API_VERSION, "kind": kind, "metadata": {"name": name}, **fields}
