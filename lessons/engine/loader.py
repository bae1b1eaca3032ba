"""Read lessons/content/ into Lesson and Step dataclasses, validating every field.

Layout (see lessons/content/README.md): one folder per lesson, `NN-slug/`, holding
`lesson.<lang>.md` and one `NN-step-slug.<lang>.md` per step. Each file is Markdown with a
YAML front matter block between `---` lines. Language-neutral fields (a step's check and
solution, a lesson's setup and manifests) are written in the English file; another
language's file may repeat them only verbatim (order and estimated_minutes too).
Every problem raises LessonFormatError naming the file and the field.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from . import checks
from .model import Action, Lesson, Step

CONTENT_ROOT = Path(__file__).resolve().parent.parent / "content"
LANGUAGES = ("en", "ko")
BASE_LANG = "en"
LESSON_FIELDS = {"slug": str, "title": str, "summary": str, "order": int,
                 "estimated_minutes": int}
LESSON_OPTIONAL = {"setup": list, "manifests": list}
LESSON_SHARED = ("order", "estimated_minutes", "setup", "manifests")
STEP_TEXT_FIELDS = {"title": str, "explanation": str, "hints": list}
STEP_SHARED_FIELDS = ("check", "solution")
_STEP_FILE = re.compile(r"^(\d{2})-([a-z0-9][a-z0-9-]*)\.([a-z]{2})\.md$")
_LESSON_DIR = re.compile(r"^(\d{2})-([a-z0-9][a-z0-9-]*)$")
_FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.M | re.S)
_HEREDOC = re.compile(r"<<-?\s*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\1\s*$")


class LessonFormatError(ValueError):
    """A content file is malformed: the message starts with the file and the field."""


def load_all(root: Path | str = CONTENT_ROOT) -> dict[str, list[Lesson]]:
    """{lang: lessons sorted by order} for every language."""
    root = Path(root)
    dirs = sorted(d for d in root.iterdir() if d.is_dir() and not d.name.startswith("."))
    result: dict[str, list[Lesson]] = {lang: [] for lang in LANGUAGES}
    for d in dirs:
        if not _LESSON_DIR.match(d.name):
            raise LessonFormatError(f"{d}: a lesson folder is named NN-slug (e.g. 01-objects)")
        for lang in LANGUAGES:
            result[lang].append(load_lesson(d, lang))
    for lessons in result.values():
        _unique(lessons, lambda x: x.slug, "slug", root)
        _unique(lessons, lambda x: x.order, "order", root)
        lessons.sort(key=lambda x: x.order)
    return result


def _unique(lessons: list[Lesson], key, name: str, root: Path) -> None:
    seen: dict[Any, Path | None] = {}
    for lesson in lessons:
        if key(lesson) in seen:
            raise LessonFormatError(f"{lesson.path}: {name}: {key(lesson)!r} is also used by "
                                    f"{seen[key(lesson)]}")
        seen[key(lesson)] = lesson.path


def load_lesson(folder: Path | str, lang: str = BASE_LANG) -> Lesson:
    folder = Path(folder)
    path = folder / f"lesson.{lang}.md"
    meta, body = read_front_matter(path)
    _require(meta, LESSON_FIELDS, path)
    _optional(meta, LESSON_OPTIONAL, path)
    _unknown(meta, {*LESSON_FIELDS, *LESSON_OPTIONAL}, path)
    folder_slug = _LESSON_DIR.match(folder.name).group(2) if _LESSON_DIR.match(
        folder.name) else folder.name
    if meta["slug"] != folder_slug:
        raise LessonFormatError(f"{path}: slug: {meta['slug']!r} differs from the folder name "
                                f"({folder_slug!r})")
    if lang != BASE_LANG:
        meta = _with_base_lesson_fields(meta, path, folder / f"lesson.{BASE_LANG}.md")
    lesson = Lesson(meta["slug"], lang, meta["title"], meta["summary"], meta["order"],
                    meta["estimated_minutes"], _strings(meta, "setup", path),
                    _strings(meta, "manifests", path), body.strip(), path=path)
    lesson.steps = _load_steps(folder, lang)
    if not lesson.steps:
        raise LessonFormatError(f"{folder}: no step files (NN-step-slug.{lang}.md)")
    return lesson


def _with_base_lesson_fields(meta: dict, path: Path, base_path: Path) -> dict:
    """A translation shares the English file's starting state, order and duration."""
    base, _ = read_front_matter(base_path)
    merged = dict(meta)
    for name in LESSON_SHARED:
        if name in meta and meta[name] != base.get(name):
            raise LessonFormatError(f"{path}: {name}: differs from {base_path.name}")
        if name in base:
            merged[name] = base[name]
    return merged


def _load_steps(folder: Path, lang: str) -> list[Step]:
    names = sorted(p.name for p in folder.iterdir() if p.name != f"lesson.{lang}.md"
                   and p.name.endswith(".md") and not p.name.startswith("lesson.")
                   and p.name != "README.md")
    bad = [n for n in names if not _STEP_FILE.match(n)]
    if bad:
        raise LessonFormatError(f"{folder / bad[0]}: a step file is named "
                                "NN-step-slug.<lang>.md (e.g. 01-get-pods.en.md)")
    base = [n for n in names if n.endswith(f".{BASE_LANG}.md")]
    mine = [n for n in names if n.endswith(f".{lang}.md")]
    stems = [n[: -len(f".{BASE_LANG}.md")] for n in base]
    if [n[: -len(f".{lang}.md")] for n in mine] != stems:
        missing = set(stems) ^ {n[: -len(f".{lang}.md")] for n in mine}
        raise LessonFormatError(f"{folder}: the {lang} steps differ from the {BASE_LANG} ones: "
                                f"{', '.join(sorted(missing))}")
    numbers = [int(s[:2]) for s in stems]
    if numbers != list(range(1, len(stems) + 1)):
        raise LessonFormatError(f"{folder}: steps must be numbered 01, 02, ... without gaps "
                                f"(found {', '.join(s[:2] for s in stems)})")
    return [load_step(folder / f"{stem}.{lang}.md", folder / f"{stem}.{BASE_LANG}.md", i)
            for i, stem in enumerate(stems, 1)]


