"""The load benchmark's core, one tiny step, so it cannot silently rot: two learner-like
sandboxes for a few seconds against a real daphne, a real Celery worker and real
websockets. Speed is the benchmark's business (bench/load_bench.py); this asserts only
that the step measured something and that nothing went wrong."""

import pytest

from bench import load_bench

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_one_small_step_times_pushes_and_sees_no_error(asgi_server, celery_worker):
    learners = load_bench.create_learners(0, 2)

    result = load_bench.run_step(asgi_server.url, learners, seconds=6)

    assert result.errors == []
    # each learner's first command is a write (it creates its Deployment), so each
    # learner gives at least one timed push
    assert len(result.latencies) >= 2
    assert all(0 < ms < 10_000 for ms in result.latencies)
    assert len(result.http) == result.commands >= 2
    # the step leaves its sandboxes paused: no timers behind the next step's back
    from playground.models import Sandbox

    assert set(Sandbox.objects.values_list("paused", flat=True)) == {True}


def test_a_refused_command_is_counted_as_an_error(asgi_server, celery_worker):
    (learner,) = load_bench.create_learners(10, 1)
    learner.replicas, learner.pods = 2, ["no-such-pod"]  # it believes in a pod that is not there
    learner.rng.random = lambda: 0.8  # a write: label a pod (its only pod)

    result = load_bench.run_step(asgi_server.url, [learner], seconds=3)

    assert result.commands >= 1
    assert any("console refused" in e and "no-such-pod" in e for e in result.errors)
    assert result.latencies == []
