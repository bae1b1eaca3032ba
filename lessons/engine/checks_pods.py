"""`ready_pods`: exactly N ready pods behind a selector, a Deployment, a StatefulSet or a
ReplicaSet.

A pod counts when its Ready condition is True and it is not terminating (no
deletionTimestamp), which is what `kubectl get pods` shows as READY 1/1 and Running.
"""

from __future__ import annotations

from playground.sim import labels
from playground.sim.printers import pod_status

from .feedback import qualified, say

WORKLOADS = {"deployment": "Deployment", "statefulset": "StatefulSet", "replicaset": "ReplicaSet"}
IGNORED_LABELS = ("pod-template-hash", "controller-revision-hash",
                  "statefulset.kubernetes.io/pod-name", "apps.kubernetes.io/pod-index")


def is_ready(pod: dict) -> bool:
    if pod["metadata"].get("deletionTimestamp"):
        return False
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in (pod.get("status") or {}).get("conditions") or ())


def pod_labels_summary(pods: list[dict], keys: set[str] | frozenset[str] = frozenset(),
                       limit: int = 3) -> str:
    """The distinct label sets of `pods` (`app=nginx; app=web`), without controller-added
    keys; when some pods carry one of `keys` (the selector's), only those are described."""
    def visible(pod: dict) -> dict[str, str]:
        return {k: v for k, v in (pod["metadata"].get("labels") or {}).items()
                if k not in IGNORED_LABELS}

    relevant = [p for p in pods if keys & set(visible(p))] or pods
    seen = sorted({",".join(f"{k}={v}" for k, v in sorted(visible(p).items())) or "(no labels)"
                   for p in relevant})
    return "; ".join(seen[:limit]) + (f" (+{len(seen) - limit})" if len(seen) > limit else "")


def ready_pods(cluster, params: dict, lang: str) -> tuple[bool, str]:
    ns = params.get("namespace") or "default"
    count = int(params["count"])
    found = _selector(cluster, params, ns, lang)
    if isinstance(found, str):
        return False, found
    what, selector_text, match = found
    pods = [p for p in cluster.store.list("Pod", ns)
            if match(p["metadata"].get("labels") or {})]
    ready = [p for p in pods if is_ready(p)]
    by_selector = "selector" in params
    if len(ready) == count:
        if by_selector:
            return True, say(lang, "sel_ready_ok", selector=selector_text, ns=ns, count=count)
        return True, say(lang, "ready_ok", what=what, count=count)
    if not pods and count:
        text = say(lang, "no_pods_match", what=f"{what}: " if what else "", ns=ns,
                   selector=selector_text)
        text = text[0].upper() + text[1:]
        others = cluster.store.list("Pod", ns)
        if others:
            keys = _selector_keys(selector_text)
            text += say(lang, "pods_labelled", labels=pod_labels_summary(others, keys))
        return False, text
    if by_selector:
        text = say(lang, "sel_ready_wrong", selector=selector_text, ns=ns, ready=len(ready),
                   count=count)
    else:
        text = say(lang, "ready_wrong", what=what, ready=len(ready), count=count)
    not_ready = [p for p in pods if not is_ready(p)]
    if not_ready and len(ready) < count:
        now = cluster.clock.now
        shown = ", ".join(f"{p['metadata']['name']} ({_status(p, now)})" for p in not_ready[:4])
        text += say(lang, "not_ready_list", pods=shown + (", ..." if len(not_ready) > 4 else ""))
    return False, text


def _selector_keys(text: str) -> set[str]:
    try:
        return {r.key for r in labels.parse(text)}
    except Exception:  # noqa: BLE001 - only a hint for the feedback
        return set()


def _status(pod: dict, now: float) -> str:
    if pod["metadata"].get("deletionTimestamp"):
        return "Terminating"
    return pod_status(pod, now)[1]


def _selector(cluster, params: dict, ns: str, lang: str):
    """(what, selector text, match function), or a feedback string when the workload is
    missing."""
    if "selector" in params:
        text = str(params["selector"])
        parsed = labels.parse(text)
        return "", text, lambda lbls: labels.matches(parsed, lbls)
    key = next(k for k in WORKLOADS if k in params)
    kind, name = WORKLOADS[key], str(params[key])
    obj = cluster.store.get(kind, ns, name)
    where = say(lang, "in_ns", ns=ns)
    if obj is None:
        return say(lang, "no_object", kind=kind, name=name, where=where)
    sel = (obj.get("spec") or {}).get("selector")
    parsed = labels.from_label_selector(sel)
    what = qualified(lang, kind, name, ns)
    return what, labels.format_selector(sel), lambda lbls: labels.matches(parsed, lbls)
