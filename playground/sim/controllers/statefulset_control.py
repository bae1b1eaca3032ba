"""updateStatefulSet: the pod-management core of the StatefulSet controller.

After pkg/controller/statefulset/stateful_set_control.go (`updateStatefulSet`, `processReplica`,
`processCondemned`, `computeReplicaStatus`, the legacy one-at-a-time rolling update used while
MaxUnavailableStatefulSet is off) and stateful_pod_control.go (`CreateStatefulPod`,
`createPersistentVolumeClaims`, `DeleteStatefulPod`, the event texts).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import AlreadyExists, ApiError, NotFound
from ..objects import clone, get_path
from . import statefulset_utils as su

if TYPE_CHECKING:
    from .statefulset import StatefulSetSync

ACTOR = "statefulset-controller"
MAX_BATCH_SIZE = 500


def slow_start_batches(count: int) -> list[int]:
    """slowStartBatch sizes: 1, 2, 4, ... (capped at MaxBatchSize) until `count` calls."""
    sizes, remaining, size = [], count, min(count, 1)
    while remaining > 0 and size > 0:
        sizes.append(size)
        remaining -= size
        size = min(2 * size, remaining, MAX_BATCH_SIZE)
    return sizes


def update_statefulset(sync: StatefulSetSync, pods: list[dict], current: dict, update: dict,
                       collisions: int) -> tuple[dict, list[dict]]:
    run = _Run(sync, pods, current, update)
    status = {
        "observedGeneration": sync.sts["metadata"].get("generation", 1),
        "replicas": 0, "readyReplicas": 0, "currentReplicas": 0, "updatedReplicas": 0,
        "currentRevision": current["metadata"]["name"],
        "updateRevision": update["metadata"]["name"],
        "collisionCount": collisions, "availableReplicas": 0,
    }
    if not sync.sts["metadata"].get("deletionTimestamp"):
        run.manage()
    status.update(run.counts())
    return status, run.live_pods()


class _Run:
    def __init__(self, sync: StatefulSetSync, pods: list[dict], current: dict, update: dict):
        self.sync, self.api, self.cluster = sync, sync.api, sync.cluster
        self.sts, self.name, self.ns = sync.sts, sync.name, sync.ns
        self.current_rev = current["metadata"]["name"]
        self.update_rev = update["metadata"]["name"]
        self.current_set = su.apply_revision(self.sts, current)
        self.update_set = su.apply_revision(self.sts, update)
        self.monotonic = self.sts["spec"].get("podManagementPolicy") != "Parallel"
        count = int(self.sts["spec"].get("replicas", 1))
        start = su.start_ordinal(self.sts)
        slots: list[dict | None] = [None] * count
        self.condemned: list[dict] = []
        for pod in pods:
            ordinal = su.ordinal_of(pod)
            if start <= ordinal < start + count:
                slots[ordinal - start] = pod
            elif ordinal >= 0:
                self.condemned.append(pod)
        cur_replicas = int(get_path(self.sts, "status", "currentReplicas", default=0) or 0)
        self.replicas: list[dict] = [
            pod if pod is not None else su.new_versioned_pod(
                self.current_set, self.update_set, self.current_rev, self.update_rev,
                start + i, cur_replicas)
            for i, pod in enumerate(slots)
        ]
        self.condemned.sort(key=su.ordinal_of, reverse=True)
        self._memo: dict[int, tuple[dict, tuple[bool, bool, bool]]] = {}
        self.first_unavailable = self._first_unavailable()

    # ---- bookkeeping ---------------------------------------------------------------------------

    def _state(self, pod: dict) -> tuple[bool, bool, bool]:
        """(running and ready, available, terminating), computed once per pod object."""
        hit = self._memo.get(id(pod))
        if hit is not None and hit[0] is pod:
            return hit[1]
        ready = su.is_running_and_ready(pod)
        available = ready and su.is_running_and_available(pod, self.sync.min_ready,
                                                          self.sync.now)
        state = (ready, available, bool(pod["metadata"].get("deletionTimestamp")))
        self._memo[id(pod)] = (pod, state)
        return state

    def _unavailable(self, pod: dict) -> bool:
        _, available, terminating = self._state(pod)
        return terminating or not available

    def _first_unavailable(self) -> dict | None:
        for pod in self.replicas + self.condemned[::-1]:
            if self._unavailable(pod):
                return pod
        return None

    def live_pods(self) -> list[dict]:
        return [p for p in self.replicas + self.condemned if su.is_created(p)]

    def counts(self) -> dict:
        """computeReplicaStatus over replicas and condemned pods."""
        out = {"replicas": 0, "readyReplicas": 0, "availableReplicas": 0,
               "currentReplicas": 0, "updatedReplicas": 0}
        for pod in self.live_pods():
            ready, available, terminating = self._state(pod)
            out["replicas"] += 1
            out["readyReplicas"] += ready
            out["availableReplicas"] += available
            if not terminating:
                rev = su.pod_revision(pod)
                out["currentReplicas"] += rev == self.current_rev
                out["updatedReplicas"] += rev == self.update_rev
        return out

    def _fail(self, exc: ApiError) -> bool:
        self.sync.error = self.sync.error or exc
        return True

    def _event(self, type_: str, reason: str, message: str) -> None:
        self.cluster.event(self.sts, type_, reason, message, component=ACTOR)

    def _say(self, sentence: str) -> None:
        self.cluster.record(ACTOR, self.sts, sentence)

    # ---- the sync ------------------------------------------------------------------------------

    def manage(self) -> None:
        if self._run_for_all(self.replicas, self._process_replica):
            return
        if self._run_for_all(self.condemned, self._fix_condemned_claims):
            return
        if self._run_for_all(self.condemned, self._process_condemned):
            return
        if get_path(self.sts, "spec", "updateStrategy", "type") == "OnDelete":
            return
        self._rolling_update()

    def _run_for_all(self, pods: list[dict], fn) -> bool:
        """runForAll: monotonic stops at the first blocking pod; burst runs slow-start batches
        and stops only on errors."""
        if self.monotonic:
            return any(fn(i) for i in range(len(pods)))
        index = 0
        for size in slow_start_batches(len(pods)):
            errors_before = self.sync.error
            for i in range(index, index + size):
                fn(i)
            index += size
            if self.sync.error is not None and errors_before is None:
                return True
        return False

    def _process_replica(self, i: int) -> bool:
        pod = self.replicas[i]
        pname = pod["metadata"]["name"]
        if su.phase(pod) in ("Failed", "Succeeded"):
            if not su.is_terminating(pod):
                self._say(f"{pname} has phase {su.phase(pod)}: deleting it; the StatefulSet "
                          "recreates it with the same name once it is gone")
                self._delete(pod, self.replicas, i)
            return True
        if not su.is_created(pod):
            if not self._create_pod(i):
                return True
            if self.monotonic:
                return True
            pod = self.replicas[i]
        if su.phase(pod) == "Pending" and self._create_claims(pod, missing_only=True) is not None:
            return True
        if self.monotonic and (su.is_terminating(pod) or self._unavailable(pod)):
            return True
        self._enforce_identity_and_retention(pod, i)
        return False

    def _process_condemned(self, i: int) -> bool:
        pod = self.condemned[i]
        if su.is_terminating(pod):
            return self.monotonic
        if self.monotonic and self._unavailable(pod) and pod is not self.first_unavailable:
            return True
        replicas = int(self.sts["spec"].get("replicas", 1))
        when_scaled = su.retention_policy(self.sts)[1]
        claims = ", ".join(c["metadata"]["name"] for _, c in
                           su.persistent_volume_claims(self.sts, su.ordinal_of(pod)))
        keep = (f"; its PersistentVolumeClaim(s) {claims} are "
                f"{'deleted with it' if when_scaled == 'Delete' else 'kept'} "
                f"(whenScaled: {when_scaled})") if claims else ""
        self._say(f"StatefulSet {self.name} is scaled to {replicas}: deleting "
                  f"{pod['metadata']['name']} (highest ordinal first){keep}")
        self._delete(pod, self.condemned, i)
        return True

    def _rolling_update(self) -> None:
        """The one-pod-at-a-time RollingUpdate (MaxUnavailableStatefulSet off in v1.33)."""
        rolling = get_path(self.sts, "spec", "updateStrategy", "rollingUpdate")
        update_min = int((rolling or {}).get("partition", 0) or 0)
        for target in range(len(self.replicas) - 1, update_min - 1, -1):
            pod = self.replicas[target]
            if (su.is_created(pod) and su.pod_revision(pod) != self.update_rev
                    and not su.is_terminating(pod)):
                self._say(f"rolling update of StatefulSet {self.name}: deleting "
                          f"{pod['metadata']['name']} to recreate it at revision "
                          f"{self.update_rev} (highest ordinal first, one pod at a time)")
                self._delete(pod, self.replicas, target)
                return
            if self._unavailable(pod):
                return

    # ---- pod and claim control (stateful_pod_control.go) ---------------------------------------

    def _create_pod(self, i: int) -> bool:
        pod = self.replicas[i]
        pname = pod["metadata"]["name"]
        claim_error = self._create_claims(pod, missing_only=False)
        if claim_error is not None:
            self._event("Warning", "FailedCreate",
                        f"create Pod {pname} in StatefulSet {self.name} failed error: "
                        f"{claim_error}")
            return not self._fail(_Failure(claim_error))
        try:
            created = self.api.create(pod, namespace=self.ns, actor=ACTOR)
        except AlreadyExists as exc:
            return not self._fail(exc)
        except ApiError as exc:
            self._event("Warning", "FailedCreate", f"create Pod {pname} in StatefulSet "
                        f"{self.name} failed error: {exc.message}")
            return not self._fail(exc)
        self._event("Normal", "SuccessfulCreate",
                    f"create Pod {pname} in StatefulSet {self.name} successful")
        self._say(self._why_create(i, pname))
        self.replicas[i] = created
        return True

    def _why_create(self, i: int, pname: str) -> str:
        if not self.monotonic:
            return f"created {pname} (Parallel creates pods without waiting for each other)"
        if i == 0:
            return (f"StatefulSet {self.name} wants {len(self.replicas)} replica(s): created "
                    f"{pname} (OrderedReady creates one pod at a time)")
        before = self.replicas[i - 1]["metadata"]["name"]
        return (f"{before} is Running and Ready, created {pname} "
                "(OrderedReady creates one pod at a time)")

    def _create_claims(self, pod: dict, *, missing_only: bool) -> str | None:
        """createPersistentVolumeClaims: returns the aggregated error text, None when fine."""
        pname = pod["metadata"]["name"]
        if missing_only and self._claims_present(pod):
            return None
        errors: list[str] = []
        for _, claim in su.persistent_volume_claims(self.sts, su.ordinal_of(pod)):
            cname = claim["metadata"]["name"]
            existing = self.cluster.store.get("PersistentVolumeClaim", self.ns, cname)
            if existing is not None:
                if existing["metadata"].get("deletionTimestamp"):
                    errors.append(f"pvc {cname} is being deleted")
                elif not missing_only:
                    self._say(f"{pname} reuses the existing PersistentVolumeClaim {cname} "
                              "(claims outlive their pods)")
                continue
            su.update_claim_owner_refs(claim, self.sts, pod)
            try:
                self.api.create(claim, namespace=self.ns, actor=ACTOR)
            except ApiError as exc:
                errors.append(f"failed to create PVC {cname}: {exc.message}")
                if not isinstance(exc, AlreadyExists):
                    self._event("Warning", "FailedCreate", f"create Claim {cname} for Pod "
                                f"{pname} in StatefulSet {self.name} failed error: {exc.message}")
                continue
            self._event("Normal", "SuccessfulCreate",
                        f"create Claim {cname} Pod {pname} in StatefulSet {self.name} success")
            self._say(f"created PersistentVolumeClaim {cname} for {pname} before the pod itself")
        if not errors:
            return None
        if missing_only:
            self._fail(_Failure(errors[0]))
        return errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]"

    def _claims_present(self, pod: dict) -> bool:
        """Every claim of the pod exists and is not being deleted (the cheap common case)."""
        ordinal = su.ordinal_of(pod)
        for template in self.sts["spec"].get("volumeClaimTemplates") or []:
            claim = self.cluster.store.get("PersistentVolumeClaim", self.ns,
                                           su.claim_name(self.sts, template, ordinal))
            if claim is None or claim["metadata"].get("deletionTimestamp"):
                return False
        return True

    def _delete(self, pod: dict, pods: list[dict], i: int) -> None:
        pname = pod["metadata"]["name"]
        try:
            result = self.api.delete("Pod", pname, namespace=self.ns, actor=ACTOR)
        except NotFound:
            return
        except ApiError as exc:
            self._event("Warning", "FailedDelete", f"delete Pod {pname} in StatefulSet "
                        f"{self.name} failed error: {exc.message}")
            self._fail(exc)
            return
        self._event("Normal", "SuccessfulDelete",
                    f"delete Pod {pname} in StatefulSet {self.name} successful")
        gone = self.cluster.store.get("Pod", self.ns, pname) is None
        pods[i] = _placeholder(pod) if gone else result

    def _enforce_identity_and_retention(self, pod: dict, i: int) -> None:
        """UpdateStatefulPod (labels) and UpdatePodClaimForRetentionPolicy."""
        self._fix_claims(pod)
        if su.identity_matches(self.sts, pod):
            return
        updated = clone(pod)
        su.update_identity(self.sts, updated, su.ordinal_of(pod))
        pname = pod["metadata"]["name"]
        try:
            self.replicas[i] = self.api.update(updated, actor=ACTOR)
        except ApiError as exc:
            self._event("Warning", "FailedUpdate", f"update Pod {pname} in StatefulSet "
                        f"{self.name} failed error: {exc.message}")
            self._fail(exc)
            return
        self._event("Normal", "SuccessfulUpdate",
                    f"update Pod {pname} in StatefulSet {self.name} successful")
        self._say(f"restored the identity labels of {pname}")

    def _fix_condemned_claims(self, i: int) -> bool:
        self._fix_claims(self.condemned[i])
        return False

    def _fix_claims(self, pod: dict) -> None:
        if not pod["metadata"].get("uid"):
            return
        ordinal = su.ordinal_of(pod)
        retain_all = su.retention_policy(self.sts) == ("Retain", "Retain")
        for template in self.sts["spec"].get("volumeClaimTemplates") or []:
            claim = self.cluster.store.get("PersistentVolumeClaim", self.ns,
                                           su.claim_name(self.sts, template, ordinal))
            if claim is None or (retain_all and not claim["metadata"].get("ownerReferences")):
                continue
            if su.claim_owner_up_to_date(claim, self.sts, pod):
                continue
            updated = clone(claim)
            su.update_claim_owner_refs(updated, self.sts, pod)
            try:
                self.api.update(updated, actor=ACTOR)
            except ApiError as exc:
                self._fail(exc)


class _Failure(ApiError):
    """A controller-side error (not from the API server) that triggers a retry."""


def _placeholder(pod: dict) -> dict:
    """A deleted pod's slot: not created, so status does not count it."""
    return {"metadata": {"name": pod["metadata"]["name"], "labels": {}}, "spec": {},
            "status": {}}
