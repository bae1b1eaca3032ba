import pytest
from django.contrib.auth.models import User
from django.test import Client

from lessons.loading import load_lessons


@pytest.fixture
def course(db):
    load_lessons()


@pytest.fixture
def alice(db) -> User:
    return User.objects.create_user("alice", password="wonderland-42")


@pytest.fixture
def bob(db) -> User:
    return User.objects.create_user("bob", password="builder-4242")


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
