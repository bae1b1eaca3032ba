"""The check language: declarative goals evaluated against a sandbox cluster's state.

A check is a mapping with exactly one key, its type, whose value holds the parameters:

    exists:     {kind, name, namespace?}
    absent:     {kind, name, namespace?}
    matches:    {kind, name, namespace?, fields: {dotted.path: expected}}
    ready_pods: {count, namespace?, one of selector / deployment / statefulset / replicaset}
    endpoints:  {service, count, namespace?}
    dns:        {name, expect, namespace?, pod?, service?, count?, target?, addresses?}
                expect: cluster-ip | pod-ips | cname | nxdomain | addresses
    reaches:    {url, app, from?, namespace?}
    event:      {reason, kind?, name?, name_prefix?, namespace?, message_contains?}
    command:    {regex, example?}
    all: [check, ...]        any: [check, ...]

`evaluate(cluster, spec, history, lang)` returns a CheckResult whose feedback, passed or not,
speaks about the learner's own objects. `validate(spec, where)` is what the loader calls:
it raises CheckSpecError naming the bad field. Checks only read: they never write to the
store (a traffic check restores the random counter it drew from).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, NamedTuple

from playground.sim import labels
from playground.sim.errors import ApiError
from playground.sim.resources import REGISTRY

from . import checks_net, checks_pods
from .feedback import say, where
from .fields import compare, describe_expected, read_path, validate_expected


class CheckResult(NamedTuple):
    passed: bool
    feedback: str


class CheckSpecError(ValueError):
    """A check in a content file is malformed; the message names the field."""


# type -> (required params, optional params); a list value means "exactly one of"
SCHEMA: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "exists": (("kind", "name"), ("namespace",)),
    "absent": (("kind", "name"), ("namespace",)),
    "matches": (("kind", "name", "fields"), ("namespace",)),
    "ready_pods": (("count",), ("namespace", "selector", "deployment", "statefulset",
                                "replicaset")),
    "endpoints": (("service", "count"), ("namespace",)),
    "dns": (("name", "expect"), ("namespace", "pod", "service", "count", "target",
                                 "addresses")),
    "reaches": (("url", "app"), ("from", "namespace")),
    "event": (("reason",), ("kind", "name", "name_prefix", "namespace", "message_contains")),
    "command": (("regex",), ("example",)),
}
COMBINATORS = ("all", "any")
DNS_EXPECT = ("cluster-ip", "pod-ips", "cname", "nxdomain", "addresses")
WORKLOAD_KEYS = ("selector", "deployment", "statefulset", "replicaset")


# ---- validation (load time) ----------------------------------------------------------------


def validate(spec: Any, at: str = "check") -> None:
    if not isinstance(spec, dict) or len(spec) != 1:
        raise CheckSpecError(f"{at}: a check is a mapping with exactly one key, its type "
                             f"(one of {', '.join([*SCHEMA, *COMBINATORS])})")
    (kind, params), = spec.items()
    if kind in COMBINATORS:
        if not isinstance(params, list) or not params:
            raise CheckSpecError(f"{at}.{kind}: expected a non-empty list of checks")
        for i, sub in enumerate(params):
            validate(sub, f"{at}.{kind}[{i}]")
        return
    if kind not in SCHEMA:
        raise CheckSpecError(f"{at}: unknown check type {kind!r} "
                             f"(one of {', '.join([*SCHEMA, *COMBINATORS])})")
    if not isinstance(params, dict):
        raise CheckSpecError(f"{at}.{kind}: expected a mapping of parameters")
    required, optional = SCHEMA[kind]
    for name in required:
        if name not in params:
            raise CheckSpecError(f"{at}.{kind}: missing {name!r}")
    for name in params:
        if name not in required and name not in optional:
            raise CheckSpecError(f"{at}.{kind}: unknown parameter {name!r} "
                                 f"(allowed: {', '.join(required + optional)})")
    _validate_params(kind, params, f"{at}.{kind}")


# parameters that hold text (names, selectors, URLs, patterns); `count` and `fields` are
# checked below, `addresses` is a list
TEXT_PARAMS = ("kind", "name", "namespace", "selector", "deployment", "statefulset",
               "replicaset", "service", "expect", "pod", "target", "url", "app", "from",
               "reason", "name_prefix", "message_contains", "regex", "example")


def _validate_params(kind: str, params: dict, at: str) -> None:
    for name in TEXT_PARAMS:
        if name in params and not isinstance(params[name], str):
            raise CheckSpecError(f"{at}.{name}: expected a string, not "
                                 f"{type(params[name]).__name__} {params[name]!r:.40}")
    if "kind" in params and REGISTRY.resolve(str(params["kind"])) is None:
        raise CheckSpecError(f"{at}.kind: unknown kind {params['kind']!r}")
    if "selector" in params:
        try:
            labels.parse(params["selector"])
        except ApiError as exc:  # the selector parser's own message (kubectl -l words)
            raise CheckSpecError(f"{at}.selector: {exc.message}") from None
    addresses = params.get("addresses", [])
    if not isinstance(addresses, list) or not all(isinstance(a, str) for a in addresses):
        raise CheckSpecError(f"{at}.addresses: expected a list of IP addresses")
    if "count" in params and (not isinstance(params["count"], int) or params["count"] < 0):
        raise CheckSpecError(f"{at}.count: expected a whole number >= 0")
    if kind == "matches":
        if not isinstance(params["fields"], dict) or not params["fields"]:
            raise CheckSpecError(f"{at}.fields: expected a mapping of dotted paths to values")
        for path, expected in params["fields"].items():
            try:
                validate_expected(expected)
            except ValueError as exc:
                raise CheckSpecError(f"{at}.fields.{path}: {exc}") from None
    if kind == "ready_pods":
        given = [k for k in WORKLOAD_KEYS if k in params]
        if len(given) != 1:
            raise CheckSpecError(f"{at}: give exactly one of {', '.join(WORKLOAD_KEYS)}")
    if kind == "dns" and params["expect"] not in DNS_EXPECT:
        raise CheckSpecError(f"{at}.expect: {params['expect']!r} is not one of "
                             f"{', '.join(DNS_EXPECT)}")
    if kind == "dns" and (params["expect"] == "addresses") != ("addresses" in params):
        raise CheckSpecError(f"{at}.addresses: give addresses exactly when expect is "
                             "'addresses'")
    if kind == "command":
        try:
            re.compile(params["regex"])
        except re.error as exc:
            raise CheckSpecError(f"{at}.regex: not a regular expression: {exc}") from None


# ---- evaluation ----------------------------------------------------------------------------


def evaluate(cluster, spec: dict, history: list[str] | None = None,
             lang: str = "en") -> CheckResult:
    (kind, params), = spec.items()
    if kind == "all":
        return _all(cluster, params, history or [], lang)
    if kind == "any":
        return _any(cluster, params, history or [], lang)
    if kind == "command":
        return _command(params, history or [], lang)
    passed, feedback = HANDLERS[kind](cluster, params, lang)
    return CheckResult(passed, feedback)


def _all(cluster, subs: list[dict], history: list[str], lang: str) -> CheckResult:
    results = [evaluate(cluster, s, history, lang) for s in subs]
    failed = [r for r in results if not r.passed]
    if failed:
        return CheckResult(False, failed[0].feedback)
    return CheckResult(True, " ".join(r.feedback for r in results))


def _any(cluster, subs: list[dict], history: list[str], lang: str) -> CheckResult:
    results = [evaluate(cluster, s, history, lang) for s in subs]
    for r in results:
        if r.passed:
            return r
    return CheckResult(False, say(lang, "or").join(r.feedback for r in results).strip())


def namespace_for(kind: str, params: dict) -> str | None:
    rt = REGISTRY.resolve(kind)
    if rt is not None and not rt.namespaced:
        return None
    return params.get("namespace") or "default"


def _lookup(cluster, params: dict) -> tuple[str, str | None, dict | None]:
    rt = REGISTRY.resolve(str(params["kind"]))
    kind = rt.kind if rt else str(params["kind"])
    ns = namespace_for(kind, params)
    return kind, ns, cluster.store.get(kind, ns or "", str(params["name"]))


def _exists(cluster, params: dict, lang: str) -> tuple[bool, str]:
    kind, ns, obj = _lookup(cluster, params)
    name = str(params["name"])
    if obj is not None:
        return True, say(lang, "exists", kind=kind, name=name, where=where(lang, ns))
    others = sorted(o["metadata"]["name"] for o in cluster.store.list(kind, ns))
    if others:
        shown = ", ".join(others[:5]) + (f" (+{len(others) - 5})" if len(others) > 5 else "")
        return False, say(lang, "no_object_but", kind=kind, name=name, where=where(lang, ns),
                          others=shown)
    return False, say(lang, "no_object", kind=kind, name=name, where=where(lang, ns))


def _absent(cluster, params: dict, lang: str) -> tuple[bool, str]:
    kind, ns, obj = _lookup(cluster, params)
    fmt = {"kind": kind, "name": str(params["name"]), "where": where(lang, ns)}
    if obj is None:
        return True, say(lang, "absent", **fmt)
    if obj["metadata"].get("deletionTimestamp"):
        return False, say(lang, "still_deleting", **fmt)
    return False, say(lang, "still_there", **fmt)


def _matches(cluster, params: dict, lang: str) -> tuple[bool, str]:
    kind, ns, obj = _lookup(cluster, params)
    name = str(params["name"])
    if obj is None:
        return _exists(cluster, params, lang)
    shown = []
    for path, expected in params["fields"].items():
        found, actual = read_path(obj, str(path))
        if not compare(found, actual, expected):
            key = "field_wrong" if found else "field_unset"
            return False, say(lang, key, kind=kind, name=name, path=path, actual=_show(actual),
                              expected=describe_expected(expected))
        shown.append(f"{path}={_show(actual) if found else say(lang, 'unset')}")
    return True, say(lang, "fields_ok", kind=kind, name=name, fields=", ".join(shown))


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (dict, list)):
        return repr(value) if len(repr(value)) < 80 else repr(value)[:77] + "..."
    return str(value)


def _event(cluster, params: dict, lang: str) -> tuple[bool, str]:
    ns = params.get("namespace")
    for ev in sorted(cluster.store.list("Event", ns), key=_event_time, reverse=True):
        if _event_matches(ev, params):
            inv = ev.get("involvedObject") or {}
            obj = f"{str(inv.get('kind', '')).lower()}/{inv.get('name', '')}"
            return True, say(lang, "event_ok", reason=ev.get("reason", ""), object=obj,
                             message=str(ev.get("message", "")).rstrip("."))
    about = ""
    if "name" in params or "name_prefix" in params or "kind" in params:
        obj = (str(params.get("kind", "")).lower() + "/" if "kind" in params else "") + str(
            params.get("name") or params.get("name_prefix", "") + ("*" if "name_prefix" in
                                                                   params else ""))
        about = say(lang, "about", object=obj)
    return False, say(lang, "event_missing", reason=params["reason"], about=about)


def _event_time(ev: dict) -> str:
    return str(ev.get("lastTimestamp") or ev.get("eventTime") or "")


def _event_matches(ev: dict, params: dict) -> bool:
    inv = ev.get("involvedObject") or {}
    if ev.get("reason") != params["reason"]:
        return False
    if "kind" in params and inv.get("kind") != params["kind"]:
        return False
    if "name" in params and inv.get("name") != params["name"]:
        return False
    if "name_prefix" in params and not str(inv.get("name", "")).startswith(
            params["name_prefix"]):
        return False
    return str(params.get("message_contains", "")) in str(ev.get("message", ""))


def normalise_command(line: str) -> str:
    line = line.strip()
    if line.startswith("$ "):
        line = line[2:]
    return " ".join(line.split("\n", 1)[0].split())


def _command(params: dict, history: list[str], lang: str) -> CheckResult:
    pattern = re.compile(params["regex"])
    for line in reversed(history):
        command = normalise_command(line)
        if pattern.search(command):
            return CheckResult(True, say(lang, "command_ok", command=command))
    return CheckResult(False, say(lang, "command_missing",
                                  example=params.get("example") or params["regex"]))


HANDLERS: dict[str, Callable[[Any, dict, str], tuple[bool, str]]] = {
    "exists": _exists,
    "absent": _absent,
    "matches": _matches,
    "ready_pods": checks_pods.ready_pods,
    "endpoints": checks_net.endpoints,
    "dns": checks_net.dns,
    "reaches": checks_net.reaches,
    "event": _event,
}
