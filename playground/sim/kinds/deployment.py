"""Deployment (apps/v1): defaults, validation, selector immutability, generation.

Models SetDefaults_Deployment (pkg/apis/apps/v1/defaults.go), ValidateDeploymentSpec /
ValidateDeploymentStrategy / ValidateRollingUpdateDeployment
(pkg/apis/apps/validation/validation.go) and pkg/registry/apps/deployment/strategy.go
(status subresource; generation bumps on spec or annotation changes; apps/v1 forbids
selector changes).
"""

from __future__ import annotations

import re
from typing import Any

from ..defaults import default_deployment
from ..errors import (
    BadRequest,
    FieldError,
    GoValue,
    forbidden,
    go_int_or_string,
    go_label_selector,
    go_quote,
    invalid,
    not_supported,
    required,
)
from ..podvalidation import check_int_fields, json_type
from ..resources import ResourceType, Strategy, register
from ..validation import (
    is_int,
    regex_error,
    selector_is_empty,
    validate_label_selector,
    validate_nonnegative,
    validate_pod_template_for_workload,
)

_PERCENT_RE = re.compile(r"^[0-9]+%$")
INT_FIELDS = ("replicas", "minReadySeconds", "revisionHistoryLimit", "progressDeadlineSeconds")


def validate_selector_and_template(spec: dict, kind_word: str) -> list[FieldError]:
    """The selector checks shared by Deployment and ReplicaSet (both say "deployment")."""
    errs: list[FieldError] = []
    selector = spec.get("selector")
    if selector is None:
        errs.append(required("spec.selector"))
    else:
        errs += validate_label_selector(selector, "spec.selector")
        if selector_is_empty(selector):
            errs.append(invalid("spec.selector", go_label_selector(selector),
                                f"empty selector is invalid for {kind_word}"))
    errs += validate_pod_template_for_workload(spec.get("template"), selector, "spec.template")
    return errs


def validate_selector_immutable(obj: dict, old: dict) -> list[FieldError]:
    new_sel, old_sel = (obj.get("spec") or {}).get("selector"), (old.get("spec") or {}).get(
        "selector")
    if _selector_key(new_sel) != _selector_key(old_sel):
        return [invalid("spec.selector", go_label_selector(new_sel), "field is immutable")]
    return []


def _selector_key(sel: dict | None) -> tuple:
    """Semantic equality: absent, null and empty lists/maps are the same selector."""
    if sel is None:
        return (None,)
    return (sel.get("matchLabels") or {}, sel.get("matchExpressions") or [])


def is_valid_percent(value: str) -> list[str]:
    if _PERCENT_RE.match(value):
        return []
    return [regex_error("a valid percent string must be a numeric string followed by an ending "
                        "'%'", "[0-9]+%", "1%", "93%")]


def _percent(value: Any) -> int | None:
    if isinstance(value, str) and not is_valid_percent(value):
        return int(value[:-1])
    return None


def _int_or_percent_value(value: Any) -> int:
    pct = _percent(value)
    if pct is not None:
        return pct
    if is_int(value):
        return value
    return int(value) if isinstance(value, str) and value.isdigit() else 0


def validate_positive_int_or_percent(value: Any, path: str) -> list[FieldError]:
    if isinstance(value, str):
        return [invalid(path, go_int_or_string(value), m) for m in is_valid_percent(value)]
    if is_int(value):
        return validate_nonnegative(value, path)
    return [invalid(path, GoValue(repr(value)), "must be an integer or percentage (e.g '5%')")]


def validate_strategy(strategy: Any) -> list[FieldError]:
    path = "spec.strategy"
    if not isinstance(strategy, dict):
        return [required(path)]
    stype = strategy.get("type")
    rolling = strategy.get("rollingUpdate")
    if stype == "Recreate":
        if rolling is not None:
            return [forbidden(f"{path}.rollingUpdate",
                              "may not be specified when strategy `type` is 'Recreate'")]
        return []
    if stype != "RollingUpdate":
        return [not_supported(path, GoValue(
            f"apps.DeploymentStrategy{{Type:{go_quote(str(stype or ''))}, RollingUpdate:"
            "(*apps.RollingUpdateDeployment)(nil)}"), ["Recreate", "RollingUpdate"])]
    if rolling is None:
        return [required(f"{path}.rollingUpdate", "this should be defaulted and never be nil")]
    return validate_rolling_update(rolling, f"{path}.rollingUpdate")


