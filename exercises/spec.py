"""An exercise as one YAML document: parse and validate it, and write it back.

Pure Python (no Django): the import page, the authoring form and the tests share it.

    kind: Exercise
    version: 1
    title: Fix the Service
    difficulty: easy                  # easy | medium | hard
    estimated_minutes: 10
    description: |                    # Markdown (sanitised when shown)
      ...
    start:                            # run on a fresh sandbox
      manifests: [YAML text, ...]     # applied first (kubectl apply -f -)
      commands: [console line, ...]
    faults:                           # the same incident for every learner
    - {at: 2m, action: stop-node, target: worker-2}
    - {at: 3m, action: delete-pod, target: web-0, namespace: default}
    tasks:
    - title: ...
      check: {...}                    # lesson checks + history checks (exercises.checks)
      hints: [...]
      solution: [console line, ...]

`parse(text)` returns (document, problems): every problem names its field path and, when
the YAML has one, its line. `dump(document)` is canonical, so for any exported file
`dump(parse(text)[0]) == text` byte for byte.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from playground.sim import yamlsafe
from playground.sim.clock import parse_duration
from playground.sim.limits import Limits

from . import checks

KIND, VERSION = "Exercise", 1
DIFFICULTIES = ("easy", "medium", "hard")
FAULT_ACTIONS = ("stop-node", "start-node", "delete-pod")
MAX_FAULT_AT = 6 * 3600.0
MAX_BYTES = 256 * 1024
MAX_TASKS, MAX_ITEMS = 20, 50
NAME_RE = re.compile(r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
TOP_FIELDS = ("kind", "version", "title", "difficulty", "estimated_minutes", "description",
              "start", "faults", "tasks")
UPLOAD_CAPS = Limits(max_manifest_bytes=MAX_BYTES, max_yaml_depth=32, max_yaml_documents=1,
                     max_yaml_nodes=20_000)


class Problems(list):
    """Problems found while validating: `add(path, message)`; lines filled in later."""

    def add(self, path: str, message: str) -> None:
        self.append((path, message))


# ---- parsing ---------------------------------------------------------------------------------


def parse(text: str | bytes) -> tuple[dict | None, list[str]]:
    """(the normalised document, []) or (None, problems as "path: message (line N)")."""
    try:
        data = yamlsafe.load(text, UPLOAD_CAPS)
    except yamlsafe.YAMLError as exc:
        return None, [f"(file): {exc.message if hasattr(exc, 'message') else exc}"]
    problems = Problems()
    doc = normalise(data, problems)
    if problems:
        lines = _lines(text)
        return None, [_located(path, msg, lines) for path, msg in problems]
    return doc, []


def normalise(data: Any, problems: Problems) -> dict:
    """The document with defaults filled in, checking every field (problems collect)."""
    if not isinstance(data, dict):
        problems.add("(file)", "expected a mapping with kind: Exercise at the top")
        return {}
    for key in data:
        if key not in TOP_FIELDS:
            problems.add(key, f"unknown field (allowed: {', '.join(TOP_FIELDS)})")
    if data.get("kind") != KIND:
        problems.add("kind", f"must be {KIND!r}")
    if data.get("version") != VERSION:
        problems.add("version", f"must be {VERSION}")
    doc = {"kind": KIND, "version": VERSION}
    doc["title"] = _text(data, "title", problems, required=True, limit=200)
    doc["difficulty"] = data.get("difficulty", "easy")
    if doc["difficulty"] not in DIFFICULTIES:
        problems.add("difficulty", f"must be one of {', '.join(DIFFICULTIES)}")
    doc["estimated_minutes"] = data.get("estimated_minutes", 10)
    minutes = doc["estimated_minutes"]
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= 600:
        problems.add("estimated_minutes", "must be a whole number of minutes from 1 to 600")
    doc["description"] = _text(data, "description", problems, limit=20_000)
    doc["start"] = _start(data.get("start", {}), problems)
    doc["faults"] = [_fault(f, f"faults[{i}]", problems)
                     for i, f in enumerate(_list(data, "faults", problems))]
    tasks = _list(data, "tasks", problems, limit=MAX_TASKS)
    if not tasks:
        problems.add("tasks", "an exercise needs at least one task")
    doc["tasks"] = [_task(t, f"tasks[{i}]", problems) for i, t in enumerate(tasks)]
    return doc


def _text(data: dict, key: str, problems: Problems, *, path: str | None = None,
          required: bool = False, limit: int = 1000) -> str:
    path = path or key
    value = data.get(key, "")
    if not isinstance(value, str):
        problems.add(path, "expected text")
        return ""
    if required and not value.strip():
        problems.add(path, "is required")
    if len(value) > limit:
        problems.add(path, f"is longer than {limit} characters")
    return value


def _list(data: dict, key: str, problems: Problems, *, path: str | None = None,
          limit: int = MAX_ITEMS) -> list:
    path = path or key
    value = data.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list):
        problems.add(path, "expected a list")
        return []
    if len(value) > limit:
        problems.add(path, f"at most {limit} items")
    return value


def _strings(data: dict, key: str, path: str, problems: Problems,
             limit: int = 64 * 1024) -> list[str]:
    items = _list(data, key, problems, path=path)
    for i, item in enumerate(items):
        if not isinstance(item, str) or not item.strip():
            problems.add(f"{path}[{i}]", "expected non-empty text")
        elif len(item) > limit:
            problems.add(f"{path}[{i}]", f"is longer than {limit} characters")
    return [i for i in items if isinstance(i, str)]


def _start(start: Any, problems: Problems) -> dict:
    if not isinstance(start, dict):
        problems.add("start", "expected a mapping with manifests and commands")
        return {"manifests": [], "commands": []}
    for key in start:
        if key not in ("manifests", "commands"):
            problems.add(f"start.{key}", "unknown field (allowed: manifests, commands)")
    manifests = _strings(start, "manifests", "start.manifests", problems)
    for i, text in enumerate(manifests):
        _manifest(text, f"start.manifests[{i}]", problems)
    return {"manifests": manifests,
            "commands": _strings(start, "commands", "start.commands", problems, 4096)}


def _manifest(text: str, path: str, problems: Problems) -> None:
    try:
        docs = yamlsafe.load_all(text)
    except yamlsafe.YAMLError as exc:
        problems.add(path, f"not valid YAML: {exc}")
        return
    for n, obj in enumerate(d for d in docs if d is not None):
        at = f"{path} (document {n + 1})"
        if not isinstance(obj, dict):
            problems.add(at, "expected a Kubernetes object")
            continue
        for key in ("apiVersion", "kind"):
            if not obj.get(key):
                problems.add(at, f"missing {key}")
        if not (obj.get("metadata") or {}).get("name"):
            problems.add(at, "missing metadata.name")


def _fault(fault: Any, path: str, problems: Problems) -> dict:
    if not isinstance(fault, dict):
        problems.add(path, "expected a mapping with at, action and target")
        return {}
    allowed = ("at", "action", "target", "namespace")
    for key in fault:
        if key not in allowed:
            problems.add(f"{path}.{key}", f"unknown field (allowed: {', '.join(allowed)})")
    out = {"at": str(fault.get("at", "")), "action": fault.get("action"),
           "target": fault.get("target")}
    try:
        seconds = parse_duration(out["at"])
        if seconds > MAX_FAULT_AT:
            problems.add(f"{path}.at", "must be at most 6h after the start")
    except ValueError:
        problems.add(f"{path}.at", "expected a duration such as 90s, 2m or 1m30s")
    if out["action"] not in FAULT_ACTIONS:
        problems.add(f"{path}.action", f"must be one of {', '.join(FAULT_ACTIONS)}")
    if not isinstance(out["target"], str) or not NAME_RE.match(out["target"]):
        problems.add(f"{path}.target", "expected a node or pod name")
    if "namespace" in fault:
        out["namespace"] = fault["namespace"]
        if out["action"] != "delete-pod":
            problems.add(f"{path}.namespace", "only a delete-pod fault has a namespace")
        elif not isinstance(fault["namespace"], str) or not NAME_RE.match(fault["namespace"]):
            problems.add(f"{path}.namespace", "expected a namespace name")
    return out


def _task(task: Any, path: str, problems: Problems) -> dict:
    if not isinstance(task, dict):
        problems.add(path, "expected a mapping with title, check, hints and solution")
        return {}
    allowed = ("title", "check", "hints", "solution")
    for key in task:
        if key not in allowed:
            problems.add(f"{path}.{key}", f"unknown field (allowed: {', '.join(allowed)})")
    out = {"title": _text(task, "title", problems, path=f"{path}.title", required=True,
                          limit=200)}
    out["check"] = task.get("check")
    try:
        checks.validate(out["check"], f"{path}.check")
    except checks.CheckSpecError as exc:
        at, _, message = str(exc).partition(": ")
        problems.add(at, message)
    out["hints"] = _strings(task, "hints", f"{path}.hints", problems, 2000)
    out["solution"] = _strings(task, "solution", f"{path}.solution", problems)
    if not out["solution"]:
        problems.add(f"{path}.solution", "every task needs a solution (console commands)")
    return out


# ---- locations -------------------------------------------------------------------------------


def _lines(text: str | bytes) -> dict[str, int]:
    """Field path -> 1-based line, from the YAML's node marks (the text already passed the
    safe loader's caps; aliases are not followed, so this stays linear)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    lines: dict[str, int] = {}

    def walk(node, path: str) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                child = f"{path}.{key.value}" if path else str(key.value)
                lines.setdefault(child, key.start_mark.line + 1)
                walk(value, child)
        elif isinstance(node, yaml.SequenceNode):
            for i, value in enumerate(node.value):
                child = f"{path}[{i}]"
                lines.setdefault(child, value.start_mark.line + 1)
                walk(value, child)

    if root is not None:
        walk(root, "")
    return lines


