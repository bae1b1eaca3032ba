"""Lease (coordination.k8s.io/v1, namespaced): node heartbeats in kube-node-lease and the
control plane's leader-election and apiserver-identity locks in kube-system.

Models pkg/apis/coordination/validation/validation.go ValidateLeaseSpec (leaseDurationSeconds
> 0, leaseTransitions >= 0). The objects themselves are kept by controllers/lease.py.
"""

from __future__ import annotations

from ..errors import FieldError, invalid
from ..resources import ResourceType, Strategy, register


def validate_lease_spec(obj: dict) -> list[FieldError]:
    spec = obj.get("spec") or {}
    errs: list[FieldError] = []
    duration = spec.get("leaseDurationSeconds")
    if duration is not None and duration <= 0:
        errs.append(invalid("spec.leaseDurationSeconds", duration, "must be greater than 0"))
    transitions = spec.get("leaseTransitions")
    if transitions is not None and transitions < 0:
        errs.append(invalid("spec.leaseTransitions", transitions,
                            "must be greater than or equal to 0"))
    return errs


class LeaseStrategy(Strategy):
    def validate(self, obj, cluster):
        return validate_lease_spec(obj)

    def validate_update(self, obj, old, cluster):
        return validate_lease_spec(obj)


register(
    ResourceType("Lease", "leases", "lease", group="coordination.k8s.io", namespaced=True),
    LeaseStrategy(),
)
