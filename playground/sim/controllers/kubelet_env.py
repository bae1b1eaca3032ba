"""A container's environment and volume checks, as the kubelet resolves them before a start.

Models pkg/kubelet/kubelet_pods.go makeEnvironmentVariables (env, envFrom with ConfigMaps,
the downward API fieldRefs, the Service environment variables of pkg/kubelet/envvars for
Services that existed before the pod when enableServiceLinks is on) and the volume manager's
first checks: a missing ConfigMap/Secret volume blocks the sandbox with a FailedMount event.
Errors use the kubelet's texts: `configmap "cfg" not found`,
`couldn't find key k in ConfigMap ns/cfg` (CreateContainerConfigError).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..objects import get_path, parse_time

if TYPE_CHECKING:
    from ..cluster import Cluster


def container_env(cluster: Cluster, pod: dict, container: dict, pod_ip: str,
                  now: float) -> tuple[dict[str, str], str | None]:
    meta, spec = pod["metadata"], pod.get("spec") or {}
    ns = meta.get("namespace", "default")
    env: dict[str, str] = {
        "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "HOSTNAME": spec.get("hostname") or meta["name"],
    }
    if spec.get("enableServiceLinks", True) is not False:
        env.update(service_env(cluster, ns, meta.get("creationTimestamp")))
    env.update(service_env(cluster, "default", meta.get("creationTimestamp"), only="kubernetes"))
    for src in container.get("envFrom") or []:
        ref = src.get("configMapRef") or src.get("secretRef")
        if not ref:
            continue
        kind = "ConfigMap" if src.get("configMapRef") else "Secret"
        obj = cluster.store.get(kind, ns, ref.get("name", ""))
        if obj is None:
            if ref.get("optional"):
                continue
            return env, f'{kind.lower()} "{ref.get("name")}" not found'
        prefix = src.get("prefix") or ""
        for k, v in (obj.get("data") or {}).items():
            env[prefix + k] = v if kind == "ConfigMap" else _b64(v)
    for var in container.get("env") or []:
        value, err = _env_value(cluster, pod, var, pod_ip, ns)
        if err:
            return env, err
        if value is not None:
            env[var["name"]] = _expand_refs(value, env)
    env["HOME"] = env.get("HOME", "/root")
    import time as _time

    env["_DATE"] = _time.strftime("%a %b %d %H:%M:%S UTC %Y", _time.gmtime(int(now)))
    return env, None


def _env_value(cluster: Cluster, pod: dict, var: dict, pod_ip: str,
               ns: str) -> tuple[str | None, str | None]:
    if "value" in var:
        return str(var.get("value") or ""), None
    src = var.get("valueFrom") or {}
    if src.get("configMapKeyRef"):
        ref = src["configMapKeyRef"]
        cm = cluster.store.get("ConfigMap", ns, ref.get("name", ""))
        if cm is None:
            return None, None if ref.get("optional") else f'configmap "{ref.get("name")}" not found'
        data = cm.get("data") or {}
        if ref.get("key") not in data:
            if ref.get("optional"):
                return None, None
            return None, f"couldn't find key {ref.get('key')} in ConfigMap {ns}/{ref.get('name')}"
        return data[ref["key"]], None
    if src.get("secretKeyRef"):  # kubelet_pods.go makeEnvironmentVariables
        ref = src["secretKeyRef"]
        secret = cluster.store.get("Secret", ns, ref.get("name", ""))
        if secret is None:
            return None, None if ref.get("optional") else f'secret "{ref.get("name")}" not found'
        data = secret.get("data") or {}
        if ref.get("key") not in data:
            if ref.get("optional"):
                return None, None
            return None, f"couldn't find key {ref.get('key')} in Secret {ns}/{ref.get('name')}"
        return _b64(data[ref["key"]]), None
    if src.get("fieldRef"):
        path = src["fieldRef"].get("fieldPath", "")
        return _field_ref(pod, path, pod_ip), None
    if src.get("resourceFieldRef"):
        return "0", None
    return "", None


def _b64(value: str) -> str:
    import base64
    import binascii

    try:
        return base64.b64decode(value).decode(errors="replace")
    except (binascii.Error, ValueError):
        return value


def _field_ref(pod: dict, path: str, pod_ip: str) -> str:
    meta = pod["metadata"]
    simple = {
        "metadata.name": meta["name"], "metadata.namespace": meta.get("namespace", ""),
        "metadata.uid": meta.get("uid", ""), "spec.nodeName": get_path(pod, "spec", "nodeName"),
        "spec.serviceAccountName": get_path(pod, "spec", "serviceAccountName", default="default"),
        "status.podIP": pod_ip, "status.hostIP": get_path(pod, "status", "hostIP", default=""),
    }
    if path in simple:
        return str(simple[path] or "")
    m = re.fullmatch(r"metadata\.(labels|annotations)\['(.+)'\]", path)
    if m:
        return (meta.get(m.group(1)) or {}).get(m.group(2), "")
    return ""


def _expand_refs(value: str, env: dict[str, str]) -> str:
    """$(VAR) references to earlier variables; $$ escapes."""
    return re.sub(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)",
                  lambda m: env.get(m.group(1), m.group(0)), value)


def service_env(cluster: Cluster, ns: str, created: str | None, *,
                only: str | None = None) -> dict[str, str]:
    """envvars.FromServices: variables for each Service with a ClusterIP created before
    the pod (Docker-links style too)."""
    out: dict[str, str] = {}
    limit = parse_time(created) if created else None
    for svc in cluster.store.list("Service", ns):
        name = svc["metadata"]["name"]
        if only and name != only:
            continue
        ip = get_path(svc, "spec", "clusterIP")
        if not ip or ip == "None":
            continue
        ts = svc["metadata"].get("creationTimestamp")
        if limit is not None and ts and parse_time(ts) > limit and not only:
            continue
        ports = get_path(svc, "spec", "ports", default=[]) or []
        if not ports:
            continue
        prefix = name.upper().replace("-", "_")
        out[f"{prefix}_SERVICE_HOST"] = ip
        out[f"{prefix}_SERVICE_PORT"] = str(ports[0].get("port"))
        for p in ports:
            if p.get("name"):
                out[f"{prefix}_SERVICE_PORT_{p['name'].upper().replace('-', '_')}"] = str(
                    p.get("port"))
        first = ports[0]
        proto = (first.get("protocol") or "TCP").lower()
        out[f"{prefix}_PORT"] = f"{proto}://{ip}:{first.get('port')}"
        for p in ports:
            proto = (p.get("protocol") or "TCP")
            base = f"{prefix}_PORT_{p.get('port')}_{proto}"
            out[base] = f"{proto.lower()}://{ip}:{p.get('port')}"
            out[f"{base}_PROTO"] = proto.lower()
            out[f"{base}_PORT"] = str(p.get("port"))
            out[f"{base}_ADDR"] = ip
    return out


def volume_error(cluster: Cluster, pod: dict) -> str | None:
    """The first FailedMount message, or None when every volume can be set up."""
    ns = pod["metadata"].get("namespace", "default")
    for vol in get_path(pod, "spec", "volumes", default=[]) or []:
        cm = vol.get("configMap")
        if cm and not cm.get("optional") and cluster.store.get(
                "ConfigMap", ns, cm.get("name", "")) is None:
            return (f'MountVolume.SetUp failed for volume "{vol.get("name")}" : configmap '
                    f'"{cm.get("name")}" not found')
        secret = vol.get("secret")
        if secret and not secret.get("optional") and "Secret" in _kinds() and (
                cluster.store.get("Secret", ns, secret.get("secretName", "")) is None):
            return (f'MountVolume.SetUp failed for volume "{vol.get("name")}" : secret '
                    f'"{secret.get("secretName")}" not found')
    return None


def _kinds() -> set[str]:
    from ..resources import REGISTRY

    return set(REGISTRY.types)
