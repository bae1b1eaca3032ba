"""Pod spec validation with the real API server's messages.

Models pkg/apis/core/validation/validation.go: ValidatePodSpec (volumes, containers,
restartPolicy, dnsPolicy, nodeSelector, tolerations, serviceAccountName, nodeName,
hostname/subdomain), ValidatePodTemplateSpec, ValidatePodUpdate, and
pkg/apis/apps/validation ValidatePodTemplateSpecForReplicaSet. Simplified: the
exotic corners (ephemeral containers, resource claims, Windows, seccomp/AppArmor,
affinity terms) are accepted without checks; the spec diff after a refused pod
update is a short field-by-field listing, not Go's cmp.Diff.
"""

from __future__ import annotations

import re
from typing import Any

from . import labels as labelsel
from .errors import (
    BadRequest,
    FieldError,
    GoValue,
    duplicate,
    forbidden,
    go_string_map,
    invalid,
    not_found,
    not_supported,
    required,
)
from .quantity import parse_quantity
from .validation import (
    is_dns1123_label,
    is_dns1123_subdomain,
    is_int,
    is_valid_label_value,
    validate_annotations,
    validate_label_name,
    validate_labels,
    validate_nonnegative,
)

RESTART_POLICIES = ["Always", "OnFailure", "Never"]
DNS_POLICIES = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"]
PULL_POLICIES = ["Always", "IfNotPresent", "Never"]
PROTOCOLS = ["SCTP", "TCP", "UDP"]
TERMINATION_MESSAGE_POLICIES = ["File", "FallbackToLogsOnError"]
TAINT_EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"]
VOLUME_SOURCES = (
    "emptyDir", "hostPath", "configMap", "secret", "persistentVolumeClaim", "projected",
    "downwardAPI", "nfs", "csi", "ephemeral", "image",
)
_PORT_NAME_CHARS = re.compile(r"^[-a-z0-9]+$")
_HAS_LETTER = re.compile(r"[a-z]")
_ENV_BAD = re.compile(r"[^\x20-\x7e]|=")
EMPTY_KEY_OPERATOR = (
    'operator must be Exists when `key` is empty, which means "match all values and all keys"'
)
UPDATE_FORBIDDEN = (
    "pod updates may not change fields other than `spec.containers[*].image`,"
    "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only "
    "additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be "
    "set to 1 if it was previously negative)"
)


# ---- small validators --------------------------------------------------------------------------


def is_valid_port_num(port: Any) -> list[str]:
    if is_int(port) and 1 <= port <= 65535:
        return []
    return ["must be between 1 and 65535, inclusive"]


def is_valid_port_name(name: str) -> list[str]:
    """IsValidPortName (IANA_SVC_NAME)."""
    errs = []
    if len(name) > 15:
        errs.append("must be no more than 15 characters")
    if not _PORT_NAME_CHARS.match(name):
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not _HAS_LETTER.search(name):
        errs.append("must contain at least one letter (a-z)")
    if "--" in name:
        errs.append("must not contain consecutive hyphens")
    if name and (name[0] == "-" or name[-1] == "-"):
        errs.append("must not begin or end with a hyphen")
    return errs


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
    errs += validate_nonnegative(spec.get("terminationGracePeriodSeconds"),
                                 f"{path}.terminationGracePeriodSeconds")
    return errs


_LIST_TYPES = {"containers": "[]v1.Container", "initContainers": "[]v1.Container",
               "volumes": "[]v1.Volume", "tolerations": "[]v1.Toleration"}


_CONTAINER_LIST_TYPES = {"ports": "[]v1.ContainerPort", "env": "[]v1.EnvVar",
                         "volumeMounts": "[]v1.VolumeMount"}


def check_pod_spec_types(spec: Any) -> None:
    """What JSON decoding refuses before defaulting and validation (a BadRequest upstream)."""
    if not isinstance(spec, dict):
        return
    _check_lists(spec, _LIST_TYPES, "PodSpec.spec")
    for key in ("containers", "initContainers"):
        for ctr in spec.get(key) or ():
            _check_lists(ctr, _CONTAINER_LIST_TYPES, f"Container.spec.{key}")


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
        errs += _validate_probes(ctr, p)
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


