"""Content CI: every lesson, in every language, played on a fresh simulated cluster.

For each step the check must fail first (with specific feedback), the step's solution is
run through the console like a learner pressing the buttons, and then the check must pass.
At the end every step's check still holds except where a later step undid it on purpose
(the lesson finishes in its final state).
"""

from __future__ import annotations

import pytest

from lessons.engine import load_all, run_command, run_solution, start_lesson
from lessons.engine.runner import evaluate
from playground.sim.cluster import Cluster

COURSE = load_all()
CASES = [(lang, lesson) for lang, lessons in COURSE.items() for lesson in lessons]


def play(lesson, lang):
    """Yield (step, feedback before, feedback after, solution results) for every step."""
    cluster = Cluster.new()
    start_lesson(cluster, lesson)
    history: list[str] = []
    for step in lesson.steps:
        before = evaluate(cluster, step, history, lang)
        ran = run_solution(cluster, step, history)
        after = evaluate(cluster, step, history, lang)
        yield step, before, after, ran


IDS = [f"{lesson.slug}-{lang}" for lang, lesson in CASES]


@pytest.mark.parametrize(("lang", "lesson"), CASES, ids=IDS)
def test_lesson_solves_in_order(lang, lesson):
    for step, _before, after, ran in play(lesson, lang):
        failed = [(line, out) for line, as_expected, out in ran if not as_expected]
        assert not failed, f"{lesson.slug}/{step.slug}: solution command went wrong: {failed}"
        assert after.passed, f"{lesson.slug}/{step.slug} ({lang}): {after.feedback}"
        assert after.feedback.strip()


@pytest.mark.parametrize(("lang", "lesson"), CASES, ids=IDS)
def test_each_check_fails_before_its_step(lang, lesson):
    for step, before, after, _ran in play(lesson, lang):
        assert not before.passed, f"{lesson.slug}/{step.slug}: passes before its step is done"
        assert before.feedback.strip(), f"{lesson.slug}/{step.slug}: empty feedback"
        assert before.feedback != after.feedback
        if lang == "ko":
            assert any("\uac00" <= ch <= "\ud7a3" for ch in before.feedback), before.feedback


def test_every_lesson_exists_in_every_language_with_the_same_steps():
    slugs = {lang: [(x.slug, [s.slug for s in x.steps]) for x in lessons]
             for lang, lessons in COURSE.items()}
    assert slugs["en"] == slugs["ko"]
    assert [x.slug for x in COURSE["en"]] == ["objects", "namespaces", "deployments",
                                              "services", "dns", "statefulsets"]
    for lesson in COURSE["en"]:
        assert 5 <= len(lesson.steps) <= 10, lesson.slug


def test_korean_lessons_are_translated():
    for en, ko in zip(COURSE["en"], COURSE["ko"], strict=True):
        assert en.title != ko.title
        for s_en, s_ko in zip(en.steps, ko.steps, strict=True):
            assert s_en.title != s_ko.title, s_ko.path
            assert s_en.explanation != s_ko.explanation, s_ko.path
            assert any("\uac00" <= ch <= "\ud7a3" for ch in s_ko.body), s_ko.path
            assert s_ko.check == s_en.check and s_ko.solution == s_en.solution
            assert s_ko.actions == s_en.actions, s_ko.path
            assert len(s_ko.hints) == len(s_en.hints), s_ko.path


@pytest.mark.parametrize(("lang", "lesson"), CASES, ids=IDS)
def test_pressing_the_step_buttons_completes_each_step(lang, lesson):
    """What the browser test does: the step text's own "run in console" and "apply" buttons,
    pressed in order, reach every step's goal."""
    cluster = Cluster.new()
    start_lesson(cluster, lesson)
    history: list[str] = []
    for step in lesson.steps:
        for action in step.actions:
            line, stdin = action.command()
            run_command(cluster, line, history, stdin=stdin)
        result = evaluate(cluster, step, history, lang)
        assert result.passed, f"{lesson.slug}/{step.slug} ({lang}): {result.feedback}"
