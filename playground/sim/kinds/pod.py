"""Pod (core/v1): defaults, admission, validation, update rules, graceful deletion.

Models pkg/registry/core/pod/strategy.go (PrepareForCreate: phase Pending + qosClass;
status and binding subresources; CheckGracefulDelete), SetDefaults_Pod, the admission
plugins in kinds/pod_admission.py, and ValidatePod / ValidatePodUpdate
(podvalidation.py). The kubelet (Node helper) finishes a graceful deletion on a running
node; `--grace-period=0 --force` removes the pod at once (deletion.py).
"""

from __future__ import annotations

from ..defaults import default_pod
from ..errors import Conflict
from ..podupdate import validate_pod_spec_update
from ..podvalidation import validate_pod_spec
from ..resources import ResourceType, Strategy, register
from .pod_admission import (
    admit_default_toleration_seconds,
    admit_priority,
    admit_service_account,
    qos_class,
)


class PodStrategy(Strategy):
    status_subresource = True

    def default(self, obj, cluster):
        if obj.get("spec") is None:
            obj["spec"] = {}
        if isinstance(obj["spec"], dict):
            default_pod(obj)

    def admit(self, obj, old, cluster):
        if not isinstance(obj.get("spec"), dict):
            return
        if old is None:
            admit_service_account(obj, cluster)
            admit_priority(obj)
        admit_default_toleration_seconds(obj)

    def prepare_for_create(self, obj, cluster):
        spec = obj.get("spec") or {}
        grace = spec.get("terminationGracePeriodSeconds")
        if isinstance(grace, int) and grace < 0:
            spec["terminationGracePeriodSeconds"] = 1  # mutatePodTerminationGracePeriodSeconds
        obj["status"] = {"phase": "Pending", "qosClass": qos_class(spec)}

    def validate(self, obj, cluster):
        return validate_pod_spec(obj.get("spec"), "spec")

    def validate_update(self, obj, old, cluster):
        errs = validate_pod_spec(obj.get("spec"), "spec")
        if errs:
            return errs
        return validate_pod_spec_update(obj.get("spec") or {}, old.get("spec") or {}, "spec")

    def prepare_for_status_update(self, obj, old, cluster):
        """podStatusStrategy: spec and ownerReferences stay as stored."""
        super().prepare_for_status_update(obj, old, cluster)
        refs = old["metadata"].get("ownerReferences")
        if refs is None:
            obj["metadata"].pop("ownerReferences", None)
        else:
            obj["metadata"]["ownerReferences"] = refs

    def prepare_for_subresource_update(self, subresource, obj, old, cluster):
        """pods/binding: the scheduler sets spec.nodeName, once."""
        if subresource != "binding":
            super().prepare_for_subresource_update(subresource, obj, old, cluster)
        node = (obj.get("spec") or {}).get("nodeName", "")
        name = old["metadata"]["name"]
        if old["metadata"].get("deletionTimestamp"):
            raise Conflict("pods/binding", name,
                           f"pod {name} is being deleted, cannot be assigned to a host")
        current = old["spec"].get("nodeName")
        if current:
            raise Conflict("pods/binding", name,
                           f'pod {name} is already assigned to node "{current}"')
        for key in list(obj):
            if key != "metadata":
                obj.pop(key)
        for key, value in old.items():
            if key != "metadata":
                obj[key] = value
        obj["spec"] = {**old["spec"], "nodeName": node}

    def graceful_delete_seconds(self, obj, requested):
        """CheckGracefulDelete: unscheduled or finished pods go at once; negative -> 1."""
        spec, phase = obj.get("spec") or {}, (obj.get("status") or {}).get("phase")
        period = requested if requested is not None else int(
            spec.get("terminationGracePeriodSeconds") or 0)
        if not spec.get("nodeName") or phase in ("Succeeded", "Failed"):
            return 0
        return 1 if period < 0 else period


register(
    ResourceType("Pod", "pods", "pod", namespaced=True, short_names=("po",), categories=("all",),
                 subresources=("status", "log", "exec", "binding", "eviction")),
    PodStrategy(),
)
