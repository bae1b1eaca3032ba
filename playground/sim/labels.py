"""Label selectors: matching `spec.selector` dicts and parsing `kubectl -l` strings.

Models k8s.io/apimachinery/pkg/labels/selector.go (Requirement.Matches) and
pkg/apis/meta/v1/helpers.go (LabelSelectorAsSelector): `=`, `==`, `in` need
the key present; `!=` and `notin` also match objects lacking the key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import BadRequest


@dataclass(frozen=True)
class Requirement:
    key: str
    operator: str  # In, NotIn, Exists, DoesNotExist, Gt, Lt
    values: tuple[str, ...] = ()

    def matches(self, labels: dict[str, str]) -> bool:
        present = self.key in labels
        if self.operator == "In":
            return present and labels[self.key] in self.values
        if self.operator == "NotIn":
            return not present or labels[self.key] not in self.values
        if self.operator == "Exists":
            return present
        if self.operator == "DoesNotExist":
            return not present
        if self.operator in ("Gt", "Lt") and present:
            try:
                have, want = int(labels[self.key]), int(self.values[0])
            except ValueError:
                return False
            return have > want if self.operator == "Gt" else have < want
        return False


Selector = tuple[Requirement, ...]


def from_label_selector(selector: dict | None) -> Selector | None:
    """metav1.LabelSelector -> requirements. None (nil selector) matches nothing;
    an empty selector {} matches everything."""
    if selector is None:
        return None
    reqs = [Requirement(k, "In", (v,)) for k, v in (selector.get("matchLabels") or {}).items()]
    for expr in selector.get("matchExpressions") or ():
        reqs.append(Requirement(expr["key"], expr["operator"], tuple(expr.get("values") or ())))
    return tuple(reqs)


def from_map(selector: dict[str, str] | None) -> Selector | None:
    """A Service's `spec.selector` (plain equality map)."""
    if selector is None:
        return None
    return tuple(Requirement(k, "In", (v,)) for k, v in selector.items())


def matches(selector: Selector | None, labels: dict[str, str]) -> bool:
    if selector is None:
        return False
    return all(r.matches(labels) for r in selector)


def selector_matches(label_selector: dict | None, labels: dict[str, str]) -> bool:
    return matches(from_label_selector(label_selector), labels)


# ---- the `-l` string parser (k8s.io/apimachinery/pkg/labels/selector.go Lexer/Parser) -----------

_SPECIAL = "=!(),<>"
_SYMBOLS = ("!=", "==", "=", "!", "(", ")", ",", "<", ">")
_BINARY_OPERATORS = "in, notin, =, ==, !=, gt, lt"
_OPERATORS = {"in": "In", "notin": "NotIn", "=": "In", "==": "In", "!=": "NotIn", ">": "Gt",
              "<": "Lt"}
_EOS = ("EOS", "")


def _lex(text: str) -> list[tuple[str, str]]:
    """Tokens as (type, literal): ID, OP (symbols), EOS."""
    tokens: list[tuple[str, str]] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in " \t\r\n":
            i += 1
        elif ch in _SPECIAL:
            sym = next(s for s in _SYMBOLS if text.startswith(s, i))
            tokens.append(("OP", sym))
            i += len(sym)
        else:
            j = i
            while j < len(text) and text[j] not in _SPECIAL and text[j] not in " \t\r\n":
                j += 1
            tokens.append(("ID", text[i:j]))
            i = j
    tokens.append(_EOS)
    return tokens


