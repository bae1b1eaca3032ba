"""The people and things of the persona matrix.

- alice: a learner; owns the sandbox "lab", an attempt at carol's exercise and (when the
  lessons are loaded) a lesson's progress; she is a member of carol's class;
- bob: another learner, a member of dave's class;
- carol: an instructor; owns the class alice is in, and the exercise assigned to it;
- dave: an instructor of some other class (bob's);
- staff: is_staff, no other right; root: a superuser (is_staff too);
- anon: an anonymous browser with no session at all;
- vera: an anonymous visitor who opened a sandbox of her own (the token in her session).

Users get no password (force_login needs none): hashing would only slow every test.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.test import Client

from exercises import live, services, spec
from exercises.models import Assignment, Attempt, Classroom, Exercise
from playground import sandboxes
from playground.models import Sandbox
from playground.views_sandbox import VISITOR_KEY
from tests.exercises.support import BROKEN_SERVICE

PERSONAS = ("alice", "carol", "staff", "root", "bob", "dave", "anon", "vera")


def _user(name: str, *, instructor: bool = False, **flags) -> User:
    user = User.objects.create_user(name, **flags)
    if instructor:
        user.groups.add(Group.objects.get_or_create(name="instructor")[0])
    return user


@dataclass
class World:
    users: dict[str, User | None]
    clients: dict[str, Client]
    sandbox: Sandbox  # alice's "lab"
    visitor_sandbox: Sandbox  # vera's
    exercise: Exercise  # carol's, published, assigned to her class
    classroom: Classroom  # carol's, alice is a member
    other_class: Classroom  # dave's, bob is a member
    assignment: Assignment
    attempt: Attempt  # alice's attempt at the exercise
    extra: dict = field(default_factory=dict)

    def ids(self) -> dict[str, object]:
        """Everything a door's URL may name."""
        return {
            "sandbox_id": self.sandbox.pk,
            "visitor_sandbox_id": self.visitor_sandbox.pk,
            "exercise_id": self.exercise.pk,
            "classroom_id": self.classroom.pk,
            "user_id": self.users["alice"].pk,
            "assignment_id": self.assignment.pk,
            "attempt_sandbox_id": self.attempt.sandbox_id,
            **self.extra,
        }

    def secrets(self) -> list[str]:
        """What must never show in another persona's page: vera's session token and the
        session keys of every signed-in persona."""
        # from the cookie: Client.session would give anon a session of its own
        cookies = [c.cookies.get(settings.SESSION_COOKIE_NAME) for c in self.clients.values()]
        return [self.visitor_sandbox.visitor, *(c.value for c in cookies if c and c.value)]


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def build_world() -> World:
    people = {
        "alice": _user("alice"),
        "bob": _user("bob"),
        "carol": _user("carol", instructor=True),
        "dave": _user("dave", instructor=True),
        "staff": _user("staff", is_staff=True),
        "root": _user("root", is_staff=True, is_superuser=True),
    }
    doc, problems = spec.parse(BROKEN_SERVICE)
    assert problems == []
    exercise = services.exercise_create(owner=people["carol"], doc=doc)
    assert services.exercise_test(exercise=exercise).solution_passes
    exercise = services.exercise_set_status(exercise=exercise, status="published")
    classroom = services.classroom_create(owner=people["carol"], name="k8s 101")
    assignment = services.assignment_create(classroom=classroom, exercise=exercise)
    services.classroom_join(user=people["alice"], code=classroom.join_code)
    other_class = services.classroom_create(owner=people["dave"], name="other")
    services.classroom_join(user=people["bob"], code=other_class.join_code)
    sandbox = sandboxes.sandbox_create(name="lab", owner=people["alice"], seed=7)
    attempt = live.attempt_start(exercise=exercise, user=people["alice"])

    clients = {name: client_for(user) for name, user in people.items()}
    clients["anon"] = Client()
    vera = Client()
    opened = vera.post("/sandboxes/open")
    assert opened.status_code == 302, opened
    visitor_sandbox = Sandbox.objects.get(visitor=vera.session[VISITOR_KEY])
    clients["vera"] = vera
    return World(
        users={**people, "anon": None, "vera": None},
        clients=clients,
        sandbox=sandbox,
        visitor_sandbox=visitor_sandbox,
        exercise=exercise,
        classroom=classroom,
        other_class=other_class,
        assignment=assignment,
        attempt=attempt,
    )
