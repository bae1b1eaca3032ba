from django.apps import AppConfig


class ExercisesConfig(AppConfig):
    name = "exercises"
    verbose_name = "Exercises and classes"

    def ready(self) -> None:
        from exercises import live
        from playground import sandboxes

        if live.record_history not in sandboxes.AFTER_SAVE:
            sandboxes.AFTER_SAVE.append(live.record_history)
        if live.check_after_reconcile not in sandboxes.AFTER_RECONCILE:
            sandboxes.AFTER_RECONCILE.append(live.check_after_reconcile)
