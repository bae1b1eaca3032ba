"""The console shell: registry, scripts, heredocs, clock/node commands, the script runner."""

import subprocess
import sys
from pathlib import Path

import pytest

from playground.sim import Cluster
from playground.sim.__main__ import main
from playground.sim.console import (
    PLAYGROUND_COMMANDS,
    CommandContext,
    Console,
    ConsoleResult,
    playground_command,
)
from playground.sim.console.registry import CommandError
from playground.sim.errors import NotFound

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def console():
    return Console(Cluster.new())


def test_registered_commands_get_context_and_errors_are_printed(console):
    seen = {}

    @playground_command("echo-test")
    def echo(ctx: CommandContext, args: list[str]) -> ConsoleResult:
        seen["stdin"] = ctx.stdin
        if args == ["boom"]:
            raise NotFound("pods", "boom")
        if args == ["usage"]:
            raise CommandError("error: bad usage")
        ctx.out(" ".join(args))
        ctx.warn("a warning")
        return ctx.result()

    try:
        result = console.run("echo-test 'two words' x", stdin="data")
        assert (result.ok, result.output) == (True, "two words x\na warning\n")
        assert seen["stdin"] == "data"
        result = console.run("echo-test boom")
        assert (result.ok, result.output) == (False,
                                              'Error from server (NotFound): pods "boom" not '
                                              "found\n")
        assert console.run("echo-test usage").output == "error: bad usage\n"
    finally:
        PLAYGROUND_COMMANDS.pop("echo-test")


def test_unknown_program_and_blank_lines(console):
    result = console.run("helm install x")
    assert (result.ok, result.output) == (False, "helm: command not found\n")
    assert console.run("   ").output == ""
    assert console.run("kubectl").output.startswith("kubectl controls the Kubernetes cluster")


def test_run_accepts_a_heredoc_in_the_line_itself(console):
    line = "kubectl create -f - <<EOF\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\nEOF"
    assert console.run(line).output == "configmap/x created\n"


def test_script_echoes_commands_and_skips_comments(console):
    script = ("# set up\n"
              "kubectl create ns dev\n"
              "\n"
              "kubectl apply -n dev -f - <<'END'\n"
              "apiVersion: v1\n"
              "kind: ConfigMap\n"
              "metadata:\n"
              "  name: cfg\n"
              "END\n"
              "kubectl get cm cfg -n dev -o jsonpath={.metadata.name}\n"
              "kubectl get cm cfg -n dev -o name\n")
    assert console.run_script(script) == ("$ kubectl create ns dev\n"
                                          "namespace/dev created\n"
                                          "$ kubectl apply -n dev -f - <<'END'\n"
                                          "configmap/cfg created\n"
                                          "$ kubectl get cm cfg -n dev -o jsonpath="
                                          "{.metadata.name}\n"
                                          "cfg\n"
                                          "$ kubectl get cm cfg -n dev -o name\n"
                                          "configmap/cfg\n")


def test_clock_commands(console):
    now = console.cluster.clock.now
    assert console.run("clock").output.startswith("simulated time: 2026-01-01 ")
    out = console.run("clock advance 5m").output
    assert out.startswith("advanced 5m0s to ")
    assert console.cluster.clock.now == now + 300
    assert console.run("clock advance soon").output == \
        'error: invalid duration "soon" (use e.g. 30s, 5m, 1h30m)\n'
    console.run("kubectl create deployment web --image=nginx:1.25")
    settled = console.run("clock settle").output
    assert settled.startswith("settled after ")
    assert console.cluster.next_wakeup() is None
    assert console.run("clock sideways").output.startswith("usage: clock")


def test_node_stop_and_start(console):
    assert console.run("node stop worker-1").output.startswith("node worker-1 stopped")
    console.run("clock advance 60s")
    assert "NotReady" in console.run("kubectl get node worker-1").output
    assert console.run("node start worker-1").output.startswith("node worker-1 started")
    console.run("clock advance 20s")
    assert "NotReady" not in console.run("kubectl get node worker-1").output
    assert console.run("node stop ghost").output == \
        'Error from server (NotFound): nodes "ghost" not found\n'


def test_main_runs_a_file(tmp_path, capsys):
    script = tmp_path / "s.txt"
    script.write_text("kubectl get ns default -o name\nclock\n")
    assert main(["--seed", "3", str(script)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("$ kubectl get ns default -o name\nnamespace/default\n$ clock\n")


def test_python_dash_m_reads_stdin_and_is_deterministic():
    script = ("kubectl create deployment web --image=nginx:1.25 --replicas=2\n"
              "clock settle\nkubectl get pods -o name\n")
    runs = [subprocess.run([sys.executable, "-m", "playground.sim", "--seed", "7"],
                           input=script, capture_output=True, text=True, cwd=ROOT, check=True,
                           timeout=120).stdout for _ in range(2)]
    assert runs[0] == runs[1]
    assert runs[0].count("pod/web-") == 2


def test_pipes_into_grep_head_tail_wc(console):
    out = console.run("kubectl get nodes --no-headers|grep worker").output.splitlines()
    assert [line.split()[0] for line in out] == ["worker-1", "worker-2"]
    assert console.run("kubectl get nodes | grep -v worker | wc -l").output == "2\n"
    assert console.run("kubectl get nodes -o name | head -n 1").output == "node/cp-1\n"
    assert console.run("kubectl get nodes -o name | tail -1").output == "node/worker-2\n"
    result = console.run("kubectl get nodes | grep nothing-here")
    assert (result.ok, result.output) == (False, "")
    assert console.run("kubectl get pods -n empty | wc -l").output == \
        "No resources found in empty namespace.\n0\n"
    assert console.run("kubectl get nodes | awk x").output.startswith("awk: not available")
    assert console.run("kubectl get nodes -o name | grep -A1 cp-1").output == \
        "node/cp-1\nnode/worker-1\n"
    assert console.run("kubectl get nodes -o name | grep -B 1 worker-2").output == \
        "node/worker-1\nnode/worker-2\n"


def test_help_flag_and_pasted_prompt(console):
    out = console.run("kubectl delete --help").output
    assert out.startswith("Delete resources by file names, stdin, resources and names, or by "
                          "resources and label selector.\n\nUsage:\n  kubectl delete ")
    assert console.run("$ kubectl get ns default -o name").output == "namespace/default\n"


def test_backslash_continues_a_command(console):
    script = "kubectl create deployment web \\\n  --image=nginx:1.25 \\\n  --replicas=2\n"
    assert console.run_script(script) == (
        "$ kubectl create deployment web --image=nginx:1.25 --replicas=2\n"
        "deployment.apps/web created\n")
