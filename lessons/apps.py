from django.apps import AppConfig


class LessonsConfig(AppConfig):
    name = "lessons"
    verbose_name = "Lessons"

    def ready(self) -> None:
        from lessons import progress, views  # noqa: F401  (views: the sign-up receiver)
        from playground import sandboxes

        if progress.check_after_reconcile not in sandboxes.AFTER_RECONCILE:
            sandboxes.AFTER_RECONCILE.append(progress.check_after_reconcile)
