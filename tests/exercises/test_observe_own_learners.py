"""Who may look at a learner's own sandbox page: the instructor of one of their classes
(read-only), never another instructor; staff read-only; the owner drives."""

import pytest

from playground import sandboxes
from tests.exercises.conftest import client_for


@pytest.fixture
def lea_sandbox(lea):
    return sandboxes.sandbox_create(name="lab", owner=lea)


def page(user, sandbox):
    return client_for(user).get(f"/sandboxes/{sandbox.pk}/")


def command(user, sandbox):
    return client_for(user).post(f"/sandboxes/{sandbox.pk}/console", {"line": "kubectl get ns"})


def test_the_instructor_of_the_learners_class_looks_read_only(ivy, lea, classroom, lea_sandbox):
    assert page(ivy, lea_sandbox).status_code == 200
    assert command(ivy, lea_sandbox).status_code == 403


def test_another_instructor_gets_404(otto, lea, classroom, lea_sandbox):
    assert page(otto, lea_sandbox).status_code == 404
    assert command(otto, lea_sandbox).status_code == 404


def test_an_instructor_without_the_learner_in_a_class_gets_404(ivy, lea, lea_sandbox):
    assert page(ivy, lea_sandbox).status_code == 404


def test_staff_look_and_the_owner_drives(sam, lea, lea_sandbox):
    assert page(sam, lea_sandbox).status_code == 200
    assert command(sam, lea_sandbox).status_code == 403
    assert command(lea, lea_sandbox).status_code == 200