def _located(path: str, message: str, lines: dict[str, int]) -> str:
    probe = path.split(" ")[0]
    while probe and probe not in lines:
        probe = re.sub(r"(\.[^.\[]+|\[\d+\])$", "", probe) if re.search(
            r"(\.[^.\[]+|\[\d+\])$", probe) else ""
    line = f" (line {lines[probe]})" if probe in lines else ""
    return f"{path}: {message}{line}"


# ---- writing ---------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump(doc: dict) -> str:
    """The canonical YAML text of a normalised document."""
    ordered = {key: doc[key] for key in TOP_FIELDS if key in doc}
    return yaml.dump(ordered, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=False, width=100, indent=2)


def dump_value(value: Any) -> str:
    """Any part of a document in the same style (the authoring form's tasks field)."""
    return yaml.dump(value, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=False, width=100, indent=2)


def fault_seconds(fault: dict) -> float:
    return parse_duration(fault["at"])


def fault_command(fault: dict) -> str:
    """The console line that applies a fault."""
    if fault["action"] == "stop-node":
        return f"node stop {fault['target']}"
    if fault["action"] == "start-node":
        return f"node start {fault['target']}"
    namespace = fault.get("namespace") or "default"
    return f"kubectl delete pod {fault['target']} -n {namespace} --wait=false"
