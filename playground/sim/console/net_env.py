"""The environment a container sees: image PATH/HOSTNAME/HOME, the pod spec's `env`, and the
Service variables the kubelet injects (pkg/kubelet/envvars/envvars.go FromServices,
kubelet_pods.go getServiceEnvVarMap: every Service of the pod's namespace with a ClusterIP
plus `kubernetes` from `default`, when `enableServiceLinks` is not false; the master
service is always included).

Simplified: Services created after the pod also appear (the real kubelet fixes the set when
the container starts).
"""

from __future__ import annotations

from ..objects import get_path

PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def container_env(cluster, pod: dict, container: dict) -> dict[str, str]:
    env = {"PATH": PATH, "HOSTNAME": get_path(pod, "spec", "hostname") or pod["metadata"]["name"]}
    env.update(_from_sources(cluster, pod, container))
    for key, value in sorted(service_env(cluster, pod).items()):
        env.setdefault(key, value)
    env.setdefault("HOME", "/root")
    return env


def _from_sources(cluster, pod: dict, container: dict) -> dict[str, str]:
    """envFrom then env, resolved as the kubelet does (ConfigMaps, Secrets, fieldRefs)."""
    from ..controllers.kubelet_env import _b64, _env_value

    ns = pod["metadata"].get("namespace", "default")
    out: dict[str, str] = {}
    for src in container.get("envFrom") or ():
        kind = "ConfigMap" if src.get("configMapRef") else "Secret"
        ref = src.get("configMapRef") or src.get("secretRef") or {}
        obj = cluster.store.get(kind, ns, ref.get("name", "")) or {}
        for k, v in (obj.get("data") or {}).items():
            out[(src.get("prefix") or "") + k] = v if kind == "ConfigMap" else _b64(v)
    pod_ip = get_path(pod, "status", "podIP", default="") or ""
    for item in container.get("env") or ():
        value, _ = _env_value(cluster, pod, item, pod_ip, ns)
        if value is not None and "name" in item:
            out[item["name"]] = value
    return out


def service_env(cluster, pod: dict) -> dict[str, str]:
    ns = pod["metadata"]["namespace"]
    services = {}
    if get_path(pod, "spec", "enableServiceLinks", default=True) is not False:
        for svc in cluster.store.list("Service", ns):
            services[svc["metadata"]["name"]] = svc
    master = cluster.store.get("Service", "default", "kubernetes")
    if master is not None:
        services["kubernetes"] = master
    out: dict[str, str] = {}
    for name, svc in services.items():
        out.update(_vars(name, svc["spec"]))
    return out


def _vars(name: str, spec: dict) -> dict[str, str]:
    ip = spec.get("clusterIP")
    ports = spec.get("ports") or []
    if not ip or ip == "None" or not ports:
        return {}
    prefix = name.upper().replace("-", "_")
    first = ports[0]
    out = {f"{prefix}_SERVICE_HOST": ip, f"{prefix}_SERVICE_PORT": str(first["port"]),
           f"{prefix}_PORT": f"{first.get('protocol', 'TCP').lower()}://{ip}:{first['port']}"}
    for p in ports:
        proto = p.get("protocol", "TCP")
        if p.get("name"):
            out[f"{prefix}_SERVICE_PORT_{p['name'].upper().replace('-', '_')}"] = str(p["port"])
        base = f"{prefix}_PORT_{p['port']}_{proto}"
        out[base] = f"{proto.lower()}://{ip}:{p['port']}"
        out[f"{base}_PROTO"] = proto.lower()
        out[f"{base}_PORT"] = str(p["port"])
        out[f"{base}_ADDR"] = ip
    return out
