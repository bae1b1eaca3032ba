"""The JSONPath subset kubectl templates use (`-o jsonpath=`, `--sort-by`, custom columns).

Models k8s.io/client-go/util/jsonpath: `{.a.b}`, `{.items[*].metadata.name}` (several
results joined by spaces), `[0]`, `[-1]`, `['key.with.dots']`, filters
`[?(@.type=="Ready")]`, `{range .items[*]}...{end}`, string literals `{"\\n"}`.
Missing keys print nothing (kubectl allows missing keys). Maps and lists print as JSON.
"""

from __future__ import annotations

import json
import re
from typing import Any

_TOKEN = re.compile(r"\{((?:[^{}\"]|\"(?:[^\"\\]|\\.)*\")*)\}")


def render(template: str, data: Any) -> str:
    nodes = _parse(template)
    return _run(nodes, data)


def values(expr: str, data: Any) -> list[Any]:
    """The results of one `{path}` expression."""
    inner = expr.strip()
    if inner.startswith("{") and inner.endswith("}"):
        inner = inner[1:-1]
    return _eval_path(inner.strip(), [data])


def text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"), sort_keys=True)
    if value is None:
        return ""
    return str(value)


def _parse(template: str) -> list:
    """A flat token list: ("text", s) / ("expr", path) / ("range", path) / ("end",)."""
    out, pos = [], 0
    for m in _TOKEN.finditer(template):
        if m.start() > pos:
            out.append(("text", template[pos:m.start()]))
        body = m.group(1).strip()
        if body.startswith("range "):
            out.append(("range", body[6:].strip()))
        elif body == "end":
            out.append(("end",))
        elif body.startswith('"') and body.endswith('"'):
            out.append(("text", json.loads(body)))
        else:
            out.append(("expr", body))
        pos = m.end()
    if pos < len(template):
        out.append(("text", template[pos:]))
    return out


def _run(nodes: list, data: Any) -> str:
    out: list[str] = []
    i = 0
    while i < len(nodes):
        node = nodes[i]
        if node[0] == "text":
            out.append(node[1])
        elif node[0] == "expr":
            out.append(" ".join(text(v) for v in _eval_path(node[1], [data])))
        elif node[0] == "range":
            body, i = _range_body(nodes, i + 1)
            for item in _eval_path(node[1], [data]):
                out.append(_run(body, item))
        i += 1
    return "".join(out)


def _range_body(nodes: list, start: int) -> tuple[list, int]:
    depth = 1
    for j in range(start, len(nodes)):
        if nodes[j][0] == "range":
            depth += 1
        elif nodes[j][0] == "end":
            depth -= 1
            if depth == 0:
                return nodes[start:j], j
    return nodes[start:], len(nodes)


_STEP = re.compile(r"\.\.?([A-Za-z0-9_\-/]+)|\[\s*'([^']*)'\s*\]|\[\s*\"([^\"]*)\"\s*\]|"
                   r"\[\?\((.*?)\)\]|\[([^\]]*)\]|\.(\*)")


def _eval_path(path: str, current: list[Any]) -> list[Any]:
    if path in ("", ".", "@", "$"):
        return current
    path = path.lstrip("$@")
    pos = 0
    while pos < len(path):
        m = _STEP.match(path, pos)
        if not m:
            return []
        key, q1, q2, filt, index, star = m.groups()
        if key is not None or q1 is not None or q2 is not None:
            name = key if key is not None else (q1 if q1 is not None else q2)
            current = [c[name] for c in current if isinstance(c, dict) and name in c]
        elif filt is not None:
            current = [x for c in current for x in _items(c) if _matches(filt, x)]
        elif star is not None:
            current = [x for c in current for x in _items(c)]
        else:
            current = [x for c in current for x in _index(c, index.strip())]
        pos = m.end()
    return current


def _items(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return list(value.values())
    return []


def _index(value: Any, index: str) -> list[Any]:
    if not isinstance(value, list):
        return []
    if index == "*":
        return value
    try:
        if ":" in index:
            start, _, end = index.partition(":")
            return value[int(start) if start else None:int(end) if end else None]
        i = int(index)
    except ValueError:
        return []
    return [value[i]] if -len(value) <= i < len(value) else []


_FILTER = re.compile(r"^\s*@(\S*?)\s*(==|!=)\s*(?:\"([^\"]*)\"|'([^']*)'|(\S+))\s*$")


def _matches(expr: str, item: Any) -> bool:
    m = _FILTER.match(expr)
    if not m:
        path = expr.strip().lstrip("@")
        return bool(_eval_path(path, [item]))
    path, op, s1, s2, bare = m.groups()
    want = s1 if s1 is not None else (s2 if s2 is not None else bare)
    got = [text(v) for v in _eval_path(path, [item])]
    hit = want in got
    return hit if op == "==" else not hit
