"""Classes: create one, join with a code, assign exercises and lessons, watch the live
dashboard, open a learner's sandbox read-only, export the results as CSV."""

from __future__ import annotations

from datetime import UTC

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from exercises import access, dashboard, services
from exercises.forms import AssignForm, ClassroomForm, JoinForm
from exercises.models import Assignment, Attempt, Classroom, Exercise, Membership
from exercises.views_author import instructor_only
from playground.sandboxes_render import page_context


@require_GET
@login_required
def class_list(request: HttpRequest) -> HttpResponse:
    """Classes I teach (instructors) and classes I joined, with their assignments."""
    joined = Membership.objects.filter(user=request.user).select_related("classroom")
    learning = []
    for membership in joined:
        classroom = membership.classroom
        assignments = list(classroom.assignments.select_related("exercise", "lesson"))
        cells = dashboard.row_cells(classroom, request.user, assignments)
        learning.append({"classroom": classroom,
                         "items": list(zip(assignments, cells, strict=True))})
    ctx = {"learning": learning, "form": ClassroomForm(),
           "teaching": Classroom.objects.filter(owner=request.user),
           "instructor": access.is_instructor(request.user)}
    return render(request, "exercises/class_list.html", ctx)


@require_POST
@instructor_only
def class_new(request: HttpRequest) -> HttpResponse:
    form = ClassroomForm(request.POST)
    if not form.is_valid():
        messages.error(request, "A class needs a name of 1 to 120 characters.")
        return redirect("class_list")
    classroom = services.classroom_create(owner=request.user, name=form.cleaned_data["name"])
    return redirect("class_dashboard", classroom.pk)


@require_http_methods(["GET", "POST"])
@login_required
def class_join(request: HttpRequest) -> HttpResponse:
    """The join link (/classes/join?code=...) fills the code in; joining is a POST."""
    form = JoinForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        try:
            classroom = services.classroom_join(user=request.user,
                                                code=form.cleaned_data["code"])
        except services.ExerciseError as exc:
            form.add_error("code", str(exc))
        else:
            messages.success(request, f"You joined {classroom.name}.")
            return redirect("class_list")
    return render(request, "exercises/class_join.html", {"form": form},
                  status=400 if form.errors else 200)


def _assign_form(request: HttpRequest, classroom: Classroom, data=None) -> AssignForm:
    from lessons.models import Lesson

    exercises = Exercise.objects.filter(status=Exercise.PUBLISHED, owner=classroom.owner)
    return AssignForm(data, exercises=exercises, lessons=Lesson.objects.all())


@require_GET
@login_required
def class_dashboard(request: HttpRequest, classroom_id: int) -> HttpResponse:
    classroom = access.run_classroom(request.user, classroom_id)
    join_url = request.build_absolute_uri(reverse("class_join") + f"?code={classroom.join_code}")
    ctx = {"classroom": classroom, "board": dashboard.dashboard(classroom),
           "join_url": join_url, "assign_form": _assign_form(request, classroom)}
    return render(request, "exercises/dashboard.html", ctx)


@require_POST
@login_required
def class_assign(request: HttpRequest, classroom_id: int) -> HttpResponse:
    classroom = access.run_classroom(request.user, classroom_id)
    form = _assign_form(request, classroom, request.POST)
    if not form.is_valid():
        messages.error(request, "Choose an exercise or a lesson (and a valid date).")
        return redirect("class_dashboard", classroom.pk)
    kind, _, pk = form.cleaned_data["item"].partition(":")
    due = form.cleaned_data.get("due_at")
    if due is not None and due.tzinfo is None:
        due = due.replace(tzinfo=UTC)
    target = {"exercise": Exercise.objects.filter(pk=pk).first()} if kind == "exercise" else {
        "lesson": _lesson(pk)}
    try:
        services.assignment_create(classroom=classroom, due_at=due, **target)
    except services.ExerciseError as exc:
        messages.error(request, str(exc))
    return redirect("class_dashboard", classroom.pk)


def _lesson(pk: str):
    from lessons.models import Lesson

    return Lesson.objects.filter(pk=pk).first()


@require_GET
@login_required
def class_results(request: HttpRequest, classroom_id: int) -> HttpResponse:
    classroom = access.run_classroom(request.user, classroom_id)
    response = HttpResponse(dashboard.results_csv(classroom), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="class-{classroom.pk}.csv"'
    return response


@require_GET
@login_required
def learner_sandbox(request: HttpRequest, classroom_id: int, user_id: int,
                    assignment_id: int) -> HttpResponse:
    """A learner's sandbox of one assignment, read-only: map, timeline, console history."""
    classroom = access.run_classroom(request.user, classroom_id)
    membership = access.learner_in(classroom, user_id)
    assignment = Assignment.objects.filter(pk=assignment_id, classroom=classroom).first()
    if assignment is None:
        raise Http404("No such assignment")
    sandbox, history = learner_sandbox_of(assignment, membership.user)
    if sandbox is None:
        raise Http404("This learner has not started it yet")
    ctx = page_context(sandbox, readonly=True)
    ctx.update(classroom=classroom, learner=membership.user, assignment=assignment,
               history=history, readonly=True)
    return render(request, "exercises/learner_sandbox.html", ctx)


def learner_sandbox_of(assignment: Assignment, user):
    if assignment.exercise_id:
        attempt = Attempt.objects.filter(exercise_id=assignment.exercise_id, user=user).first()
        return (attempt.sandbox, attempt.commands) if attempt and attempt.sandbox else (None, [])
    from lessons.models import LessonProgress

    progress = LessonProgress.objects.filter(lesson_id=assignment.lesson_id, user=user).first()
    if progress is None or progress.sandbox is None:
        return None, []
    return progress.sandbox, progress.history
