"""Forms of the authoring area and of classes.

The exercise form edits the same document the export writes: plain fields for the text,
the starting state as YAML and console lines, faults one per line (`2m stop-node
worker-2`, `3m delete-pod web-0 default`), and the tasks as a YAML list. Everything is
validated by exercises.spec, and every problem is shown beside its field.
"""

from __future__ import annotations

import re

from django import forms

from exercises import runner, spec
from playground.sim import yamlsafe

MANIFEST_SEPARATOR = "---\n"
_SEPARATOR_LINE = re.compile(r"^---[ \t]*\n", re.M)
TASKS_EXAMPLE = """- title: The Service has endpoints
  check:
    endpoints: {service: web, count: 2}
  hints:
  - Compare the Service's selector with the pods' labels.
  solution:
  - kubectl get pods --show-labels
"""


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _text(rows: int, limit: int, help_text: str, **kwargs) -> forms.CharField:
    # strip=False: the text is the document's own, kept exactly (export round trip)
    attrs = {"rows": rows, "spellcheck": "false"}
    return forms.CharField(strip=False, widget=forms.Textarea(attrs=attrs), max_length=limit,
                           help_text=help_text, **kwargs)


class ExerciseForm(forms.Form):
    title = forms.CharField(max_length=200)
    difficulty = forms.ChoiceField(choices=[(d, d) for d in spec.DIFFICULTIES])
    estimated_minutes = forms.IntegerField(min_value=1, max_value=600, initial=10)
    description = _text(8, 20_000, "Markdown.", required=False)
    manifests = _text(12, spec.MAX_BYTES, "YAML applied to a fresh cluster (documents "
                      "separated by ---).", required=False)
    commands = _text(3, 20_000, "Console commands run after the manifests, one a line.",
                     required=False)
    faults = _text(3, 5000, "One a line: 2m stop-node worker-2, 3m start-node worker-2, "
                   "90s delete-pod web-0 [namespace].", required=False)
    tasks = _text(14, spec.MAX_BYTES, "A YAML list: title, check, hints, solution.",
                  initial=TASKS_EXAMPLE)

    @classmethod
    def from_document(cls, doc: dict) -> ExerciseForm:
        manifests = doc["start"]["manifests"]
        tasks_text = spec.dump_value(doc["tasks"])
        faults = [" ".join([f["at"], f["action"], f["target"], f.get("namespace", "")]).strip()
                  for f in doc["faults"]]
        return cls(initial={
            "title": doc["title"], "difficulty": doc["difficulty"],
            "estimated_minutes": doc["estimated_minutes"], "description": doc["description"],
            "manifests": MANIFEST_SEPARATOR.join(manifests),
            "commands": "\n".join(doc["start"]["commands"]),
            "faults": "\n".join(faults), "tasks": tasks_text,
        })

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        tasks = self._tasks(data.get("tasks", ""))
        faults = self._faults(data.get("faults", ""))
        manifests = data.get("manifests", "")
        raw = {
            "kind": spec.KIND, "version": spec.VERSION, "title": data["title"],
            "difficulty": data["difficulty"], "estimated_minutes": data["estimated_minutes"],
            "description": data.get("description", "").replace("\r\n", "\n"),
            "start": {"manifests": _manifests(manifests.replace("\r\n", "\n")),
                      "commands": _lines(data.get("commands", ""))},
            "faults": faults, "tasks": tasks,
        }
        problems = spec.Problems()
        doc = spec.normalise(raw, problems)
        for path, message in problems:
            self.add_error(_field_of(path), f"{path}: {message}")
        if not self.errors:
            for problem in runner.start_problems(doc):
                self.add_error(_field_of(problem), problem)
        self.document = doc
        return data

    def _tasks(self, text: str) -> list:
        try:
            tasks = yamlsafe.load(text.replace("\r\n", "\n"), spec.UPLOAD_CAPS)
        except yamlsafe.YAMLError as exc:
            self.add_error("tasks", f"not valid YAML: {exc}")
            return []
        if not isinstance(tasks, list):
            self.add_error("tasks", "expected a YAML list of tasks (each starting with '- ')")
            return []
        return tasks

    def _faults(self, text: str) -> list[dict]:
        faults = []
        for number, line in enumerate(_lines(text), 1):
            words = line.split()
            if len(words) not in (3, 4):
                self.add_error("faults", f"line {number}: expected 'AT ACTION TARGET "
                                         f"[NAMESPACE]', e.g. '2m stop-node worker-2'")
                continue
            fault = {"at": words[0], "action": words[1], "target": words[2]}
            if len(words) == 4:
                fault["namespace"] = words[3]
            faults.append(fault)
        return faults


def _manifests(text: str) -> list[str]:
    """The manifests field back into the document's list: the form joins them with `---`
    lines, so an unchanged field gives back the very same list."""
    return [m for m in _SEPARATOR_LINE.split(text) if m.strip()]


def _field_of(path: str) -> str | None:
    head = path.split(".")[0].split("[")[0].split(" ")[0]
    if head == "start":
        return "commands" if ".commands" in path else "manifests"
    return head if head in ExerciseForm.base_fields else None


class ImportForm(forms.Form):
    file = forms.FileField(required=False, help_text=f"An exported exercise (.yaml), at most "
                                                     f"{spec.MAX_BYTES // 1024} KiB.")
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
                           required=False, max_length=spec.MAX_BYTES, label="or paste it")

    def clean(self) -> dict:
        data = super().clean()
        upload = data.get("file")
        if upload is not None:
            if upload.size > spec.MAX_BYTES:
                raise forms.ValidationError(f"The file is {upload.size} bytes; at most "
                                            f"{spec.MAX_BYTES} are accepted.")
            data["content"] = upload.read(spec.MAX_BYTES + 1)
        elif data.get("text", "").strip():
            data["content"] = data["text"].replace("\r\n", "\n")
        else:
            raise forms.ValidationError("Choose a file or paste an exported exercise.")
        return data


class ClassroomForm(forms.Form):
    name = forms.CharField(max_length=120)


class JoinForm(forms.Form):
    code = forms.CharField(max_length=12, label="Join code")


class AssignForm(forms.Form):
    item = forms.ChoiceField(label="Exercise or lesson")
    due_at = forms.DateTimeField(required=False, label="Due (optional, UTC)",
                                 widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))

    def __init__(self, *args, exercises=(), lessons=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = (
            [(f"exercise:{e.pk}", f"Exercise: {e.title}") for e in exercises]
            + [(f"lesson:{lesson.pk}", f"Lesson: {lesson.text('en')['title']}")
               for lesson in lessons])
