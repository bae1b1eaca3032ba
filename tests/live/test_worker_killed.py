"""A worker killed (SIGKILL) in the middle of a reconcile loses nothing: its transaction
never commits, its claim expires, its message (acked late) is delivered again, and a
restarted worker converges to the same state; a learner's write that waited on the
dead worker's lock is kept."""

import signal
import threading

import pytest

from devtools import procs
from playground import sandboxes
from playground.models import ObjectRow, Sandbox
from tests.live.support import DEPLOYMENT, running, stored_pods, wait_for
from tests.support.servers import CeleryWorker, subprocess_env

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

FAST_RETRY = {
    "CELERY_VISIBILITY_TIMEOUT": "2",
    "CELERY_UNACKED_RESTORE_INTERVAL": "1",
    "CELERY_UNACKED_RESTORE_THROTTLE": "1",
    "SANDBOX_LEASE_SECONDS": "3",
}


def start_worker(**env: str) -> CeleryWorker:
    worker = CeleryWorker(env=subprocess_env(**FAST_RETRY, **env))
    worker.start()
    return worker


def kill(worker: CeleryWorker) -> None:
    procs.signal_group(worker.proc.pid, signal.SIGKILL)
    worker.proc.wait(timeout=10)
    worker.stop()


def claimed(sandbox_id: int) -> bool:
    return Sandbox.objects.get(pk=sandbox_id).reconciling_until is not None


def all_running(sandbox_id: int, count: int = 3) -> bool:
    pods = stored_pods(sandbox_id)
    return len(pods) == count and all(running(p) for p in pods)


def converge_with_a_new_worker(sandbox_id: int) -> None:
    worker = start_worker()
    try:
        wait_for(lambda: all_running(sandbox_id), timeout=40)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\nworker log:\n{worker.tail(40)}") from None
    finally:
        worker.stop()


def prepare(alice) -> tuple[Sandbox, set[str]]:
    sandbox = sandboxes.sandbox_create(name="lab", owner=alice, seed=5)
    sandboxes.sandbox_clock(sandbox_id=sandbox.pk, action="speed", value="60")
    sandboxes.sandbox_apply(sandbox_id=sandbox.pk, manifest=DEPLOYMENT)
    names = {p["metadata"]["name"] for p in stored_pods(sandbox.pk)}
    assert len(names) == 3 and not any(running(p) for p in stored_pods(sandbox.pk))
    return sandbox, names


def test_a_worker_killed_mid_reconcile_is_redelivered_and_converges(alice):
    slow = start_worker(SANDBOX_RECONCILE_PAUSE="30")
    try:
        sandbox, names = prepare(alice)
        rv = Sandbox.objects.get(pk=sandbox.pk).resource_version
        wait_for(lambda: claimed(sandbox.pk), timeout=20)
    finally:
        kill(slow)
    # the dead worker wrote nothing
    assert Sandbox.objects.get(pk=sandbox.pk).resource_version == rv
    converge_with_a_new_worker(sandbox.pk)
    assert {p["metadata"]["name"] for p in stored_pods(sandbox.pk)} == names
    assert (
        ObjectRow.objects.filter(sandbox=sandbox, kind="ReplicaSet", namespace="default").count()
        == 1
    )


def test_a_write_waiting_on_a_killed_workers_lock_is_kept(alice):
    slow = start_worker(SANDBOX_RECONCILE_PAUSE="30")
    outcome: dict = {}
    try:
        sandbox, names = prepare(alice)
        wait_for(lambda: claimed(sandbox.pk), timeout=20)

        def write() -> None:
            outcome["result"] = sandboxes.sandbox_command(
                sandbox_id=sandbox.pk, line="kubectl create configmap keep --from-literal=a=b"
            )

        writer = threading.Thread(target=write)
        writer.start()
        writer.join(timeout=1)
        assert writer.is_alive(), "the write should wait for the reconciling worker's lock"
    finally:
        kill(slow)
    writer.join(timeout=30)
    assert outcome["result"] == ("configmap/keep created\n", True)
    converge_with_a_new_worker(sandbox.pk)
    assert {p["metadata"]["name"] for p in stored_pods(sandbox.pk)} == names
    assert ObjectRow.objects.filter(sandbox=sandbox, kind="ConfigMap", name="keep").exists()
