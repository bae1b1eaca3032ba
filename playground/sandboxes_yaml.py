"""Point the editor at the line of a manifest error.

YAML syntax errors come with a line from the parser. Validation errors come from the
simulated API server with Kubernetes' own messages (`The Deployment "web" is invalid:
spec.replicas: Invalid value: -1: ...`); we find the document with that kind and name
and follow the field path through the YAML nodes to the line that holds it.
"""

from __future__ import annotations

import re

import yaml
from yaml.composer import Composer
from yaml.resolver import Resolver

from playground.sim.limits import DEFAULTS

INVALID = re.compile(r'^The (\w+) "([^"]+)" is invalid: ?(.*)$')
FIELD = re.compile(r"^(?:\* )?([A-Za-z0-9_.\[\]/-]+): (.*)$")
NOT_FOUND_KIND = re.compile(r'for name: "([^"]*)".*no matches for kind "([^"]+)"')
SEGMENT = re.compile(r"([^.\[\]]+)|\[([^\]]*)\]")


class _TooDeep(Exception):
    """Nested past DIAGNOSED_DEPTH: the apply's safe loader refuses it in its own words."""


# Deeper than any cap a sandbox may set (Limits.max_yaml_depth, 64 by default), and shallow
# enough that composing stays far from Python's recursion limit.
DIAGNOSED_DEPTH = 256

try:  # libyaml's scanner and parser: PyYAML's pure-Python scanner takes seconds on `[[[[`
    from yaml.cyaml import CParser as _EventParser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml.parser import Parser as _PyParser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _EventParser(Reader, Scanner, _PyParser):  # type: ignore[no-redef]
        def __init__(self, stream):
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            _PyParser.__init__(self)


class _NodeLoader(Composer, _EventParser, Resolver):  # type: ignore[misc, valid-type]
    """Nodes with their lines, composed in Python over libyaml's events, depth-capped."""

    def __init__(self, stream: str):
        _EventParser.__init__(self, stream)
        Composer.__init__(self)
        Resolver.__init__(self)
        self.depth = 0

    def compose_node(self, parent, index):
        if self.depth >= DIAGNOSED_DEPTH:
            raise _TooDeep
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _compose_all(manifest: str) -> list[yaml.Node]:
    loader = _NodeLoader(manifest)
    try:
        docs = []
        while loader.check_node():
            docs.append(loader.get_node())
        return [d for d in docs if d is not None]
    finally:
        loader.dispose()


def apply_diagnostics(manifest: str, output: str | None) -> list[dict]:
    """Problems with a line each: the YAML's own (output None) or the apply's."""
    if len(manifest) > DEFAULTS.max_manifest_bytes:
        # the apply refuses it in microseconds with its own message; composing megabytes
        # first would cost a second of CPU per request
        return []
    try:
        docs = _compose_all(manifest)
    except (_TooDeep, RecursionError):  # `[[[[...` thousands deep: the apply says so
        return []
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else 1
        return [{"line": line, "field": "", "message": f"line {line}: {_yaml_problem(exc)}"}]
    if output is None:
        return []
    return list(_output_diagnostics(docs, output))


def _yaml_problem(exc: yaml.YAMLError) -> str:
    problem = getattr(exc, "problem", None)
    return problem or str(exc).splitlines()[0]


def _output_diagnostics(docs: list[yaml.Node], output: str):
    current: tuple[str, str] | None = None
    for line in output.splitlines():
        invalid = INVALID.match(line)
        if invalid:
            current = (invalid.group(1), invalid.group(2))
            rest = invalid.group(3).strip()
            if rest:
                yield from _field_diagnostic(docs, current, rest, line)
            continue
        missing = NOT_FOUND_KIND.search(line)
        if missing:
            doc = _find_doc(docs, missing.group(2), missing.group(1))
            yield _diag(_line_of(doc, ["kind"]), "kind", line)
            continue
        if current and line.startswith("* "):
            yield from _field_diagnostic(docs, current, line[2:], line)


def _field_diagnostic(docs, current: tuple[str, str], text: str, line: str):
    match = FIELD.match(text)
    if not match:
        return
    field = match.group(1)
    doc = _find_doc(docs, *current)
    yield _diag(_line_of(doc, _segments(field)), field, f"{current[0]} {current[1]}: {text}")


def _diag(line: int, field: str, message: str) -> dict:
    return {"line": line, "field": field, "message": message}


def _segments(field: str) -> list[str | int]:
    out: list[str | int] = []
    for name, index in SEGMENT.findall(field):
        if name:
            out.append(name)
        elif index.isdigit():
            out.append(int(index))
        else:
            out.append(index)
    return out


def _find_doc(docs: list[yaml.Node], kind: str, name: str) -> yaml.Node | None:
    for doc in docs:
        if _scalar(doc, ["kind"]) == kind and _scalar(doc, ["metadata", "name"]) == name:
            return doc
    return docs[0] if len(docs) == 1 else None


def _scalar(node: yaml.Node, path: list) -> str | None:
    found = _walk(node, path)[0]
    return found.value if isinstance(found, yaml.ScalarNode) else None


def _walk(node: yaml.Node | None, path: list) -> tuple[yaml.Node | None, yaml.Node | None]:
    """The node at `path` (or the deepest one found) and its key node."""
    key_node = None
    for part in path:
        child = None
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.value == str(part):
                    child, key_node = v, k
                    break
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value)
        ):
            child, key_node = node.value[part], node.value[part]
        if child is None:
            break
        node = child
    return node, key_node


def _line_of(doc: yaml.Node | None, path: list) -> int:
    if doc is None:
        return 1
    node, key = _walk(doc, path)
    mark = (key or node).start_mark
    return mark.line + 1
