"""StatefulSet (apps/v1): defaults, validation and update restrictions as in Kubernetes v1.33.

Models SetDefaults_StatefulSet (pkg/apis/apps/v1/defaults.go), ValidateStatefulSetSpec and
ValidateStatefulSetUpdate (pkg/apis/apps/validation/validation.go) and
pkg/registry/apps/statefulset/strategy.go (generation bumps on spec changes, status subresource).

v1.33 specifics: MaxUnavailableStatefulSet is alpha and off, so `rollingUpdate.maxUnavailable` is
not defaulted, a newly set one is dropped (dropStatefulSetDisabledFields) and the controller
updates one pod at a time; the retention policy (GA 1.32) and `ordinals` (GA
1.31) are defaulted/validated. As upstream (ValidatePodTemplateSpecForStatefulSet), the
template's pod spec and the volumeClaimTemplates are not validated: a bad one shows up as
FailedCreate events when the controller creates pods or claims. The template gets
SetDefaults_PodSpec (playground/sim/defaults.py).
"""

from __future__ import annotations

from ..defaults import default_pod_template
from ..errors import FieldError, GoValue, forbidden, invalid, not_supported, required
from ..labels import selector_matches
from ..resources import ResourceType, Strategy, register
from ..validation import (
    is_dns1123_label,
    validate_annotations,
    validate_label_selector,
    validate_labels,
)

UPDATE_FORBIDDEN = (
    "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', "
    "'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and "
    "'minReadySeconds' are forbidden"
)
#: spec fields a user may change after creation (ValidateStatefulSetUpdate)
MUTABLE_FIELDS = ("replicas", "ordinals", "template", "updateStrategy", "revisionHistoryLimit",
                  "persistentVolumeClaimRetentionPolicy", "minReadySeconds")


def _default_claim_template(claim: dict) -> None:
    claim.setdefault("apiVersion", "v1")
    claim.setdefault("kind", "PersistentVolumeClaim")
    claim.setdefault("metadata", {})
    claim.setdefault("spec", {}).setdefault("volumeMode", "Filesystem")
    claim.setdefault("status", {"phase": "Pending"})


def go_label_selector(selector: dict | None) -> GoValue:
    """%#v of a *metav1.LabelSelector, as field errors print it."""
    sel = selector or {}
    labels = sel.get("matchLabels")
    if labels:
        inner = ", ".join(f'"{k}":"{v}"' for k, v in sorted(labels.items()))
        ml = "map[string]string{" + inner + "}"
    else:
        ml = "map[string]string(nil)"
    me = "[]v1.LabelSelectorRequirement(nil)"
    if sel.get("matchExpressions"):
        me = "[]v1.LabelSelectorRequirement{...}"
    return GoValue(f"&v1.LabelSelector{{MatchLabels:{ml}, MatchExpressions:{me}}}")


def go_string_map(labels: dict | None) -> GoValue:
    if not labels:
        return GoValue("map[string]string(nil)")
    inner = ", ".join(f'"{k}":"{v}"' for k, v in sorted(labels.items()))
    return GoValue("map[string]string{" + inner + "}")


def _max_unavailable(obj: dict | None) -> object:
    rolling = ((obj or {}).get("spec") or {}).get("updateStrategy") or {}
    return (rolling.get("rollingUpdate") or {}).get("maxUnavailable")


def _drop_disabled_fields(obj: dict, old: dict | None) -> None:
    """dropStatefulSetDisabledFields: MaxUnavailableStatefulSet is off in v1.33, so a new
    `maxUnavailable` is silently dropped (kept only if the stored object already had one)."""
    if _max_unavailable(obj) is None or _max_unavailable(old) is not None:
        return
    obj["spec"]["updateStrategy"]["rollingUpdate"].pop("maxUnavailable", None)


class StatefulSetStrategy(Strategy):
    uses_generation = True
    status_subresource = True

    def validate_name(self, name: str) -> list[str]:
        return is_dns1123_label(name)

    def prepare_for_create(self, obj, cluster):
        obj["status"] = {"replicas": 0, "availableReplicas": 0}
        _drop_disabled_fields(obj, None)

    def prepare_for_update(self, obj, old, cluster):
        super().prepare_for_update(obj, old, cluster)
        _drop_disabled_fields(obj, old)

    def default(self, obj, cluster):
        spec = obj.setdefault("spec", {})
        spec.setdefault("replicas", 1)
        spec.setdefault("podManagementPolicy", "OrderedReady")
        strategy = spec.setdefault("updateStrategy", {})
        strategy.setdefault("type", "RollingUpdate")
        if strategy["type"] == "RollingUpdate":
            rolling = strategy.get("rollingUpdate")
            if rolling is None:
                rolling = strategy["rollingUpdate"] = {}
            rolling.setdefault("partition", 0)
        spec.setdefault("revisionHistoryLimit", 10)
        policy = spec.get("persistentVolumeClaimRetentionPolicy")
        if policy is None:
            policy = spec["persistentVolumeClaimRetentionPolicy"] = {}
        policy.setdefault("whenDeleted", "Retain")
        policy.setdefault("whenScaled", "Retain")
        default_pod_template(spec.setdefault("template", {}))
        for claim in spec.get("volumeClaimTemplates") or []:
            if isinstance(claim, dict):
                _default_claim_template(claim)

    def validate(self, obj, cluster):
        return validate_statefulset_spec(obj.get("spec") or {})

    def validate_update(self, obj, old, cluster):
        errs = self.validate(obj, cluster)
        new_spec, old_spec = obj.get("spec") or {}, old.get("spec") or {}
        fixed_new = {k: v for k, v in new_spec.items() if k not in MUTABLE_FIELDS}
        fixed_old = {k: v for k, v in old_spec.items() if k not in MUTABLE_FIELDS}
        if fixed_new != fixed_old:
            errs.append(forbidden("spec", UPDATE_FORBIDDEN))
        return errs