class _Parser:
    def __init__(self, text: str):
        self.tokens = _lex(text)
        self.pos = 0

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.pos]

    def take(self) -> tuple[str, str]:
        tok = self.tokens[self.pos]
        self.pos = min(self.pos + 1, len(self.tokens) - 1)
        return tok

    def parse(self) -> Selector:
        reqs: list[Requirement] = []
        while True:
            kind, lit = self.peek()
            if kind == "EOS":
                return tuple(reqs)
            if kind != "ID" and lit != "!":
                raise BadRequest(f"found '{lit}', expected: !, identifier, or 'end of string'")
            try:
                reqs.append(self.requirement())
            except _ParseError as exc:
                raise BadRequest(f"unable to parse requirement: {exc}") from None
            kind, lit = self.take()
            if kind == "EOS":
                return tuple(reqs)
            if lit != ",":
                raise BadRequest(f"found '{lit}', expected: ',' or 'end of string'")
            kind2, lit2 = self.peek()
            if kind2 != "ID" and lit2 != "!":
                raise BadRequest(f"found '{lit2}', expected: identifier after ','")

    def requirement(self) -> Requirement:
        negate = False
        kind, lit = self.take()
        if lit == "!" and kind == "OP":
            negate = True
            kind, lit = self.take()
        if kind != "ID":
            raise _ParseError(f"found '{lit}', expected: identifier")
        key = lit
        _check_key(key, "<nil>")
        nxt = self.peek()
        if negate or nxt == _EOS or nxt == ("OP", ","):
            if negate and nxt != _EOS and nxt != ("OP", ","):
                raise _ParseError(f"found '{nxt[1]}', expected: ',' or 'end of string'")
            return Requirement(key, "DoesNotExist" if negate else "Exists")
        _, op_lit = self.take()
        op = _OPERATORS.get(op_lit)
        if op is None:
            raise _ParseError(f"found '{op_lit}', expected: {_BINARY_OPERATORS}")
        values = self.values() if op_lit in ("in", "notin") else self.exact_value()
        return _new_requirement(key, op, op_lit, values)

    def values(self) -> list[str]:
        kind, lit = self.take()
        if lit != "(" or kind != "OP":
            raise _ParseError(f"found '{lit}' expected: '('")
        kind, lit = self.peek()
        if kind == "OP" and lit == ")":
            self.take()
            return [""]
        if kind != "ID" and lit != ",":
            raise _ParseError(f"found '{lit}', expected: ',', ')' or identifier")
        values = self.identifiers()
        if self.take() != ("OP", ")"):
            raise _ParseError(f"found '{lit}', expected: ')'")
        return values

    def identifiers(self) -> list[str]:
        found: set[str] = set()
        while True:
            kind, lit = self.take()
            if kind == "ID":
                found.add(lit)
                kind2, lit2 = self.peek()
                if lit2 == "," and kind2 == "OP":
                    continue
                if lit2 == ")" and kind2 == "OP":
                    return sorted(found)
                raise _ParseError(f"found '{lit2}', expected: ',' or ')'")
            if kind == "OP" and lit == ",":
                if not found:
                    found.add("")
                if self.peek() == ("OP", ")"):
                    return sorted(found)
                if self.peek() == ("OP", ","):
                    self.take()
                continue
            raise _ParseError(f"found '{lit}', expected: ',', or identifier")

    def exact_value(self) -> list[str]:
        nxt = self.peek()
        if nxt == _EOS or nxt == ("OP", ","):
            return [""]
        kind, lit = self.take()
        if kind == "ID":
            return [lit]
        raise _ParseError(f"found '{lit}', expected: identifier")


class _ParseError(Exception):
    pass


def _check_key(key: str, path: str) -> None:
    from .errors import go_quote
    from .validation import is_qualified_name

    msgs = is_qualified_name(key)
    if msgs:
        raise _ParseError(f"{path}: Invalid value: {go_quote(key)}: {'; '.join(msgs)}")