def load_step(path: Path, base_path: Path | None = None, number: int = 1) -> Step:
    m = _STEP_FILE.match(path.name)
    if not m:
        raise LessonFormatError(f"{path}: a step file is named NN-step-slug.<lang>.md")
    meta, body = read_front_matter(path)
    _require(meta, STEP_TEXT_FIELDS, path)
    _unknown(meta, {*STEP_TEXT_FIELDS, *STEP_SHARED_FIELDS}, path)
    shared = _shared_fields(meta, path, base_path)
    try:
        checks.validate(shared["check"], "check")
    except checks.CheckSpecError as exc:
        raise LessonFormatError(f"{path}: {exc}") from None
    hints = _strings(meta, "hints", path)
    solution = shared["solution"]
    if not isinstance(solution, list) or not solution or not all(
            isinstance(c, str) and c.strip() for c in solution):
        raise LessonFormatError(f"{path}: solution: expected a non-empty list of commands")
    return Step(m.group(2), number, m.group(3), meta["title"], body.strip(),
                parse_actions(body, path), shared["check"], hints, list(solution),
                meta["explanation"].strip(), path=path)


def _shared_fields(meta: dict, path: Path, base_path: Path | None) -> dict:
    if base_path is None or base_path == path:
        for name in STEP_SHARED_FIELDS:
            if name not in meta:
                raise LessonFormatError(f"{path}: {name}: missing")
        return meta
    base, _ = read_front_matter(base_path)
    for name in STEP_SHARED_FIELDS:
        if name in meta and meta[name] != base.get(name):
            raise LessonFormatError(f"{path}: {name}: differs from {base_path.name}; write it "
                                    "only in the English file")
        if name not in base:
            raise LessonFormatError(f"{base_path}: {name}: missing")
    return {name: base[name] for name in STEP_SHARED_FIELDS}


def read_front_matter(path: Path) -> tuple[dict, str]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LessonFormatError(f"{path}: file missing") from None
    if not text.startswith("---\n"):
        raise LessonFormatError(f"{path}: front matter: the file must start with a '---' line")
    end = text.find("\n---\n", 3)
    if end < 0:
        raise LessonFormatError(f"{path}: front matter: no closing '---' line")
    try:
        meta = yaml.safe_load(text[4:end + 1]) or {}
    except yaml.YAMLError as exc:
        raise LessonFormatError(f"{path}: front matter: invalid YAML: {exc}") from None
    if not isinstance(meta, dict):
        raise LessonFormatError(f"{path}: front matter: expected a mapping of fields")
    return meta, text[end + 5:]


def _require(meta: dict, fields: dict[str, type], path: Path) -> None:
    for name, type_ in fields.items():
        if name not in meta:
            raise LessonFormatError(f"{path}: {name}: missing")
        if not isinstance(meta[name], type_) or isinstance(meta[name], bool):
            raise LessonFormatError(f"{path}: {name}: expected {type_.__name__}, got "
                                    f"{type(meta[name]).__name__}")
        if type_ is str and not meta[name].strip():
            raise LessonFormatError(f"{path}: {name}: empty")


def _optional(meta: dict, fields: dict[str, type], path: Path) -> None:
    present = {k: t for k, t in fields.items() if k in meta}
    _require(meta, present, path)


def _unknown(meta: dict, allowed: set[str], path: Path) -> None:
    extra = sorted(set(meta) - allowed)
    if extra:
        raise LessonFormatError(f"{path}: {extra[0]}: unknown field (allowed: "
                                f"{', '.join(sorted(allowed))})")


def _strings(meta: dict, name: str, path: Path) -> list[str]:
    values = meta.get(name) or []
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise LessonFormatError(f"{path}: {name}: expected a list of strings")
    return list(values)


def parse_actions(body: str, path: Path | None = None) -> list[Action]:
    """```console blocks (one action per command) and ```yaml apply blocks (one action)."""
    actions: list[Action] = []
    for m in _FENCE.finditer(body):
        info, text = m.group(1).split(), m.group(2)
        if info[:1] == ["console"]:
            actions.extend(Action("console", c) for c in split_commands(text))
        elif info[:1] == ["yaml"] and "apply" in info[1:]:
            try:
                list(yaml.safe_load_all(text))
            except yaml.YAMLError as exc:
                raise LessonFormatError(f"{path}: yaml apply block: invalid YAML: {exc}") \
                    from None
            actions.append(Action("apply", text))
    return actions


def split_commands(text: str) -> list[str]:
    """One command per line; a line ending in a heredoc (`<<EOF`) takes its body along."""
    commands: list[str] = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        heredoc = _HEREDOC.search(line)
        if heredoc:
            body = []
            while i < len(lines) and lines[i].strip() != heredoc.group(2):
                body.append(lines[i])
                i += 1
            i += 1
            line = "\n".join([line, *body, heredoc.group(2)])
        commands.append(line.strip() if not heredoc else line.lstrip())
    return commands
