"""Personas of the exercise tests: ivy is an instructor, otto another instructor, lea a
learner, sam staff; and ivy's tested, published exercise from broken_service.yaml."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from exercises import services, spec
from tests.exercises.support import BROKEN_SERVICE


def _instructor(name: str) -> User:
    user = User.objects.create_user(name, password=f"{name}-pass-4242")
    user.groups.add(Group.objects.get_or_create(name="instructor")[0])
    return user


@pytest.fixture
def ivy(db) -> User:
    return _instructor("ivy")


@pytest.fixture
def otto(db) -> User:
    return _instructor("otto")


@pytest.fixture
def lea(db) -> User:
    return User.objects.create_user("lea", password="lea-pass-4242")


@pytest.fixture
def sam(db) -> User:
    return User.objects.create_user("sam", password="sam-pass-4242", is_staff=True)


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def exercise(ivy):
    doc, problems = spec.parse(BROKEN_SERVICE)
    assert problems == []
    exercise = services.exercise_create(owner=ivy, doc=doc)
    assert services.exercise_test(exercise=exercise).solution_passes
    return services.exercise_set_status(exercise=exercise, status="published")


@pytest.fixture
def classroom(ivy, exercise, lea):
    classroom = services.classroom_create(owner=ivy, name="k8s 101")
    services.assignment_create(classroom=classroom, exercise=exercise)
    services.classroom_join(user=lea, code=classroom.join_code)
    return classroom
