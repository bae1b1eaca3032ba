"""Safe YAML for everything a learner types: console `-f -`, the web editor, the REST API.

kubectl turns YAML into JSON (sigs.k8s.io/yaml over go-yaml) before anything reaches the
server, so only JSON-shaped data survives: maps with string keys, lists, strings, numbers,
booleans and null. This loader does the same with PyYAML's safe loader and adds the caps
a public service needs, all enforced while the document is composed (before anything is
built), so a hostile document costs milliseconds:

- no language tags (`!!python/object`, `!custom`): refused with the tag named;
- a cap on bytes, on documents per stream, and on nesting depth (checked per node, so a
  10,000-deep `[[[[...` never reaches Python's recursion limit);
- a cap on nodes *after alias expansion*: every alias counts as the whole subtree it
  names, so a "billion laughs" document is refused from its first few lines;
- timestamps stay strings (Kubernetes fields are strings), `!!binary` stays its base64
  text, `.inf`/`.nan` are refused like encoding/json refuses them, and non-string keys
  become strings (`1: a` -> {"1": "a"}), as sigs.k8s.io/yaml does.

Errors are `YAMLError` with `.message` in go-yaml's words where go-yaml has them (`yaml:
line 3: mapping values are not allowed in this context`); callers add their prefix
(`error: error parsing STDIN: error converting YAML to JSON: ...`).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from .limits import DEFAULTS, Limits

_CORE_TAGS = {
    "tag:yaml.org,2002:" + t
    for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp", "binary",
              "merge", "value")
}


class YAMLError(ValueError):
    """A document that is not valid YAML, or one this playground refuses."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class _Budget:
    max_depth: int
    max_nodes: int
    depth: int = 0


try:
    from yaml.cyaml import CParser as _CParser
except ImportError:  # PyYAML built without libyaml: the pure-Python parser, slower
    _CParser = None


class _PyParser(Reader, Scanner, Parser):
    def __init__(self, stream: str):
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)


_Parser = _CParser or _PyParser


class _Base(Composer, _Parser, SafeConstructor, Resolver):  # type: ignore[misc, valid-type]
    """libyaml's event parser (fast, no Python recursion) under PyYAML's Python composer,
    so composition can be checked node by node."""

    def __init__(self, stream: str):
        _Parser.__init__(self, stream)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)


def _make_loader(caps: Limits) -> type:
    class Loader(_Base):
        """Counts depth and expanded nodes while composing."""

        def __init__(self, stream: str):
            super().__init__(stream)
            self.budget = _Budget(caps.max_yaml_depth, caps.max_yaml_nodes)
            self.weights: dict[int, int] = {}
            self.open_anchors: list[str | None] = []
            self.expanded = 0
            self.aliased = False

        def compose_document(self):  # anchors and the node budget are per document
            self.expanded = 0
            self.weights = {}
            return super().compose_document()


        def compose_node(self, parent, index):
            event = self.peek_event()
            if isinstance(event, yaml.AliasEvent):
                if event.anchor in self.open_anchors:
                    raise YAMLError(f"yaml: line {event.start_mark.line + 1}: anchor "
                                    f"'{event.anchor}' value contains itself")
                node = super().compose_node(parent, index)
                self.aliased = True
                self._charge(self.weights.get(id(node), 1), event.start_mark)
                return node
            if self.budget.depth >= self.budget.max_depth:
                raise YAMLError(f"yaml: line {event.start_mark.line + 1}: exceeded max depth "
                                f"of {self.budget.max_depth}")
            anchor = getattr(event, "anchor", None)
            self.budget.depth += 1
            self.open_anchors.append(anchor)
            start = self.expanded
            try:
                node = super().compose_node(parent, index)
            finally:
                self.budget.depth -= 1
                self.open_anchors.pop()
            self._charge(1, event.start_mark)
            self.weights[id(node)] = self.expanded - start
            return node

        def _charge(self, n: int, mark) -> None:
            self.expanded += n
            if self.expanded > self.budget.max_nodes:
                raise YAMLError(f"yaml: line {mark.line + 1}: document contains excessive "
                                f"aliasing (more than {self.budget.max_nodes} nodes once "
                                "aliases are expanded)")

    Loader.add_constructor("tag:yaml.org,2002:timestamp", _as_string)
    Loader.add_constructor("tag:yaml.org,2002:binary", _as_string)
    Loader.add_constructor("tag:yaml.org,2002:map", _mapping)
    Loader.add_constructor(None, _unknown_tag)
    return Loader


