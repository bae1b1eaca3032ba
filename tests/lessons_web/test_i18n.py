"""Korean: every UI string translated, the committed .mo compiled from the .po, the
choice remembered, and the lesson pages in Korean."""

import importlib.util
from pathlib import Path

import pytest

from lessons.models import Lesson
from tests.lessons_web.conftest import client_for

LOCALE = Path(__file__).resolve().parents[2] / "locale"


def translate_ko():
    spec = importlib.util.spec_from_file_location("translate_ko", LOCALE / "translate_ko.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_message_has_a_korean_translation_and_the_mo_is_current():
    tool = translate_ko()
    entries = tool.parse(tool.PO.read_text(encoding="utf-8"))
    assert len(entries) > 100
    untranslated = [
        e["fields"]["msgid"]
        for e in entries[1:]
        if not any(tool._unquote(v) for k, v in e["fields"].items() if k.startswith("msgstr"))
    ]
    assert untranslated == []
    assert tool.PO.with_suffix(".mo").read_bytes() == tool.compile_mo(entries)


@pytest.mark.django_db
def test_the_language_choice_is_remembered_and_the_pages_speak_korean(course):
    client = client_for()
    response = client.post("/i18n/setlang/", {"language": "ko", "next": "/lessons/"})
    assert response.status_code == 302 and client.cookies["django_language"].value == "ko"
    listing = client.get("/lessons/").content.decode()
    titles = [lesson.text("ko")["title"] for lesson in Lesson.objects.all()]
    assert all(title in listing for title in titles)
    assert "시작 전" in listing and "Not started" not in listing
    client.post("/lessons/dns/start")
    page = client.get("/lessons/dns/").content.decode()
    for english in ("Run in console", "Show a hint", "Restart lesson", "Workloads", "console"):
        assert f">{english}<" not in page
    assert "콘솔에서 실행" in page and "레슨 다시 시작" in page and "워크로드" in page
