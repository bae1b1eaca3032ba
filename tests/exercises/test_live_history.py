"""History-aware checks and scheduled faults on the live sandbox path (the records are
written by the save hook, one save per command, and read back by the checks)."""

from __future__ import annotations

import pytest

from exercises import live, services, spec
from playground import sandboxes
from playground.models import TimelineEntry
from tests.exercises.support import WEB

pytestmark = pytest.mark.django_db

SERVICE = """apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
"""
ROLLOUT = {
    "kind": "Exercise", "version": 1, "title": "Roll out 1.28", "difficulty": "medium",
    "estimated_minutes": 10, "description": "Move web to nginx:1.28 without downtime.",
    "start": {"manifests": [WEB, SERVICE], "commands": []},
    "faults": [{"at": "20m", "action": "stop-node", "target": "worker-2"}],
    "tasks": [{"title": "No downtime", "hints": [], "solution": [
        "kubectl set image deployment/web nginx=nginx:1.28"],
        "check": {"all": [
            {"matches": {"kind": "Deployment", "name": "web", "fields": {
                "spec.template.spec.containers[0].image": "nginx:1.28"}}},
            {"ready_pods": {"deployment": "web", "count": 3}},
            {"endpoints_never_below": {"service": "web", "min": 2,
                                       "during_rollout_of": "web"}},
            {"updated_not_recreated": {"deployment": "web"}},
            {"no_manual_delete": {}}]}}],
}


@pytest.fixture
def rollout(ivy):
    doc, problems = spec.parse(spec.dump(ROLLOUT))
    assert problems == []
    exercise = services.exercise_create(owner=ivy, doc=doc)
    assert services.exercise_test(exercise=exercise).solution_passes
    return services.exercise_set_status(exercise=exercise, status="published")


def run(attempt, line: str) -> str:
    output, ok = sandboxes.sandbox_command(sandbox_id=attempt.sandbox_id, line=line)
    assert ok, output
    return output


def test_a_rolling_update_passes_on_the_live_sandbox(rollout, lea):
    attempt = live.attempt_start(exercise=rollout, user=lea)
    run(attempt, "clock settle")
    run(attempt, "kubectl set image deployment/web nginx=nginx:1.28")
    run(attempt, "clock settle")
    attempt.refresh_from_db()
    assert attempt.completed_at is not None


def test_deleting_and_recreating_fails_with_feedback(rollout, lea):
    attempt = live.attempt_start(exercise=rollout, user=lea)
    run(attempt, "clock settle")
    run(attempt, "kubectl delete deployment web")
    run(attempt, "clock settle")
    run(attempt, "kubectl create deployment web --image=nginx:1.28 --replicas=3")
    run(attempt, "clock settle")
    attempt.refresh_from_db()
    assert attempt.completed_at is None
    result = live.attempt_check(attempt=attempt)[0]
    assert result.feedback == ("Ready endpoints of Service web dropped to 0 while Deployment "
                               "web rolled out (at least 2 were needed at all times).")


def test_deleting_a_pod_by_hand_fails_the_task(rollout, lea):
    attempt = live.attempt_start(exercise=rollout, user=lea)
    run(attempt, "clock settle")
    with sandboxes.opened(attempt.sandbox_id) as loaded:
        # settling fired the exercise's fault (worker-2 stopped): pick a pod still serving
        pod = sorted(p["metadata"]["name"] for p in loaded.cluster.store.list("Pod", "default")
                     if not p["metadata"].get("deletionTimestamp"))[0]
    run(attempt, f"kubectl delete pod {pod}")
    run(attempt, "kubectl set image deployment/web nginx=nginx:1.28")
    run(attempt, "clock settle")
    result = live.attempt_check(attempt=attempt)[0]
    assert result.feedback == (f"You deleted Pod {pod} by hand; let the controllers replace "
                               "objects instead.")


def test_the_scheduled_fault_fires_on_the_sandbox_clock(rollout, lea):
    attempt = live.attempt_start(exercise=rollout, user=lea)
    run(attempt, "clock advance 19m")
    assert not TimelineEntry.objects.filter(sandbox_id=attempt.sandbox_id,
                                            actor="exercise").exists()
    run(attempt, "clock advance 1m")
    fired = TimelineEntry.objects.get(sandbox_id=attempt.sandbox_id, actor="exercise")
    assert fired.message == "the exercise's incident stopped node worker-2"
    # the sandbox's next timer was planned for it: the fault is a wake-up of the cluster
    live.attempt_restart(attempt=attempt)
    assert not TimelineEntry.objects.filter(sandbox_id=attempt.sandbox_id,
                                            actor="exercise").exists()
    attempt.sandbox.refresh_from_db()
    plan = attempt.sandbox.meta["scheduled_faults"]
    assert [f["fired"] for f in plan] == [False]


def test_a_lesson_assignment_shows_on_the_dashboard(ivy, lea, classroom):
    from exercises import dashboard
    from lessons.loading import load_lessons
    from lessons.models import Lesson
    from lessons.progress import progress_start

    load_lessons()
    lesson = Lesson.objects.get(slug="services")
    services.assignment_create(classroom=classroom, lesson=lesson)
    assert dashboard.row_cells(classroom, lea)[1] == {"state": "not-started",
                                                      "label": "not started"}
    progress_start(lesson=lesson, user=lea)
    cell = dashboard.row_cells(classroom, lea)[1]
    assert cell["state"] == "in-progress" and cell["label"].startswith("step 1/")


def test_a_reset_from_the_sandbox_pages_forgets_the_old_history(rollout, lea):
    from exercises.models import HistoryRecord

    attempt = live.attempt_start(exercise=rollout, user=lea)
    run(attempt, "clock settle")
    run(attempt, "kubectl delete deployment web")
    assert HistoryRecord.objects.filter(sandbox_id=attempt.sandbox_id,
                                        data__verb="deleted").exists()
    sandboxes.sandbox_reset(sandbox=attempt.sandbox)
    assert not HistoryRecord.objects.filter(sandbox_id=attempt.sandbox_id,
                                            data__verb="deleted").exists()
