"""Object output the way kubectl prints it: `-o yaml`, `-o json`, `-o name`.

`-o yaml` follows sigs.k8s.io/yaml (JSON -> go-yaml v2): map keys sorted with go-yaml's
natural order (digit runs compare as numbers, non-letters before letters), block
sequences not indented under their key, strings that would read as another type
double-quoted, multi-line strings as literal blocks. `-o json` follows Go's
json.MarshalIndent with four spaces (keys sorted, `<`, `>`, `&` escaped).
"""

from __future__ import annotations

import functools
import gc
import json
import re

import yaml


def _natural_less(a: str, b: str) -> bool:
    """go-yaml v2 keyList.Less for two string keys."""
    ar, br = a, b
    for i in range(min(len(ar), len(br))):
        if ar[i] == br[i]:
            continue
        al, bl = ar[i].isalpha(), br[i].isalpha()
        if al and bl:
            return ar[i] < br[i]
        if al or bl:
            return bl
        an, bn = _digits(ar, i), _digits(br, i)
        if an is None or bn is None:
            if an is not None or bn is not None:
                return an is None  # a non-digit symbol sorts before a number
            return ar[i] < br[i]
        if an[0] != bn[0]:
            return an[0] < bn[0]
        if an[1] != bn[1]:
            return an[1] < bn[1]
        return ar[i] < br[i]
    return len(ar) < len(br)


def _digits(s: str, i: int) -> tuple[int, int] | None:
    j = i
    while j < len(s) and s[j].isdigit():
        j += 1
    if j == i:
        return None
    return int(s[i:j]), j


def _cmp(a: str, b: str) -> int:
    if a == b:
        return 0
    return -1 if _natural_less(a, b) else 1


_KEY = functools.cmp_to_key(_cmp)


# libyaml's emitter when available: go-yaml v2 is a port of it, and it is much faster
_BASE = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _GoDumper(_BASE):  # type: ignore[valid-type,misc]
    """Speed (kubectl get -o yaml over hundreds of pods): no anchors (kubectl never writes
    any, and alias bookkeeping costs), and the serializer's two implicit-tag resolutions per
    scalar are memoised (the same few thousand strings recur across objects)."""

    def ignore_aliases(self, data) -> bool:
        return True

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode and isinstance(value, str):
            return _resolve_scalar(value, implicit)
        return super().resolve(kind, value, implicit)


@functools.lru_cache(maxsize=65536)
def _resolve_scalar(value: str, implicit: tuple[bool, bool]) -> str:
    return _RESOLVER.resolve(yaml.ScalarNode, value, implicit)


def _fast_key(key: str) -> tuple[int, ...]:
    """go-yaml's order for keys without digits: runes compared, non-letters before letters."""
    return tuple(ord(c) + (0x110000 if c.isalpha() else 0) for c in key)


@functools.lru_cache(maxsize=8192)
def _key_order(keys: tuple[str, ...]) -> tuple[int, ...]:
    """Positions of `keys` in go-yaml's order (objects of one kind share their key sets)."""
    if any(c.isdigit() for k in keys for c in k):
        return tuple(sorted(range(len(keys)), key=lambda i: _KEY(keys[i])))
    return tuple(sorted(range(len(keys)), key=lambda i: _fast_key(keys[i])))


def _represent_dict(dumper: yaml.SafeDumper, data: dict):
    items = list(data.items())
    order = _key_order(tuple(str(k) for k, _ in items))
    return dumper.represent_mapping("tag:yaml.org,2002:map", [items[i] for i in order],
                                    flow_style=False)


_RESOLVER = yaml.resolver.Resolver()


@functools.lru_cache(maxsize=65536)
def _needs_double_quotes(value: str) -> bool:
    """go-yaml quotes a string (with double quotes) when its plain form would resolve to a
    non-string: numbers, booleans (YAML 1.1 words), null, timestamps, ''."""
    tag = _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))
    return tag != "tag:yaml.org,2002:str"


def _represent_str(dumper: yaml.SafeDumper, data: str):
    if "\n" in data:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    if _needs_double_quotes(data):
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style='"')
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


def _represent_float(dumper: yaml.SafeDumper, data: float):
    if data == int(data):
        return dumper.represent_int(int(data))
    return dumper.represent_scalar("tag:yaml.org,2002:float", repr(data))


_GoDumper.add_representer(dict, _represent_dict)
_GoDumper.add_representer(str, _represent_str)
_GoDumper.add_representer(float, _represent_float)


_MAP, _SEQ, _STR = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:str"


def _node(data, dumper: _GoDumper):
    """The node the representers above build, without their dispatch and bookkeeping (this is
    where `-o yaml` of hundreds of objects spent its time). Same output: see to_yaml's test."""
    kind = type(data)
    if kind is str:
        style = "|" if "\n" in data else ('"' if _needs_double_quotes(data) else None)
        return yaml.ScalarNode(_STR, data, style=style)
    if kind is dict:
        items = list(data.items())
        order = _key_order(tuple(str(k) for k, _ in items))
        return yaml.MappingNode(_MAP, [(_node(items[i][0], dumper), _node(items[i][1], dumper))
                                       for i in order], flow_style=False)
    if kind is list:
        return yaml.SequenceNode(_SEQ, [_node(v, dumper) for v in data], flow_style=False)
    return dumper.represent_data(data)


def to_yaml(obj) -> str:
    import io

    stream = io.StringIO()
    dumper = _GoDumper(stream, default_flow_style=False, allow_unicode=True, width=80,
                       sort_keys=False)
    collecting = gc.isenabled()
    gc.disable()  # a big listing allocates ~10^5 nodes: generational passes only cost here
    try:
        dumper.open()
        dumper.serialize(_node(obj, dumper))
        dumper.close()
    finally:
        if collecting:
            gc.enable()
    return stream.getvalue()


def to_json(obj) -> str:
    text = json.dumps(obj, indent=4, sort_keys=True, ensure_ascii=False, separators=(",", ": "))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return re.sub("[\u2028\u2029]", lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


def as_list(items: list[dict]) -> dict:
    """What kubectl prints for several objects: a v1 List."""
    return {"apiVersion": "v1", "items": items, "kind": "List",
            "metadata": {"resourceVersion": ""}}


def print_object(ctx, name: str, obj: dict, output: str | None, message: str) -> None:
    """One object as a write command prints it: `-o yaml|json|name|jsonpath=...`, else
    `<kind>/<name> <message>` (`deployment.apps/web created`)."""
    from . import jsonpath

    if output == "yaml":
        ctx.out(to_yaml(obj))
    elif output == "json":
        ctx.out(to_json(obj))
    elif output == "name":
        ctx.out(name)
    elif output and output.startswith("jsonpath="):
        ctx.chunks.append(("out", jsonpath.render(output[len("jsonpath="):], obj)))
    else:
        ctx.out(f"{name} {message}")
