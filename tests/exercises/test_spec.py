"""The exercise file: validation with locations, safe loading, exact round trip."""

from __future__ import annotations

import pytest

from exercises import runner, spec
from tests.exercises.support import BROKEN_SERVICE


def test_an_exported_file_round_trips_byte_for_byte():
    doc, problems = spec.parse(BROKEN_SERVICE)
    assert problems == []
    assert spec.dump(doc) == BROKEN_SERVICE
    again, _ = spec.parse(spec.dump(doc))
    assert again == doc


def test_round_trip_keeps_awkward_text_exact():
    doc, _ = spec.parse(BROKEN_SERVICE)
    doc["description"] = "Trailing spaces   \nTabs\tand 'quotes' and \"double\"\n\n한국어: yes"
    doc["tasks"][0]["hints"] = ["#not a comment", "- not a list", "yes", "1.0", "null", ""]
    doc["faults"] = [{"at": "1m30s", "action": "delete-pod", "target": "web-0",
                      "namespace": "default"}]
    text = spec.dump(doc)
    parsed, problems = spec.parse(text)
    assert [p for p in problems if "hints[5]" not in p] == []
    doc["tasks"][0]["hints"] = doc["tasks"][0]["hints"][:5]
    text = spec.dump(doc)
    parsed, problems = spec.parse(text)
    assert problems == []
    assert parsed == doc
    assert spec.dump(parsed) == text


def test_defaults_are_filled_in_on_import():
    minimal = ("kind: Exercise\nversion: 1\ntitle: T\ntasks:\n- title: a\n  check:\n"
               "    exists: {kind: Pod, name: x}\n  solution: [kubectl run x --image=nginx]\n")
    doc, problems = spec.parse(minimal)
    assert problems == []
    assert doc["difficulty"] == "easy" and doc["estimated_minutes"] == 10
    assert doc["start"] == {"manifests": [], "commands": []} and doc["faults"] == []
    assert spec.parse(spec.dump(doc))[0] == doc


BAD = """kind: Exercise
version: 2
title: ''
difficulty: extreme
estimated_minutes: 0
colour: red
start:
  manifests:
  - |
    kind: Service
    metadata: {}
  - 'a: [b'
faults:
- at: soon
  action: explode
  target: Worker_2
tasks:
- title: one
  check:
    exists: {kind: Pdo, name: x}
  solution: []
- title: two
  check:
    endpoints_never_below: {service: web}
  hints: [3]
  solution: [kubectl get pods]
"""


def test_import_reports_every_problem_with_its_location():
    doc, problems = spec.parse(BAD)
    assert doc is None
    assert problems == [
        "colour: unknown field (allowed: kind, version, title, difficulty, estimated_minutes, "
        "description, start, faults, tasks) (line 6)",
        "version: must be 1 (line 2)",
        "title: is required (line 3)",
        "difficulty: must be one of easy, medium, hard (line 4)",
        "estimated_minutes: must be a whole number of minutes from 1 to 600 (line 5)",
        "start.manifests[0] (document 1): missing apiVersion (line 9)",
        "start.manifests[0] (document 1): missing metadata.name (line 9)",
        problems[7],  # the YAML parser's own words, checked below
        "faults[0].at: expected a duration such as 90s, 2m or 1m30s (line 14)",
        "faults[0].action: must be one of stop-node, start-node, delete-pod (line 15)",
        "faults[0].target: expected a node or pod name (line 16)",
        "tasks[0].check.exists.kind: unknown kind 'Pdo' (line 20)",
        "tasks[0].solution: every task needs a solution (console commands) (line 21)",
        "tasks[1].check.endpoints_never_below: missing 'min' (line 24)",
        "tasks[1].hints[0]: expected non-empty text (line 25)",
    ]
    assert problems[7].startswith("start.manifests[1]: not valid YAML: yaml: ")
    assert problems[7].endswith("(line 12)")


@pytest.mark.parametrize("text, message", [
    ("", "(file): expected a mapping with kind: Exercise at the top"),
    ("- a\n- b\n", "(file): expected a mapping with kind: Exercise at the top"),
    ("kind: Exercise\ntitle: !!python/object:os.system x\n", "(file): "),
    ("a: b\n---\nc: d\n", "(file): "),
    ("title: [\n", "(file): yaml: line 2"),
])
def test_malformed_files_get_a_clear_error(text, message):
    doc, problems = spec.parse(text)
    assert doc is None
    assert problems[0].startswith(message)


def test_alias_bombs_and_huge_files_are_refused_quickly():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n"
        for i in range(8))
    doc, problems = spec.parse(bomb)
    assert doc is None and len(problems) == 1 and problems[0].startswith("(file): ")
    doc, problems = spec.parse("title: " + "x" * (spec.MAX_BYTES + 1))
    assert doc is None and "bytes" in problems[0]


def test_faults_become_console_lines():
    assert spec.fault_command({"action": "stop-node", "target": "worker-2"}) == \
        "node stop worker-2"
    assert spec.fault_command({"action": "delete-pod", "target": "web-0"}) == \
        "kubectl delete pod web-0 -n default --wait=false"
    assert spec.fault_seconds({"at": "1m30s"}) == 90.0


def test_the_author_test_runs_the_solution_and_the_starting_state():
    doc, _ = spec.parse(BROKEN_SERVICE)
    report = runner.test_exercise(doc)
    assert report.error == ""
    assert report.start_fails and report.solution_passes
    task = report.tasks[0]
    assert task.before.feedback == ("Service web has no endpoints: its selector app=wbe "
                                    "matches no pod; your pods are labelled app=web.")
    assert task.after.passed and task.after.feedback.startswith("Service web has 2 endpoint(s)")
    assert task.ran[0][1] is True and task.ran[0][2] == "service/web patched\n"


def test_a_wrong_solution_does_not_pass_the_test():
    doc, _ = spec.parse(BROKEN_SERVICE)
    doc["tasks"][0]["solution"] = ["kubectl get services"]
    report = runner.test_exercise(doc)
    assert not report.solution_passes
    assert report.tasks[0].after.feedback.startswith("Service web has no endpoints")


def test_a_broken_starting_state_is_reported():
    doc, _ = spec.parse(BROKEN_SERVICE)
    doc["start"]["commands"] = ["kubectl delete service nothere"]
    report = runner.test_exercise(doc)
    assert not report.solution_passes
    assert report.error.startswith("starting state: 'kubectl delete service nothere' failed:")
    assert 'services "nothere" not found' in report.error


def test_the_starting_state_is_checked_by_the_api_server():
    doc, _ = spec.parse(BROKEN_SERVICE)
    assert runner.start_problems(doc) == []
    doc["start"]["manifests"].append("apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n"
                                     "spec:\n  ports:\n  - port: 99999\n")
    doc["start"]["commands"] = ["kubectl scale deployment nope --replicas=2"]
    assert runner.start_problems(doc) == [
        'start.manifests[2]: The Service "x" is invalid: \n'
        "* spec.ports[0].port: Invalid value: 99999: must be between 1 and 65535, inclusive\n"
        "* spec.ports[0].targetPort: Invalid value: 99999: must be between 1 and 65535, "
        "inclusive",
        'start.commands[0]: Error from server (NotFound): deployments.apps "nope" not found',
    ]
