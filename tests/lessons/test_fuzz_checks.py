"""Property: the check language takes anything an author or a learner controls without an
escaped exception, and checks only read.

- An author's check (lesson files, instructors' exercises): `validate` accepts it or raises
  CheckSpecError naming the field; nothing else. Specs come from the schema (right and
  wrong parameter names, values of every type, operators, nesting), from the shipped
  lessons' own checks mutated, and from arbitrary JSON-like data.
- A learner's sandbox and console history: every check that validates evaluates, on a
  cluster the simulation fuzzers' manifests went into, to a CheckResult with feedback
  text, in English and Korean, and leaves the store exactly as it was.

About 500 hypothesis-drawn specs (shrinkable) plus 150 seeded batches of 60 (the same
shapes without hypothesis' per-draw cost): ~9,500 checks in a few seconds.
"""

from __future__ import annotations

import contextlib
import copy
import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exercises import checks as exercise_checks
from lessons.engine import CheckSpecError, load_all, validate
from lessons.engine import evaluate_check as evaluate
from lessons.engine.checks import COMBINATORS, DNS_EXPECT, SCHEMA
from lessons.engine.fields import OPERATORS
from playground.sim.cluster import Cluster
from playground.sim.errors import ApiError
from tests.sim.fuzz_support import (
    FUZZ_SETTINGS,
    NAME_POOL,
    SEEDED_SETTINGS,
    TEMPLATES,
    json_values,
    mutate,
    random_manifest,
    random_value,
    snapshot,
)

KINDS = [
    "Pod",
    "pods",
    "Deployment",
    "deploy",
    "Service",
    "svc",
    "ConfigMap",
    "Namespace",
    "Node",
    "Event",
    "StatefulSet",
    "Endpoints",
    "EndpointSlice",
    "Foo",
    "",
    "v1",
]
NAMES = [*NAME_POOL, "kubernetes", "kube-dns", "coredns", "cp-1", "worker-1"]
PATHS = [
    "spec.replicas",
    "status.readyReplicas",
    "metadata.labels[app]",
    "spec.type",
    "spec.template.spec.containers.0.image",
    "data.key",
    "spec",
    "metadata",
    "status.conditions.0.type",
    "a.b.c",
    "",
    ".",
    "[",
    "]]",
    "0.0.0",
    "metadata.name",
]
REGEXES = [
    r"kubectl\s+get\s+pods",
    r"^kubectl (scale|edit)",
    r"apply -f",
    r"",
    r"x*",
    r"(a|b)+c",
    r"[",
    r"(?P<n>get)",
    r"\bdescribe\b",
    r"ünï",
    r"(",
    r"*",
]
URLS = [
    "http://web",
    "http://web.default.svc.cluster.local:80/",
    "web:80",
    "http://",
    "",
    "http://10.96.0.10",
    "http://kubernetes.default",
    "ftp://x",
    "http://[::1]",
]
COMMANDS = [
    "kubectl get pods",
    "$ kubectl scale deploy web --replicas=3",
    "kubectl apply -f -\napiVersion: v1",
    "",
    "   ",
    "kubectl",
    "kubectl edit svc web",
]


def _param_value(name: str) -> st.SearchStrategy:
    """Mostly plausible values for a parameter, sometimes anything at all."""
    plausible = {
        "kind": st.sampled_from(KINDS),
        "name": st.sampled_from(NAMES),
        "namespace": st.sampled_from(["default", "kube-system", "team", "missing", ""]),
        "count": st.integers(min_value=-2, max_value=5),
        "fields": st.dictionaries(
            st.sampled_from(PATHS),
            st.one_of(
                json_values,
                st.builds(lambda op, v: {op: v}, st.sampled_from(OPERATORS), json_values),
            ),
            max_size=3,
        ),
        "expect": st.sampled_from([*DNS_EXPECT, "bogus"]),
        "regex": st.sampled_from(REGEXES),
        "url": st.sampled_from(URLS),
        "app": st.sampled_from(["web", "db", "", "missing"]),
        "from": st.sampled_from(["web-0", "p", "missing", ""]),
        "selector": st.sampled_from(["app=web", "app in (web,db)", "!app", "=", "", "app=web,x"]),
        "deployment": st.sampled_from(NAMES),
        "statefulset": st.sampled_from(NAMES),
        "replicaset": st.sampled_from(NAMES),
        "service": st.sampled_from(NAMES),
        "pod": st.sampled_from(["web-0", "p", "missing"]),
        "target": st.sampled_from(["web", "10.96.0.10", ""]),
        "addresses": st.lists(st.sampled_from(["10.0.0.1", "x", ""]), max_size=3),
        "reason": st.sampled_from(["Scheduled", "Started", "FailedCreate", "Killing", ""]),
        "name_prefix": st.sampled_from(["web-", "", "db"]),
        "message_contains": st.sampled_from(["quota", "", "pulled"]),
        "example": st.sampled_from(["kubectl get pods", ""]),
    }
    if name not in plausible:
        return json_values
    return st.one_of(plausible[name], plausible[name], plausible[name], json_values)


