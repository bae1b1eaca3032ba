"""Pod spec validation with the real API server's messages.

Models pkg/apis/core/validation/validation.go: ValidatePodSpec (volumes, containers,
restartPolicy, dnsPolicy, nodeSelector, tolerations, serviceAccountName, nodeName,
hostname/subdomain), ValidatePodTemplateSpec, and pkg/apis/apps/validation
ValidatePodTemplateSpecForReplicaSet. Simplified: the
exotic corners (ephemeral containers, resource claims, Windows, seccomp/AppArmor,
affinity terms) are accepted without checks. Containers are checked in
containervalidation.py, pod updates in podupdate.py.
"""

from __future__ import annotations

from typing import Any

from . import labels as labelsel
from .containervalidation import validate_container_common, validate_probes
from .errors import (
    BadRequest,
    FieldError,
    GoValue,
    duplicate,
    forbidden,
    go_string_map,
    invalid,
    not_supported,
    required,
)
from .validation import (
    is_dns1123_label,
    is_dns1123_subdomain,
    is_int,
    is_valid_label_value,
    validate_annotations,
    validate_label_name,
    validate_labels,
)

RESTART_POLICIES = ["Always", "OnFailure", "Never"]
DNS_POLICIES = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"]
TAINT_EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"]
VOLUME_SOURCES = (
    "emptyDir", "hostPath", "configMap", "secret", "persistentVolumeClaim", "projected",
    "downwardAPI", "nfs", "csi", "ephemeral", "image",
)
EMPTY_KEY_OPERATOR = (
    'operator must be Exists when `key` is empty, which means "match all values and all keys"'
)


# ---- small validators --------------------------------------------------------------------------


def _dns_label(value: str, path: str) -> list[FieldError]:
    return [invalid(path, value, m) for m in is_dns1123_label(value)]


def _choice(value: Any, path: str, allowed: list[str]) -> list[FieldError]:
    if not value:
        return [required(path)]
    if value not in allowed:
        return [not_supported(path, value, allowed)]
    return []


# ---- pod spec ----------------------------------------------------------------------------------


def validate_pod_spec(spec: Any, path: str = "spec") -> list[FieldError]:
    """ValidatePodSpec, in Go's order of checks."""
    if spec is None:
        spec = {}
    if not isinstance(spec, dict):
        owner = "Pod" if path == "spec" else "PodTemplateSpec"
        raise BadRequest(f"json: cannot unmarshal {json_type(spec)} into Go struct field "
                         f"{owner}.spec of type v1.PodSpec")
    check_pod_spec_types(spec)
    volumes, errs = validate_volumes(spec.get("volumes") or [], f"{path}.volumes")
    errs += validate_containers(spec.get("containers") or [], volumes, f"{path}.containers")
    errs += validate_init_containers(spec.get("initContainers") or [], spec.get("containers") or [],
                                     volumes, f"{path}.initContainers")
    errs += _choice(spec.get("restartPolicy"), f"{path}.restartPolicy", RESTART_POLICIES)
    errs += _choice(spec.get("dnsPolicy"), f"{path}.dnsPolicy", DNS_POLICIES)
    errs += validate_labels(spec.get("nodeSelector"), f"{path}.nodeSelector")
    sa = spec.get("serviceAccountName")
    if sa:
        errs += [invalid(f"{path}.serviceAccountName", sa, m) for m in is_dns1123_subdomain(sa)]
    node = spec.get("nodeName")
    if node:
        errs += [invalid(f"{path}.nodeName", node, m) for m in is_dns1123_subdomain(node)]
    ads = spec.get("activeDeadlineSeconds")
    if ads is not None and (not is_int(ads) or not 1 <= ads <= 2147483647):
        errs.append(invalid(f"{path}.activeDeadlineSeconds", ads,
                            "must be between 1 and 2147483647, inclusive"))
    for key in ("hostname", "subdomain"):
        if spec.get(key):
            errs += _dns_label(spec[key], f"{path}.{key}")
    if spec.get("tolerations"):
        errs += validate_tolerations(spec["tolerations"], f"{path}.tolerations")
    return errs


_LIST_TYPES = {"containers": "[]v1.Container", "initContainers": "[]v1.Container",
               "volumes": "[]v1.Volume", "tolerations": "[]v1.Toleration"}


