"""The Celery application: the broker is the Redis at REDIS_URL (see settings).

Tasks register on this app explicitly (`@app.task`) instead of through an import
in playground/__init__.py, because importing `playground.sim` must not load
Celery (tests/sim/test_import_contract.py).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "playground.settings")

app = Celery("playground")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
