"""Pod identity, storage and retention helpers of the StatefulSet controller.

After pkg/controller/statefulset/stateful_set_utils.go (v1.33): ordinals parsed from pod names,
`newVersionedStatefulSetPod`, `getPersistentVolumeClaims`, `updateStorage`, `initIdentity` /
`updateIdentity`, revision snapshots (`getPatch` / `ApplyRevision`), `isClaimOwnerUpToDate` /
`updateClaimOwnerRefForSetAndPod` for the PVC retention policy.
"""

from __future__ import annotations

import re

from ..objects import clone, get_path, owner_reference, parse_time

POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name"
POD_INDEX_LABEL = "apps.kubernetes.io/pod-index"
REVISION_LABEL = "controller-revision-hash"

_POD_RE = re.compile(r"^(.*)-([0-9]+)$")


def parent_and_ordinal(name: str) -> tuple[str, int]:
    """getParentNameAndOrdinal: ("", -1) when the name has no `-<number>` suffix."""
    m = _POD_RE.match(name)
    if not m:
        return "", -1
    ordinal = int(m.group(2))
    return (m.group(1), ordinal) if ordinal < 2**31 else (m.group(1), -1)


def ordinal_of(pod: dict) -> int:
    return parent_and_ordinal(pod["metadata"]["name"])[1]


def start_ordinal(sts: dict) -> int:
    return int(get_path(sts, "spec", "ordinals", "start", default=0) or 0)


def in_ordinal_range(pod: dict, sts: dict) -> bool:
    start = start_ordinal(sts)
    return start <= ordinal_of(pod) < start + int(sts["spec"].get("replicas", 1))


def pod_name(sts: dict, ordinal: int) -> str:
    return f"{sts['metadata']['name']}-{ordinal}"


def claim_name(sts: dict, template: dict, ordinal: int) -> str:
    return f"{template['metadata']['name']}-{sts['metadata']['name']}-{ordinal}"


def pod_revision(pod: dict) -> str:
    return (pod["metadata"].get("labels") or {}).get(REVISION_LABEL, "")


# ---- pod state -------------------------------------------------------------------------------


def phase(pod: dict) -> str:
    return get_path(pod, "status", "phase", default="") or ""


def is_created(pod: dict) -> bool:
    return phase(pod) != ""


def is_terminating(pod: dict) -> bool:
    return bool(pod["metadata"].get("deletionTimestamp"))


def _ready_condition(pod: dict) -> dict | None:
    for cond in get_path(pod, "status", "conditions", default=[]) or []:
        if cond.get("type") == "Ready":
            return cond
    return None


def is_running_and_ready(pod: dict) -> bool:
    cond = _ready_condition(pod)
    return phase(pod) == "Running" and cond is not None and cond.get("status") == "True"


def available_at(pod: dict, min_ready_seconds: int) -> float | None:
    """When a running, ready pod counts as available (podutil.IsPodAvailable)."""
    if not is_running_and_ready(pod):
        return None
    if not min_ready_seconds:
        return 0.0
    ltt = (_ready_condition(pod) or {}).get("lastTransitionTime")
    return (parse_time(ltt) if ltt else 0.0) + min_ready_seconds


def is_running_and_available(pod: dict, min_ready_seconds: int, now: float) -> bool:
    at = available_at(pod, min_ready_seconds)
    return at is not None and at <= now


def is_unavailable(pod: dict, min_ready_seconds: int, now: float) -> bool:
    return is_terminating(pod) or not is_running_and_available(pod, min_ready_seconds, now)


# ---- revisions -------------------------------------------------------------------------------


def revision_data(sts: dict) -> dict:
    """getPatch: the template, replaced wholesale when the revision is applied."""
    template = clone(sts["spec"].get("template") or {})
    template["$patch"] = "replace"
    return {"spec": {"template": template}}


def apply_revision(sts: dict, revision: dict) -> dict:
    """ApplyRevision: the set as it was at `revision` (only the template is versioned).
    Shallow: shares the stored dicts, which callers never mutate (pods clone what they take)."""
    stored = get_path(revision, "data", "spec", "template", default={}) or {}
    template = {k: v for k, v in stored.items() if k != "$patch"}
    return {**sts, "spec": {**sts["spec"], "template": template}}


# ---- new pods and claims ---------------------------------------------------------------------


def persistent_volume_claims(sts: dict, ordinal: int) -> list[tuple[str, dict]]:
    """getPersistentVolumeClaims: (template name, claim) for each volumeClaimTemplate."""
    out = []
    match_labels = get_path(sts, "spec", "selector", "matchLabels", default={}) or {}
    for template in sts["spec"].get("volumeClaimTemplates") or []:
        claim = clone(template)
        claim.setdefault("apiVersion", "v1")
        claim.setdefault("kind", "PersistentVolumeClaim")
        meta = claim.setdefault("metadata", {})
        meta["name"] = claim_name(sts, template, ordinal)
        meta["namespace"] = sts["metadata"]["namespace"]
        meta["labels"] = {**(meta.get("labels") or {}), **match_labels}
        claim.pop("status", None)
        out.append((template["metadata"]["name"], claim))
    return out


def update_storage(sts: dict, pod: dict, ordinal: int) -> None:
    claims = persistent_volume_claims(sts, ordinal)
    names = {name for name, _ in claims}
    volumes = [{"name": name, "persistentVolumeClaim": {"claimName": c["metadata"]["name"]}}
               for name, c in claims]
    volumes += [v for v in pod["spec"].get("volumes") or [] if v.get("name") not in names]
    if volumes:
        pod["spec"]["volumes"] = volumes


