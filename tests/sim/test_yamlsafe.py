"""Safe YAML (playground/sim/yamlsafe.py) and the console's input caps (limits.py)."""

from __future__ import annotations

import time

import pytest

from playground.sim import yamlsafe
from playground.sim.cluster import Cluster
from playground.sim.console import Console
from playground.sim.limits import DEFAULTS, Limits, limits_of


def billion_laughs(levels: int = 9) -> str:
    text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    prev = "a"
    for name in "bcdefghijklmnop"[: levels - 1]:
        text += f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]\n"
        prev = name
    return text


def refused(text: str, caps: Limits = DEFAULTS) -> str:
    with pytest.raises(yamlsafe.YAMLError) as info:
        yamlsafe.load_all(text, caps)
    return info.value.message


def test_plain_documents_load_as_json_data():
    docs = yamlsafe.load_all("a: 1\n---\n---\nb: [x, 2.5, true, null]\nc: 2024-01-01\n1: one\n")
    assert docs == [{"a": 1}, None, {"b": ["x", 2.5, True, None], "c": "2024-01-01", "1": "one"}]


def test_json_input_and_merge_keys():
    assert yamlsafe.load_all('{"kind": "Pod", "n": [1, 2]}') == [{"kind": "Pod", "n": [1, 2]}]
    assert yamlsafe.load("base: &b {x: 1}\nd:\n  <<: *b\n  y: 2\n")["d"] == {"x": 1, "y": 2}


def test_billion_laughs_is_refused_in_milliseconds():
    start = time.perf_counter()
    message = refused(billion_laughs())
    assert time.perf_counter() - start < 0.05
    assert message == ("yaml: line 6: document contains excessive aliasing (more than 100000 "
                       "nodes once aliases are expanded)")


def test_small_aliases_are_fine_and_not_shared():
    doc = yamlsafe.load("- &x [1]\n- *x\n")
    doc[0].append(2)
    assert doc == [[1, 2], [1]]


def test_python_tags_are_refused():
    assert refused("!!python/object/apply:os.system ['ls']") == (
        "yaml: line 1: tag !!python/object/apply:os.system is not allowed (only plain YAML: "
        "maps, lists, strings, numbers, booleans, null)")
    assert refused("a: !!python/name:os.system").startswith("yaml: line 1: tag !!python/name")
    assert refused("a: !custom 1").startswith("yaml: line 1: tag !custom is not allowed")
    assert refused("a: !!set {x}").startswith("yaml: line 1: tag !!set is not allowed")


def test_deep_nesting_is_refused_without_recursion():
    start = time.perf_counter()
    assert refused("[" * 50_000 + "]" * 50_000) == "yaml: line 1: exceeded max depth of 64"
    assert time.perf_counter() - start < 0.1
    assert yamlsafe.load("[" * 60 + "]" * 60) is not None


def test_recursive_alias_is_refused():
    assert refused("&a [*a]") == "yaml: line 1: anchor 'a' value contains itself"


def test_size_and_document_caps():
    caps = Limits(max_manifest_bytes=100, max_yaml_documents=2)
    assert refused("a: " + "x" * 200, caps) == (
        "the document is 203 bytes; this playground accepts at most 100")
    assert refused("a: 1\n---\nb: 2\n---\nc: 3\n", caps) == (
        "too many documents (this playground accepts at most 2 in one stream)")


def test_values_json_cannot_carry():
    assert refused("a: .inf") == "json: unsupported value: +Inf"
    assert refused("a: .nan") == "json: unsupported value: NaN"
    assert refused("? [a]\n: 1\n").startswith("yaml: line 1: invalid map key")


def test_syntax_errors_in_go_yaml_words():
    assert refused("a: b: c") == "yaml: line 1: mapping values are not allowed in this context"
    assert refused(b"\xff\xfe\x00") == "yaml: invalid leading UTF-8 octet"


def test_limits_from_meta_override_defaults():
    caps = limits_of({"limits": {"max_objects": 5, "nonsense": 1}})
    assert caps.max_objects == 5 and caps.max_namespaces == Limits().max_namespaces


# ---- the console -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def console():
    return Console(Cluster.new(seed=3))


def test_console_refuses_billion_laughs(console):
    result = console.run("kubectl apply -f -", stdin=billion_laughs())
    assert not result.ok
    assert result.output == (
        "error: error parsing STDIN: error converting YAML to JSON: yaml: line 6: document "
        "contains excessive aliasing (more than 100000 nodes once aliases are expanded)\n")


def test_console_refuses_python_tags(console):
    result = console.run("kubectl create -f -", stdin="!!python/object/apply:os.system [ls]\n")
    assert result.output.startswith(
        "error: error parsing STDIN: error converting YAML to JSON: yaml: line 1: tag "
        "!!python/object/apply:os.system is not allowed")


def test_console_line_length_cap(console):
    result = console.run("kubectl get pods " + "x" * 5000)
    assert not result.ok
    assert result.output == ("error: the command line is 5017 characters long; this "
                             "playground accepts at most 4096\n")


def test_console_stdin_size_cap(console):
    result = console.run("kubectl apply -f -", stdin="a: " + "x" * 600_000)
    assert result.output == ("error: the input is 600003 bytes; this playground accepts at "
                             "most 524288\n")


def test_clock_advance_is_capped(console):
    before = console.cluster.clock.now
    result = console.run("clock advance 100h")
    assert result.ok
    assert result.output.startswith(
        "warning: clock advance is limited to 6h0m0s per command in this playground; "
        "advancing 6h0m0s instead of 100h\nadvanced 6h0m0s to ")
    assert console.cluster.clock.now - before == 6 * 3600


def test_patch_body_is_parsed_safely(console):
    result = console.run("kubectl patch ns default -p '!!python/object/apply:os.system [ls]'")
    assert not result.ok
    assert "did not find expected node content" in result.output
