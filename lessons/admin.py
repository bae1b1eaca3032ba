"""Lessons are edited as files (lessons/content/) and loaded with load_lessons: the admin
only shows them, and lets staff look at learners' progress."""

from django.contrib import admin

from lessons.models import Lesson, LessonProgress, Step


class StepInline(admin.TabularInline):
    model = Step
    fields = ["number", "slug", "goal"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ["order", "slug", "estimated_minutes"]
    readonly_fields = ["slug", "order", "estimated_minutes", "manifests", "setup", "content"]
    inlines = [StepInline]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(LessonProgress)
class LessonProgressAdmin(admin.ModelAdmin):
    list_display = ["lesson", "user", "visitor_short", "current_step", "completed", "completed_at"]
    list_filter = ["lesson"]
    # the visitor token is an anonymous learner's credential: its first characters only
    readonly_fields = ["lesson", "user", "visitor_short", "sandbox", "history", "started_at"]
    exclude = ["visitor"]

    @admin.display(description="visitor")
    def visitor_short(self, obj) -> str:
        return obj.visitor[:8]

    @admin.display(description="steps done")
    def completed(self, obj) -> int:
        return len(obj.completed_steps)
