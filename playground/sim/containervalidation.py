"""Container validation with the real API server's messages.

Models validateContainerCommon and its helpers in pkg/apis/core/validation/validation.go:
name, image, terminationMessagePolicy, ports (IsValidPortNum / IsValidPortName), env
(RelaxedEnvironmentVariableValidation, on in v1.33), volumeMounts, imagePullPolicy,
resources (valid quantities, requests <= limits) and probes (one handler, thresholds).
"""

from __future__ import annotations

import re
from typing import Any

from .errors import (
    FieldError,
    duplicate,
    forbidden,
    invalid,
    not_found,
    not_supported,
    required,
)
from .quantity import parse_quantity
from .validation import (
    is_dns1123_label,
    is_int,
    is_valid_port_name,
    is_valid_port_num,
    validate_nonnegative,
)

PULL_POLICIES = ["Always", "IfNotPresent", "Never"]
PROTOCOLS = ["SCTP", "TCP", "UDP"]
TERMINATION_MESSAGE_POLICIES = ["File", "FallbackToLogsOnError"]
_ENV_BAD = re.compile(r"[^\x20-\x7e]|=")


def _dns_label(value: str, path: str) -> list[FieldError]:
    return [invalid(path, value, m) for m in is_dns1123_label(value)]


def _choice(value: Any, path: str, allowed: list[str]) -> list[FieldError]:
    if not value:
        return [required(path)]
    if value not in allowed:
        return [not_supported(path, value, allowed)]
    return []


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


def validate_probes(ctr: dict, path: str) -> list[FieldError]:
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