_CONTAINER_LIST_TYPES = {"ports": "[]v1.ContainerPort", "env": "[]v1.EnvVar",
                         "volumeMounts": "[]v1.VolumeMount"}


def check_pod_spec_types(spec: Any, path: str = "spec") -> None:
    """What JSON decoding refuses before defaulting and validation (a BadRequest upstream);
    Go names the innermost struct, then the whole JSON path."""
    if not isinstance(spec, dict):
        return
    _check_lists(spec, _LIST_TYPES, f"PodSpec.{path}")
    check_int_fields(spec, ("terminationGracePeriodSeconds", "activeDeadlineSeconds"),
                     f"PodSpec.{path}", "int64")
    for key in ("containers", "initContainers"):
        for ctr in spec.get(key) or ():
            _check_lists(ctr, _CONTAINER_LIST_TYPES, f"Container.{path}.{key}")
            for port in ctr.get("ports") or ():
                check_int_fields(port, ("containerPort", "hostPort"),
                                 f"ContainerPort.{path}.{key}.ports", "int32")


def check_int_fields(obj: dict, fields: tuple[str, ...], where: str, go_type: str) -> None:
    """Numbers written as strings ("3") fail JSON decoding upstream."""
    for key in fields:
        value = obj.get(key)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise BadRequest(f"json: cannot unmarshal {json_type(value)} into Go struct field "
                             f"{where}.{key} of type {go_type}")


def _check_lists(obj: dict, types: dict[str, str], where: str) -> None:
    for key, go_type in types.items():
        value = obj.get(key)
        if value is not None and not isinstance(value, list):
            raise BadRequest(f"json: cannot unmarshal {json_type(value)} into Go struct field "
                             f"{where}.{key} of type {go_type}")
        for item in value or ():
            if not isinstance(item, dict):
                raise BadRequest(f"json: cannot unmarshal {json_type(item)} into Go struct field "
                                 f"{where}.{key} of type {go_type[2:]}")


def json_type(value: Any) -> str:
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return "array" if isinstance(value, list) else "object"


def validate_volumes(volumes: list, path: str) -> tuple[set[str], list[FieldError]]:
    names: set[str] = set()
    errs: list[FieldError] = []
    for i, vol in enumerate(volumes):
        p = f"{path}[{i}]"
        if not isinstance(vol, dict):
            errs.append(invalid(p, GoValue(repr(vol)), "must be an object"))
            continue
        own = _validate_volume_source(vol, p)
        name = vol.get("name") or ""
        own += [required(f"{p}.name")] if not name else _dns_label(name, f"{p}.name")
        if name in names:
            own.append(duplicate(f"{p}.name", name))
        if own:
            errs += own
        else:
            names.add(name)
    return names, errs


def _validate_volume_source(vol: dict, path: str) -> list[FieldError]:
    sources = [k for k in VOLUME_SOURCES if vol.get(k) is not None]
    if not sources:
        return [required(path, "must specify a volume type")]
    errs = [forbidden(f"{path}.{k}", "may not specify more than 1 volume type")
            for k in sources[1:]]
    src = sources[0]
    body = vol[src] if isinstance(vol[src], dict) else {}
    need = {"configMap": "name", "secret": "secretName", "persistentVolumeClaim": "claimName",
            "hostPath": "path"}.get(src)
    if need and not body.get(need):
        errs.append(required(f"{path}.{src}.{need}"))
    return errs


def validate_containers(containers: list, volumes: set[str], path: str) -> list[FieldError]:
    if not containers:
        return [required(path)]
    errs: list[FieldError] = []
    seen: set[str] = set()
    for i, ctr in enumerate(containers):
        p = f"{path}[{i}]"
        if not isinstance(ctr, dict):
            errs.append(invalid(p, GoValue(repr(ctr)), "must be an object"))
            continue
        errs += validate_container_common(ctr, volumes, p)
        name = ctr.get("name") or ""
        if name in seen:
            errs.append(duplicate(f"{p}.name", name))
        else:
            seen.add(name)
        errs += validate_probes(ctr, p)
        if ctr.get("restartPolicy") is not None:
            errs.append(forbidden(f"{p}.restartPolicy", "may not be set for non-init containers"))
    return errs


