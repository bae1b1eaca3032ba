"""The LimitRanger admission plugin, for pods: default requests/limits, enforce min/max.

Models plugin/pkg/admission/limitranger/admission.go: the mutating half
(defaultContainerResourceRequirements + mergeContainerResources, recording what it set in
the `kubernetes.io/limit-ranger` annotation) and the validating half for `Container` items
(PodValidateLimitFunc: minimum/maximum per Container, max limit/request ratio). Pod and
PersistentVolumeClaim items are validated by the LimitRange kind but not enforced here.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from .errors import Forbidden
from .quota import Qty, parse

if TYPE_CHECKING:
    from .cluster import Cluster

ANNOTATION = "kubernetes.io/limit-ranger"


def _container_items(cluster: Cluster, namespace: str) -> list[dict]:
    items = []
    for lr in cluster.store.list("LimitRange", namespace):
        for item in (lr.get("spec") or {}).get("limits") or []:
            if isinstance(item, dict) and item.get("type") == "Container":
                items.append(item)
    return items


def _defaults(items: list[dict]) -> tuple[dict, dict]:
    requests: dict = {}
    limits: dict = {}
    for item in items:
        requests.update(item.get("defaultRequest") or {})
        limits.update(item.get("default") or {})
    return requests, limits


def _containers(pod: dict) -> list[tuple[str, dict]]:
    spec = pod.get("spec") if isinstance(pod.get("spec"), dict) else {}
    out = []
    for field, label in (("initContainers", "init container"), ("containers", "container")):
        for c in spec.get(field) or []:
            if isinstance(c, dict):
                out.append((label, c))
    return out


def mutate_pod(cluster: Cluster, pod: dict) -> None:
    """Admit (mutating): fill missing requests/limits from the namespace's LimitRanges."""
    ns = (pod.get("metadata") or {}).get("namespace", "")
    items = _container_items(cluster, ns)
    if not items:
        return
    default_requests, default_limits = _defaults(items)
    notes: list[str] = []
    for label, c in _containers(pod):
        res = c.get("resources")
        if res is None:
            res = c["resources"] = {}
        if not isinstance(res, dict):
            continue
        set_limits = _merge(res, "limits", default_limits)
        set_requests = _merge(res, "requests", default_requests)
        if set_requests:
            notes.append(f"{', '.join(sorted(set_requests))} request for {label} {c.get('name')}")
        if set_limits:
            notes.append(f"{', '.join(sorted(set_limits))} limit for {label} {c.get('name')}")
        if not res:
            c.pop("resources", None)
    if notes:
        meta = pod.setdefault("metadata", {})
        annotations = meta.get("annotations") if isinstance(meta.get("annotations"), dict) \
            else {}
        meta["annotations"] = {**annotations, ANNOTATION: "LimitRanger plugin set: "
                               + "; ".join(notes)}


def _merge(res: dict, part: str, defaults: dict) -> list[str]:
    if not defaults:
        return []
    current = res.get(part)
    if current is None:
        current = {}
    if not isinstance(current, dict):
        return []
    added = [k for k in defaults if k not in current]
    if added:
        res[part] = {**current, **{k: defaults[k] for k in added}}
    return added


def validate_pod(cluster: Cluster, pod: dict, resource: str, name: str) -> None:
    """Validate: each container within the Container items' min/max/ratio."""
    ns = (pod.get("metadata") or {}).get("namespace", "")
    items = _container_items(cluster, ns)
    if not items:
        return
    errors: list[str] = []
    for _label, c in _containers(pod):
        res = c.get("resources") if isinstance(c.get("resources"), dict) else {}
        requests, limits = res.get("requests") or {}, res.get("limits") or {}
        for item in items:
            errors += _check(item, requests, limits)
    if errors:
        detail = errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]"
        raise Forbidden(resource, name, detail)


def _q(raw: dict, key: str) -> Qty | None:
    return parse(raw.get(key)) if isinstance(raw, dict) else None


def _check(item: dict, requests: dict, limits: dict) -> list[str]:
    errs = []
    for key, lo in sorted((item.get("min") or {}).items()):
        req, lim = _q(requests, key), _q(limits, key)
        if req is None:
            errs.append(f"minimum {key} usage per Container is {lo}.  No request is specified")
        elif req.value < parse(lo).value:
            errs.append(f"minimum {key} usage per Container is {lo}, but request is {req}")
        if lim is not None and lim.value < parse(lo).value:
            errs.append(f"minimum {key} usage per Container is {lo}, but limit is {lim}")
    for key, hi in sorted((item.get("max") or {}).items()):
        lim = _q(limits, key)
        if lim is None:
            errs.append(f"maximum {key} usage per Container is {hi}.  No limit is specified")
        elif lim.value > parse(hi).value:
            errs.append(f"maximum {key} usage per Container is {hi}, but limit is {lim}")
    for key, ratio in sorted((item.get("maxLimitRequestRatio") or {}).items()):
        req, lim = _q(requests, key), _q(limits, key)
        if req is None or lim is None or req.value == 0:
            continue
        observed = lim.value / req.value
        if observed > parse(ratio).value:
            errs.append(f"{key} max limit to request ratio per Container is {ratio}, but "
                        f"provided ratio is {observed.quantize(Decimal('0.000001')):f}")
    return errs
