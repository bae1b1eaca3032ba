"""Progress belongs to its learner: carried from an anonymous session to the account on
sign-up (or log-in), never visible to anyone else; the lesson list shows it."""

import pytest

from lessons import progress as lessons
from lessons.models import Lesson, LessonProgress
from tests.lessons_web.conftest import client_for

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-passphrase-42"


def finish_step_one(client) -> None:
    client.post("/lessons/services/start")
    client.post("/lessons/services/console", {"line": "kubectl expose deployment web --port=80"})
    client.post("/lessons/services/go", {"step": "2"})


def test_a_visitors_progress_is_kept_on_sign_up(course):
    client = client_for()
    finish_step_one(client)
    visitor = LessonProgress.objects.get()
    sandbox_id = visitor.sandbox_id
    response = client.post(
        "/accounts/signup/",
        {"username": "newbie", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    progress = LessonProgress.objects.get()
    assert progress.user.username == "newbie" and progress.visitor == ""
    assert (progress.completed_steps, progress.current_step) == ([1], 2)
    assert progress.sandbox_id == sandbox_id and progress.sandbox.owner == progress.user
    page = client.get("/lessons/services/").content.decode()
    assert "Step 2 of 7" in page  # resumes where the visitor left off
    assert "1 of 7 steps done" in client.get("/lessons/").content.decode()


def test_logging_in_keeps_the_further_of_two_progresses(course, alice):
    lesson = Lesson.objects.get(slug="services")
    mine = LessonProgress.objects.create(lesson=lesson, user=alice, completed_steps=[1, 2])
    client = client_for()
    finish_step_one(client)  # only step 1 as a visitor
    client.post("/accounts/login/", {"username": "alice", "password": "wonderland-42"})
    assert list(LessonProgress.objects.values_list("pk", "completed_steps")) == [(mine.pk, [1, 2])]


def test_a_learner_sees_only_their_own_progress_and_sandbox(course, alice, bob):
    alices = client_for(alice)
    finish_step_one(alices)
    progress = LessonProgress.objects.get(user=alice)
    bobs = client_for(bob)
    # bob has not started: the lesson page offers to start, never alice's sandbox
    page = bobs.get("/lessons/services/").content.decode()
    assert 'id="lesson-start"' in page and f"/ws/lesson/{progress.sandbox_id}/" not in page
    assert "1 of 7 steps done" not in bobs.get("/lessons/").content.decode()
    for action in ("check", "console", "apply", "go", "restart"):
        response = bobs.post(f"/lessons/services/{action}", {"line": "kubectl get pods"})
        assert response.status_code == 404
    # nor through the sandbox's own doors
    assert bobs.post(f"/sandboxes/{progress.sandbox_id}/console", {"line": "x"}).status_code == 404
    assert client_for().get(f"/sandboxes/{progress.sandbox_id}/").status_code == 404
    # bob's own start gives him a sandbox of his own
    bobs.post("/lessons/services/start")
    assert LessonProgress.objects.get(user=bob).sandbox_id != progress.sandbox_id
    assert LessonProgress.objects.get(user=alice).history == [
        "kubectl expose deployment web --port=80"
    ]


def test_playing_every_solution_finishes_the_lesson(course):
    """Each step's solution typed in the lesson's console: the steps turn done one by one
    (the check after each save), the last one finishes the lesson."""
    client = client_for()
    client.post("/lessons/namespaces/start")
    lesson = Lesson.objects.get(slug="namespaces")
    steps = list(lesson.steps.order_by("number"))
    for step in steps:
        client.post("/lessons/namespaces/go", {"step": str(step.number)})
        for line in step.solution:
            client.post("/lessons/namespaces/console", {"line": line.removeprefix("! ")})
        progress = LessonProgress.objects.get()
        assert progress.completed_steps == list(range(1, step.number + 1))
    assert progress.completed_at is not None
    listing = client.get("/lessons/").content.decode()
    assert listing.count("✓ Done") == 1
    status = client.post("/lessons/namespaces/check").content.decode()
    assert "You finished this lesson." in status and "/lessons/deployments/" in status


class Untouchable:
    """A cluster that fails the test if a check reads it."""

    def __getattr__(self, name):
        raise AssertionError(f"the check read cluster.{name}")


def test_the_hook_is_one_query_and_no_check_outside_an_unfinished_step(
    course, alice, django_assert_num_queries
):
    from types import SimpleNamespace

    from playground import sandboxes

    free = sandboxes.sandbox_create(name="free", owner=alice, seed=3)
    with django_assert_num_queries(1):
        lessons.check_after_reconcile(SimpleNamespace(sandbox=free, cluster=Untouchable()))
    client = client_for(alice)
    client.post("/lessons/services/start")
    progress = LessonProgress.objects.get()
    progress.completed_steps = [1]
    progress.save()
    loaded = SimpleNamespace(sandbox=progress.sandbox, cluster=Untouchable())
    with django_assert_num_queries(1):  # the current step is done: nothing to evaluate
        lessons.check_after_reconcile(loaded)
