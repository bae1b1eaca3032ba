"""The garbage collector: ownerReferences, and the three deletion propagation policies.

Models pkg/controller/garbagecollector/garbagecollector.go (attemptToDeleteItem,
processDeletingDependentsItem, orphanDependents) over the whole store instead of a
watched graph:
- Background: a dependent whose owners are all gone (absent, or a different uid) is
  deleted; one with a surviving owner just loses the dangling references.
- Foreground: an owner carrying `foregroundDeletion` gets its dependents deleted (those
  with dependents of their own in the foreground too); its finalizer is removed once no
  dependent with `blockOwnerDeletion: true` is left, so the API server removes it.
- Orphan: an owner carrying `orphan` has its ownerReference removed from every dependent,
  then the finalizer.
Simplified: owners of unknown kinds count as present (upstream retries the REST mapping);
the cycle-breaking "unblock" patch is not modelled; Events are not scanned (they carry no
ownerReferences in practice and would dominate the pass on a busy cluster).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..deletion import FOREGROUND, ORPHAN
from ..errors import ApiError
from ..objects import clone
from ..resources import REGISTRY
from .base import Controller
from .gc_watch import GCWatch

if TYPE_CHECKING:
    from ..cluster import Cluster

NAME = "garbage-collector"
UNKNOWN_OWNER: dict = {"metadata": {}}
#: Events are never owners or owned in practice and are the bulk of the store: not scanned
SKIPPED_KINDS = ("Event",)


def _owner_of(cluster: Cluster, obj: dict, ref: dict) -> dict | None:
    """The live owner an ownerReference points at (None when gone or replaced)."""
    rt = REGISTRY.types.get(ref.get("kind", ""))
    if rt is None:
        return UNKNOWN_OWNER  # unknown kind: never treated as dangling
    ns = obj["metadata"].get("namespace", "") if rt.namespaced else ""
    owner = cluster.store.get(rt.kind, ns, ref.get("name", ""))
    if owner is None or owner["metadata"].get("uid") != ref.get("uid"):
        return None
    return owner


def _waiting_for_dependents(owner: dict) -> bool:
    meta = owner["metadata"]
    return bool(meta.get("deletionTimestamp")) and FOREGROUND in (meta.get("finalizers") or ())


def _live(cluster: Cluster, obj: dict) -> dict | None:
    """The stored version of `obj` (it may have changed earlier in this pass)."""
    meta = obj["metadata"]
    live = cluster.store.get(obj["kind"], meta.get("namespace", ""), meta["name"])
    if live is None or live["metadata"].get("uid") != meta.get("uid"):
        return None
    return live


def _describe(obj: dict) -> str:
    return f"{obj['kind']} {obj['metadata']['name']}"


class GarbageCollector(Controller):
    name = NAME

    def __init__(self) -> None:
        self._owners: dict[tuple, dict | None] = {}  # owner lookups within one pass only

    def reconcile(self, cluster: Cluster) -> None:
        # The collector is a pure function of the stored objects: if nothing was written since
        # its last pass it would write nothing (the memo is per Cluster, rebuilt when lost).
        version = (cluster.store.meta["resourceVersion"], len(cluster.store.changes))
        if cluster.cache.get("gc.version") == version:
            return
        # nor does it when only what it never reads changed (pod status, events...)
        watch = GCWatch.of(cluster, SKIPPED_KINDS)
        if watch.quiet:
            return
        dependents: dict[str, list[dict]] = {}
        owned: list[dict] = []
        deleting: list[dict] = []
        for rt in REGISTRY.served():
            if rt.kind in SKIPPED_KINDS:
                continue
            for obj in cluster.store.list(rt.kind):
                meta = obj["metadata"]
                refs = meta.get("ownerReferences")
                if refs:
                    for ref in refs:
                        dependents.setdefault(ref.get("uid", ""), []).append(obj)
                    if not meta.get("deletionTimestamp"):
                        owned.append(obj)
                if meta.get("deletionTimestamp") and meta.get("finalizers"):
                    deleting.append(obj)
        self._owners: dict[tuple, dict | None] = {}
        for obj in owned:
            self.attempt_to_delete_item(cluster, obj, dependents)
        for obj in deleting:
            finalizers = obj["metadata"]["finalizers"]
            own = dependents.get(obj["metadata"].get("uid", ""), [])
            if ORPHAN in finalizers:
                self.orphan_dependents(cluster, obj, own)
            elif FOREGROUND in finalizers:
                self.process_deleting_dependents_item(cluster, obj, own)
        wrote = (cluster.store.meta["resourceVersion"], len(cluster.store.changes)) != version
        watch = GCWatch.of(cluster, SKIPPED_KINDS)
        if not wrote:
            cluster.cache["gc.version"] = version  # a pass that wrote nothing
            watch.quiet = True

    def attempt_to_delete_item(self, cluster: Cluster, obj: dict,
                               dependents: dict[str, list[dict]]) -> None:
        solid, dangling, waiting = [], [], []
        ns = obj["metadata"].get("namespace", "")
        for ref in obj["metadata"]["ownerReferences"]:
            key = (ns, ref.get("kind"), ref.get("name"), ref.get("uid"))
            if key not in self._owners:
                self._owners[key] = _owner_of(cluster, obj, ref)
            owner = self._owners[key]
            if owner is None:
                dangling.append(ref)
            elif owner is not UNKNOWN_OWNER and _waiting_for_dependents(owner):
                waiting.append(ref)
            else:
                solid.append(ref)
        if not dangling and not waiting:
            return
        if solid:
            self._drop_owner_refs(cluster, obj, {r.get("uid") for r in dangling + waiting})
            return
        if waiting and dependents.get(obj["metadata"].get("uid", "")):
            policy = "Foreground"
        elif ORPHAN in (obj["metadata"].get("finalizers") or ()):
            policy = "Orphan"
        else:
            policy = "Foreground" if FOREGROUND in (
                obj["metadata"].get("finalizers") or ()) else "Background"
        if waiting:
            ref = waiting[0]
            sentence = (f"{ref.get('kind')} {ref.get('name')} is being deleted in the foreground, "
                        f"so its dependent {_describe(obj)} goes first: deleting it")
        else:
            ref = dangling[0]
            sentence = (f"{_describe(obj)} was owned by {ref.get('kind')} {ref.get('name')}, "
                        "which is gone: deleting it")
        if policy != "Background":
            sentence += f" ({policy.lower()})"
        self._delete(cluster, obj, policy, sentence)

    def process_deleting_dependents_item(self, cluster: Cluster, owner: dict,
                                         own: list[dict]) -> None:
        uid = owner["metadata"]["uid"]
        blocking = [d for d in own if any(
            r.get("uid") == uid and r.get("blockOwnerDeletion")
            for r in d["metadata"].get("ownerReferences") or ())]
        if blocking:
            return  # attempt_to_delete_item deletes them; wait until they are gone
        self._remove_finalizer(cluster, owner, FOREGROUND,
                               f"no dependent of {_describe(owner)} blocks its deletion any more: "
                               "removing the foregroundDeletion finalizer")

    def orphan_dependents(self, cluster: Cluster, owner: dict, own: list[dict]) -> None:
        uid = owner["metadata"]["uid"]
        for dep in own:
            self._drop_owner_refs(cluster, dep, {uid},
                                  f"{_describe(owner)} is deleted with orphan propagation: "
                                  f"{_describe(dep)} keeps running without an owner")
        self._remove_finalizer(cluster, owner, ORPHAN,
                               f"dependents of {_describe(owner)} are orphaned: removing the "
                               "orphan finalizer")

    # ---- writes ----------------------------------------------------------------------------

    def _delete(self, cluster: Cluster, obj: dict, policy: str, sentence: str) -> None:
        meta = obj["metadata"]
        try:
            cluster.api.delete(obj["kind"], meta["name"], namespace=meta.get("namespace"),
                               propagation_policy=policy, preconditions={"uid": meta["uid"]},
                               actor=NAME)
        except ApiError:
            return  # gone or replaced meanwhile: the next pass sees the new state
        cluster.record(NAME, obj, sentence)

    def _drop_owner_refs(self, cluster: Cluster, obj: dict, uids: set,
                         sentence: str | None = None) -> None:
        obj = _live(cluster, obj)
        if obj is None:
            return
        refs = obj["metadata"].get("ownerReferences") or []
        keep = [r for r in refs if r.get("uid") not in uids]
        if len(keep) == len(refs):
            return
        updated = clone(obj)
        if keep:
            updated["metadata"]["ownerReferences"] = keep
        else:
            updated["metadata"].pop("ownerReferences")
        cluster.api.update(updated, actor=NAME)
        gone = ", ".join(f"{r.get('kind')} {r.get('name')}" for r in refs if r not in keep)
        cluster.record(NAME, obj, sentence or f"{_describe(obj)} no longer points at {gone}, "
                                              "which is gone: removed the ownerReference")

    def _remove_finalizer(self, cluster: Cluster, obj: dict, finalizer: str,
                          sentence: str) -> None:
        live = _live(cluster, obj)
        if live is None or finalizer not in (live["metadata"].get("finalizers") or ()):
            return
        updated = clone(live)
        finalizers = [f for f in updated["metadata"].get("finalizers") or () if f != finalizer]
        if finalizers:
            updated["metadata"]["finalizers"] = finalizers
        else:
            updated["metadata"].pop("finalizers", None)
        cluster.api.update(updated, actor=NAME)
        cluster.record(NAME, obj, sentence)


CONTROLLERS = [GarbageCollector]