def _new_requirement(key: str, op: str, op_lit: str, values: list[str]) -> Requirement:
    """NewRequirement's value checks (the key was checked while parsing)."""
    from .errors import go_quote
    from .validation import is_valid_label_value

    errs = []
    if op in ("Gt", "Lt"):
        for i, v in enumerate(values):
            if not re.fullmatch(r"[-+]?[0-9]+", v):
                errs.append(f"values[{i}]: Invalid value: {go_quote(v)}: for 'Gt', 'Lt' "
                            "operators, the value must be an integer")
    for i, v in enumerate(values):
        msgs = is_valid_label_value(v)
        if msgs:
            errs.append(f"values[{i}][{key}]: Invalid value: {go_quote(v)}: {'; '.join(msgs)}")
    if len(errs) == 1:
        raise _ParseError(errs[0])
    if errs:
        raise _ParseError("[" + ", ".join(errs) + "]")
    return Requirement(key, op, tuple(values))


def parse(text: str) -> Selector:
    """Parse `kubectl -l` syntax: `app=web,tier!=db,env in (a,b),!legacy,release`.
    Errors are BadRequest with apimachinery's parser messages."""
    return _Parser(text).parse()


# ---- field selectors (k8s.io/apimachinery/pkg/fields, per-kind field label conversion) ---------

_COMMON_FIELDS = ("metadata.name", "metadata.namespace")
FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "Pod": ("spec.nodeName", "spec.restartPolicy", "spec.schedulerName",
            "spec.serviceAccountName", "spec.hostNetwork", "status.phase", "status.podIP",
            "status.podIPs", "status.nominatedNodeName"),
    "Event": ("involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
              "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
              "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"),
    "Namespace": ("status.phase",),
    "Node": ("spec.unschedulable",),
    "ReplicaSet": ("status.replicas",),
    "Secret": ("type",),
}

FieldRequirement = tuple[str, bool, str]  # (field, negated, value)


def parse_field_selector(text: str, kind: str) -> list[FieldRequirement]:
    """fields.ParseSelector + the kind's supported field labels."""
    reqs: list[FieldRequirement] = []
    allowed = _COMMON_FIELDS + FIELD_LABELS.get(kind, ())
    for part in text.split(","):
        if not part:
            continue
        op = next((o for o in ("!=", "==", "=") if o in part), None)
        if op is None:
            raise BadRequest(f"invalid selector: '{text}'; can't understand '{part}'")
        field_name, value = part.split(op, 1)
        negate = op == "!="
        if field_name not in allowed:
            raise BadRequest(f"field label not supported: {field_name}")
        reqs.append((field_name, negate, value))
    return reqs


def field_value(obj: dict, field_name: str) -> str:
    """The string value a field selector compares (missing fields are "")."""
    if field_name == "source" and obj.get("kind") == "Event":
        return str((obj.get("source") or {}).get("component", ""))
    if field_name == "status.podIPs":
        return ",".join(p.get("ip", "") for p in (obj.get("status") or {}).get("podIPs") or ())
    cur = obj
    for step in field_name.split("."):
        cur = cur.get(step) if isinstance(cur, dict) else None
    if isinstance(cur, bool):
        return "true" if cur else "false"
    if cur is None:
        return "false" if field_name in ("spec.hostNetwork", "spec.unschedulable") else ""
    return str(cur)


def field_selector_matches(reqs: list[FieldRequirement], obj: dict) -> bool:
    return all((field_value(obj, f) == v) != neg for f, neg, v in reqs)


def format_selector(label_selector: dict | None) -> str:
    """metav1.FormatLabelSelector, as kubectl's wide SELECTOR column prints it."""
    if label_selector is None:
        return "<none>"
    parts = [f"{k}={v}" for k, v in sorted((label_selector.get("matchLabels") or {}).items())]
    for expr in label_selector.get("matchExpressions") or ():
        op, key, vals = expr["operator"], expr["key"], ",".join(expr.get("values") or ())
        if op == "In":
            parts.append(f"{key} in ({vals})")
        elif op == "NotIn":
            parts.append(f"{key} notin ({vals})")
        elif op == "Exists":
            parts.append(key)
        elif op == "DoesNotExist":
            parts.append(f"!{key}")
    text = ",".join(parts)
    return text or "<none>"
