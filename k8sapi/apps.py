from django.apps import AppConfig


class K8sApiConfig(AppConfig):
    name = "k8sapi"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Every save of a sandbox also feeds the watch log (same transaction).
        from k8sapi import watchlog
        from playground import sandboxes

        if watchlog.record not in sandboxes.AFTER_SAVE:
            sandboxes.AFTER_SAVE.append(watchlog.record)
