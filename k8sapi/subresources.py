"""The subresources that speak another kind: `scale` (autoscaling/v1 Scale, for `kubectl
scale` and the Python client's `*_scale` calls) and pods' `eviction` (policy/v1, for
`kubectl drain`). Models pkg/registry/apps/deployment/storage (ScaleREST) and
pkg/registry/core/pod/storage/eviction.go."""

from __future__ import annotations

from k8sapi.rest import Answer, Call, patch_type
from playground.sim.errors import MethodNotAllowed, NotFound
from playground.sim.labels import format_selector
from playground.sim.objects import clone
from playground.sim.patch import apply_patch


def _scale_of(obj: dict) -> dict:
    meta = obj["metadata"]
    status = obj.get("status") or {}
    selector = (obj.get("spec") or {}).get("selector") or {}
    return {
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            k: meta[k]
            for k in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
            if k in meta
        },
        "spec": {"replicas": (obj.get("spec") or {}).get("replicas", 1)},
        "status": {"replicas": status.get("replicas", 0), "selector": format_selector(selector)},
    }


def scale(cluster, call: Call) -> Answer:
    if call.rt.kind not in ("Deployment", "ReplicaSet", "StatefulSet"):
        raise NotFound(call.rt.resource, call.name or "")
    obj = cluster.api.get(call.rt.kind, call.name, call.namespace)
    scale = _scale_of(obj)
    if call.method == "GET":
        return Answer(scale)
    if call.method == "PUT":
        wanted = call.body if isinstance(call.body, dict) else {}
    elif call.method == "PATCH":
        ptype = patch_type(call)
        if ptype == "apply":
            ptype = "merge"
        wanted = apply_patch(clone(scale), call.body, ptype, "Scale")
    else:
        raise MethodNotAllowed("the server does not allow this method on the requested resource")
    replicas = (wanted.get("spec") or {}).get("replicas")
    rv = (wanted.get("metadata") or {}).get("resourceVersion")
    patch: dict = {"spec": {"replicas": replicas}}
    if rv:
        patch["metadata"] = {"resourceVersion": rv}
    updated = cluster.api.patch(
        call.rt.kind,
        call.name,
        patch,
        namespace=call.namespace,
        patch_type="merge",
        dry_run=call.dry_run,
    )
    return Answer(_scale_of(updated))


def evict(cluster, call: Call) -> Answer:
    """policy/v1 Eviction (`kubectl drain`): a delete with the eviction's options; no
    PodDisruptionBudget exists in the playground, so every eviction is allowed."""
    options = (call.body or {}).get("deleteOptions") or {} if isinstance(call.body, dict) else {}
    cluster.api.delete(
        "Pod",
        call.name,
        namespace=call.namespace,
        grace_period_seconds=options.get("gracePeriodSeconds"),
        preconditions=options.get("preconditions"),
        dry_run=call.dry_run or "All" in (options.get("dryRun") or []),
    )
    return Answer(
        {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201},
        201,
    )
