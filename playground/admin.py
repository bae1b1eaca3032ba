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
