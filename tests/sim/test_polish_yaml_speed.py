"""`-o yaml` builds YAML nodes directly (console/output.py to_yaml) for speed; it must print
exactly what the representer path (yaml.dump with the same dumper) prints."""

import yaml

from playground.sim.cluster import Cluster
from playground.sim.console import Console
from playground.sim.console.output import _GoDumper, as_list, to_yaml

ODD = {"a": ["", "yes", "No", "~", "null", "1.5", "0x1F", "2026-01-01", "a: b", "- x", "#c",
             "x #y", "multi\nline\n", "trail ", " lead", "'q'", '"dq"', "é ü", "\t tab", "@at",
             "1e3", "+1", ".inf", "<<", "*star", "&amp", "!bang", "%pct", "?q", "a" * 120,
             "word " * 30, "10:20", "1_000", "0o17", "on", "OFF", "y", "n"],
       "n": None, "t": True, "f": 1.0, "g": 2.5, "i": 7, "z10": 1, "z9": 2, "a-1": 3, "a_1": 4,
       "A1": 5, "": 6, "e": {}, "l": [], "nested": [{"b": 1, "a": [1, [2, {}]]}]}


def reference(obj) -> str:
    return yaml.dump(obj, Dumper=_GoDumper, default_flow_style=False, allow_unicode=True,
                     width=80, sort_keys=False)


def test_fast_yaml_matches_the_representer_path_on_a_whole_cluster():
    c = Cluster.new()
    con = Console(c)
    con.run("kubectl create deployment web --image=nginx --replicas=3")
    con.run("kubectl expose deployment web --port=80")
    con.run("kubectl create secret generic db --from-literal=a=b")
    c.advance(30)
    objects = [o for kind in list(c.store.objects) for o in c.store.objects[kind].values()]
    assert len(objects) > 50
    for obj in objects + [ODD, as_list(objects[:20])]:
        assert to_yaml(obj) == reference(obj)


def test_key_order_and_quoting_are_go_yamls():
    assert to_yaml({"z10": 1, "z9": 2, "b": "yes", "a": "1.5", "c": None}) == (
        "a: \"1.5\"\nb: \"yes\"\nc: null\nz9: 2\nz10: 1\n")
