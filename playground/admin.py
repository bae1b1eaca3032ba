from django.contrib import admin
from django.db import transaction

from playground.models import Notice
from playground.services import site_push_notice


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["text", "created_at"]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        transaction.on_commit(lambda: site_push_notice(notice_id=obj.pk), robust=True)


# ---- live sandboxes: staff browse and reset them and their objects ----------------------------

from django.contrib import messages  # noqa: E402
from django.db.models import Count  # noqa: E402

from playground.models import ObjectRow, Sandbox, TimelineEntry  # noqa: E402


class ObjectRowInline(admin.TabularInline):
    model = ObjectRow
    fields = ["kind", "namespace", "name", "resource_version"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    max_num = 0


@admin.register(Sandbox)
class SandboxAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "owner",
        "visitor_short",
        "object_count",
        "resource_version",
        "speed",
        "paused",
        "last_seen_at",
        "created_at",
    ]
    list_filter = ["paused"]
    search_fields = ["name", "owner__username"]
    # The visitor token is an anonymous visitor's credential (it is in their session):
    # staff see its first characters, like the list does, never all of it.
    exclude = ["visitor"]
    readonly_fields = [
        "visitor_short",
        "meta",
        "resource_version",
        "reconciling_until",
        "timer_token",
        "timer_due",
        "timeline_seq",
        "created_at",
        "updated_at",
    ]
    actions = ["reset_sandboxes"]
    inlines = [ObjectRowInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_objects=Count("rows"))

    @admin.display(description="objects", ordering="_objects")
    def object_count(self, obj: Sandbox) -> int:
        return obj._objects

    @admin.display(description="visitor")
    def visitor_short(self, obj: Sandbox) -> str:
        return obj.visitor[:8]

    @admin.action(description="Reset the selected sandboxes to a fresh cluster")
    def reset_sandboxes(self, request, queryset) -> None:
        from playground.sandboxes import sandbox_reset

        for sandbox in queryset:
            sandbox_reset(sandbox=sandbox)
        messages.success(request, f"Reset {queryset.count()} sandbox(es).")


@admin.register(ObjectRow)
class ObjectRowAdmin(admin.ModelAdmin):
    list_display = ["sandbox", "kind", "namespace", "name", "uid", "resource_version"]
    list_filter = ["kind"]
    search_fields = ["name", "namespace", "uid", "sandbox__name"]
    list_select_related = ["sandbox"]


@admin.register(TimelineEntry)
class TimelineEntryAdmin(admin.ModelAdmin):
    list_display = ["sandbox", "seq", "time", "actor", "kind", "name", "message"]
    list_filter = ["actor", "kind"]
    search_fields = ["name", "message", "sandbox__name"]
    list_select_related = ["sandbox"]
