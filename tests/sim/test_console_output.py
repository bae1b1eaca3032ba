"""-o yaml / -o json as kubectl prints them (sigs.k8s.io/yaml over go-yaml v2, encoding/json)."""

from playground.sim.console.output import as_list, to_json, to_yaml


def test_yaml_keys_sorted_like_go_yaml():
    doc = {"b": 1, "a10": 1, "a9": 1, "a_b": 1, "aB": 1, "A": 1, "a.b": 1, "a": 1}
    assert [line.split(":")[0] for line in to_yaml(doc).splitlines()] == [
        "A", "a", "a.b", "a_b", "a9", "a10", "aB", "b"]


def test_yaml_scalars_quote_like_go_yaml():
    doc = {"rv": "12", "t": "2026-01-01T00:00:00Z", "flag": "true", "word": "yes",
           "empty": "", "msg": "containers with unready status: [app]", "plain": "nginx:1.25",
           "none": None, "n": 3, "list": [], "map": {}}
    assert to_yaml(doc) == (
        'empty: ""\n'
        'flag: "true"\n'
        "list: []\n"
        "map: {}\n"
        "msg: 'containers with unready status: [app]'\n"
        "n: 3\n"
        "none: null\n"
        "plain: nginx:1.25\n"
        'rv: "12"\n'
        't: "2026-01-01T00:00:00Z"\n'
        'word: "yes"\n')


def test_yaml_block_sequences_and_literal_strings():
    doc = {"spec": {"containers": [{"name": "app", "args": ["-c", "echo hi"]}]},
           "note": '{"apiVersion":"v1"}\n'}
    assert to_yaml(doc) == ("note: |\n"
                            '  {"apiVersion":"v1"}\n'
                            "spec:\n"
                            "  containers:\n"
                            "  - args:\n"
                            "    - -c\n"
                            "    - echo hi\n"
                            "    name: app\n")


def test_json_is_go_marshal_indent():
    assert to_json({"b": "<a&b>", "a": [1, {}]}) == (
        '{\n    "a": [\n        1,\n        {}\n    ],\n    "b": "\\u003ca\\u0026b\\u003e"\n}\n')
    assert as_list([]) == {"apiVersion": "v1", "items": [], "kind": "List",
                           "metadata": {"resourceVersion": ""}}
