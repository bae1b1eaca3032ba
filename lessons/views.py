"""Lesson pages: the list, a lesson beside its live sandbox, and the doors the page
posts to (step navigation, Check, restart, and the console/apply of the sandbox, which
go through here so the lesson sees every command run).

A learner only ever reaches their own progress: every URL names a lesson, never a
progress or sandbox id, and the progress is looked up for the request's user or visitor.
"""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_POST

from lessons import progress as lessons
from lessons.engine.runner import expects_failure
from lessons.markdown import render as markdown
from lessons.markdown import render_inline
from lessons.models import BASE_LANG, Lesson, LessonProgress, Step
from playground import sandboxes, views_sandbox
from playground.sandboxes_render import page_context

PAGE = "lessons/page.html"


def current_lang() -> str:
    lang = (get_language() or BASE_LANG).split("-")[0]
    return lang if lang in ("en", "ko") else BASE_LANG


def _who(request: HttpRequest, *, create: bool = False) -> dict:
    if request.user.is_authenticated:
        return {"user": request.user}
    return {"visitor": views_sandbox.visitor_token(request.session, create=create)}


def _progress(request: HttpRequest, slug: str) -> LessonProgress:
    lesson = get_object_or_404(Lesson, slug=slug)
    progress = lessons.progress_get(lesson=lesson, **_who(request))
    if progress is None or progress.sandbox_id is None:
        raise Http404("You have not started this lesson")
    return progress


# ---- what the templates show -------------------------------------------------------------------


def step_context(progress: LessonProgress, step: Step, lang: str, **extra) -> dict:
    text = step.text(lang)
    numbers = list(progress.lesson.steps.values_list("number", flat=True))
    total = len(numbers)
    return {
        "lesson": progress.lesson,
        "lesson_text": progress.lesson.text(lang),
        "progress": progress,
        "step": step,
        "text": text,
        "body": markdown(text["body"]),
        "explanation": markdown(text["explanation"]),
        "done": progress.is_done(step.number),
        "solution": solution_commands(step),
        "hints": [render_inline(h) for h in text["hints"]],
        "total": total,
        "steps": step_views(progress, lang),
        "previous": step.number - 1 if step.number > 1 else None,
        "next": step.number + 1 if step.number < total else None,
        "next_lesson": Lesson.objects.filter(order__gt=progress.lesson.order).first(),
        **extra,
    }


def solution_commands(step: Step) -> list[str]:
    """As the learner types them: without the `! ` mark of a command that fails on purpose."""
    return [line[2:] if expects_failure(line) else line for line in step.solution]


def step_views(progress: LessonProgress, lang: str) -> list[dict]:
    steps = list(progress.lesson.steps.all())
    # once the current step is done, the first step after it not done yet is up next
    up_next = None
    if progress.is_done(progress.current_step):
        later = [s.number for s in steps if s.number > progress.current_step]
        up_next = next((n for n in later if not progress.is_done(n)), None)
    return [
        {
            "number": s.number,
            "title": s.text(lang)["title"],
            "done": progress.is_done(s.number),
            "current": s.number == progress.current_step,
            "up_next": s.number == up_next,
        }
        for s in steps
    ]


def lesson_views(request: HttpRequest, lang: str) -> list[dict]:
    mine = lessons.progress_list(**_who(request))
    views = []
    for lesson in Lesson.objects.prefetch_related("steps"):
        progress = mine.get(lesson.pk)
        total = len(lesson.steps.all())
        done = len(progress.completed_steps) if progress else 0
        views.append(
            {
                "lesson": lesson,
                "text": lesson.text(lang),
                "total": total,
                "done": min(done, total),
                "percent": round(100 * min(done, total) / total) if total else 0,
                "started": progress is not None,
                "finished": bool(progress and progress.completed_at),
            }
        )
    return views


def render_pushed(progress: LessonProgress, lang: str) -> str:
    """What a lesson page receives when a step passes (or when its socket connects): the
    step list and, when the current step is done, its status, out of band. The status of a
    step not done is never pushed: it would wipe the feedback of a Check just pressed."""
    from django.template.loader import render_to_string

    step = lessons.current_step(progress)
    if step is None:
        return ""
    ctx = step_context(progress, step, lang, oob=True)
    nav = render_to_string(f"{PAGE}#nav", ctx)
    return render_to_string(f"{PAGE}#status", ctx) + nav if ctx["done"] else nav


