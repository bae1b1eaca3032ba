"""Property: any console line (with or without a manifest on stdin) ends in output, an
error message in kubectl's words, or both: Console.run never raises, always returns text,
and the cluster behind it keeps reconciling and reloads from its store to the same state.

Lines come from the kubectl grammar (verbs, resources, names, flags with random values,
selectors, output formats, pipes, heredocs) mixed with garbage: 400 hypothesis-drawn lines
plus 50 seeded sessions of 25 and a 60-line script, about 1,700 lines
(test_fuzz_manifests.py adds about 9,000 API requests).
"""

from __future__ import annotations

import json
import random

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from playground.sim.console import Console
from playground.sim.console.registry import ConsoleResult
from playground.sim.console.shell import CRASHES

from .fuzz_support import (
    FUZZ_SETTINGS,
    SEEDED_SETTINGS,
    Shared,
    random_manifest,
    random_scalar,
)

# small caps keep each cluster small (and the test fast); the caps themselves are exercised
SHARED = Shared(every=100, limits={"max_objects": 250, "max_events": 150,
                                   "max_advance_seconds": 120,
                                   "default_quota": {"pods": "10", "services": "10"}})

VERBS = ["get", "describe", "create", "apply", "delete", "edit", "patch", "scale", "rollout",
         "logs", "exec", "run", "expose", "label", "annotate", "set", "cordon", "uncordon",
         "drain", "taint", "events", "api-resources", "version", "explain", "top", "replace",
         "autoscale", "config", "cluster-info", "wait", "gett", "", "--help"]
RESOURCES = ["pods", "po", "deploy", "deployments.apps", "rs", "sts", "svc", "ep",
             "endpointslices", "ns", "nodes", "no", "cm", "sa", "events", "pvc", "pv", "sc",
             "quota", "resourcequotas", "limits", "limitrange", "controllerrevisions", "all",
             "foo", "pods,svc", "deploy/web", "pod/web", "svc/web", "node/worker-1"]
NAMES = ["web", "db", "web-0", "cfg", "team", "default", "kube-system", "worker-1", "cp-1",
         "default-quota", "kube-dns", "coredns", "x" * 70, "", "ünï", "-", "--", "*"]
FLAGS = ["-n", "--namespace", "-o", "-l", "--selector", "--replicas", "--image", "--port",
         "--target-port", "--type", "-f", "--all", "-A", "--all-namespaces", "--force",
         "--grace-period", "--dry-run", "-p", "--patch", "-c", "--previous", "--tail",
         "--overwrite", "--to-revision", "--show-labels", "-w", "--sort-by", "--field-selector",
         "--cascade", "--timeout", "-it", "--rm", "--restart", "--command", "--env",
         "--from-literal", "--hard", "--ignore-daemonsets", "--", "-h"]
VALUES = ["default", "team", "kube-system", "yaml", "json", "wide", "name",
          "jsonpath={.items[*].metadata.name}", "jsonpath={.spec", "custom-columns=N:.metadata",
          "go-template={{.}}", "app=web", "app in (a,b)", "!app", "app!=", "=", "3", "-1",
          "100000", "99999999999999999999", "1.5", "nginx", "nginx:1.25", "busybox", "http",
          "NodePort", "LoadBalancer", "Bogus", "client", "server", "none", "-", "0", "30s",
          "{\"spec\":{\"replicas\":2}}", "[{\"op\":\"remove\",\"path\":\"/spec\"}]", "{", "null",
          ".metadata.name", "status.phase=Running", "orphan", "foreground", "key=value",
          "pods=1", "a=b:NoSchedule", "Never"]
PLAYGROUND = ["clock", "clock advance 30s", "clock advance 5m", "clock advance 100h",
              "clock advance -5m", "clock advance abc", "clock settle", "node stop worker-1",
              "node start worker-1", "node stop nope", "trace dns web", "trace http web",
              "curl http://web", "help", "ls", "sh", "exit", "| grep x", "'unclosed",
              "kubectl", "k get po", "$ kubectl get pods", "kubectl get pods | grep web | wc -l",
              "kubectl get pods \\"]


TEMPLATES = [
    "kubectl create deployment {name} --image={image} --replicas={n}",
    "kubectl run {name} --image={image}",
    "kubectl run {name} --image={image} --restart=Never -- sh -c {word}",
    "kubectl expose deployment {name} --port={n} --type={word}",
    "kubectl scale deploy {name} --replicas={n}",
    "kubectl get {res} -n {ns} -o {word}",
    "kubectl get {res} -A -l {word}",
    "kubectl get {res} {name} -o {word}",
    "kubectl describe {res} {name}",
    "kubectl delete {res} {name} --grace-period={n}",
    "kubectl apply -f -",
    "kubectl create -f -",
    "kubectl delete -f -",
    "kubectl create ns {name}",
    "kubectl delete ns {name}",
    "kubectl create quota {name} --hard={word}",
    "kubectl create configmap {name} --from-literal={word}",
    "kubectl label {res} {name} {word} --overwrite",
    "kubectl annotate {res} {name} {word}",
    "kubectl patch deploy {name} -p {word}",
    "kubectl patch {res} {name} --type=json -p {word}",
    "kubectl rollout status deploy/{name}",
    "kubectl rollout undo deploy/{name} --to-revision={n}",
    "kubectl rollout restart deploy/{name}",
    "kubectl set image deploy/{name} app={image}",
    "kubectl logs {name} --tail={n}",
    "kubectl exec {name} -- {word}",
    "kubectl cordon {name}",
    "kubectl drain {name} --ignore-daemonsets",
    "kubectl -n {ns} get all",
    "kubectl describe quota -n {ns}",
]
IMAGES = ["nginx", "nginx:1.25", "busybox", "nginx:doesnotexist", "registry.k8s.io/pause:3.9",
          "", "UPPER", "a" * 300]


