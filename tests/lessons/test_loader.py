"""The content loader: the shipped course loads, actions are parsed, and every malformed file
is reported with its path and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from lessons.engine import Action, LessonFormatError, load_all, load_lesson
from lessons.engine.loader import parse_actions, split_commands
from lessons.engine.runner import solution_commands

LESSON = """---
slug: demo
title: Demo
summary: A demo lesson.
order: 1
estimated_minutes: 5
setup:
  - kubectl create namespace demo
---
Intro text.
"""

STEP = """---
title: First step
check:
  exists: {kind: Namespace, name: demo}
hints:
  - a hint
solution:
  - kubectl get ns
explanation: |
  It exists.
---
Run this:

```console
kubectl get ns
# a comment is no button
kubectl apply -f - <<EOF
apiVersion: v1
kind: Namespace
metadata:
  name: x
EOF
```

```yaml apply
apiVersion: v1
kind: Namespace
metadata:
  name: y
```

```yaml
kind: OnlyShown
```
"""

STEP_KO = """---
title: 첫 단계
hints:
  - 힌트
explanation: |
  있습니다.
---
실행하세요.
"""


def write_lesson(folder: Path, files: dict[str, str | None]) -> Path:
    folder.mkdir(parents=True)
    for name, text in files.items():
        if text is not None:
            (folder / name).write_text(text, encoding="utf-8")
    return folder


def write_course(root: Path, **overrides: str | None) -> Path:
    files: dict[str, str | None] = {
        "lesson.en.md": LESSON, "lesson.ko.md": LESSON.replace("Demo", "데모"),
        "01-first.en.md": STEP, "01-first.ko.md": STEP_KO}
    files.update(overrides)
    return write_lesson(root / "01-demo", files)


def error_of(root: Path) -> str:
    with pytest.raises(LessonFormatError) as exc:
        load_all(root)
    return str(exc.value)


def test_the_shipped_course_loads():
    course = load_all()
    assert [x.order for x in course["en"]] == [1, 2, 3, 4, 5, 6]
    for lesson in course["en"] + course["ko"]:
        assert lesson.steps and all(s.check and s.solution and s.hints for s in lesson.steps)
        assert all(s.actions for s in lesson.steps), lesson.slug


def test_a_lesson_and_its_steps(tmp_path):
    write_course(tmp_path)
    course = load_all(tmp_path)
    en, ko = course["en"][0], course["ko"][0]
    assert (en.slug, en.title, en.order, en.estimated_minutes) == ("demo", "Demo", 1, 5)
    assert ko.title == "데모"
    assert en.setup == ko.setup == ["kubectl create namespace demo"]
    step = en.steps[0]
    assert (step.slug, step.number, step.title, step.hints) == ("first", 1, "First step",
                                                                ["a hint"])
    assert step.explanation == "It exists."
    assert step.actions == [
        Action("console", "kubectl get ns"),
        Action("console", "kubectl apply -f - <<EOF\napiVersion: v1\nkind: Namespace\n"
                          "metadata:\n  name: x\nEOF"),
        Action("apply", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: y\n"),
    ]
    assert step.actions[2].command() == ("kubectl apply -f -", step.actions[2].text)
    assert step.actions[0].command() == ("kubectl get ns", None)
    assert ko.steps[0].title == "첫 단계" and ko.steps[0].check == step.check
    assert ko.steps[0].solution == step.solution


def test_split_commands_and_expected_failures(tmp_path):
    assert split_commands("a\n\n  b  \n# c\n") == ["a", "b"]
    assert parse_actions("```console\nx\n```\n```yaml\nk: v\n```\n") == [Action("console", "x")]
    folder = write_course(tmp_path, **{"01-first.en.md": STEP.replace(
        "  - kubectl get ns\nexplanation", "  - \"! kubectl get nope\"\nexplanation")})
    step = load_lesson(folder, "en").steps[0]
    assert step.solution == ["! kubectl get nope"]
    assert solution_commands(step) == ["kubectl get nope"]


@pytest.mark.parametrize(("overrides", "message"), [
    ({"lesson.en.md": "no front matter"},
     "lesson.en.md: front matter: the file must start with a '---' line"),
    ({"lesson.en.md": "---\ntitle: [unclosed\n---\n"}, "lesson.en.md: front matter: invalid YAML"),
    ({"lesson.en.md": "---\ntitle: x\n"}, "lesson.en.md: front matter: no closing '---' line"),
    ({"lesson.en.md": LESSON.replace("order: 1\n", "")}, "lesson.en.md: order: missing"),
    ({"lesson.en.md": LESSON.replace("order: 1", "order: first")},
     "lesson.en.md: order: expected int, got str"),
    ({"lesson.en.md": LESSON.replace("slug: demo", "slug: other")},
     "lesson.en.md: slug: 'other' differs from the folder name ('demo')"),
    ({"lesson.en.md": LESSON.replace("order: 1", "order: 1\ncolour: red")},
     "lesson.en.md: colour: unknown field"),
    ({"lesson.en.md": LESSON.replace("  - kubectl create namespace demo", "  - 3")},
     "lesson.en.md: setup: expected a list of strings"),
    ({"lesson.ko.md": LESSON.replace("order: 1", "order: 2")},
     "lesson.ko.md: order: differs from lesson.en.md"),
    ({"lesson.ko.md": None}, "lesson.ko.md: file missing"),
    ({"01-first.ko.md": None}, "the ko steps differ from the en ones: 01-first"),
    ({"01-first.en.md": None, "01-first.ko.md": None, "02-x.en.md": STEP, "02-x.ko.md": STEP_KO},
     "steps must be numbered 01, 02, ... without gaps (found 02)"),
    ({"1-first.en.md": STEP}, "1-first.en.md: a step file is named NN-step-slug.<lang>.md"),
    ({"01-first.en.md": STEP.replace("title: First step\n", "")},
     "01-first.en.md: title: missing"),
    ({"01-first.en.md": STEP.replace("  exists: {kind: Namespace, name: demo}",
                                     "  exists: {kind: Namespace}")},
     "01-first.en.md: check.exists: missing 'name'"),
    ({"01-first.en.md": STEP.replace("solution:\n  - kubectl get ns", "solution: []")},
     "01-first.en.md: solution: expected a non-empty list of commands"),
    ({"01-first.en.md": STEP.replace("hints:\n  - a hint", "hints: a hint")},
     "01-first.en.md: hints: expected list, got str"),
    ({"01-first.ko.md": STEP_KO.replace("hints:", "solution:\n  - kubectl get pods\nhints:")},
     "01-first.ko.md: solution: differs from 01-first.en.md; write it only in the English file"),
    ({"01-first.en.md": STEP.replace("```yaml apply\napiVersion: v1", "```yaml apply\n: : [")},
     "01-first.en.md: yaml apply block: invalid YAML"),
])
def test_errors_name_the_file_and_field(tmp_path, overrides, message):
    write_course(tmp_path, **overrides)
    assert message in error_of(tmp_path)


def test_duplicate_order_and_bad_folder_names(tmp_path):
    write_course(tmp_path / "a")
    write_lesson(tmp_path / "a" / "02-more", {
        "lesson.en.md": LESSON.replace("demo", "more"),
        "lesson.ko.md": LESSON.replace("demo", "more"),
        "01-first.en.md": STEP, "01-first.ko.md": STEP_KO})
    assert "order: 1 is also used by" in error_of(tmp_path / "a")
    (tmp_path / "b" / "demo").mkdir(parents=True)
    assert "a lesson folder is named NN-slug" in error_of(tmp_path / "b")


def test_the_engine_is_pure_python():
    """lessons.engine runs in solver tests and Celery workers: no Django, Celery or Redis."""
    import subprocess
    import sys

    code = ("import sys, lessons.engine, playground.sim.console; "
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
            "('django', 'celery', 'channels', 'redis')); print(bad); sys.exit(bool(bad))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parents[2], env={"PATH": ""})
    assert result.returncode == 0, result.stdout + result.stderr
