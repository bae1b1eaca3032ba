"""Who may open which door. Every view, the export, the CSV and the websocket ask here.

- the authoring area: users in the "instructor" group, and staff;
- an exercise's edit/test/publish/export: its owner, and staff;
- a class's dashboard, CSV, assignments and its learners' sandboxes: its owner, and staff;
- an exercise attempt: a member of a class it is assigned to (published only), or
  whoever may edit it (a preview); each learner only ever reaches their own attempt.

Where existence is private the answer is 404, not 403.
"""

from __future__ import annotations

from django.http import Http404

from exercises.models import Assignment, Attempt, Classroom, Exercise, Membership

INSTRUCTOR = "instructor"  # the group accounts/migrations/0001 creates


def is_instructor(user) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_staff or user.groups.filter(name=INSTRUCTOR).exists()


def can_edit(user, exercise: Exercise) -> bool:
    return user.is_authenticated and (user.is_staff or exercise.owner_id == user.pk)


def can_run_class(user, classroom: Classroom) -> bool:
    return user.is_authenticated and (user.is_staff or classroom.owner_id == user.pk)


def can_attempt(user, exercise: Exercise) -> bool:
    if not user.is_authenticated:
        return False
    if can_edit(user, exercise):
        return True
    if exercise.status != Exercise.PUBLISHED:
        return False
    return Assignment.objects.filter(
        exercise=exercise, classroom__memberships__user=user).exists()


def editable_exercise(user, exercise_id: int) -> Exercise:
    exercise = Exercise.objects.filter(pk=exercise_id).first()
    if exercise is None or not can_edit(user, exercise):
        raise Http404("No such exercise")
    return exercise


def attemptable_exercise(user, exercise_id: int) -> Exercise:
    exercise = Exercise.objects.filter(pk=exercise_id).first()
    if exercise is None or not can_attempt(user, exercise):
        raise Http404("No such exercise")
    return exercise


def own_attempt(user, exercise: Exercise) -> Attempt:
    attempt = Attempt.objects.filter(exercise=exercise, user=user).first()
    if attempt is None or attempt.sandbox_id is None:
        raise Http404("You have not started this exercise")
    return attempt


def run_classroom(user, classroom_id: int) -> Classroom:
    classroom = Classroom.objects.filter(pk=classroom_id).first()
    if classroom is None or not can_run_class(user, classroom):
        raise Http404("No such class")
    return classroom


def learner_in(classroom: Classroom, user_id: int) -> Membership:
    membership = Membership.objects.filter(classroom=classroom, user_id=user_id).first()
    if membership is None:
        raise Http404("No such learner in this class")
    return membership
