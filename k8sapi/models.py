"""The REST door's own tables: one secret per sandbox and a bounded watch log."""

from django.db import models

from playground.models import Sandbox


class ApiAccess(models.Model):
    """The per-sandbox secret a kubeconfig carries (in the URL path over http, or as a
    bearer token over https). Revoking clears it; regenerating replaces it."""

    sandbox = models.OneToOneField(Sandbox, on_delete=models.CASCADE, related_name="api_access")
    secret = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"API access to {self.sandbox}"


class WatchEvent(models.Model):
    """One change of one object, as a watch stream sends it (recent ones only)."""

    sandbox = models.ForeignKey(Sandbox, on_delete=models.CASCADE, related_name="watch_events")
    resource_version = models.BigIntegerField()
    type = models.CharField(max_length=10)  # ADDED / MODIFIED / DELETED
    kind = models.CharField(max_length=100)
    namespace = models.CharField(max_length=253, blank=True)
    name = models.CharField(max_length=253)
    object = models.JSONField()

    class Meta:
        ordering = ["resource_version", "id"]
        indexes = [models.Index(fields=["sandbox", "resource_version"])]

    def __str__(self) -> str:
        return f"{self.type} {self.kind} {self.namespace}/{self.name}"