def validate_container_common(ctr: dict, volumes: set[str], path: str) -> list[FieldError]:
    """validateContainerCommon."""
    errs: list[FieldError] = []
    name = ctr.get("name") or ""
    errs += [required(f"{path}.name")] if not name else _dns_label(name, f"{path}.name")
    if not ctr.get("image"):
        errs.append(required(f"{path}.image"))
    errs += _choice(ctr.get("terminationMessagePolicy"), f"{path}.terminationMessagePolicy",
                    TERMINATION_MESSAGE_POLICIES)
    errs += validate_container_ports(ctr.get("ports") or [], f"{path}.ports")
    errs += validate_env(ctr.get("env") or [], f"{path}.env")
    errs += validate_volume_mounts(ctr.get("volumeMounts") or [], volumes, f"{path}.volumeMounts")
    errs += _choice(ctr.get("imagePullPolicy"), f"{path}.imagePullPolicy", PULL_POLICIES)
    errs += validate_resources(ctr.get("resources") or {}, f"{path}.resources")
    return errs


def validate_container_ports(ports: list, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    names: set[str] = set()
    for i, port in enumerate(ports):
        p = f"{path}[{i}]"
        name = port.get("name")
        if name:
            msgs = is_valid_port_name(name)
            if msgs:
                errs += [invalid(f"{p}.name", name, m) for m in msgs]
            elif name in names:
                errs.append(duplicate(f"{p}.name", name))
            else:
                names.add(name)
        cp = port.get("containerPort")
        if not cp:
            errs.append(required(f"{p}.containerPort"))
        else:
            errs += [invalid(f"{p}.containerPort", cp, m) for m in is_valid_port_num(cp)]
        if port.get("hostPort"):
            errs += [invalid(f"{p}.hostPort", port["hostPort"], m)
                     for m in is_valid_port_num(port["hostPort"])]
        errs += _choice(port.get("protocol"), f"{p}.protocol", PROTOCOLS)
    return errs


def validate_env(env: list, path: str) -> list[FieldError]:
    """ValidateEnv with RelaxedEnvironmentVariableValidation (beta, on in v1.33)."""
    errs: list[FieldError] = []
    for i, ev in enumerate(env):
        p = f"{path}[{i}].name"
        name = ev.get("name") or ""
        if not name:
            errs.append(required(p))
            errs.append(invalid(p, name, "environment variable name must be non-empty"))
        elif _ENV_BAD.search(name):
            errs.append(invalid(p, name, "a valid environment variable name must consist only of "
                                         "printable ASCII characters other than '='"))
        if ev.get("value") and ev.get("valueFrom"):
            errs.append(invalid(f"{path}[{i}].valueFrom", "",
                                "may not be specified when `value` is not empty"))
    return errs


def validate_volume_mounts(mounts: list, volumes: set[str], path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    paths: set[str] = set()
    for i, mnt in enumerate(mounts):
        p = f"{path}[{i}]"
        name = mnt.get("name") or ""
        if not name:
            errs.append(required(f"{p}.name"))
        if name not in volumes:
            errs.append(not_found(f"{p}.name", name))
        mount_path = mnt.get("mountPath") or ""
        if not mount_path:
            errs.append(required(f"{p}.mountPath"))
        if mount_path in paths:
            errs.append(invalid(f"{p}.mountPath", mount_path, "must be unique"))
        paths.add(mount_path)
    return errs


def validate_resources(res: dict, path: str) -> list[FieldError]:
    """ValidateContainerResources: valid quantities, requests <= limits."""
    errs: list[FieldError] = []
    parsed: dict[str, dict[str, float]] = {}
    for part in ("limits", "requests"):
        parsed[part] = {}
        for name, qty in sorted((res.get(part) or {}).items()):
            value = parse_quantity(qty)
            if value is None:
                errs.append(invalid(f"{path}.{part}[{name}]", qty,
                                    "quantities must match the regular expression "
                                    "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"))
            elif value < 0:
                errs.append(invalid(f"{path}.{part}[{name}]", str(qty),
                                    "must be greater than or equal to 0"))
            else:
                parsed[part][name] = value
    for name, req in parsed["requests"].items():
        lim = parsed["limits"].get(name)
        if lim is not None and req > lim:
            errs.append(invalid(f"{path}.requests", str(res["requests"][name]),
                                f"must be less than or equal to {name} limit of "
                                f"{res['limits'][name]}"))
    return errs


def _validate_probes(ctr: dict, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    for kind in ("livenessProbe", "readinessProbe", "startupProbe"):
        probe = ctr.get(kind)
        if probe is None:
            continue
        p = f"{path}.{kind}"
        handlers = [h for h in ("exec", "httpGet", "tcpSocket", "grpc") if probe.get(h)]
        if not handlers:
            errs.append(required(p, "must specify a handler type"))
        elif len(handlers) > 1:
            errs.append(forbidden(f"{p}.{handlers[1]}", "may not specify more than 1 handler type"))
        for num in ("initialDelaySeconds", "timeoutSeconds", "periodSeconds",
                    "successThreshold", "failureThreshold"):
            errs += validate_nonnegative(probe.get(num), f"{p}.{num}")
        if kind != "readinessProbe" and probe.get("successThreshold", 1) != 1:
            errs.append(invalid(f"{p}.successThreshold", probe["successThreshold"], "must be 1"))
        for h in ("httpGet", "tcpSocket"):
            if probe.get(h):
                errs += _port_num_or_name(probe[h].get("port"), f"{p}.{h}.port")
    return errs


def _port_num_or_name(port: Any, path: str) -> list[FieldError]:
    if is_int(port):
        return [invalid(path, port, m) for m in is_valid_port_num(port)]
    if isinstance(port, str) and port:
        return [invalid(path, port, m) for m in is_valid_port_name(port)]
    return [required(path)]


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


# ---- pod updates -------------------------------------------------------------------------------


def validate_pod_spec_update(new: dict, old: dict, path: str = "spec") -> list[FieldError]:
    """ValidatePodUpdate's spec rules: only images, activeDeadlineSeconds (down), added
    tolerations and a negative grace period set to 1 may change."""
    new_c, old_c = new.get("containers") or [], old.get("containers") or []
    if len(new_c) != len(old_c):
        return [forbidden(f"{path}.containers", "pod updates may not add or remove containers")]
    new_i, old_i = new.get("initContainers") or [], old.get("initContainers") or []
    if len(new_i) != len(old_i):
        return [forbidden(f"{path}.initContainers",
                          "pod updates may not add or remove containers")]
    errs = _active_deadline_update(new.get("activeDeadlineSeconds"),
                                   old.get("activeDeadlineSeconds"), path)
    if errs:
        return errs
    errs = _tolerations_update(new.get("tolerations") or [], old.get("tolerations") or [],
                               f"{path}.tolerations")
    munged = dict(new)
    munged["containers"] = _with_old_images(new_c, old_c)
    if new_i:
        munged["initContainers"] = _with_old_images(new_i, old_i)
    _copy_key(munged, old, "activeDeadlineSeconds")
    _copy_key(munged, old, "tolerations")
    grace, old_grace = new.get("terminationGracePeriodSeconds"), old.get(
        "terminationGracePeriodSeconds")
    if old_grace is not None and old_grace < 0 and grace == 1:
        munged["terminationGracePeriodSeconds"] = old_grace
    if munged != old:
        errs.append(forbidden(path, UPDATE_FORBIDDEN + "\n" + spec_diff(old, munged)))
    return errs


def _with_old_images(new: list, old: list) -> list:
    return [{**c, "image": o.get("image")} for c, o in zip(new, old, strict=True)]


def _copy_key(dst: dict, src: dict, key: str) -> None:
    if key in src:
        dst[key] = src[key]
    else:
        dst.pop(key, None)


def _active_deadline_update(new: Any, old: Any, path: str) -> list[FieldError]:
    p = f"{path}.activeDeadlineSeconds"
    if new is not None:
        if not is_int(new) or not 0 <= new <= 2147483647:
            return [invalid(p, new, "must be between 0 and 2147483647, inclusive")]
        if old is not None and old < new:
            return [invalid(p, new, "must be less than or equal to previous value")]
    elif old is not None:
        return [invalid(p, None, "must not update from a positive integer to nil value")]
    return []


def _tolerations_update(new: list, old: list, path: str) -> list[FieldError]:
    """validateOnlyAddedTolerations: existing tolerations stay (tolerationSeconds may shrink)."""
    errs: list[FieldError] = []
    for old_t in old:
        same = [t for t in new if _toleration_key(t) == _toleration_key(old_t)]
        if not same:
            idx = old.index(old_t)
            errs.append(forbidden(f"{path}[{idx}]", "existing toleration can not be modified "
                                                     "except its tolerationSeconds"))
    errs += validate_tolerations(new, path)
    return errs


def _toleration_key(t: dict) -> tuple:
    return (t.get("key", ""), t.get("operator") or "Equal", t.get("value", ""),
            t.get("effect", ""))


def spec_diff(old: dict, new: dict) -> str:
    """A short cmp.Diff-like listing of the changed top-level PodSpec fields."""
    lines = ["  core.PodSpec{"]
    for key in sorted(set(old) | set(new)):
        if old.get(key) == new.get(key):
            continue
        field_name = key[:1].upper() + key[1:]
        if key in old:
            lines.append(f"- \t{field_name}: {_short(old[key])},")
        if key in new:
            lines.append(f"+ \t{field_name}: {_short(new[key])},")
    lines.append("  }")
    return "\n".join(lines)


def _short(value: Any) -> str:
    import json

    return json.dumps(value, sort_keys=True, separators=(", ", ": "))