def templated_line(rng: random.Random) -> str:
    fills = {
        "name": rng.choice(NAMES[:10]) if rng.random() < 0.8 else random_word(rng),
        "image": rng.choice(IMAGES),
        "n": rng.choice(["0", "1", "2", "3", "80", "-1", "100000", "abc", "1e3"]),
        "res": rng.choice(RESOURCES),
        "ns": rng.choice(["default", "team", "kube-system", "missing"]),
        "word": random_word(rng),
    }
    return rng.choice(TEMPLATES).format(**{k: _quote(v) for k, v in fills.items()})


def random_word(rng: random.Random) -> str:
    pick = rng.randrange(10)
    if pick < 3:
        return rng.choice(NAMES)
    if pick < 5:
        return rng.choice(RESOURCES)
    if pick < 8:
        return rng.choice(VALUES)
    value = random_scalar(rng)
    return str(value).replace("\n", " ")


def random_line(rng: random.Random) -> tuple[str, str | None]:
    if rng.random() < 0.1:
        return rng.choice(PLAYGROUND), None
    if rng.random() < 0.6:
        line = templated_line(rng)
        return line, _manifest_text(rng) if line.endswith("-f -") else None
    words = ["kubectl", rng.choice(VERBS)]
    for _ in range(rng.randrange(6)):
        if rng.random() < 0.4:
            flag = rng.choice(FLAGS)
            words.append(f"{flag}={random_word(rng)}" if rng.random() < 0.3 and
                         flag.startswith("--") else flag)
            if rng.random() < 0.7:
                words.append(random_word(rng))
        else:
            words.append(random_word(rng))
    line = " ".join(_quote(w) if rng.random() < 0.8 else w for w in words)
    if rng.random() < 0.05:
        line += rng.choice([" | grep web", " | wc -l", " | head -n 2", " | sort", " |"])
    stdin = None
    if "-f" in words or rng.random() < 0.05:
        stdin = _manifest_text(rng)
    return line, stdin


def _quote(word: str) -> str:
    return "'" + word.replace("'", "'\\''") + "'" if word else "''"


def _manifest_text(rng: random.Random) -> str:
    pick = rng.randrange(6)
    docs = [random_manifest(rng) for _ in range(rng.randint(1, 3))]
    if pick == 0:
        return json.dumps(docs[0])
    if pick == 1:  # broken YAML
        text = yaml.safe_dump_all(docs)
        cut = rng.randrange(len(text) + 1)
        return text[:cut] + rng.choice(["\t", ": :", "[", "{", "&a *b", "!!python/none", ""])
    return yaml.safe_dump_all(docs, allow_unicode=True)


def check_result(result: ConsoleResult) -> None:
    crashes = SHARED.cluster.cache.pop(CRASHES, None)
    assert not crashes, crashes[0][1]
    assert isinstance(result, ConsoleResult)
    assert isinstance(result.output, str) and isinstance(result.ok, bool)
    assert "Traceback" not in result.output


@settings(FUZZ_SETTINGS, max_examples=400)
@given(line=st.one_of(st.text(max_size=80), st.sampled_from(PLAYGROUND),
                      st.lists(st.one_of(st.sampled_from(VERBS + RESOURCES + FLAGS + VALUES
                                                         + NAMES), st.text(max_size=10)),
                               max_size=6).map(lambda ws: "kubectl " + " ".join(ws))),
       stdin=st.one_of(st.none(), st.text(max_size=200)))
def test_any_console_line(line, stdin):
    check_result(Console(SHARED.cluster).run(line, stdin=stdin))
    SHARED.tick()


@settings(SEEDED_SETTINGS, max_examples=50)
@given(seed=st.integers(min_value=0, max_value=2**32))
def test_seeded_console_sessions(seed):
    """A seed expands to a session of 25 lines, some creating what later lines touch."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    console = Console(SHARED.cluster)
    for _ in range(25):
        line, stdin = random_line(rng)
        check_result(console.run(line, stdin=stdin))
    SHARED.tick(reconcile_every=1)


def test_a_script_of_everything_runs_to_the_end():
    """run_script over a generated script: every line echoed, no exception."""
    rng = random.Random(2024)  # noqa: S311 - reproducible test data
    lines = [random_line(rng)[0] for _ in range(60)]
    out = Console(SHARED.cluster).run_script("\n".join(line.replace("\\", "") for line in lines))
    assert out.count("$ ") >= len([line for line in lines if line.strip()]) - 5
