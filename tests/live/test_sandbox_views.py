"""The sandbox's HTTP doors as a learner uses them: open without signing up, keep it
by signing up, console, editor with line-pointing errors, clock, faults, detail."""

import pytest
from django.test import Client

from playground.models import Sandbox
from playground.sandboxes_yaml import apply_diagnostics
from tests.live.conftest import client_for, console

pytestmark = pytest.mark.django_db

BAD_REPLICAS = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: -1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx
"""


def test_it_opens_a_ready_sandbox_without_sign_up():
    client = Client()
    response = client.post("/sandboxes/open")
    sandbox = Sandbox.objects.get()
    assert response["Location"] == f"/sandboxes/{sandbox.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert 'id="node-worker-1"' in page and 'id="node-worker-2"' in page
    # a second click opens the same sandbox
    assert client.post("/sandboxes/open")["Location"] == response["Location"]


def test_signing_up_keeps_the_visitors_sandbox():
    client = Client()
    client.post("/sandboxes/open")
    response = client.post(
        "/accounts/signup/",
        {"username": "newbie", "password1": "kube-learner-2468", "password2": "kube-learner-2468"},
    )
    assert response.status_code == 302
    sandbox = Sandbox.objects.get()
    assert sandbox.owner.username == "newbie" and sandbox.visitor == ""
    assert client.get(f"/sandboxes/{sandbox.pk}/").status_code == 200


def test_it_rejects_get_on_commands(alice, alice_sandbox):
    assert client_for(alice).get(f"/sandboxes/{alice_sandbox.pk}/console").status_code == 405


def test_the_console_answers_like_kubectl(alice, alice_sandbox):
    client = client_for(alice)
    assert console(client, alice_sandbox, "kubectl get deploy nope") == {
        "output": 'Error from server (NotFound): deployments.apps "nope" not found\n',
        "ok": False,
    }
    out = console(client, alice_sandbox, "kubectl get nodes")["output"]
    assert out.splitlines()[0].split() == ["NAME", "STATUS", "ROLES", "AGE", "VERSION"]


def test_apply_points_at_the_line_and_field(alice, alice_sandbox):
    response = client_for(alice).post(
        f"/sandboxes/{alice_sandbox.pk}/apply", {"manifest": BAD_REPLICAS}
    )
    body = response.json()
    assert body["ok"] is False
    assert body["output"] == (
        'The Deployment "web" is invalid: spec.replicas: Invalid value: -1: must be greater '
        "than or equal to 0\n"
    )
    assert [(d["line"], d["field"]) for d in body["diagnostics"]] == [(6, "spec.replicas")]


def test_apply_reports_broken_yaml_with_its_line(alice, alice_sandbox):
    body = (
        client_for(alice)
        .post(f"/sandboxes/{alice_sandbox.pk}/apply", {"manifest": "kind: Pod\nmetadata: [\n"})
        .json()
    )
    assert body["ok"] is False and body["diagnostics"][0]["line"] == 3


def test_diagnostics_find_the_document_of_a_multi_document_manifest():
    manifest = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n"
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: Bad_Name\nspec:\n  containers: []\n"
    )
    output = (
        "configmap/a created\n"
        'The Pod "Bad_Name" is invalid: \n'
        '* metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain\n'
        "* spec.containers: Required value\n"
    )
    found = [(d["line"], d["field"]) for d in apply_diagnostics(manifest, output)]
    assert found == [(9, "metadata.name"), (11, "spec.containers")]


def test_clock_controls(alice, alice_sandbox):
    client = client_for(alice)
    url = f"/sandboxes/{alice_sandbox.pk}/clock"
    assert client.post(url, {"action": "toggle"}).content == b"paused"
    assert Sandbox.objects.get(pk=alice_sandbox.pk).paused
    assert client.post(url, {"action": "toggle"}).content == b"resumed"
    assert client.post(url, {"action": "speed", "speed": "5.0"}).content == b"speed x5"
    refused = client.post(url, {"action": "speed", "speed": "100"})
    assert (refused.status_code, refused.content) == (400, b"speed must be between 0.25x and 60x")
    advanced = client.post(url, {"action": "advance5"}).content.decode()
    assert advanced.startswith("advanced 5m0s to ")


def test_fault_buttons_stop_and_start_a_node(alice, alice_sandbox):
    client = client_for(alice)
    url = f"/sandboxes/{alice_sandbox.pk}/fault"
    stopped = client.post(url, {"action": "stop-node", "name": "worker-2"})
    assert stopped.content.decode() == (
        "node worker-2 stopped: its kubelet no longer posts status or renews its lease"
    )
    page = client.get(f"/sandboxes/{alice_sandbox.pk}/").content.decode()
    assert "kubelet stopped" in page and "start node" in page
    assert client.post(url, {"action": "reboot", "name": "worker-2"}).status_code == 400


def test_the_detail_drawer_shows_describe_yaml_and_timeline(alice, alice_sandbox):
    client = client_for(alice)
    console(client, alice_sandbox, "kubectl create configmap colours --from-literal=sky=blue")
    html = client.get(
        f"/sandboxes/{alice_sandbox.pk}/object",
        {"kind": "ConfigMap", "namespace": "default", "name": "colours"},
    ).content.decode()
    assert "Name:         colours" in html and "sky: blue" in html
    assert '<span class="msg">you created ConfigMap colours</span>' in html


def test_internal_kinds_are_never_shown(alice, alice_sandbox):
    response = client_for(alice).get(
        f"/sandboxes/{alice_sandbox.pk}/object", {"kind": "KubeletState", "name": "worker-1"}
    )
    assert response.status_code == 404


def test_a_user_renames_and_deletes_their_sandboxes(alice, alice_sandbox):
    client = client_for(alice)
    # home's button brings a signed-in user back to their sandbox; "New sandbox" makes one
    assert client.post("/sandboxes/open")["Location"] == f"/sandboxes/{alice_sandbox.pk}/"
    client.post("/sandboxes/open", {"name": "second", "new": "1"})
    assert set(Sandbox.objects.filter(owner=alice).values_list("name", flat=True)) == {
        "lab",
        "second",
    }
    client.post(f"/sandboxes/{alice_sandbox.pk}/rename", {"name": "second"})
    assert Sandbox.objects.get(pk=alice_sandbox.pk).name == "lab"  # taken: refused
    client.post(f"/sandboxes/{alice_sandbox.pk}/rename", {"name": "renamed"})
    assert Sandbox.objects.get(pk=alice_sandbox.pk).name == "renamed"
    client.post(f"/sandboxes/{alice_sandbox.pk}/delete")
    assert not Sandbox.objects.filter(pk=alice_sandbox.pk).exists()


def test_staff_browse_and_reset_sandboxes_in_the_admin(staff, alice_sandbox):
    staff.is_superuser = True
    staff.save()
    client = client_for(staff)
    listing = client.get("/admin/playground/sandbox/").content.decode()
    assert "lab" in listing and "alice" in listing
    assert client.get(f"/admin/playground/sandbox/{alice_sandbox.pk}/change/").status_code == 200
    assert client.get("/admin/playground/objectrow/?kind=Node").status_code == 200
    console(client_for(alice_sandbox.owner), alice_sandbox, "kubectl create configmap c")
    assert alice_sandbox.rows.filter(kind="ConfigMap", name="c").exists()
    response = client.post(
        "/admin/playground/sandbox/",
        {"action": "reset_sandboxes", "_selected_action": [alice_sandbox.pk]},
    )
    assert response.status_code == 302
    assert not alice_sandbox.rows.filter(kind="ConfigMap", name="c").exists()


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            [
                {
                    "type": "MODIFIED",
                    "kind": "Pod",
                    "uid": "u1",
                    "name": "p",
                    "node_before": "worker-1",
                    "node_after": "worker-1",
                }
            ],
            {"pods": {"u1"}, "nodes": set(), "map": False},
        ),
        (
            [
                {
                    "type": "MODIFIED",
                    "kind": "Pod",
                    "uid": "u1",
                    "name": "p",
                    "node_before": "",
                    "node_after": "worker-2",
                }
            ],
            {"pods": set(), "nodes": {"", "worker-2"}, "map": False},
        ),
        (
            [
                {
                    "type": "DELETED",
                    "kind": "Pod",
                    "uid": "u1",
                    "name": "p",
                    "node_before": "worker-1",
                    "node_after": None,
                }
            ],
            {"pods": set(), "nodes": {"worker-1"}, "map": False},
        ),
        (
            [
                {
                    "type": "ADDED",
                    "kind": "Node",
                    "uid": "n",
                    "name": "worker-3",
                    "node_before": None,
                    "node_after": None,
                }
            ],
            {"pods": set(), "nodes": set(), "map": True},
        ),
    ],
)
def test_a_push_re_renders_only_what_shows_the_change(changes, expected):
    from playground.sandboxes_push import plan_fragments

    plan = plan_fragments(changes)
    assert {k: plan[k] for k in expected} == expected


def test_the_pod_drawer_offers_delete_and_the_fault_deletes_it(alice, alice_sandbox):
    client = client_for(alice)
    console(client, alice_sandbox, "kubectl run solo --image=nginx")
    params = {"kind": "Pod", "namespace": "default", "name": "solo"}
    drawer = client.get(f"/sandboxes/{alice_sandbox.pk}/object", params).content.decode()
    assert 'id="detail-delete-pod"' in drawer
    deleted = client.post(
        f"/sandboxes/{alice_sandbox.pk}/fault",
        {"action": "delete-pod", "name": "solo", "namespace": "default"},
    )
    assert deleted.content.decode() == 'pod "solo" deleted'


def test_a_read_only_viewer_gets_no_delete_button(staff, alice_sandbox):
    console(client_for(alice_sandbox.owner), alice_sandbox, "kubectl run solo --image=nginx")
    params = {"kind": "Pod", "namespace": "default", "name": "solo"}
    drawer = client_for(staff).get(f"/sandboxes/{alice_sandbox.pk}/object", params)
    assert drawer.status_code == 200 and "detail-delete-pod" not in drawer.content.decode()


def test_the_pod_drawer_offers_kill_container_and_the_fault_restarts_it(alice, alice_sandbox):
    client = client_for(alice)
    console(client, alice_sandbox, "kubectl run solo --image=nginx")
    console(client, alice_sandbox, "clock advance 30s")
    params = {"kind": "Pod", "namespace": "default", "name": "solo"}
    drawer = client.get(f"/sandboxes/{alice_sandbox.pk}/object", params).content.decode()
    assert 'id="detail-kill-container"' in drawer
    killed = client.post(
        f"/sandboxes/{alice_sandbox.pk}/fault",
        {"action": "kill-container", "name": "solo", "namespace": "default"},
    )
    assert killed.content.decode().startswith("container solo of pod solo killed (exit code 137)")
    console(client, alice_sandbox, "clock advance 15s")
    pods = console(client, alice_sandbox, "kubectl get pod solo")
    assert "Running   1 (" in pods["output"]