@st.composite
def leaf_specs(draw) -> dict:
    kind = draw(st.sampled_from([*SCHEMA, "bogus", ""]))
    required, optional = SCHEMA.get(kind, ((), ("kind", "name")))
    names = list(required)
    names = [n for n in names if draw(st.integers(min_value=0, max_value=9)) > 0]  # drop some
    names += draw(st.lists(st.sampled_from([*optional, "extra"]), max_size=2, unique=True))
    params = {n: draw(_param_value(n)) for n in names}
    return {kind: params}


def specs() -> st.SearchStrategy:
    return st.one_of(
        leaf_specs(),
        leaf_specs(),
        st.builds(
            lambda comb, subs: {comb: subs},
            st.sampled_from(COMBINATORS),
            st.lists(leaf_specs(), max_size=3),
        ),
        json_values,
    )


SHIPPED = [s.check for lesson in load_all()["en"] for s in lesson.steps if s.check]


def _cluster() -> Cluster:
    """A default cluster with whatever the manifest fuzzer's shapes leave in it."""
    cluster = Cluster.new(seed=11)
    rng = random.Random(5)  # noqa: S311 - reproducible test data
    for template in TEMPLATES:
        with contextlib.suppress(ApiError):
            cluster.api.create(copy.deepcopy(template))
    for _ in range(150):
        with contextlib.suppress(ApiError):
            cluster.api.create(random_manifest(rng))
    cluster.reconcile()
    return cluster


CLUSTER = _cluster()
BEFORE = snapshot(CLUSTER)


def check_one(spec: Any, history: list[str], lang: str) -> bool:
    """Validate like the loader; evaluate what validates. True when it evaluated."""
    try:
        validate(spec)
    except CheckSpecError as exc:
        assert str(exc).startswith("check"), exc  # names where in the check it is wrong
        _exercise_validate(spec)
        return False
    _exercise_validate(spec)
    result = evaluate(CLUSTER, spec, history, lang)
    assert isinstance(result.passed, bool)
    assert isinstance(result.feedback, str) and result.feedback.strip(), (spec, result)
    return True


def _exercise_validate(spec: Any) -> None:
    """The exercises' superset of the language validates the same way."""
    with contextlib.suppress(CheckSpecError):
        exercise_checks.validate(spec)


@pytest.fixture(autouse=True)
def _checks_only_read():
    yield
    assert snapshot(CLUSTER) == BEFORE, "a check wrote to the store"


@settings(FUZZ_SETTINGS, max_examples=300)
@given(
    spec=specs(),
    history=st.lists(st.one_of(st.sampled_from(COMMANDS), st.text(max_size=40)), max_size=4),
    lang=st.sampled_from(["en", "ko"]),
)
def test_any_check_validates_or_names_the_problem_and_evaluates(spec, history, lang):
    check_one(spec, history, lang)


@settings(FUZZ_SETTINGS, max_examples=200)
@given(
    index=st.integers(min_value=0, max_value=max(len(SHIPPED) - 1, 0)),
    plan=st.lists(
        st.tuples(
            st.sampled_from(["set", "set", "delete"]),
            st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=4),
            json_values,
        ),
        max_size=3,
    ),
    lang=st.sampled_from(["en", "ko"]),
)
def test_shipped_checks_mutated(index, plan, lang):
    spec = mutate(SHIPPED[index], plan)  # a copy: the shipped check stays as it is
    check_one(spec, ["kubectl get pods"], lang)


