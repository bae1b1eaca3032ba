"""An exercise attempt's console past the write limit: 429, and the refused line is neither
run nor recorded (a `command` check must never count a line that did not run)."""

import pytest

from exercises.models import Attempt
from playground.models import ObjectRow
from tests.exercises.conftest import client_for
from tests.web import ratelimit_support

pytestmark = pytest.mark.django_db
counters = ratelimit_support.counters
limits = ratelimit_support.limits

FIX = """kubectl patch service web -p '{"spec":{"selector":{"app":"web"}}}'"""


def test_a_refused_attempt_command_is_neither_run_nor_recorded(limits, lea, exercise, classroom):
    learner = client_for(lea)
    learner.post(f"/exercises/{exercise.pk}/attempt/start")
    limits.RATE_LIMIT_SANDBOX_WRITES = 1
    url = f"/exercises/{exercise.pk}/attempt/console"
    assert learner.post(url, {"line": "kubectl get svc"}).json()["ok"]
    attempt = Attempt.objects.get(user=lea)
    service = ObjectRow.objects.get(sandbox_id=attempt.sandbox_id, kind="Service", name="web")

    refused = learner.post(url, {"line": FIX})
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert refused.json()["output"].startswith("Too many requests: this sandbox takes")
    attempt.refresh_from_db()
    assert FIX not in attempt.commands and "kubectl get svc" in attempt.commands
    after = ObjectRow.objects.get(pk=service.pk)
    assert after.resource_version == service.resource_version  # not patched
    apply = learner.post(f"/exercises/{exercise.pk}/attempt/apply", {"manifest": "kind: x"})
    assert apply.status_code == 429
    attempt.refresh_from_db()
    assert "kubectl apply -f -" not in attempt.commands