def _as_string(loader: SafeConstructor, node: ScalarNode) -> str:
    return loader.construct_scalar(node)


def _key(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return _number_key(value)
    raise YAMLError("json: unsupported type: map[interface {}]interface {}")


def _number_key(value: float) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return str(value)


def _mapping(loader: SafeConstructor, node: MappingNode):
    data: dict = {}
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        if not isinstance(key_node, ScalarNode):
            raise YAMLError(f"yaml: line {key_node.start_mark.line + 1}: invalid map key: "
                            "a map or list cannot be a key")
        key = _key(loader.construct_object(key_node, deep=False))
        data[key] = loader.construct_object(value_node, deep=False)


def _unknown_tag(loader: SafeConstructor, node: Node):
    tag = node.tag.replace("tag:yaml.org,2002:", "!!")
    raise YAMLError(f"yaml: line {node.start_mark.line + 1}: tag {tag} is not allowed "
                    "(only plain YAML: maps, lists, strings, numbers, booleans, null)")


def _check_tags(node: Node, seen: set[int]) -> None:
    """Refuse language tags before construction (`!!python/...`, `!local`)."""
    stack = [node]
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        if n.tag not in _CORE_TAGS:
            _unknown_tag(None, n)  # type: ignore[arg-type]
        if isinstance(n, SequenceNode):
            stack.extend(n.value)
        elif isinstance(n, MappingNode):
            for k, v in n.value:
                stack.extend((k, v))


def _check_values(value: Any) -> None:
    """encoding/json refuses what JSON cannot carry."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, float) and (math.isinf(v) or math.isnan(v)):
            raise YAMLError(f"json: unsupported value: {_go_float(v)}")
        if isinstance(v, dict):
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)


def _go_float(v: float) -> str:
    return "NaN" if math.isnan(v) else ("+Inf" if v > 0 else "-Inf")


def load_all(text: str | bytes, caps: Limits = DEFAULTS) -> list[Any]:
    """Every document of a YAML (or JSON) stream as plain JSON-like Python data.
    Raises YAMLError (never anything else) for invalid or refused input."""
    if isinstance(text, bytes):
        size = len(text)
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise YAMLError("yaml: invalid leading UTF-8 octet") from None
    else:
        size = len(text.encode("utf-8", "surrogatepass"))
    if size > caps.max_manifest_bytes:
        raise YAMLError(f"the document is {size} bytes; this playground accepts at most "
                        f"{caps.max_manifest_bytes}")
    loader = _make_loader(caps)(text)
    docs: list[Any] = []
    try:
        while loader.check_node():
            if len(docs) >= caps.max_yaml_documents:
                raise YAMLError(f"too many documents (this playground accepts at most "
                                f"{caps.max_yaml_documents} in one stream)")
            node = loader.get_node()
            _check_tags(node, set())
            value = loader.construct_document(node)
            _check_values(value)
            if loader.aliased:  # aliases share Python objects: give each use its own copy
                value = json.loads(json.dumps(value))
            docs.append(value)
    except YAMLError:
        raise
    except ConstructorError as exc:
        raise YAMLError(_describe(exc)) from None
    except yaml.YAMLError as exc:
        raise YAMLError(_describe(exc)) from None
    except RecursionError:
        raise YAMLError("yaml: exceeded max depth") from None
    except (TypeError, ValueError, OverflowError) as exc:
        raise YAMLError(f"yaml: {exc}") from None
    finally:
        loader.dispose()
    return docs


def load(text: str | bytes, caps: Limits = DEFAULTS) -> Any:
    """A single document (None when the stream is empty); more than one is an error."""
    docs = load_all(text, caps)
    if len(docs) > 1:
        raise YAMLError("expected a single document in the stream, found more")
    return docs[0] if docs else None


def _describe(exc: yaml.YAMLError) -> str:
    """go-yaml's `yaml: line N: problem` form."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    line = f"line {mark.line + 1}: " if mark is not None else ""
    return f"yaml: {line}{problem}"
