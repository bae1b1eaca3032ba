"""The authoring area, attempts and classes through Django's test client."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from exercises.forms import ExerciseForm
from exercises.models import Attempt, Classroom, Exercise, Membership
from tests.exercises.conftest import client_for
from tests.exercises.support import BROKEN_SERVICE

pytestmark = pytest.mark.django_db

FIX = """kubectl patch service web -p '{"spec":{"selector":{"app":"web"}}}'"""


def form_data(doc: dict) -> dict:
    return {k: v for k, v in ExerciseForm.from_document(doc).initial.items()}


def test_the_edit_form_gives_back_the_same_document(ivy, exercise):
    client = client_for(ivy)
    before = dict(exercise.document)
    response = client.post(f"/exercises/{exercise.pk}/edit", form_data(before))
    assert response.status_code == 302
    exercise.refresh_from_db()
    assert exercise.document == before
    assert exercise.status == "published"  # nothing changed: still tested, still published


def test_creating_an_exercise_in_the_browser(ivy):
    client = client_for(ivy)
    data = {"title": "Scale it", "difficulty": "medium", "estimated_minutes": "5",
            "description": "Scale **web** to 3.", "manifests": "", "commands":
            "kubectl create deployment web --image=nginx:1.27", "faults": "2m stop-node worker-2",
            "tasks": "- title: three\n  check:\n    ready_pods: {deployment: web, count: 3}\n"
                     "  solution:\n  - kubectl scale deployment web --replicas=3\n"}
    response = client.post("/exercises/new", data)
    assert response.status_code == 302
    exercise = Exercise.objects.get(title="Scale it")
    assert exercise.owner == ivy and exercise.status == "draft"
    assert exercise.document["faults"] == [{"at": "2m", "action": "stop-node",
                                            "target": "worker-2"}]
    assert exercise.document["start"]["commands"] == [
        "kubectl create deployment web --image=nginx:1.27"]
    page = client.post(f"/exercises/{exercise.pk}/test").content.decode()
    assert "The solution passes every check" in page
    client.post(f"/exercises/{exercise.pk}/status", {"status": "published"})
    exercise.refresh_from_db()
    assert exercise.status == "published"


def test_form_problems_are_shown_beside_their_fields_and_nothing_is_saved(ivy):
    data = {"title": "x", "difficulty": "easy", "estimated_minutes": "5", "manifests":
            "kind: Service\nmetadata: {}\n", "faults": "soon explode\n2m explode w-1",
            "tasks": "- title: t\n  check:\n    exists: {kind: Pdo, name: x}\n  solution: []\n"}
    response = client_for(ivy).post("/exercises/new", data)
    html = response.content.decode()
    assert response.status_code == 200 and Exercise.objects.count() == 0
    assert "line 1: expected &#x27;AT ACTION TARGET [NAMESPACE]&#x27;" in html
    assert "faults[0].action: must be one of stop-node, start-node, delete-pod" in html
    assert "start.manifests[0] (document 1): missing apiVersion" in html
    assert "tasks[0].check.exists.kind: unknown kind &#x27;Pdo&#x27;" in html


def test_the_description_is_sanitised(ivy, exercise):
    doc = dict(exercise.document, description='<script>alert(1)</script>\n\n'
               '[x](javascript:alert(1)) <img src=x onerror=alert(1)>')
    exercise.document = doc
    exercise.save()
    html = client_for(ivy).get(f"/exercises/{exercise.pk}/").content.decode()
    text = html.split("Task text")[1].split("<h2>Tasks")[0]
    assert "<script" not in text and "<img" not in text
    assert "href=\"javascript:" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_publish_refused_until_tested(ivy, exercise):
    client = client_for(ivy)
    doc = dict(exercise.document, description="changed")
    exercise.document, exercise.tested_digest, exercise.status = doc, "", "draft"
    exercise.save()
    response = client.post(f"/exercises/{exercise.pk}/status", {"status": "published"},
                           follow=True)
    assert "Test the exercise first" in response.content.decode()
    exercise.refresh_from_db()
    assert exercise.status == "draft"


def test_export_and_import_pages_round_trip(ivy, otto, exercise):
    exported = client_for(ivy).get(f"/exercises/{exercise.pk}/export")
    assert exported["Content-Disposition"] == f'attachment; filename="exercise-{exercise.pk}.yaml"'
    assert exported.content.decode() == BROKEN_SERVICE
    upload = SimpleUploadedFile("x.yaml", exported.content, content_type="application/yaml")
    response = client_for(otto).post("/exercises/import", {"file": upload})
    assert response.status_code == 302
    copy = Exercise.objects.get(owner=otto)
    again = client_for(otto).get(f"/exercises/{copy.pk}/export").content
    assert again == exported.content


def test_a_bad_import_lists_every_problem_and_changes_nothing(ivy):
    text = "kind: Exercise\nversion: 1\ntitle: t\ndifficulty: hard-ish\ntasks: []\n"
    response = client_for(ivy).post("/exercises/import", {"text": text})
    html = response.content.decode()
    assert response.status_code == 400 and Exercise.objects.count() == 0
    assert "difficulty: must be one of easy, medium, hard (line 4)" in html
    assert "tasks: an exercise needs at least one task (line 5)" in html
    big = SimpleUploadedFile("big.yaml", b"#" * (256 * 1024 + 1))
    response = client_for(ivy).post("/exercises/import", {"file": big})
    assert response.status_code == 400 and "at most 262144 are accepted" in \
        response.content.decode()


def test_duplicate_and_archive(ivy, exercise):
    client = client_for(ivy)
    client.post(f"/exercises/{exercise.pk}/duplicate")
    copy = Exercise.objects.exclude(pk=exercise.pk).get()
    assert copy.title == "Fix the Service (copy)" and copy.status == "draft"
    client.post(f"/exercises/{copy.pk}/status", {"status": "archived"})
    listing = client.get("/exercises/").content.decode()
    assert "Fix the Service (copy)" not in listing
    assert "Fix the Service (copy)" in client.get("/exercises/?show=archived").content.decode()


def test_a_learner_joins_attempts_and_completes(ivy, lea, exercise):
    classroom = Classroom.objects.create(owner=ivy, name="Morning")
    client_for(ivy).post(f"/classes/{classroom.pk}/assign", {"item": f"exercise:{exercise.pk}"})
    learner = client_for(lea)
    assert learner.get(f"/exercises/{exercise.pk}/attempt/").status_code == 404
    join = learner.get(f"/classes/join?code={classroom.join_code}").content.decode()
    assert f'value="{classroom.join_code}"' in join
    assert learner.post("/classes/join", {"code": classroom.join_code}).status_code == 302
    assert Membership.objects.filter(classroom=classroom, user=lea).exists()
    assert learner.post(f"/exercises/{exercise.pk}/attempt/start").status_code == 302
    page = learner.get(f"/exercises/{exercise.pk}/attempt/").content.decode()
    assert "The Service has endpoints" in page and 'id="sandbox"' in page
    assert f"/exercises/{exercise.pk}/attempt/console" in page
    response = learner.post(f"/exercises/{exercise.pk}/attempt/console", {"line": FIX})
    assert response.json()["ok"]
    learner.post(f"/exercises/{exercise.pk}/attempt/console", {"line": "clock settle"})
    attempt = Attempt.objects.get(user=lea)
    assert attempt.completed_at is not None and FIX in attempt.commands
    tasks = learner.post(f"/exercises/{exercise.pk}/attempt/check").content.decode()
    assert "Complete" in tasks and "with 0 hint(s)" in tasks
    board = client_for(ivy).get(f"/classes/{classroom.pk}/").content.decode()
    assert 'data-state="done"' in board


def test_hints_are_counted(ivy, lea, exercise, classroom):
    learner = client_for(lea)
    learner.post(f"/exercises/{exercise.pk}/attempt/start")
    hint = learner.post(f"/exercises/{exercise.pk}/attempt/hint", {"task": "0", "shown": "0"})
    assert hint.content.decode().strip() == \
        "<li>Compare the Service&#x27;s selector with the pods&#x27; labels.</li>"
    assert learner.post(f"/exercises/{exercise.pk}/attempt/hint",
                        {"task": "0", "shown": "1"}).status_code == 204
    assert learner.post(f"/exercises/{exercise.pk}/attempt/hint",
                        {"task": "9"}).status_code == 400
    assert Attempt.objects.get(user=lea).hints_used == 1


def test_reset_and_retry(lea, exercise, classroom):
    learner = client_for(lea)
    learner.post(f"/exercises/{exercise.pk}/attempt/start")
    learner.post(f"/exercises/{exercise.pk}/attempt/console", {"line": FIX})
    learner.post(f"/exercises/{exercise.pk}/attempt/console", {"line": "clock settle"})
    assert Attempt.objects.get(user=lea).completed_at is not None
    assert learner.post(f"/exercises/{exercise.pk}/attempt/restart").status_code == 302
    attempt = Attempt.objects.get(user=lea)
    assert attempt.completed_at is None and attempt.passed_tasks == []
    tasks = learner.post(f"/exercises/{exercise.pk}/attempt/check").content.decode()
    assert "its selector app=wbe matches no pod" in tasks


def test_the_csv_export(ivy, lea, exercise, classroom):
    client_for(lea).post(f"/exercises/{exercise.pk}/attempt/start")
    response = client_for(ivy).get(f"/classes/{classroom.pk}/results.csv")
    assert response["Content-Type"] == "text/csv"
    assert response.content.decode().splitlines() == [
        "learner,Fix the Service: status,Fix the Service: detail",
        "lea,in-progress,task 1/1: The Service has endpoints"]


def test_the_instructor_sees_a_learners_sandbox_read_only(ivy, lea, exercise, classroom):
    learner = client_for(lea)
    learner.post(f"/exercises/{exercise.pk}/attempt/start")
    learner.post(f"/exercises/{exercise.pk}/attempt/console", {"line": "kubectl get svc"})
    assignment = classroom.assignments.get()
    html = client_for(ivy).get(
        f"/classes/{classroom.pk}/learners/{lea.pk}/{assignment.pk}/").content.decode()
    assert 'data-readonly="1"' in html and "$ kubectl get svc" in html
    assert "Service" in html


def test_the_form_reports_what_the_api_server_refuses(ivy):
    data = {"title": "x", "difficulty": "easy", "estimated_minutes": "5",
            "manifests": "apiVersion: v1\nkind: Sevice\nmetadata:\n  name: web\n",
            "commands": "kubectl get pods", "faults": "",
            "tasks": "- title: t\n  check:\n    exists: {kind: Pod, name: x}\n"
                     "  solution: [kubectl run x --image=nginx]\n"}
    response = client_for(ivy).post("/exercises/new", data)
    html = response.content.decode()
    assert response.status_code == 200 and Exercise.objects.count() == 0
    assert 'start.manifests[0]: error: resource mapping not found for name: &quot;web&quot;' in html


def test_signed_in_users_find_classes_in_the_navigation(lea):
    assert 'id="nav-classes"' in client_for(lea).get("/").content.decode()
    assert 'id="nav-classes"' not in client_for().get("/").content.decode()
