"""The official `kubernetes` Python client drives a sandbox: create, list, read, patch
(every patch type), replace, delete and watch on core/v1, apps/v1 and discovery.k8s.io/v1,
with ApiException status and reason on errors."""

from __future__ import annotations

import json

import pytest

kubernetes = pytest.importorskip("kubernetes")
from kubernetes import client, watch  # noqa: E402
from kubernetes.client.rest import ApiException  # noqa: E402

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def api(door):
    config = client.Configuration(host=door.url)
    with client.ApiClient(config) as api_client:
        yield api_client


def reason_of(exc: ApiException) -> str:
    return json.loads(exc.body)["reason"]


def test_core_v1_create_read_patch_replace_delete(api):
    core = client.CoreV1Api(api)
    cm = client.V1ConfigMap(metadata=client.V1ObjectMeta(name="settings"), data={"a": "1"})
    created = core.create_namespaced_config_map("default", cm)
    assert created.metadata.resource_version and created.data == {"a": "1"}

    names = [c.metadata.name for c in core.list_namespaced_config_map("default").items]
    assert names == ["kube-root-ca.crt", "settings"]

    merged = core.patch_namespaced_config_map("settings", "default", {"data": {"b": "2"}})
    assert merged.data == {"a": "1", "b": "2"}  # the client sends a strategic merge patch
    core.api_client.set_default_header("Content-Type", "application/merge-patch+json")
    merged = core.patch_namespaced_config_map("settings", "default", {"data": {"a": None}})
    assert merged.data == {"b": "2"}
    core.api_client.default_headers.pop("Content-Type")
    patched = core.patch_namespaced_config_map(
        "settings", "default", [{"op": "add", "path": "/data/c", "value": "3"}]
    )
    assert patched.data == {"b": "2", "c": "3"}  # a list body goes as a JSON patch

    current = core.read_namespaced_config_map("settings", "default")
    current.data = {"only": "this"}
    replaced = core.replace_namespaced_config_map("settings", "default", current)
    assert replaced.data == {"only": "this"}

    stale = current  # its resourceVersion is now an old one
    with pytest.raises(ApiException) as conflict:
        core.replace_namespaced_config_map("settings", "default", stale)
    assert conflict.value.status == 409 and reason_of(conflict.value) == "Conflict"

    with pytest.raises(ApiException) as exists:
        core.create_namespaced_config_map("default", cm)
    assert exists.value.status == 409 and reason_of(exists.value) == "AlreadyExists"

    core.delete_namespaced_config_map("settings", "default")
    with pytest.raises(ApiException) as missing:
        core.read_namespaced_config_map("settings", "default")
    assert missing.value.status == 404 and reason_of(missing.value) == "NotFound"
    assert json.loads(missing.value.body)["message"] == 'configmaps "settings" not found'


def test_apps_v1_deployment_scale_and_dry_run(api):
    apps = client.AppsV1Api(api)
    body = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "nginx", "image": "nginx"}]},
            },
        },
    }
    dry = apps.create_namespaced_deployment("default", body, dry_run="All")
    assert dry.metadata.name == "web"
    with pytest.raises(ApiException) as never_stored:
        apps.read_namespaced_deployment("web", "default")
    assert never_stored.value.status == 404

    apps.create_namespaced_deployment("default", body)
    scale = apps.patch_namespaced_deployment_scale("web", "default", {"spec": {"replicas": 3}})
    assert scale.spec.replicas == 3
    assert apps.read_namespaced_deployment("web", "default").spec.replicas == 3
    rs = apps.list_namespaced_replica_set("default", label_selector="app=web").items
    assert len(rs) == 1 and rs[0].spec.replicas == 3

    body["spec"]["replicas"] = -1
    with pytest.raises(ApiException) as invalid:
        apps.replace_namespaced_deployment("web", "default", body)
    assert invalid.value.status == 422 and reason_of(invalid.value) == "Invalid"


