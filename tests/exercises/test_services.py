"""Exercises, attempts and classes through the services, on the live sandbox path."""

from __future__ import annotations

import pytest

from exercises import dashboard, live, services, spec
from exercises.models import Attempt, Exercise, HistoryRecord
from playground import sandboxes
from tests.exercises.support import BROKEN_SERVICE

pytestmark = pytest.mark.django_db

FIX = """kubectl patch service web -p '{"spec":{"selector":{"app":"web"}}}'"""


def settle(attempt) -> None:
    with sandboxes.opened(attempt.sandbox_id) as loaded:
        loaded.cluster.settle()


def test_publishing_needs_a_passing_test_and_an_edit_needs_another(ivy):
    doc, _ = spec.parse(BROKEN_SERVICE)
    exercise = services.exercise_create(owner=ivy, doc=doc)
    with pytest.raises(services.ExerciseError, match="Test the exercise first"):
        services.exercise_set_status(exercise=exercise, status="published")
    report = services.exercise_test(exercise=exercise)
    assert report.solution_passes and report.start_fails
    services.exercise_set_status(exercise=exercise, status="published")
    edited = dict(doc, description="changed")
    services.exercise_update(exercise=exercise, doc=edited)
    exercise.refresh_from_db()
    assert exercise.status == Exercise.DRAFT and exercise.tested_digest == ""


def test_a_failing_solution_cannot_be_published(ivy):
    doc, _ = spec.parse(BROKEN_SERVICE)
    doc["tasks"][0]["solution"] = ["kubectl get pods"]
    exercise = services.exercise_create(owner=ivy, doc=doc)
    assert not services.exercise_test(exercise=exercise).solution_passes
    with pytest.raises(services.ExerciseError):
        services.exercise_set_status(exercise=exercise, status="published")


def test_export_import_round_trip_through_the_database(ivy, otto):
    doc, _ = spec.parse(BROKEN_SERVICE)
    exercise = services.exercise_create(owner=ivy, doc=doc)
    text = services.exercise_export(exercise)
    assert text == BROKEN_SERVICE
    copy, problems = services.exercise_import(owner=otto, text=text)
    assert problems == [] and copy.owner == otto and copy.status == Exercise.DRAFT
    assert services.exercise_export(Exercise.objects.get(pk=copy.pk)) == text


def test_a_bad_import_creates_nothing(ivy):
    copy, problems = services.exercise_import(owner=ivy, text="kind: Exercise\nversion: 1\n")
    assert copy is None and Exercise.objects.count() == 0
    assert "title: is required" in problems


def test_an_attempt_starts_broken_records_history_and_completes_live(exercise, lea):
    attempt = live.attempt_start(exercise=exercise, user=lea)
    assert attempt.sandbox.owner == lea
    assert attempt.passed_tasks == [] and attempt.completed_at is None
    with sandboxes.opened(attempt.sandbox_id) as loaded:
        loaded.cluster.settle()
    attempt.refresh_from_db()
    assert attempt.passed_tasks == []
    kinds = set(HistoryRecord.objects.filter(sandbox=attempt.sandbox)
                .values_list("data__kind", flat=True))
    assert {"Deployment", "Endpoints", "Pod"} <= kinds
    live.record_command(attempt=attempt, line=FIX)
    output, ok = sandboxes.sandbox_command(sandbox_id=attempt.sandbox_id, line=FIX)
    assert ok, output
    attempt.refresh_from_db()
    assert attempt.passed_tasks == [0] and attempt.completed_at is not None
    assert attempt.commands == [FIX]


def test_deleting_a_pod_by_hand_is_recorded_as_the_learners_action(exercise, lea):
    attempt = live.attempt_start(exercise=exercise, user=lea)
    with sandboxes.opened(attempt.sandbox_id) as loaded:
        loaded.cluster.settle()
        pod = loaded.cluster.store.list("Pod", "default")[0]["metadata"]["name"]
    sandboxes.sandbox_command(sandbox_id=attempt.sandbox_id, line=f"kubectl delete pod {pod}")
    actions = [{k: v for k, v in r.items() if k != "t"}
               for r in live.sandbox_records(attempt.sandbox_id) if r["op"] == "action"]
    assert {"op": "action", "actor": "you", "verb": "deleted", "kind": "Pod", "ns": "default",
            "name": pod} in actions


def test_restart_gives_a_fresh_start_and_keeps_the_hint_count(exercise, lea):
    attempt = live.attempt_start(exercise=exercise, user=lea)
    live.hint_used(attempt=attempt, task=0)
    sandboxes.sandbox_command(sandbox_id=attempt.sandbox_id, line=FIX)
    settle(attempt)
    attempt.refresh_from_db()
    assert attempt.completed_at is not None
    live.attempt_restart(attempt=attempt)
    attempt.refresh_from_db()
    assert attempt.passed_tasks == [] and attempt.completed_at is None
    assert attempt.hints_used == 1
    results = live.attempt_check(attempt=attempt)
    assert not results[0].passed and "selector app=wbe" in results[0].feedback


def test_dashboard_cells_follow_the_learner(classroom, exercise, lea):
    assert dashboard.row_cells(classroom, lea) == [
        {"state": "not-started", "label": "not started"}]
    attempt = live.attempt_start(exercise=exercise, user=lea)
    assert dashboard.row_cells(classroom, lea) == [
        {"state": "in-progress", "label": "task 1/1: The Service has endpoints"}]
    sandboxes.sandbox_command(sandbox_id=attempt.sandbox_id, line=FIX)
    settle(attempt)
    cells = dashboard.row_cells(classroom, lea)
    assert cells[0]["state"] == "done" and cells[0]["label"].startswith("done in 0 min, 0 hint")
    text = dashboard.results_csv(classroom)
    assert text.splitlines() == [
        "learner,Fix the Service: status,Fix the Service: detail",
        f"lea,done,\"{cells[0]['label']}\"",
    ]


def test_join_codes_and_assignments(ivy, exercise, lea):
    classroom = services.classroom_create(owner=ivy, name="Evening class")
    assert len(classroom.join_code) == 8
    with pytest.raises(services.ExerciseError, match="No class has that join code"):
        services.classroom_join(user=lea, code="NOPE")
    assert services.classroom_join(user=lea, code=classroom.join_code.lower()) == classroom
    services.assignment_create(classroom=classroom, exercise=exercise)
    with pytest.raises(services.ExerciseError, match="already has"):
        services.assignment_create(classroom=classroom, exercise=exercise)
    draft = services.exercise_create(owner=ivy, doc=exercise.document)
    with pytest.raises(services.ExerciseError, match="published"):
        services.assignment_create(classroom=classroom, exercise=draft)


def test_the_csv_never_starts_a_formula():
    assert dashboard._safe("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert dashboard._safe("lea") == "lea"
    assert Attempt  # the model is importable beside the services
