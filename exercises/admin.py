"""Staff run exercises, attempts and classes from the Django admin; instructors never need
it (everything they do has its own pages)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count

from exercises import services
from exercises.models import Assignment, Attempt, Classroom, Exercise, HistoryRecord, Membership


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "status", "difficulty", "estimated_minutes", "task_count",
                    "attempt_count", "tested", "updated_at"]
    list_filter = ["status", "difficulty", "owner"]
    search_fields = ["title", "owner__username"]
    readonly_fields = ["tested_digest", "created_at", "updated_at"]
    actions = ["publish", "unpublish"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_attempts=Count("attempts"))

    @admin.display(description="tasks")
    def task_count(self, obj: Exercise) -> int:
        return len(obj.tasks)

    @admin.display(description="attempts", ordering="_attempts")
    def attempt_count(self, obj: Exercise) -> int:
        return obj._attempts

    @admin.display(description="solution tested", boolean=True)
    def tested(self, obj: Exercise) -> bool:
        return obj.tested_digest == services.digest(obj.document)

    @admin.action(description="Publish the selected exercises (tested ones only)")
    def publish(self, request, queryset) -> None:
        done, refused = 0, []
        for exercise in queryset:
            try:
                services.exercise_set_status(exercise=exercise, status=Exercise.PUBLISHED)
                done += 1
            except services.ExerciseError:
                refused.append(exercise.title)
        messages.success(request, f"Published {done} exercise(s).")
        if refused:
            messages.warning(request, "Not published (their solution has not passed a test): "
                             + ", ".join(refused))

    @admin.action(description="Unpublish the selected exercises (back to draft)")
    def unpublish(self, request, queryset) -> None:
        count = queryset.update(status=Exercise.DRAFT)
        messages.success(request, f"Unpublished {count} exercise(s).")


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ["exercise", "user", "sandbox", "passed_count", "hints_used", "started_at",
                    "completed_at"]
    list_filter = ["exercise", ("completed_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__username", "exercise__title"]
    list_select_related = ["exercise", "user", "sandbox"]
    raw_id_fields = ["sandbox"]

    @admin.display(description="tasks passed")
    def passed_count(self, obj: Attempt) -> str:
        return f"{len(obj.passed_tasks)}/{len(obj.exercise.tasks)}"


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["user", "joined_at"]
    readonly_fields = ["joined_at"]
    raw_id_fields = ["user"]
    extra = 0


class AssignmentInline(admin.TabularInline):
    model = Assignment
    fields = ["exercise", "lesson", "due_at"]
    extra = 0


@admin.register(Classroom)
class ClassroomAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "join_code", "member_count", "created_at"]
    list_filter = ["owner"]
    search_fields = ["name", "join_code", "owner__username"]
    readonly_fields = ["join_code", "created_at"]
    inlines = [MembershipInline, AssignmentInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_members=Count("memberships"))

    @admin.display(description="learners", ordering="_members")
    def member_count(self, obj: Classroom) -> int:
        return obj._members


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "classroom", "joined_at"]
    list_filter = ["classroom"]
    search_fields = ["user__username", "classroom__name"]
    list_select_related = ["user", "classroom"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["classroom", "exercise", "lesson", "due_at"]
    list_filter = ["classroom"]
    search_fields = ["classroom__name", "exercise__title", "lesson__slug"]
    list_select_related = ["classroom", "exercise", "lesson"]


@admin.register(HistoryRecord)
class HistoryRecordAdmin(admin.ModelAdmin):
    list_display = ["sandbox", "seq", "data"]
    search_fields = ["sandbox__name"]
    raw_id_fields = ["sandbox"]


# ---- sandboxes by class: playground/admin.py registers Sandbox; the class filter is added
# here so that playground does not depend on this app.


class SandboxClassFilter(admin.SimpleListFilter):
    title = "class"
    parameter_name = "classroom"

    def lookups(self, request, model_admin):
        return [(c.pk, c.name) for c in Classroom.objects.all()[:200]]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(owner__memberships__classroom_id=self.value()).distinct()
        return queryset


def _extend_sandbox_admin() -> None:
    from playground.models import ObjectRow, Sandbox

    sandbox_admin = admin.site._registry.get(Sandbox)
    if sandbox_admin is not None:
        extra = [f for f in ("owner", SandboxClassFilter) if f not in sandbox_admin.list_filter]
        sandbox_admin.list_filter = [*sandbox_admin.list_filter, *extra]
    row_admin = admin.site._registry.get(ObjectRow)
    if row_admin is not None and "namespace" not in row_admin.list_filter:
        row_admin.list_filter = [*row_admin.list_filter, "namespace"]


_extend_sandbox_admin()


# ---- lessons: registered here only while the lessons app has no admin of its own --------------


def _register_lessons() -> None:
    from lessons.models import Lesson, LessonProgress

    if not admin.site.is_registered(Lesson):

        @admin.register(Lesson)
        class LessonAdmin(admin.ModelAdmin):
            list_display = ["slug", "order", "estimated_minutes", "step_count"]
            search_fields = ["slug"]

            @admin.display(description="steps")
            def step_count(self, obj: Lesson) -> int:
                return obj.steps.count()

    if not admin.site.is_registered(LessonProgress):

        @admin.register(LessonProgress)
        class LessonProgressAdmin(admin.ModelAdmin):
            list_display = ["lesson", "user", "visitor", "current_step", "completed_at"]
            list_filter = ["lesson", ("completed_at", admin.EmptyFieldListFilter)]
            search_fields = ["user__username", "lesson__slug"]
            list_select_related = ["lesson", "user"]
            raw_id_fields = ["sandbox"]


_register_lessons()
