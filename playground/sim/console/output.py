"""Object output the way kubectl prints it: `-o yaml`, `-o json`, `-o name`.

`-o yaml` follows sigs.k8s.io/yaml (JSON -> go-yaml v2): map keys sorted with go-yaml's
natural order (digit runs compare as numbers, non-letters before letters), block
sequences not indented under their key, strings that would read as another type
double-quoted, multi-line strings as literal blocks. `-o json` follows Go's
json.MarshalIndent with four spaces (keys sorted, `<`, `>`, `&` escaped).
"""

from __future__ import annotations

import functools
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
    pass


def _fast_key(key: str) -> tuple[int, ...]:
    """go-yaml's order for keys without digits: runes compared, non-letters before letters."""
    return tuple(ord(c) + (0x110000 if c.isalpha() else 0) for c in key)


def _represent_dict(dumper: yaml.SafeDumper, data: dict):
    keys = [str(k) for k in data]
    if any(c.isdigit() for k in keys for c in k):
        items = sorted(data.items(), key=lambda kv: _KEY(str(kv[0])))
    else:
        items = sorted(data.items(), key=lambda kv: _fast_key(str(kv[0])))
    return dumper.represent_mapping("tag:yaml.org,2002:map", items, flow_style=False)


_RESOLVER = yaml.resolver.Resolver()


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


def to_yaml(obj) -> str:
    return yaml.dump(obj, Dumper=_GoDumper, default_flow_style=False, allow_unicode=True,
                     width=80, sort_keys=False)


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