@settings(SEEDED_SETTINGS, max_examples=150)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_seeded_batches_of_checks(seed):
    rng = random.Random(seed)  # noqa: S311 - reproducible test data
    evaluated = 0
    for _ in range(60):
        spec = random_spec(rng)
        history = [rng.choice(COMMANDS) for _ in range(rng.randrange(3))]
        evaluated += check_one(spec, history, rng.choice(["en", "ko"]))
    assert evaluated >= 20, f"only {evaluated} of 60 specs validated"


def random_spec(rng: random.Random) -> Any:
    if rng.randrange(10) == 0:
        return random_value(rng)
    if rng.randrange(5) == 0:
        return {rng.choice(COMBINATORS): [random_spec(rng) for _ in range(rng.randrange(3))]}
    if rng.randrange(3) == 0 and SHIPPED:
        return copy.deepcopy(rng.choice(SHIPPED))
    kind = rng.choice(list(SCHEMA))
    required, optional = SCHEMA[kind]
    params: dict[str, Any] = {}
    for name in [*required, *rng.sample(optional, k=rng.randrange(len(optional) + 1))]:
        params[name] = _random_param(rng, name)
    return {kind: params}


def _random_param(rng: random.Random, name: str) -> Any:
    if rng.randrange(8) == 0:
        return random_value(rng)
    choices = {
        "kind": KINDS,
        "name": NAMES,
        "namespace": ["default", "team", "kube-system"],
        "expect": list(DNS_EXPECT),
        "regex": REGEXES,
        "url": URLS,
        "selector": ["app=web", "!app"],
        "reason": ["Scheduled", "FailedCreate"],
    }
    if name == "count":
        return rng.randrange(4)
    if name == "fields":
        return {
            rng.choice(PATHS): rng.choice(
                [3, "web", {"gte": 1}, {"exists": True}, {"in": [1, 2]}, {"length": 2}]
            )
        }
    if name == "addresses":
        return ["10.0.0.1"]
    return rng.choice(choices.get(name, NAMES))


def test_the_seeded_specs_reach_every_check_type():
    rng = random.Random(3)  # noqa: S311 - reproducible test data
    reached = set()
    for _ in range(600):
        spec = random_spec(rng)
        try:
            validate(spec)
        except CheckSpecError:
            continue
        reached.add(next(iter(spec)))
    assert set(SCHEMA) | set(COMBINATORS) <= reached, set(SCHEMA) - reached


def test_manifest_shapes_are_in_the_cluster():
    """The cluster the checks read holds more than the defaults: the fuzzers' objects."""
    kinds = {o["kind"] for o in CLUSTER.store.all()}
    assert {"Deployment", "Service", "ConfigMap", "Pod", "Event"} <= kinds


@pytest.mark.parametrize(
    "spec,problem",
    [
        ({"command": {"regex": None}}, "check.command.regex: expected a string, not NoneType"),
        ({"event": {"reason": "x", "namespace": ["a"]}}, "check.event.namespace: expected a"),
        ({"event": {"reason": "x", "name_prefix": None}}, "check.event.name_prefix: expected"),
        (
            {"dns": {"name": "web", "expect": "addresses", "addresses": 1.5}},
            "check.dns.addresses: expected a list of IP addresses",
        ),
        ({"ready_pods": {"count": 1, "selector": "app=௙"}}, "check.ready_pods.selector: "),
        (
            {"any": [{"exists": {"kind": "Pod", "name": {"a": 1}}}]},
            "check.any[0].exists.name: expected a string",
        ),
    ],
)
def test_what_the_fuzzer_found_is_named_at_load_time(spec, problem):
    """Each of these escaped validation and raised TypeError or BadRequest while a
    learner's check ran (a 500 on the exercise form, or on the learner's page)."""
    with pytest.raises(CheckSpecError) as refused:
        validate(spec)
    assert str(refused.value).startswith(problem)
