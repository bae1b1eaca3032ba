"""`manage.py load_lessons`: idempotent, picks up edits, refuses a broken file with the
loader's file/field error before writing anything."""

import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from lessons.engine import CONTENT_ROOT, load_all
from lessons.models import Lesson, Step

pytestmark = pytest.mark.django_db


def load(root=None) -> str:
    out = StringIO()
    call_command("load_lessons", *(["--root", str(root)] if root else []), stdout=out)
    return out.getvalue().strip()


def snapshot():
    lessons = list(Lesson.objects.values_list("slug", "order", "content", "setup", "manifests"))
    steps = list(Step.objects.values_list("lesson__slug", "number", "slug", "goal", "content"))
    return lessons, steps


@pytest.fixture
def content(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(CONTENT_ROOT, root)
    return root


def test_loading_twice_changes_nothing():
    assert load() == "lessons: 6 new, 0 updated, 0 unchanged"
    first = snapshot()
    assert load() == "lessons: 0 new, 0 updated, 6 unchanged"
    assert snapshot() == first


def test_every_lesson_and_step_in_both_languages():
    load()
    course = load_all()
    for lang, texts in course.items():
        for text in texts:
            lesson = Lesson.objects.get(slug=text.slug)
            assert lesson.order == text.order and lesson.text(lang)["title"] == text.title
            steps = list(lesson.steps.order_by("number"))
            assert [s.text(lang)["title"] for s in steps] == [s.title for s in text.steps]
            assert [s.goal for s in steps] == [s.check for s in text.steps]


def test_an_edited_step_is_updated_and_a_removed_lesson_removed(content):
    load(content)
    step = content / "04-services" / "01-clusterip.ko.md"
    step.write_text(step.read_text().replace("title: ", "title: 새 ", 1))
    shutil.rmtree(content / "06-statefulsets")
    assert load(content) == "lessons: 0 new, 1 updated, 4 unchanged, 1 removed (statefulsets)"
    title = Step.objects.get(lesson__slug="services", number=1).text("ko")["title"]
    assert title.startswith("새 ")


def test_a_broken_file_aborts_with_the_loaders_error(content):
    load(content)
    before = snapshot()
    step = content / "04-services" / "02-inside.en.md"
    step.write_text(step.read_text().replace("check:", "chekc:", 1))
    with pytest.raises(CommandError) as error:
        load(content)
    assert str(step) in str(error.value) and "check" in str(error.value)
    assert snapshot() == before