def validate_statefulset_spec(spec: dict) -> list[FieldError]:
    errs = _policy_errors(spec) + _strategy_errors(spec) + _retention_errors(spec)
    for key in ("replicas", "minReadySeconds"):
        value = spec.get(key, 0)
        if isinstance(value, int) and value < 0:
            errs.append(invalid(f"spec.{key}", value, "must be greater than or equal to 0"))
    start = (spec.get("ordinals") or {}).get("start", 0)
    if isinstance(start, int) and start < 0:
        errs.append(invalid("spec.ordinals.start", start, "must be greater than or equal to 0"))
    errs += _selector_errors(spec)
    template = spec.get("template") or {}
    restart = (template.get("spec") or {}).get("restartPolicy")
    if restart != "Always":
        errs.append(not_supported("spec.template.spec.restartPolicy", restart, ["Always"]))
    if (template.get("spec") or {}).get("activeDeadlineSeconds") is not None:
        errs.append(forbidden("spec.template.spec.activeDeadlineSeconds",
                              "activeDeadlineSeconds in StatefulSet is not Supported"))
    return errs


def _policy_errors(spec: dict) -> list[FieldError]:
    policy = spec.get("podManagementPolicy")
    if not policy:
        return [required("spec.podManagementPolicy")]
    if policy not in ("OrderedReady", "Parallel"):
        return [invalid("spec.podManagementPolicy", policy, "must be 'OrderedReady' or 'Parallel'")]
    return []


def _strategy_errors(spec: dict) -> list[FieldError]:
    strategy = spec.get("updateStrategy") or {}
    kind = strategy.get("type")
    rolling = strategy.get("rollingUpdate")
    if not kind:
        return [required("spec.updateStrategy")]
    if kind == "OnDelete":
        if rolling is not None:
            return [invalid("spec.updateStrategy.rollingUpdate", _go_rolling(rolling),
                            "only allowed for updateStrategy 'RollingUpdate'")]
        return []
    if kind != "RollingUpdate":
        return [invalid("spec.updateStrategy", GoValue(
            f'apps.StatefulSetUpdateStrategy{{Type:"{kind}", RollingUpdate:(*apps.'
            'RollingUpdateStatefulSetStrategy)(nil)}'), "must be 'RollingUpdate' or 'OnDelete'")]
    errs: list[FieldError] = []
    partition = (rolling or {}).get("partition", 0)
    if isinstance(partition, int) and partition < 0:
        errs.append(invalid("spec.updateStrategy.rollingUpdate.partition", partition,
                            "must be greater than or equal to 0"))
    max_unavailable = (rolling or {}).get("maxUnavailable")
    if max_unavailable in (0, "0%"):  # reachable only for objects stored with the gate on
        errs.append(invalid("spec.updateStrategy.rollingUpdate.maxUnavailable",
                            _go_intstr(max_unavailable), "cannot be 0"))
    return errs


def _go_intstr(value) -> GoValue:
    if isinstance(value, int):
        return GoValue(f'intstr.IntOrString{{Type:0, IntVal:{value}, StrVal:""}}')
    return GoValue(f'intstr.IntOrString{{Type:1, IntVal:0, StrVal:"{value}"}}')


def _go_rolling(rolling: dict) -> GoValue:
    partition = rolling.get("partition", 0)
    return GoValue(f"apps.RollingUpdateStatefulSetStrategy{{Partition:{partition}, "
                   "MaxUnavailable:(*intstr.IntOrString)(nil)}")


def _retention_errors(spec: dict) -> list[FieldError]:
    policy = spec.get("persistentVolumeClaimRetentionPolicy") or {}
    errs = []
    for key in ("whenDeleted", "whenScaled"):
        value = policy.get(key)
        if value not in ("Retain", "Delete"):
            errs.append(not_supported(f"spec.persistentVolumeClaimRetentionPolicy.{key}", value,
                                      ["Retain", "Delete"]))
    return errs


def _selector_errors(spec: dict) -> list[FieldError]:
    selector = spec.get("selector")
    if selector is None:
        return [required("spec.selector")]
    errs = validate_label_selector(selector, "spec.selector")
    if not selector.get("matchLabels") and not selector.get("matchExpressions"):
        return errs + [invalid("spec.selector", go_label_selector(selector),
                               "empty selector is invalid for statefulset")]
    if errs:
        return errs
    tmeta = (spec.get("template") or {}).get("metadata") or {}
    labels = tmeta.get("labels") or {}
    try:
        matches = selector_matches(selector, labels)
    except Exception:  # an invalid selector expression: reported by label validation upstream
        return [invalid("spec.selector", go_label_selector(selector), "")]
    if not matches:
        errs.append(invalid("spec.template.metadata.labels", go_string_map(labels),
                            "`selector` does not match template `labels`"))
    # ValidatePodTemplateSpecForStatefulSet checks labels and annotations but, upstream's TODO,
    # not the pod spec (its volumeMounts may name volumeClaimTemplates)
    errs += validate_labels(labels, "spec.template.labels")
    errs += validate_annotations(tmeta.get("annotations"), "spec.template.annotations")
    return errs


register(
    ResourceType("StatefulSet", "statefulsets", "statefulset", namespaced=True, group="apps",
                 short_names=("sts",), categories=("all",), subresources=("status", "scale")),
    StatefulSetStrategy(),
)
