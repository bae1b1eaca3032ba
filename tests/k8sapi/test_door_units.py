"""The REST door's pieces without a server: protobuf bodies, strict field checks,
discovery documents, OpenAPI v3 and Table columns."""

from __future__ import annotations

import json

from k8sapi import discovery, protobuf, schemas, tables
from playground.sim.resources import REGISTRY


def varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def field(number: int, value) -> bytes:
    if isinstance(value, int):
        return varint(number << 3) + varint(value)
    data = value.encode() if isinstance(value, str) else value
    return varint(number << 3 | 2) + varint(len(data)) + data


def entry(key: str, value: str) -> bytes:
    return field(1, key) + field(2, value)


def envelope(api_version: str, kind: str, raw: bytes) -> bytes:
    type_meta = field(1, api_version) + field(2, kind)
    return b"k8s\x00" + field(1, type_meta) + field(2, raw) + field(3, "") + field(4, "")


def test_protobuf_deployment_as_kubectl_create_sends_it():
    meta = field(1, "web") + field(2, "") + field(11, entry("app", "web"))
    container = field(1, "nginx") + field(2, "nginx:1.27") + field(6, field(3, 80)) + field(8, b"")
    template = field(1, field(11, entry("app", "web"))) + field(2, field(2, container))
    spec = (
        field(1, 0) + field(2, field(1, entry("app", "web"))) + field(3, template) + field(4, b"")
    )
    body = protobuf.decode(
        envelope("apps/v1", "Deployment", field(1, meta) + field(2, spec) + field(3, b""))
    )
    assert body == {
        "kind": "Deployment",
        "apiVersion": "apps/v1",
        "metadata": {"name": "web", "labels": {"app": "web"}},
        "spec": {
            "replicas": 0,  # a pointer field: --replicas=0 is kept
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "containers": [
                        {
                            "name": "nginx",
                            "image": "nginx:1.27",
                            "ports": [{"containerPort": 80}],
                            "resources": {},
                        }
                    ]
                },
            },
            "strategy": {},
        },
        "status": {},
    }


def test_protobuf_service_target_port_and_configmap():
    port = (
        field(1, "80-8080")
        + field(2, "TCP")
        + field(3, 80)
        + field(4, field(1, 0) + field(2, 8080))
    )
    svc = protobuf.decode(
        envelope(
            "v1",
            "Service",
            field(1, field(1, "db")) + field(2, field(1, port) + field(4, "ClusterIP")),
        )
    )
    assert svc["spec"] == {
        "ports": [{"name": "80-8080", "protocol": "TCP", "port": 80, "targetPort": 8080}],
        "type": "ClusterIP",
    }
    cm = protobuf.decode(
        envelope("v1", "ConfigMap", field(1, field(1, "c")) + field(2, entry("a", "1")))
    )
    assert cm == {
        "kind": "ConfigMap",
        "apiVersion": "v1",
        "metadata": {"name": "c"},
        "data": {"a": "1"},
    }


def test_unknown_fields_are_named_by_path():
    rt = REGISTRY.get("Deployment")
    body = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "x", "labels": {"any": "key"}},
        "spec": {
            "replica": 1,
            "template": {"spec": {"containers": [{"name": "c", "image": "i", "imagez": "j"}]}},
        },
    }
    assert schemas.unknown_fields(rt, body) == [
        "spec.replica",
        "spec.template.spec.containers[0].imagez",
    ]


def test_discovery_lists_every_served_kind_with_subresources():
    core = discovery.resource_list("v1")
    names = [r["name"] for r in core["resources"]]
    assert names == sorted(names)
    pods = next(r for r in core["resources"] if r["name"] == "pods")
    assert pods["shortNames"] == ["po"] and pods["categories"] == ["all"]
    assert "pods/exec" in names and "pods/log" in names
    apps = discovery.resource_list("apps/v1")
    scale = next(r for r in apps["resources"] if r["name"] == "deployments/scale")
    assert (scale["group"], scale["version"], scale["kind"]) == ("autoscaling", "v1", "Scale")
    groups = [g["name"] for g in discovery.api_group_list()["groups"]]
    assert "apps" in groups and "discovery.k8s.io" in groups
    assert discovery.resource_list("batch/v1") is None


def test_openapi_v3_carries_gvk_and_patch_strategies():
    gvs = discovery.group_versions()
    doc = json.loads(schemas.group_version_document("apps/v1", tuple(gvs["apps/v1"])))
    comp = doc["components"]["schemas"]
    assert comp["io.k8s.api.apps.v1.Deployment"]["x-kubernetes-group-version-kind"] == [
        {"group": "apps", "version": "v1", "kind": "Deployment"}
    ]
    containers = comp["io.k8s.api.core.v1.PodSpec"]["properties"]["containers"]
    assert containers["x-kubernetes-patch-merge-key"] == "name"
    patch = doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"]
    assert "fieldValidation" in [p["name"] for p in patch["parameters"]]
    assert "application/strategic-merge-patch+json" in patch["requestBody"]["content"]


def test_table_columns_mark_wide_ones_with_priority():
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": "p",
            "namespace": "default",
            "creationTimestamp": "2026-01-01T00:00:00Z",
        },
        "spec": {"containers": [{"name": "c", "image": "nginx"}]},
        "status": {"phase": "Pending"},
    }
    table = tables.table("Pod", [pod], now=1767225600.0 + 30, include="Object")
    columns = [(c["name"], c["priority"]) for c in table["columnDefinitions"]]
    assert columns[:5] == [("Name", 0), ("Ready", 0), ("Status", 0), ("Restarts", 0), ("Age", 0)]
    assert ("IP", 1) in columns and ("Nominated Node", 1) in columns
    assert table["rows"][0]["cells"][:3] == ["p", "0/1", "Pending"]
    assert table["rows"][0]["object"] is pod