def validate_init_containers(inits: list, containers: list, volumes: set[str],
                             path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    seen = {c.get("name") for c in containers}
    for i, ctr in enumerate(inits):
        p = f"{path}[{i}]"
        if not isinstance(ctr, dict):
            errs.append(invalid(p, GoValue(repr(ctr)), "must be an object"))
            continue
        errs += validate_container_common(ctr, volumes, p)
        name = ctr.get("name") or ""
        if name in seen:
            errs.append(duplicate(f"{p}.name", name))
        else:
            seen.add(name)
    return errs


def validate_tolerations(tolerations: list, path: str) -> list[FieldError]:
    """ValidateTolerations."""
    errs: list[FieldError] = []
    for i, t in enumerate(tolerations):
        p = f"{path}[{i}]"
        key, op, effect = t.get("key", ""), t.get("operator", ""), t.get("effect", "")
        if key:
            errs += validate_label_name(key, f"{p}.key")
        if not key and op != "Exists":
            errs.append(invalid(f"{p}.operator", op, EMPTY_KEY_OPERATOR))
        if t.get("tolerationSeconds") is not None and effect != "NoExecute":
            errs.append(invalid(f"{p}.effect", effect,
                                "effect must be 'NoExecute' when `tolerationSeconds` is set"))
        if op in ("Equal", ""):
            msgs = is_valid_label_value(t.get("value", ""))
            if msgs:
                errs.append(invalid(f"{p}.operator", t.get("value", ""), ";".join(msgs)))
        elif op == "Exists":
            if t.get("value"):
                errs.append(invalid(f"{p}.operator", GoValue(_go_toleration(t)),
                                    "value must be empty when `operator` is 'Exists'"))
        else:
            errs.append(not_supported(f"{p}.operator", op, ["Equal", "Exists"]))
        if effect and effect not in TAINT_EFFECTS:
            errs.append(not_supported(f"{p}.effect", effect, TAINT_EFFECTS))
    return errs


def _go_toleration(t: dict) -> str:
    secs = t.get("tolerationSeconds")
    secs_text = "(*int64)(nil)" if secs is None else f"&{secs}"
    return (f'core.Toleration{{Key:"{t.get("key", "")}", Operator:"{t.get("operator", "")}", '
            f'Value:"{t.get("value", "")}", Effect:"{t.get("effect", "")}", '
            f"TolerationSeconds:{secs_text}}}")


# ---- templates ---------------------------------------------------------------------------------


def _template_dict(template: Any) -> dict:
    if template is None:
        return {}
    if not isinstance(template, dict):
        raise BadRequest(f"json: cannot unmarshal {json_type(template)} into Go struct field "
                         "spec.template of type v1.PodTemplateSpec")
    return template


def validate_pod_template_spec(template: Any, path: str = "spec.template") -> list[FieldError]:
    """ValidatePodTemplateSpec: note Go validates template labels at `<path>.labels`."""
    template = _template_dict(template)
    meta = template.get("metadata") or {}
    errs = validate_labels(meta.get("labels"), f"{path}.labels")
    errs += validate_annotations(meta.get("annotations"), f"{path}.annotations")
    errs += validate_pod_spec(template.get("spec"), f"{path}.spec")
    return errs


def validate_pod_template_for_workload(template: Any, selector: dict | None,
                                       path: str = "spec.template") -> list[FieldError]:
    """ValidatePodTemplateSpecForReplicaSet (apps validation)."""
    template = _template_dict(template)
    errs: list[FieldError] = []
    tmpl_labels = (template.get("metadata") or {}).get("labels")
    parsed = labelsel.from_label_selector(selector)
    # A nil selector is labels.Nothing() (never empty, never matching); {} is Everything().
    if (parsed is None or parsed) and not labelsel.matches(parsed, tmpl_labels or {}):
        errs.append(invalid(f"{path}.metadata.labels", go_string_map(tmpl_labels),
                            "`selector` does not match template `labels`"))
    errs += validate_pod_template_spec(template, path)
    spec = template.get("spec") or {}
    policy = spec.get("restartPolicy")
    if policy and policy != "Always":
        errs.append(not_supported(f"{path}.spec.restartPolicy", policy, ["Always"]))
    if spec.get("activeDeadlineSeconds") is not None:
        errs.append(invalid(f"{path}.spec.activeDeadlineSeconds", spec["activeDeadlineSeconds"],
                            "activeDeadlineSeconds in ReplicaSet is not Supported"))
    return errs
