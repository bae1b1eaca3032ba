"""Property: whatever reaches the YAML editor (POST /sandboxes/<id>/apply) or the console
(POST /sandboxes/<id>/console) through HTTP ends in a 200 whose JSON says ok true or false
with a message: never a 500, never an escaped exception. Afterwards the stored sandbox
still loads, reconciles, and reloads to the same state.

Inputs: the simulation fuzzers' manifests (tests/sim/fuzz_support.py) dumped as YAML, one
to three documents per request, then cut short or sprinkled with a stray character; plain
random text; and hostile documents (billion laughs, language tags, deep nesting, huge
scalars). About 360 requests through the whole web stack (~0.06 s each); the
simulation's own fuzzers send over 10,000 more straight to the API server and the console.
"""

from __future__ import annotations

import json
import random

import pytest
import yaml
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from playground import sandboxes
from playground.models import Sandbox
from playground.store import load_cluster
from tests.sim.fuzz_support import FUZZ_SETTINGS, check_cluster_healthy, manifests
from tests.sim.test_fuzz_console import random_line

pytestmark = pytest.mark.django_db

LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
)
HOSTILE = [
    LAUGHS,
    "!!python/object/apply:os.system ['echo pwned']\n",
    "kind: !custom Pod\n",
    "[" * 5000,
    "a:\n" + "".join(" " * (2 * i) + "- \n" for i in range(1, 400)),
    "{" * 3000 + "}" * 3000,
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  a: " + "x" * 600_000,
    "a: &a [*a]\n",
    "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: "
    + "i" * 70_000
    + "}]}\n",
    "---\n" * 300,
    "\x00\x01\ufeff\ud7ff",
    "apiVersion: v1\nkind: List\nitems:\n- " + json.dumps({"kind": "List", "items": [None]}),
    "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: kube-system\n",
    "apiVersion: v1\nkind: Node\nmetadata:\n  name: cp-1\nspec:\n  unschedulable: [1]\n",
    "1e999: .inf\n",
    "? [a, b]\n: c\n",
    "a: 2001-12-14t21:59:43.10-05:00\nb: !!binary aGk=\n",
]


def dump(doc) -> str:
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


@st.composite
def editor_texts(draw) -> str:
    pick = draw(st.integers(min_value=0, max_value=19))
    if pick == 0:
        return draw(st.sampled_from(HOSTILE))
    if pick == 1:
        return draw(st.text(max_size=200))
    docs = draw(st.lists(manifests(), min_size=1, max_size=3))
    text = "---\n".join(dump(d) for d in docs)
    damage = draw(st.sampled_from(["none", "none", "none", "cut", "char"]))
    if damage == "cut":
        text = text[: draw(st.integers(min_value=0, max_value=len(text)))]
    elif damage == "char":
        at = draw(st.integers(min_value=0, max_value=len(text)))
        text = text[:at] + draw(st.sampled_from(list(":-[]{}&*!|>'\"#%@`\t\n "))) + text[at:]
    return text


def check_answer(response, what: str) -> dict:
    assert response.status_code == 200, (what[:300], response.status_code, response.content[:300])
    answer = response.json()
    assert isinstance(answer["ok"], bool), answer
    assert isinstance(answer["output"], str) and answer["output"].strip(), (what[:300], answer)
    assert "Traceback" not in answer["output"], answer["output"]
    return answer


def check_stored_sandbox(sandbox_id: int) -> None:
    """The stored state reloads, reconciles through the real path (lock, catch up, save)
    and, loaded again, reaches the same state in memory."""
    with sandboxes.opened(sandbox_id):
        pass
    loaded = load_cluster(Sandbox.objects.get(pk=sandbox_id))
    check_cluster_healthy(loaded.cluster)


@pytest.fixture
def driven(settings):
    # small site caps keep the cluster (and each request) small; the caps are exercised too.
    # They are the operator's settings, which every load puts in the sandbox (sitelimits.py).
    settings.PLAYGROUND_LIMITS = {"max_objects": 150, "max_events": 100, "max_advance_seconds": 120}
    client = Client()
    response = client.post("/sandboxes/open")
    sandbox_id = int(response.url.strip("/").split("/")[-1])
    return client, sandbox_id


def test_the_editor_answers_anything_and_the_sandbox_survives(driven):
    client, sandbox_id = driven
    seen = {"ok": 0, "refused": 0}

    @settings(FUZZ_SETTINGS, max_examples=240)
    @given(text=editor_texts())
    def post(text):
        answer = check_answer(
            client.post(f"/sandboxes/{sandbox_id}/apply", {"manifest": text}), text
        )
        seen["ok" if answer["ok"] else "refused"] += 1
        for diagnostic in answer.get("diagnostics", []):
            assert diagnostic["line"] >= 1 and diagnostic["message"].strip()

    post()
    assert seen["ok"] >= 10 and seen["refused"] >= 10, seen  # both paths were exercised
    check_stored_sandbox(sandbox_id)


def test_the_console_answers_any_line_and_the_sandbox_survives(driven):
    client, sandbox_id = driven

    @settings(FUZZ_SETTINGS, max_examples=25)
    @given(seed=st.integers(min_value=0, max_value=2**32 - 1))
    def session(seed):
        rng = random.Random(seed)  # noqa: S311 - reproducible test input
        for _ in range(4):
            line, stdin = random_line(rng)
            data = {"line": line} if stdin is None else {"line": line, "stdin": stdin}
            check_answer(client.post(f"/sandboxes/{sandbox_id}/console", data), line)

    session()
    check_stored_sandbox(sandbox_id)


REFUSED = {LAUGHS, HOSTILE[1], HOSTILE[2], HOSTILE[3], HOSTILE[5], HOSTILE[6], HOSTILE[7]}


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_each_hostile_document_gets_a_clear_answer(driven, text):
    client, sandbox_id = driven
    answer = check_answer(client.post(f"/sandboxes/{sandbox_id}/apply", {"manifest": text}), text)
    if text in REFUSED:
        assert answer["ok"] is False, answer
    check_stored_sandbox(sandbox_id)
