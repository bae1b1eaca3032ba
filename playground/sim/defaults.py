"""Defaulting as the API server applies it when it decodes a v1 object.

Models pkg/apis/core/v1/defaults.go (SetDefaults_Pod, SetDefaults_PodSpec,
SetDefaults_Container, SetDefaults_ContainerPort, SetDefaults_Probe,
SetDefaults_HTTPGetAction, SetDefaults_Volume and the volume sources,
SetDefaults_ObjectFieldSelector) and pkg/apis/apps/v1/defaults.go
(SetDefaults_Deployment, SetDefaults_ReplicaSet). Pod templates get PodSpec
defaults only; `enableServiceLinks` and requests-from-limits are Pod-only, as upstream.
Fields Go omits when zero (initialDelaySeconds 0, minReadySeconds 0) are left unset.
"""

from __future__ import annotations

from typing import Any

DEFAULT_MODE = 420  # 0644, the mode of configMap/secret/projected/downwardAPI volume files


def image_tag(image: str) -> str:
    """parsers.ParseImageName's tag: "latest" when neither tag nor digest is given."""
    name, _, digest = image.partition("@")
    last = name.rsplit("/", 1)[-1]
    if ":" in last:
        return last.rsplit(":", 1)[1]
    return "" if digest else "latest"


def default_container(ctr: dict) -> None:
    """SetDefaults_Container + ports, probes, env field refs; `resources: {}` as Go prints it."""
    if not ctr.get("imagePullPolicy"):
        tag = image_tag(str(ctr.get("image") or ""))
        ctr["imagePullPolicy"] = "Always" if tag == "latest" else "IfNotPresent"
    if not ctr.get("terminationMessagePath"):
        ctr["terminationMessagePath"] = "/dev/termination-log"
    if not ctr.get("terminationMessagePolicy"):
        ctr["terminationMessagePolicy"] = "File"
    if ctr.get("resources") is None:
        ctr["resources"] = {}
    for port in ctr.get("ports") or ():
        if isinstance(port, dict) and not port.get("protocol"):
            port["protocol"] = "TCP"
    for kind in ("livenessProbe", "readinessProbe", "startupProbe"):
        if isinstance(ctr.get(kind), dict):
            default_probe(ctr[kind])
    for ev in ctr.get("env") or ():
        field_ref = (ev.get("valueFrom") or {}).get("fieldRef") if isinstance(ev, dict) else None
        if isinstance(field_ref, dict) and not field_ref.get("apiVersion"):
            field_ref["apiVersion"] = "v1"


def default_probe(probe: dict) -> None:
    """SetDefaults_Probe and SetDefaults_HTTPGetAction."""
    for key, value in (("timeoutSeconds", 1), ("periodSeconds", 10), ("successThreshold", 1),
                       ("failureThreshold", 3)):
        if not probe.get(key):
            probe[key] = value
    http = probe.get("httpGet")
    if isinstance(http, dict):
        if not http.get("path"):
            http["path"] = "/"
        if not http.get("scheme"):
            http["scheme"] = "HTTP"


def default_volume(vol: dict) -> None:
    """SetDefaults_Volume (no source -> emptyDir) and the per-source defaultMode."""
    sources = ("emptyDir", "hostPath", "configMap", "secret", "persistentVolumeClaim",
               "projected", "downwardAPI", "nfs", "csi", "ephemeral", "image")
    if not any(vol.get(s) is not None for s in sources):
        vol["emptyDir"] = {}
    for src in ("configMap", "secret", "projected", "downwardAPI"):
        body = vol.get(src)
        if isinstance(body, dict) and body.get("defaultMode") is None:
            body["defaultMode"] = DEFAULT_MODE
    host = vol.get("hostPath")
    if isinstance(host, dict) and host.get("type") is None:
        host["type"] = ""


def default_pod_spec(spec: dict, path: str = "spec") -> None:
    """SetDefaults_PodSpec (what every pod template gets). Malformed lists are refused
    first, as JSON decoding would."""
    from .podvalidation import check_pod_spec_types

    check_pod_spec_types(spec, path)
    if not spec.get("dnsPolicy"):
        spec["dnsPolicy"] = "ClusterFirst"
    if not spec.get("restartPolicy"):
        spec["restartPolicy"] = "Always"
    if spec.get("securityContext") is None:
        spec["securityContext"] = {}
    if spec.get("terminationGracePeriodSeconds") is None:
        spec["terminationGracePeriodSeconds"] = 30
    if not spec.get("schedulerName"):
        spec["schedulerName"] = "default-scheduler"
    # v1 conversion keeps the deprecated serviceAccount field in step with serviceAccountName
    if not spec.get("serviceAccountName") and spec.get("serviceAccount"):
        spec["serviceAccountName"] = spec["serviceAccount"]
    if spec.get("serviceAccountName"):
        spec["serviceAccount"] = spec["serviceAccountName"]
    for ctr in _all_containers(spec):
        default_container(ctr)
    for vol in spec.get("volumes") or ():
        if isinstance(vol, dict):
            default_volume(vol)


def default_pod(pod: dict) -> None:
    """SetDefaults_Pod: PodSpec defaults, requests from limits, enableServiceLinks,
    hostNetwork host ports."""
    spec = pod.setdefault("spec", {})
    if not isinstance(spec, dict):
        return
    default_pod_spec(spec)
    for ctr in _all_containers(spec):
        limits = (ctr.get("resources") or {}).get("limits")
        if limits:
            requests = ctr["resources"].setdefault("requests", {})
            for key, value in limits.items():
                requests.setdefault(key, value)
    if spec.get("enableServiceLinks") is None:
        spec["enableServiceLinks"] = True
    if spec.get("hostNetwork"):
        for ctr in _all_containers(spec):
            for port in ctr.get("ports") or ():
                if isinstance(port, dict) and not port.get("hostPort"):
                    port["hostPort"] = port.get("containerPort")


def default_pod_template(template: Any) -> None:
    if not isinstance(template, dict):
        return
    if template.get("metadata") is None:
        template["metadata"] = {}
    spec = template.setdefault("spec", {})
    if isinstance(spec, dict):
        default_pod_spec(spec, "spec.template.spec")


def _all_containers(spec: dict) -> list[dict]:
    return [c for key in ("initContainers", "containers") for c in spec.get(key) or ()
            if isinstance(c, dict)]


# ---- apps/v1 -----------------------------------------------------------------------------------


def default_deployment(obj: dict) -> None:
    """SetDefaults_Deployment."""
    spec = obj.setdefault("spec", {})
    if spec.get("replicas") is None:
        spec["replicas"] = 1
    strategy = spec.setdefault("strategy", {})
    if not strategy.get("type"):
        strategy["type"] = "RollingUpdate"
    if strategy["type"] == "RollingUpdate":
        rolling = strategy.get("rollingUpdate")
        if rolling is None:
            rolling = strategy["rollingUpdate"] = {}
        if rolling.get("maxUnavailable") is None:
            rolling["maxUnavailable"] = "25%"
        if rolling.get("maxSurge") is None:
            rolling["maxSurge"] = "25%"
    if spec.get("revisionHistoryLimit") is None:
        spec["revisionHistoryLimit"] = 10
    if spec.get("progressDeadlineSeconds") is None:
        spec["progressDeadlineSeconds"] = 600
    default_pod_template(spec.setdefault("template", {}))


def default_replicaset(obj: dict) -> None:
    """SetDefaults_ReplicaSet."""
    spec = obj.setdefault("spec", {})
    if spec.get("replicas") is None:
        spec["replicas"] = 1
    default_pod_template(spec.setdefault("template", {}))
