"""`kubectl get` / `kubectl describe` for ResourceQuota and LimitRange, and the quota and
limit sections of `kubectl describe namespace`.

Models pkg/printers/internalversion/printers.go printResourceQuota (NAME, AGE, REQUEST,
LIMIT: `used/hard` per resource, `limits.*` in LIMIT, sorted) and printLimitRange (NAME,
CREATED AT), and staging/src/k8s.io/kubectl/pkg/describe/describe.go describeQuota,
describeLimitRange, DescribeResourceQuotas and DescribeLimitRanges (v1.33). Go's map
order in describeLimitRangeSpec is random; here resources are sorted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .describe import Writer
from .printers_util import created
from .quota import Qty, format_quantity, parse

if TYPE_CHECKING:
    from .cluster import Cluster

SCOPE_HELP = {
    "Terminating": "Matches all pods that have an active deadline. These pods have a limited "
                   "lifespan on a node before being actively terminated by the system.",
    "NotTerminating": "Matches all pods that do not have an active deadline. These pods "
                      "usually include long running pods whose container command is not "
                      "expected to terminate.",
    "BestEffort": "Matches all pods that do not have resource requirements set. These pods "
                  "have a best effort quality of service.",
    "NotBestEffort": "Matches all pods that have at least one resource requirement set. "
                     "These pods have a burstable or guaranteed quality of service.",
}


def _q(raw) -> str:
    """Quantity.String() of a stored value ("0" when absent, as a zero Quantity prints)."""
    q = parse(raw)
    return str(q) if q is not None else "0"


def _status(obj: dict) -> tuple[dict, dict]:
    status = obj.get("status") or {}
    return status.get("hard") or {}, status.get("used") or {}


def quota_row(obj: dict, now: float, wide: bool) -> list[str]:
    hard, used = _status(obj)
    request, limit = [], []
    for name in sorted(hard):
        column = limit if name.split(".")[0] == "limits" and "." in name else request
        column.append(f"{name}: {_q(used.get(name))}/{_q(hard[name])}")
    return [obj["metadata"]["name"], created(obj, now), ", ".join(request), ", ".join(limit)]


def limitrange_row(obj: dict, now: float, wide: bool) -> list[str]:
    return [obj["metadata"]["name"], obj["metadata"].get("creationTimestamp", "")]


COLUMNS = {
    "ResourceQuota": (["NAME", "AGE", "REQUEST", "LIMIT"], [], quota_row),
    "LimitRange": (["NAME", "CREATED AT"], [], limitrange_row),
}


def _scopes(w: Writer, obj: dict, level: int, bullet: str) -> None:
    scopes = sorted(str(s) for s in ((obj.get("spec") or {}).get("scopes") or []))
    if not scopes:
        return
    w.write(level, f"Scopes:\t{', '.join(scopes)}\n")
    for scope in scopes:
        if scope in SCOPE_HELP:
            w.write(level, f"{bullet}{SCOPE_HELP[scope]}\n")


def _used_in_hard_format(used_raw, hard_raw) -> str:
    """describeQuota: a used value in another format is re-made as Value() in hard's."""
    used, hard = parse(used_raw), parse(hard_raw)
    if used is None:
        return "0"
    if hard is None or used.binary == hard.binary:
        return str(used)
    value = used.value.to_integral_value(rounding="ROUND_CEILING")
    return format_quantity(value, hard.binary)


def describe_quota(cluster: Cluster, obj: dict, now: float) -> str:
    w = Writer()
    meta = obj["metadata"]
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    _scopes(w, obj, 0, " * ")
    w.write(0, "Resource\tUsed\tHard\n")
    w.write(0, "--------\t----\t----\n")
    hard, used = _status(obj)
    for name in sorted(hard):
        w.write(0, f"{name}\t{_used_in_hard_format(used.get(name), hard[name])}\t"
                   f"{_q(hard[name])}\n")
    return w.text()


def _limit_rows(w: Writer, obj: dict, prefix: str) -> None:
    for item in (obj.get("spec") or {}).get("limits") or []:
        fields = {f: item.get(f) or {} for f in ("min", "max", "defaultRequest", "default",
                                                 "maxLimitRequestRatio")}
        names = sorted({k for values in fields.values() for k in values})
        for name in names:
            cells = [_q(fields[f][name]) if name in fields[f] else "-" for f in fields]
            w.write(0, f"{prefix}{item.get('type', '')}\t{name}\t" + "\t".join(cells) + "\n")


def describe_limitrange(cluster: Cluster, obj: dict, now: float) -> str:
    w = Writer()
    meta = obj["metadata"]
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    w.write(0, "Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\t"
               "Max Limit/Request Ratio\n")
    w.write(0, "----\t--------\t---\t---\t---------------\t-------------\t"
               "-----------------------\n")
    _limit_rows(w, obj, "")
    return w.text()


def namespace_sections(cluster: Cluster, namespace: str) -> str:
    """The text after a namespace's conditions: its quotas, then its limit ranges.
    Returned unaligned (tab-separated); the namespace describer lays the whole text out."""
    w = Writer()
    quotas = sorted(cluster.store.list("ResourceQuota", namespace),
                    key=lambda q: q["metadata"]["name"])
    w.write(0, "\n")
    if not quotas:
        w.write(0, "No resource quota.\n")
    else:
        w.write(0, "Resource Quotas\n")
        for q in quotas:
            w.write(1, f"Name:\t{q['metadata']['name']}\n")
            _scopes(w, q, 1, "* ")
            w.write(1, "Resource\tUsed\tHard\n")
            w.write(1, "--------\t---\t---\n")
            hard, used = _status(q)
            for name in sorted(hard):
                w.write(1, f"{name}\t{_q(used.get(name))}\t{_q(hard[name])}\n")
    w.write(0, "\n")
    ranges = sorted(cluster.store.list("LimitRange", namespace),
                    key=lambda r: r["metadata"]["name"])
    if not ranges:
        w.write(0, "No LimitRange resource.\n")
    else:
        w.write(0, "Resource Limits\n Type\tResource\tMin\tMax\tDefault Request\t"
                   "Default Limit\tMax Limit/Request Ratio\n")
        w.write(0, " ----\t--------\t---\t---\t---------------\t-------------\t"
                   "-----------------------\n")
        for r in ranges:
            _limit_rows(w, r, " ")
    return "".join(w.parts)


DESCRIBERS = {"ResourceQuota": describe_quota, "LimitRange": describe_limitrange}

__all__ = ["COLUMNS", "DESCRIBERS", "Qty", "namespace_sections"]
