"""The stored sandbox: what a save writes, the simulated clock against the wall clock,
timers, claims, idle catch-up, and the operator commands printing what the console
prints. No worker here: pushes and timer tasks run only after a commit."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from playground import sandboxes
from playground.models import ObjectRow, Sandbox, TimelineEntry
from tests.live.support import DEPLOYMENT

pytestmark = pytest.mark.django_db


def rows(sandbox) -> dict:
    query = ObjectRow.objects.filter(sandbox=sandbox)
    return {(r.kind, r.namespace, r.name): r.resource_version for r in query}


def run(sandbox, line: str, stdin: str | None = None) -> str:
    output, _ok = sandboxes.sandbox_command(sandbox_id=sandbox.pk, line=line, stdin=stdin)
    return output


def frozen(sandbox) -> Sandbox:
    sandboxes.sandbox_clock(sandbox_id=sandbox.pk, action="pause")
    return Sandbox.objects.get(pk=sandbox.pk)


def test_a_new_sandbox_stores_the_bootstrapped_cluster(alice_sandbox):
    stored = rows(alice_sandbox)
    assert {("Node", "", n) for n in ("cp-1", "worker-1", "worker-2")} <= set(stored)
    assert ("Namespace", "", "default") in stored
    assert alice_sandbox.resource_version == max(stored.values())
    assert alice_sandbox.meta["resourceVersion"] == alice_sandbox.resource_version


def test_a_save_writes_only_what_changed(alice_sandbox):
    sandbox = frozen(alice_sandbox)
    run(sandbox, "kubectl create configmap colours --from-literal=sky=blue")
    before = rows(sandbox)
    assert run(sandbox, "kubectl label configmap colours tone=warm") == (
        "configmap/colours labeled\n"
    )
    after = rows(sandbox)
    changed = {key for key in after if after[key] != before.get(key)}
    assert changed == {("ConfigMap", "default", "colours")}
    row = ObjectRow.objects.get(sandbox=sandbox, kind="ConfigMap", name="colours")
    assert row.manifest["metadata"]["labels"] == {"tone": "warm"}
    assert row.resource_version == Sandbox.objects.get(pk=sandbox.pk).resource_version


def test_a_delete_removes_the_row(alice_sandbox):
    run(alice_sandbox, "kubectl create configmap gone --from-literal=a=b")
    assert run(alice_sandbox, "kubectl delete configmap gone") == 'configmap "gone" deleted\n'
    assert not ObjectRow.objects.filter(sandbox=alice_sandbox, name="gone").exists()


def test_a_stale_resource_version_is_a_conflict(alice_sandbox):
    fresh = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: y\n"
    assert run(alice_sandbox, "kubectl apply -f -", stdin=fresh) == "configmap/a created\n"
    stale = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  resourceVersion: "3"\n'
    assert run(alice_sandbox, "kubectl apply -f -", stdin=stale) == (
        'Error from server (Conflict): Operation cannot be fulfilled on configmaps "a": the '
        "object has been modified; please apply your changes to the latest version and try "
        "again\n"
    )


def test_the_timeline_is_stored_in_order(alice_sandbox):
    sandboxes.sandbox_apply(sandbox_id=alice_sandbox.pk, manifest=DEPLOYMENT)
    entries = list(TimelineEntry.objects.filter(sandbox=alice_sandbox).order_by("seq"))
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    mine = [e for e in entries if e.actor == "you"]
    assert mine and mine[0].kind == "Deployment" and mine[0].name == "web"
    assert any(e.actor == "replicaset-controller" for e in entries)


def test_a_write_queues_the_next_timer_and_a_settled_cluster_none(alice_sandbox):
    sandboxes.sandbox_apply(sandbox_id=alice_sandbox.pk, manifest=DEPLOYMENT)
    sandbox = Sandbox.objects.get(pk=alice_sandbox.pk)
    assert sandbox.timer_token and sandbox.timer_due > timezone.now() - timedelta(seconds=1)
    sandboxes.sandbox_clock(sandbox_id=sandbox.pk, action="settle")
    sandbox = Sandbox.objects.get(pk=alice_sandbox.pk)
    assert (sandbox.timer_token, sandbox.timer_due) == ("", None)


def test_a_paused_or_idle_sandbox_queues_no_timer(alice_sandbox):
    sandbox = frozen(alice_sandbox)
    sandboxes.sandbox_apply(sandbox_id=sandbox.pk, manifest=DEPLOYMENT)
    assert Sandbox.objects.get(pk=sandbox.pk).timer_token == ""
    sandboxes.sandbox_clock(sandbox_id=sandbox.pk, action="resume")
    assert Sandbox.objects.get(pk=sandbox.pk).timer_token != ""
    long_ago = timezone.now() - timedelta(hours=2)
    Sandbox.objects.filter(pk=sandbox.pk).update(last_seen_at=long_ago)
    assert sandboxes.sandbox_reconcile(sandbox_id=sandbox.pk) == "done"
    assert Sandbox.objects.get(pk=sandbox.pk).timer_token == ""


def test_pause_freezes_simulated_time_and_resume_continues(alice_sandbox):
    sandbox = frozen(alice_sandbox)
    stopped_at = sandboxes.sim_time(sandbox)
    later = timezone.now() + timedelta(seconds=30)
    assert sandboxes.sim_time(sandbox, later) == stopped_at
    sandboxes.sandbox_clock(sandbox_id=sandbox.pk, action="resume")
    sandboxes.sandbox_clock(sandbox_id=sandbox.pk, action="speed", value="10")
    sandbox = Sandbox.objects.get(pk=sandbox.pk)
    at = sandbox.wall_anchor + timedelta(seconds=3)
    assert sandboxes.sim_time(sandbox, at) == pytest.approx(sandbox.sim_anchor + 30)


@pytest.mark.parametrize("value", ["0.1", "61", "fast"])
def test_speed_outside_quarter_to_sixty_is_refused(alice_sandbox, value):
    with pytest.raises(sandboxes.SandboxError):
        sandboxes.sandbox_clock(sandbox_id=alice_sandbox.pk, action="speed", value=value)
    assert Sandbox.objects.get(pk=alice_sandbox.pk).speed == 1.0


def test_step_jumps_to_the_next_timer(alice_sandbox):
    sandbox = frozen(alice_sandbox)
    sandboxes.sandbox_apply(sandbox_id=sandbox.pk, manifest=DEPLOYMENT)
    before = Sandbox.objects.get(pk=sandbox.pk).sim_anchor
    assert sandboxes.sandbox_clock(sandbox_id=sandbox.pk, action="step") == (
        "stepped to the next timer"
    )
    assert Sandbox.objects.get(pk=sandbox.pk).sim_anchor > before
    sandboxes.sandbox_clock(sandbox_id=sandbox.pk, action="settle")
    assert sandboxes.sandbox_clock(sandbox_id=sandbox.pk, action="step") == "nothing pending"


def test_an_idle_sandbox_catches_up_at_most_the_limit(alice_sandbox, settings):
    settings.SANDBOX_MAX_CATCHUP = 600
    sandbox = frozen(alice_sandbox)
    sandboxes.sandbox_clock(sandbox_id=sandbox.pk, action="resume")
    sandbox = Sandbox.objects.get(pk=sandbox.pk)
    anchor = sandbox.sim_anchor
    Sandbox.objects.filter(pk=sandbox.pk).update(
        wall_anchor=sandbox.wall_anchor - timedelta(hours=3)
    )
    sandboxes.sandbox_touch(sandbox_id=sandbox.pk)
    assert Sandbox.objects.get(pk=sandbox.pk).sim_anchor == pytest.approx(anchor + 600, abs=1)


def test_the_reconcile_claims_the_sandbox_and_ignores_stale_timers(alice_sandbox):
    assert sandboxes.sandbox_claim(sandbox_id=alice_sandbox.pk)
    assert not sandboxes.sandbox_claim(sandbox_id=alice_sandbox.pk)
    assert sandboxes.sandbox_reconcile(sandbox_id=alice_sandbox.pk) == "busy"
    sandboxes.sandbox_release(sandbox_id=alice_sandbox.pk)
    assert sandboxes.sandbox_reconcile(sandbox_id=alice_sandbox.pk, token="old") == "stale"


def test_a_reconcile_with_nothing_due_writes_nothing(alice_sandbox):
    sandbox = frozen(alice_sandbox)
    before = rows(sandbox)
    assert sandboxes.sandbox_reconcile(sandbox_id=sandbox.pk) == "done"
    assert rows(sandbox) == before
    assert Sandbox.objects.get(pk=sandbox.pk).resource_version == sandbox.resource_version


def test_reset_gives_a_fresh_cluster(alice_sandbox):
    sandboxes.sandbox_apply(sandbox_id=alice_sandbox.pk, manifest=DEPLOYMENT)
    sandboxes.sandbox_reset(sandbox=alice_sandbox)
    assert not ObjectRow.objects.filter(
        sandbox=alice_sandbox, kind="Deployment", namespace="default"
    ).exists()
    assert ObjectRow.objects.filter(sandbox=alice_sandbox, kind="Node").count() == 3
    assert not TimelineEntry.objects.filter(sandbox=alice_sandbox, actor="you").exists()


# ---- operator commands ---------------------------------------------------------------------


def manage(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    "words",
    [
        ["get", "pods", "-A", "-o", "wide"],
        ["get", "nodes"],
        ["describe", "node", "worker-1"],
        ["clock"],
        ["get", "deploy", "-n", "kube-system"],
    ],
)
def test_manage_kubectl_prints_what_the_console_prints(words):
    manage("sandbox", "create", "ops", "--seed", "3")
    sandbox = frozen(Sandbox.objects.get(name="ops"))
    line = " ".join(words if words[0] == "clock" else ["kubectl", *words])
    assert manage("kubectl", "--sandbox", "ops", "--", *words) == run(sandbox, line)


def test_manage_sandbox_create_reset_delete():
    assert manage("sandbox", "create", "ops") == 'sandbox "ops" created\n'
    manage("kubectl", "--sandbox", "ops", "--", "create", "configmap", "c", "--from-literal=a=b")
    assert manage("sandbox", "reset", "ops") == 'sandbox "ops" reset\n'
    assert "configmap/c" not in manage("kubectl", "--sandbox", "ops", "--", "get", "cm")
    assert manage("sandbox", "list").splitlines()[0].split() == [
        "ID",
        "NAME",
        "OWNER",
        "OBJECTS",
        "SIMULATED-TIME",
        "SPEED",
        "LAST-SEEN",
    ]
    assert manage("sandbox", "delete", "ops") == 'sandbox "ops" deleted\n'
    assert not Sandbox.objects.filter(name="ops").exists()


def test_manage_kubectl_create_flag_makes_the_sandbox():
    out = manage("kubectl", "--sandbox", "fresh", "--create", "--", "get", "ns")
    assert out.splitlines()[0].split() == ["NAME", "STATUS", "AGE"]
    assert Sandbox.objects.filter(name="fresh").exists()


def test_a_watched_sandbox_requeues_a_timer_that_is_long_overdue(alice_sandbox, monkeypatch):
    queued = []
    monkeypatch.setattr(sandboxes, "_enqueue", lambda *args: queued.append(args))
    sandboxes.sandbox_apply(sandbox_id=alice_sandbox.pk, manifest=DEPLOYMENT)
    sandbox = Sandbox.objects.get(pk=alice_sandbox.pk)
    assert not sandboxes.sandbox_heal_timer(sandbox_id=sandbox.pk)  # not due yet
    Sandbox.objects.filter(pk=sandbox.pk).update(timer_due=timezone.now() - timedelta(minutes=5))
    assert sandboxes.sandbox_heal_timer(sandbox_id=sandbox.pk)
    assert queued == [(sandbox.pk, sandbox.timer_token, 0)]


def test_the_store_reports_each_save_against_what_is_stored(alice_sandbox):
    from playground.sim.console import Console
    from playground.store import load_cluster, save_cluster

    loaded = load_cluster(Sandbox.objects.get(pk=alice_sandbox.pk))
    console = Console(loaded.cluster)

    def saved_types(line: str) -> list[tuple[str, str]]:
        console.run(line)
        changes = save_cluster(loaded).changed
        return [(c["type"], c["kind"]) for c in changes if c["kind"] == "ConfigMap"]

    assert saved_types("kubectl create configmap c --from-literal=a=b") == [("ADDED", "ConfigMap")]
    assert saved_types("kubectl delete configmap c") == [("DELETED", "ConfigMap")]
    assert saved_types("kubectl create configmap c --from-literal=a=b") == [("ADDED", "ConfigMap")]
    assert ObjectRow.objects.filter(sandbox=alice_sandbox, kind="ConfigMap", name="c").exists()


def test_kubernetes_events_join_the_timeline_in_time_order(alice_sandbox):
    sandboxes.sandbox_apply(sandbox_id=alice_sandbox.pk, manifest=DEPLOYMENT)
    sandboxes.sandbox_clock(sandbox_id=alice_sandbox.pk, action="settle")
    entries = list(TimelineEntry.objects.filter(sandbox=alice_sandbox).order_by("seq"))
    scheduled = [e for e in entries if e.reason == "Scheduled" and e.namespace == "default"]
    assert len(scheduled) == 3
    for entry in scheduled:
        assert entry.event_type == "Normal" and entry.actor == "default-scheduler"
        assert entry.kind == "Pod" and entry.name.startswith("web-")
        assert entry.message.startswith(f"Successfully assigned default/{entry.name} to worker-")
    scaled = next(e for e in entries if e.reason == "ScalingReplicaSet" and e.name == "web")
    assert scaled.message.startswith("Scaled up replica set web-") and scaled.uid
    times = [e.time for e in entries if e.seq > scaled.seq]
    assert times == sorted(times)
