"""The Go types of the fields the simulation reads, for decode.py's type checks.

A small transcription of k8s.io/api/{core,apps,discovery,storage}/v1 types.go: for each
kind, the JSON fields whose type our strategies and controllers rely on, with the Go
struct name encoding/json names in its UnmarshalTypeError (`Go struct field
ServicePort.spec.ports.port of type int32`). Fields not listed are not checked (the kind's
validation still judges their values).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class S:
    """A Go struct: its name (for messages) and typed fields."""

    name: str
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class L:
    """A Go slice of `item`."""

    item: Any
    go: str


@dataclass(frozen=True)
class M:
    """A Go map[string]<value>."""

    value: str
    go: str


STR_MAP = M("string", "map[string]string")
QTY_MAP = M("quantity", "v1.ResourceList")
STRINGS = L("string", "[]string")

REQUIREMENT = S("LabelSelectorRequirement", {"key": "string", "operator": "string",
                                             "values": STRINGS})
LABEL_SELECTOR = S("LabelSelector", {"matchLabels": STR_MAP,
                                     "matchExpressions": L(REQUIREMENT,
                                                           "[]v1.LabelSelectorRequirement")})
CONTAINER_PORT = S("ContainerPort", {"containerPort": "int32", "hostPort": "int32",
                                     "name": "string", "protocol": "string"})
ENV_VAR = S("EnvVar", {"name": "string", "value": "string"})
PROBE = S("Probe", {"initialDelaySeconds": "int32", "periodSeconds": "int32",
                    "timeoutSeconds": "int32", "successThreshold": "int32",
                    "failureThreshold": "int32"})
CONTAINER = S("Container", {
    "name": "string", "image": "string", "command": STRINGS, "args": STRINGS,
    "workingDir": "string", "imagePullPolicy": "string",
    "ports": L(CONTAINER_PORT, "[]v1.ContainerPort"), "env": L(ENV_VAR, "[]v1.EnvVar"),
    "resources": S("ResourceRequirements", {"limits": QTY_MAP, "requests": QTY_MAP}),
    "livenessProbe": PROBE, "readinessProbe": PROBE, "startupProbe": PROBE,
})
TOLERATION = S("Toleration", {"key": "string", "operator": "string", "value": "string",
                              "effect": "string", "tolerationSeconds": "int64"})
POD_SPEC = S("PodSpec", {
    "containers": L(CONTAINER, "[]v1.Container"),
    "initContainers": L(CONTAINER, "[]v1.Container"),
    "nodeName": "string", "nodeSelector": STR_MAP, "restartPolicy": "string",
    "serviceAccountName": "string", "hostname": "string", "subdomain": "string",
    "terminationGracePeriodSeconds": "int64", "activeDeadlineSeconds": "int64",
    "tolerations": L(TOLERATION, "[]v1.Toleration"), "priority": "int32",
    "schedulerName": "string", "dnsPolicy": "string", "hostNetwork": "bool",
    "volumes": L(S("Volume", {"name": "string"}), "[]v1.Volume"),
})
TEMPLATE = S("PodTemplateSpec", {"spec": POD_SPEC})
INTSTR = "intstr"
SERVICE_PORT = S("ServicePort", {"name": "string", "protocol": "string", "port": "int32",
                                 "targetPort": INTSTR, "nodePort": "int32",
                                 "appProtocol": "string"})
PVC_SPEC = S("PersistentVolumeClaimSpec", {
    "accessModes": STRINGS, "storageClassName": "string", "volumeName": "string",
    "volumeMode": "string", "selector": LABEL_SELECTOR,
    "resources": S("VolumeResourceRequirements", {"limits": QTY_MAP, "requests": QTY_MAP}),
})
WORKLOAD = {"replicas": "int32", "selector": LABEL_SELECTOR, "template": TEMPLATE,
            "minReadySeconds": "int32", "revisionHistoryLimit": "int32"}
ENDPOINT_ADDRESS = S("EndpointAddress", {"ip": "string", "hostname": "string",
                                         "nodeName": "string"})
ENDPOINT_PORT = S("EndpointPort", {"name": "string", "port": "int32", "protocol": "string"})

SCHEMAS: dict[str, S] = {
    "Pod": S("Pod", {"spec": POD_SPEC}),
    "Deployment": S("Deployment", {"spec": S("DeploymentSpec", {
        **WORKLOAD, "paused": "bool", "progressDeadlineSeconds": "int32",
        "strategy": S("DeploymentStrategy", {
            "type": "string",
            "rollingUpdate": S("RollingUpdateDeployment", {"maxSurge": INTSTR,
                                                           "maxUnavailable": INTSTR})})})}),
    "ReplicaSet": S("ReplicaSet", {"spec": S("ReplicaSetSpec", WORKLOAD)}),
    "StatefulSet": S("StatefulSet", {"spec": S("StatefulSetSpec", {
        **WORKLOAD, "serviceName": "string", "podManagementPolicy": "string",
        "volumeClaimTemplates": L(S("PersistentVolumeClaim", {"spec": PVC_SPEC}),
                                  "[]v1.PersistentVolumeClaim")})}),
    "Service": S("Service", {"spec": S("ServiceSpec", {
        "type": "string", "selector": STR_MAP, "clusterIP": "string", "clusterIPs": STRINGS,
        "externalIPs": STRINGS, "externalName": "string", "sessionAffinity": "string",
        "loadBalancerIP": "string", "externalTrafficPolicy": "string",
        "internalTrafficPolicy": "string", "publishNotReadyAddresses": "bool",
        "allocateLoadBalancerNodePorts": "bool", "ipFamilies": STRINGS,
        "ipFamilyPolicy": "string", "ports": L(SERVICE_PORT, "[]v1.ServicePort")})}),
    "ConfigMap": S("ConfigMap", {"data": STR_MAP, "binaryData": M("bytes",
                                                                   "map[string][]uint8"),
                                 "immutable": "bool"}),
    "Endpoints": S("Endpoints", {"subsets": L(S("EndpointSubset", {
        "addresses": L(ENDPOINT_ADDRESS, "[]v1.EndpointAddress"),
        "notReadyAddresses": L(ENDPOINT_ADDRESS, "[]v1.EndpointAddress"),
        "ports": L(ENDPOINT_PORT, "[]v1.EndpointPort")}), "[]v1.EndpointSubset")}),
    "EndpointSlice": S("EndpointSlice", {
        "addressType": "string",
        "endpoints": L(S("Endpoint", {
            "addresses": STRINGS, "nodeName": "string", "hostname": "string",
            "conditions": S("EndpointConditions", {"ready": "bool", "serving": "bool",
                                                   "terminating": "bool"})}),
            "[]v1.Endpoint"),
        "ports": L(S("EndpointPort", {"name": "string", "port": "int32",
                                      "protocol": "string"}), "[]v1.EndpointPort")}),
    "Node": S("Node", {"spec": S("NodeSpec", {
        "unschedulable": "bool", "podCIDR": "string", "podCIDRs": STRINGS,
        "providerID": "string",
        "taints": L(S("Taint", {"key": "string", "value": "string", "effect": "string"}),
                    "[]v1.Taint")})}),
    "PersistentVolumeClaim": S("PersistentVolumeClaim", {"spec": PVC_SPEC}),
    "PersistentVolume": S("PersistentVolume", {"spec": S("PersistentVolumeSpec", {
        "capacity": QTY_MAP, "accessModes": STRINGS, "storageClassName": "string",
        "persistentVolumeReclaimPolicy": "string", "volumeMode": "string",
        "hostPath": S("HostPathVolumeSource", {"path": "string", "type": "string"})})}),
    "StorageClass": S("StorageClass", {"provisioner": "string", "reclaimPolicy": "string",
                                       "volumeBindingMode": "string",
                                       "allowVolumeExpansion": "bool",
                                       "parameters": STR_MAP}),
    "Namespace": S("Namespace", {"spec": S("NamespaceSpec", {"finalizers": STRINGS})}),
    "ServiceAccount": S("ServiceAccount", {"automountServiceAccountToken": "bool"}),
    "ResourceQuota": S("ResourceQuota", {"spec": S("ResourceQuotaSpec", {
        "hard": QTY_MAP, "scopes": STRINGS})}),
}
