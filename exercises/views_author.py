"""The instructor's authoring area: list, create, edit, preview, test, publish, duplicate,
archive, export and import exercises. Permission checks live in exercises/access.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from exercises import access, services
from exercises.forms import ExerciseForm, ImportForm
from exercises.models import Exercise
from lessons.markdown import render as markdown


def instructor_only(view):
    """The authoring area: 404 for anyone who is not an instructor (or staff)."""

    @login_required
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not access.is_instructor(request.user):
            raise Http404("No such page")
        return view(request, *args, **kwargs)

    wrapped.__name__, wrapped.__doc__ = view.__name__, view.__doc__
    return wrapped


@require_GET
@instructor_only
def exercise_list(request: HttpRequest) -> HttpResponse:
    mine = Exercise.objects.filter(owner=request.user)
    show = request.GET.get("show", "")
    if show != "archived":
        mine = mine.exclude(status=Exercise.ARCHIVED)
    return render(request, "exercises/list.html", {"exercises": mine, "show": show})


@require_http_methods(["GET", "POST"])
@instructor_only
def exercise_new(request: HttpRequest) -> HttpResponse:
    form = ExerciseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        exercise = services.exercise_create(owner=request.user, doc=form.document)
        messages.success(request, "Exercise saved as a draft. Test it before publishing.")
        return redirect("exercise_detail", exercise.pk)
    return render(request, "exercises/edit.html", {"form": form, "exercise": None})


@require_http_methods(["GET", "POST"])
@login_required
def exercise_edit(request: HttpRequest, exercise_id: int) -> HttpResponse:
    exercise = access.editable_exercise(request.user, exercise_id)
    if request.method == "POST":
        form = ExerciseForm(request.POST)
        if form.is_valid():
            was = exercise.status
            services.exercise_update(exercise=exercise, doc=form.document)
            if was == Exercise.PUBLISHED and exercise.status == Exercise.DRAFT:
                messages.warning(request, "The exercise changed, so it is a draft again: "
                                          "test it and publish it again.")
            return redirect("exercise_detail", exercise.pk)
    else:
        form = ExerciseForm.from_document(exercise.document)
    return render(request, "exercises/edit.html", {"form": form, "exercise": exercise})


def detail_context(exercise: Exercise, **extra) -> dict:
    return {
        "exercise": exercise,
        "doc": exercise.document,
        "description": markdown(exercise.document.get("description", "")),
        "tested": exercise.tested_digest == services.digest(exercise.document),
        **extra,
    }


@require_GET
@login_required
def exercise_detail(request: HttpRequest, exercise_id: int) -> HttpResponse:
    """The preview: the task text as learners see it, plus what only the author sees."""
    exercise = access.editable_exercise(request.user, exercise_id)
    return render(request, "exercises/detail.html", detail_context(exercise))


@require_POST
@login_required
def exercise_test(request: HttpRequest, exercise_id: int) -> HttpResponse:
    exercise = access.editable_exercise(request.user, exercise_id)
    report = services.exercise_test(exercise=exercise)
    return render(request, "exercises/detail.html", detail_context(exercise, report=report))


@require_POST
@login_required
def exercise_status(request: HttpRequest, exercise_id: int) -> HttpResponse:
    exercise = access.editable_exercise(request.user, exercise_id)
    try:
        services.exercise_set_status(exercise=exercise, status=request.POST.get("status", ""))
    except services.ExerciseError as exc:
        messages.error(request, str(exc))
    return redirect("exercise_detail", exercise.pk)


@require_POST
@login_required
def exercise_duplicate(request: HttpRequest, exercise_id: int) -> HttpResponse:
    exercise = access.editable_exercise(request.user, exercise_id)
    if not access.is_instructor(request.user):
        raise Http404("No such page")
    copy = services.exercise_duplicate(exercise=exercise, owner=request.user)
    messages.success(request, "A copy was made; it is a draft.")
    return redirect("exercise_detail", copy.pk)


@require_GET
@login_required
def exercise_export(request: HttpRequest, exercise_id: int) -> HttpResponse:
    exercise = access.editable_exercise(request.user, exercise_id)
    response = HttpResponse(services.exercise_export(exercise),
                            content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="exercise-{exercise.pk}.yaml"'
    return response


@require_http_methods(["GET", "POST"])
@instructor_only
def exercise_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        exercise, problems = services.exercise_import(owner=request.user,
                                                      text=form.cleaned_data["content"])
        if exercise is not None:
            messages.success(request, "Imported as a draft. Test it before publishing.")
            return redirect("exercise_detail", exercise.pk)
    status = 400 if problems or form.errors else 200
    return render(request, "exercises/import.html", {"form": form, "problems": problems},
                  status=status)