# ---- pages ------------------------------------------------------------------------------------


@require_GET
def lesson_list(request: HttpRequest) -> HttpResponse:
    lang = current_lang()
    return render(request, "lessons/list.html", {"lessons": lesson_views(request, lang)})


@require_GET
def lesson_page(request: HttpRequest, slug: str) -> HttpResponse:
    lesson = get_object_or_404(Lesson, slug=slug)
    lang = current_lang()
    progress = lessons.progress_get(lesson=lesson, **_who(request))
    if progress is None or progress.sandbox_id is None:
        ctx = {
            "lesson": lesson,
            "text": lesson.text(lang),
            "intro": markdown(lesson.text(lang)["body"]),
            "total": lesson.steps.count(),
        }
        return render(request, "lessons/start.html", ctx)
    sandboxes.sandbox_touch(sandbox_id=progress.sandbox_id)
    sandbox = progress.sandbox
    sandbox.refresh_from_db()
    step = lessons.current_step(progress) or lesson.steps.first()
    ctx = step_context(progress, step, lang, intro=markdown(lesson.text(lang)["body"]))
    ctx.update(page_context(sandbox, readonly=False))
    ctx.update(
        speeds=views_sandbox.SPEEDS,
        starter_manifest="",
        console_url=f"/lessons/{lesson.slug}/console",
        apply_url=f"/lessons/{lesson.slug}/apply",
    )
    return render(request, PAGE, ctx)


# ---- actions (POST, CSRF) ----------------------------------------------------------------------


@require_POST
def lesson_start(request: HttpRequest, slug: str) -> HttpResponse:
    lesson = get_object_or_404(Lesson, slug=slug)
    lessons.progress_start(lesson=lesson, **_who(request, create=True))
    return redirect("lesson_page", slug)


@require_POST
def lesson_restart(request: HttpRequest, slug: str) -> HttpResponse:
    lessons.progress_restart(progress=_progress(request, slug))
    return redirect("lesson_page", slug)


@require_POST
def lesson_go(request: HttpRequest, slug: str) -> HttpResponse:
    """Previous/next/a step of the list: the step panel, swapped in without a reload."""
    progress = _progress(request, slug)
    try:
        step = lessons.progress_goto(progress=progress, number=int(request.POST.get("step", "")))
    except (ValueError, Step.DoesNotExist):
        return HttpResponse("no such step", status=400)
    ctx = step_context(progress, step, current_lang(), swap=True)
    return render(request, f"{PAGE}#step", ctx)


@require_POST
def lesson_check(request: HttpRequest, slug: str) -> HttpResponse:
    progress = _progress(request, slug)
    lang = current_lang()
    step, result = lessons.step_check(progress=progress, lang=lang)
    progress.refresh_from_db()
    ctx = step_context(progress, step, lang, feedback=None if result.passed else result.feedback)
    return render(request, f"{PAGE}#status", ctx)


@require_POST
def lesson_console(request: HttpRequest, slug: str) -> HttpResponse:
    progress = _progress(request, slug)
    refused = views_sandbox.refuse_write(request, progress.sandbox_id, as_json=True)
    if refused is not None:  # neither run nor recorded
        return refused
    lessons.record_command(progress=progress, line=request.POST.get("line", ""))
    return views_sandbox.sandbox_console(request, progress.sandbox_id)


@require_POST
def lesson_apply(request: HttpRequest, slug: str) -> HttpResponse:
    progress = _progress(request, slug)
    refused = views_sandbox.refuse_write(request, progress.sandbox_id, as_json=True)
    if refused is not None:
        return refused
    lessons.record_command(progress=progress, line="kubectl apply -f -")
    return views_sandbox.sandbox_apply(request, progress.sandbox_id)


@receiver(user_logged_in)
def adopt_visitor_lessons(sender, request, user, **kwargs) -> None:
    """Signing up (or logging in) keeps the lessons the visitor started."""
    if request is not None and hasattr(request, "session"):
        lessons.progress_adopt(visitor=views_sandbox.visitor_token(request.session), user=user)