def validate_rolling_update(rolling: dict, path: str) -> list[FieldError]:
    unavailable, surge = rolling.get("maxUnavailable"), rolling.get("maxSurge")
    errs = validate_positive_int_or_percent(unavailable, f"{path}.maxUnavailable")
    errs += validate_positive_int_or_percent(surge, f"{path}.maxSurge")
    if _int_or_percent_value(unavailable) == 0 and _int_or_percent_value(surge) == 0:
        errs.append(invalid(f"{path}.maxUnavailable", go_int_or_string(unavailable),
                            "may not be 0 when `maxSurge` is 0"))
    pct = _percent(unavailable)
    if pct is not None and pct > 100:
        errs.append(invalid(f"{path}.maxUnavailable", go_int_or_string(unavailable),
                            "must not be greater than 100%"))
    return errs


def validate_deployment_spec(spec: Any) -> list[FieldError]:
    """ValidateDeploymentSpec, in Go's order."""
    if not isinstance(spec, dict):
        raise BadRequest(f"json: cannot unmarshal {json_type(spec)} into Go struct field "
                         "Deployment.spec of type v1.DeploymentSpec")
    errs = validate_nonnegative(spec.get("replicas"), "spec.replicas")
    errs += validate_selector_and_template(spec, "deployment")
    errs += validate_strategy(spec.get("strategy"))
    errs += validate_nonnegative(spec.get("minReadySeconds"), "spec.minReadySeconds")
    errs += validate_nonnegative(spec.get("revisionHistoryLimit"), "spec.revisionHistoryLimit")
    deadline = spec.get("progressDeadlineSeconds")
    if deadline is not None:
        errs += validate_nonnegative(deadline, "spec.progressDeadlineSeconds")
        if is_int(deadline) and deadline <= int(spec.get("minReadySeconds") or 0):
            errs.append(invalid("spec.progressDeadlineSeconds", deadline,
                                "must be greater than minReadySeconds"))
    return errs


def keep_stored_labels(obj: dict, old: dict) -> None:
    if "labels" in old["metadata"]:
        obj["metadata"]["labels"] = old["metadata"]["labels"]
    else:
        obj["metadata"].pop("labels", None)


class DeploymentStrategy(Strategy):
    uses_generation = True
    status_subresource = True

    def prepare_for_create(self, obj, cluster):
        obj["status"] = {}

    def default(self, obj, cluster):
        if obj.get("spec") is None:
            obj["spec"] = {}
        if isinstance(obj["spec"], dict):
            check_int_fields(obj["spec"], INT_FIELDS, "DeploymentSpec.spec", "int32")
            default_deployment(obj)

    def validate(self, obj, cluster):
        return validate_deployment_spec(obj.get("spec"))

    def validate_update(self, obj, old, cluster):
        return self.validate(obj, cluster) + validate_selector_immutable(obj, old)

    def prepare_for_status_update(self, obj, old, cluster):
        """The apps status strategies keep spec and labels; annotations may change."""
        super().prepare_for_status_update(obj, old, cluster)
        keep_stored_labels(obj, old)

    def generation_changed(self, obj, old):
        # strategy.go PrepareForUpdate: spec or annotations (annotations are copied to RSes)
        return obj.get("spec") != old.get("spec") or (
            obj["metadata"].get("annotations") != old["metadata"].get("annotations")
        )


register(
    ResourceType("Deployment", "deployments", "deployment", namespaced=True, group="apps",
                 short_names=("deploy",), categories=("all",), subresources=("status", "scale")),
    DeploymentStrategy(),
)