def storage_matches(sts: dict, pod: dict) -> bool:
    ordinal = ordinal_of(pod)
    if ordinal < 0:
        return False
    volumes = {v.get("name"): v for v in pod["spec"].get("volumes") or []}
    for template in sts["spec"].get("volumeClaimTemplates") or []:
        volume = volumes.get(template["metadata"]["name"]) or {}
        if get_path(volume, "persistentVolumeClaim", "claimName") != claim_name(
                sts, template, ordinal):
            return False
    return True


def update_identity(sts: dict, pod: dict, ordinal: int) -> None:
    labels = pod["metadata"].setdefault("labels", {})
    labels[POD_NAME_LABEL] = pod_name(sts, ordinal)
    labels[POD_INDEX_LABEL] = str(ordinal)


def identity_matches(sts: dict, pod: dict) -> bool:
    parent, ordinal = parent_and_ordinal(pod["metadata"]["name"])
    labels = pod["metadata"].get("labels") or {}
    return (ordinal >= 0 and parent == sts["metadata"]["name"]
            and pod["metadata"].get("namespace") == sts["metadata"]["namespace"]
            and labels.get(POD_NAME_LABEL) == pod["metadata"]["name"]
            and labels.get(POD_INDEX_LABEL) == str(ordinal))


def new_statefulset_pod(sts: dict, ordinal: int, revision: str) -> dict:
    """newStatefulSetPod + setPodRevision (GetPodFromTemplate, initIdentity, updateStorage)."""
    template = sts["spec"].get("template") or {}
    tmeta = template.get("metadata") or {}
    name = pod_name(sts, ordinal)
    meta: dict = {"name": name, "namespace": sts["metadata"]["namespace"],
                  "labels": dict(tmeta.get("labels") or {})}
    if tmeta.get("annotations"):
        meta["annotations"] = dict(tmeta["annotations"])
    if tmeta.get("finalizers"):
        meta["finalizers"] = list(tmeta["finalizers"])
    meta["ownerReferences"] = [owner_reference(sts)]
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": meta,
           "spec": clone(template.get("spec") or {})}
    update_identity(sts, pod, ordinal)
    pod["spec"]["hostname"] = name
    if sts["spec"].get("serviceName"):
        pod["spec"]["subdomain"] = sts["spec"]["serviceName"]
    update_storage(sts, pod, ordinal)
    meta["labels"][REVISION_LABEL] = revision
    return pod


def new_versioned_pod(current_set: dict, update_set: dict, current_rev: str, update_rev: str,
                      ordinal: int, current_replicas: int) -> dict:
    """newVersionedStatefulSetPod: ordinals below the partition keep the current revision."""
    strategy = current_set["spec"].get("updateStrategy") or {}
    rolling = strategy.get("rollingUpdate")
    start = start_ordinal(current_set)
    keep_current = (
        (strategy.get("type") == "RollingUpdate" and rolling is None
         and ordinal < start + current_replicas)
        or (rolling is not None and ordinal < start + int(rolling.get("partition", 0) or 0))
    )
    if keep_current:
        return new_statefulset_pod(current_set, ordinal, current_rev)
    return new_statefulset_pod(update_set, ordinal, update_rev)


# ---- PVC retention (ownerReferences) ---------------------------------------------------------


def retention_policy(sts: dict) -> tuple[str, str]:
    policy = sts["spec"].get("persistentVolumeClaimRetentionPolicy") or {}
    return policy.get("whenDeleted", "Retain"), policy.get("whenScaled", "Retain")


def _has_ref(claim: dict, owner: dict) -> bool:
    uid = owner["metadata"].get("uid")
    return any(r.get("uid") == uid for r in claim["metadata"].get("ownerReferences") or [])


def _foreign_controller(claim: dict, sts: dict, pod: dict) -> bool:
    ours = {sts["metadata"]["uid"], pod["metadata"].get("uid")}
    return any(r.get("controller") and r.get("uid") not in ours
               for r in claim["metadata"].get("ownerReferences") or [])


def wanted_claim_owners(claim: dict, sts: dict, pod: dict) -> tuple[bool, bool]:
    """(owned by the set?, owned by the pod?) as the retention policy wants it."""
    when_deleted, when_scaled = retention_policy(sts)
    scaled_down = not in_ordinal_range(pod, sts)
    by_pod = when_scaled == "Delete" and scaled_down
    by_set = when_deleted == "Delete" and not (when_scaled == "Delete" and scaled_down)
    return by_set, by_pod


def claim_owner_up_to_date(claim: dict, sts: dict, pod: dict) -> bool:
    """isClaimOwnerUpToDate (stale-reference cases left out)."""
    if _foreign_controller(claim, sts, pod):
        return not (_has_ref(claim, sts) or _has_ref(claim, pod))
    by_set, by_pod = wanted_claim_owners(claim, sts, pod)
    return _has_ref(claim, sts) == by_set and _has_ref(claim, pod) == by_pod


def update_claim_owner_refs(claim: dict, sts: dict, pod: dict) -> None:
    """updateClaimOwnerRefForSetAndPod: scrub our refs, then add controller refs per policy."""
    ours = {sts["metadata"]["uid"], pod["metadata"].get("uid")}
    refs = [r for r in claim["metadata"].get("ownerReferences") or [] if r.get("uid") not in ours]
    if not _foreign_controller(claim, sts, pod):
        by_set, by_pod = wanted_claim_owners(claim, sts, pod)
        if by_set:
            refs.append(owner_reference(sts))
        if by_pod:
            refs.append(owner_reference(pod))
    if refs:
        claim["metadata"]["ownerReferences"] = refs
    else:
        claim["metadata"].pop("ownerReferences", None)