def test_discovery_v1_endpointslices_and_watch(api):
    core = client.CoreV1Api(api)
    disco = client.DiscoveryV1Api(api)
    slices = disco.list_namespaced_endpoint_slice("default").items
    assert [s.metadata.name for s in slices] == ["kubernetes"]
    assert slices[0].endpoints[0].addresses == ["172.18.0.2"]

    listed = core.list_namespaced_pod("kube-system")
    events = []
    w = watch.Watch()
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p"},
        "spec": {"containers": [{"name": "c", "image": "nginx"}]},
    }
    core.create_namespaced_pod("default", pod)
    for event in w.stream(
        core.list_namespaced_pod,
        "default",
        timeout_seconds=3,
        resource_version=listed.metadata.resource_version,
    ):
        events.append((event["type"], event["object"].metadata.name))
        if len(events) >= 2:
            w.stop()
    assert events[0] == ("ADDED", "p") and events[1] == ("MODIFIED", "p")


def test_discovery_v1_create_patch_replace_delete(api):
    disco = client.DiscoveryV1Api(api)
    body = {
        "apiVersion": "discovery.k8s.io/v1",
        "kind": "EndpointSlice",
        "metadata": {"name": "manual", "labels": {"kubernetes.io/service-name": "manual"}},
        "addressType": "IPv4",
        "endpoints": [{"addresses": ["10.244.1.50"]}],
        "ports": [{"name": "http", "port": 80, "protocol": "TCP"}],
    }
    created = disco.create_namespaced_endpoint_slice("default", body)
    assert created.endpoints[0].addresses == ["10.244.1.50"]
    patched = disco.patch_namespaced_endpoint_slice(
        "manual", "default", {"metadata": {"labels": {"team": "a"}}}
    )
    assert patched.metadata.labels["team"] == "a"
    patched.ports[0].port = 8080
    replaced = disco.replace_namespaced_endpoint_slice("manual", "default", patched)
    assert replaced.ports[0].port == 8080
    with pytest.raises(ApiException) as invalid:
        disco.patch_namespaced_endpoint_slice("manual", "default", {"addressType": "IPv6"})
    assert invalid.value.status == 422 and reason_of(invalid.value) == "Invalid"
    disco.delete_namespaced_endpoint_slice("manual", "default")
    names = [s.metadata.name for s in disco.list_namespaced_endpoint_slice("default").items]
    assert "manual" not in names


def test_watch_from_a_compacted_version_is_410(api, door):
    from k8sapi.models import WatchEvent

    WatchEvent.objects.filter(sandbox=door.sandbox, resource_version__lt=50).delete()
    core = client.CoreV1Api(api)
    with pytest.raises(ApiException) as gone:
        # the client retries a 410 once, then raises it
        for _ in watch.Watch().stream(core.list_namespaced_pod, "default", resource_version="2"):
            pass
    assert gone.value.status == 410


def test_watch_from_a_list_reports_changes_to_known_objects_as_modified(api):
    core = client.CoreV1Api(api)
    listed = core.list_namespaced_config_map("default")
    core.patch_namespaced_config_map(
        "kube-root-ca.crt", "default", {"metadata": {"labels": {"seen": "yes"}}}
    )
    core.create_namespaced_config_map("default", {"metadata": {"name": "fresh"}})
    core.delete_namespaced_config_map("fresh", "default")
    w = watch.Watch()
    events = []
    for event in w.stream(
        core.list_namespaced_config_map,
        "default",
        timeout_seconds=3,
        resource_version=listed.metadata.resource_version,
    ):
        events.append((event["type"], event["object"].metadata.name))
        if len(events) == 3:
            w.stop()
    assert events == [("MODIFIED", "kube-root-ca.crt"), ("ADDED", "fresh"), ("DELETED", "fresh")]


def test_eviction_deletes_the_pod_like_kubectl_drain(api):
    core = client.CoreV1Api(api)
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "evictme"},
        "spec": {"containers": [{"name": "c", "image": "nginx"}]},
    }
    core.create_namespaced_pod("default", pod)
    eviction = client.V1Eviction(
        metadata=client.V1ObjectMeta(name="evictme"),
        delete_options=client.V1DeleteOptions(grace_period_seconds=0),
    )
    core.create_namespaced_pod_eviction("evictme", "default", eviction)
    with pytest.raises(ApiException) as gone:
        core.read_namespaced_pod("evictme", "default")
    assert gone.value.status == 404
