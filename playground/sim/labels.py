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


_SET_RE = re.compile(r"^\s*(!?)([^\s!=<>,()]+)\s*(?:(notin|in)\s*\(([^)]*)\)|(==|=|!=)\s*([^\s,]*)|([<>])\s*(\S+))?\s*$")


def parse(text: str) -> Selector:
    """Parse `kubectl -l` syntax: `app=web,tier!=db,env in (a,b),!legacy,release`."""
    reqs: list[Requirement] = []
    for part in _split_top_level(text):
        if not part.strip():
            continue
        m = _SET_RE.match(part)
        if not m:
            raise BadRequest(f"unable to parse requirement: {part!r}")
        neg, key, setop, setvals, eqop, eqval, cmpop, cmpval = m.groups()
        if neg:
            if setop or eqop or cmpop:
                raise BadRequest(f"unable to parse requirement: {part!r}")
            reqs.append(Requirement(key, "DoesNotExist"))
        elif setop:
            values = tuple(v.strip() for v in setvals.split(",") if v.strip())
            reqs.append(Requirement(key, "In" if setop == "in" else "NotIn", values))
        elif eqop:
            reqs.append(Requirement(key, "NotIn" if eqop == "!=" else "In", (eqval,)))
        elif cmpop:
            reqs.append(Requirement(key, "Gt" if cmpop == ">" else "Lt", (cmpval,)))
        else:
            reqs.append(Requirement(key, "Exists"))
    return tuple(reqs)


def _split_top_level(text: str) -> list[str]:
    parts, depth, cur = [], 0, []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return parts


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
