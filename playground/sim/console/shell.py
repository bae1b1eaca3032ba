"""Shell-like front end of the console: split a line, route it to a registered command.

Lines are split with shlex (quotes work as in a shell). `kubectl` and its alias `k`
route to KUBECTL_COMMANDS; any other first word to PLAYGROUND_COMMANDS. A heredoc
(`kubectl apply -f - <<EOF` ... `EOF`) feeds the command's stdin, both inside
`run_script` and when a single `run()` line carries its body after a newline.
"""

from __future__ import annotations

import re
import shlex
import traceback

from .. import errors, limits
from .common import error_text
from .filters import apply_filter
from .help import help_text
from .registry import (
    KUBECTL_COMMANDS,
    PLAYGROUND_COMMANDS,
    CommandContext,
    CommandError,
    ConsoleResult,
)

_HEREDOC = re.compile(r"<<-?\s*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\1\s*$")


class Console:
    """Runs console command lines against one cluster."""

    def __init__(self, cluster):
        self.cluster = cluster

    # ---- one command -----------------------------------------------------------------------

    def run(self, line: str, stdin: str | None = None) -> ConsoleResult:
        refusal = _over_limits(self.cluster, line, stdin)
        if refusal:
            return ConsoleResult(refusal + "\n", False)
        first, _, rest = line.partition("\n")
        while first.endswith("\\") and rest:
            more, _, rest = rest.partition("\n")
            first = first[:-1].rstrip() + " " + more.strip()
        heredoc = _HEREDOC.search(first)
        if heredoc:
            first = first[: heredoc.start()].rstrip()
            if stdin is None:
                stdin = _heredoc_body(rest.split("\n"), heredoc.group(2))[0]
        try:
            words = _split_words(first)
        except ValueError as exc:
            return ConsoleResult(f"error: {exc}\n", False)
        if words and words[0] == "$":  # a line copied from a lesson, prompt included
            words = words[1:]
        if not words:
            return ConsoleResult("", True)
        words, filters = _split_pipes(words)
        if not words:
            return ConsoleResult("error: nothing before `|`\n", False)
        ctx = CommandContext(self.cluster, stdin=stdin, console=self)
        result = self._dispatch(ctx, words)
        if filters:
            result = _filtered(ctx, filters)
        # the control plane reacts within milliseconds of a write: let controllers catch up
        # at the current simulated time (the clock only moves with `clock` commands)
        self.cluster.reconcile()
        return result

    def _dispatch(self, ctx: CommandContext, words: list[str]) -> ConsoleResult:
        program, args = words[0], words[1:]
        if program in ("kubectl", "k"):
            return self._kubectl(ctx, args)
        command = PLAYGROUND_COMMANDS.get(program)
        if command is None:
            ctx.err(f"{program}: command not found")
            return ctx.result()
        return _call(ctx, command, args)

    def _kubectl(self, ctx: CommandContext, args: list[str]) -> ConsoleResult:
        verb_at = _verb_index(args)
        if verb_at is None:
            ctx.err(_KUBECTL_USAGE)
            return ctx.result()
        verb = args[verb_at]
        command = KUBECTL_COMMANDS.get(verb)
        if command is None:
            ctx.err(_unknown_command(verb))
            return ctx.result()
        rest = args[verb_at + 1:]
        before_dash = rest[:rest.index("--")] if "--" in rest else rest
        if "-h" in before_dash or "--help" in before_dash:
            ctx.out(help_text(verb))
            return ctx.result()
        # global flags written before the verb (`kubectl -n x get pods`) go after it
        return _call(ctx, command, args[verb_at + 1:] + args[:verb_at])

    # ---- scripts ---------------------------------------------------------------------------

    def run_script(self, text: str) -> str:
        """Run each command line of `text`, echoing `$ COMMAND` before its output."""
        out: list[str] = []
        lines = text.split("\n")
        i = 0
        while i < len(lines):
            line = lines[i]
            i += 1
            while line.endswith("\\") and i < len(lines):  # `\` continues the command
                line = line[:-1].rstrip() + " " + lines[i].strip()
                i += 1
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            stdin = None
            heredoc = _HEREDOC.search(line)
            if heredoc:
                stdin, used = _heredoc_body(lines[i:], heredoc.group(2))
                i += used
            if out and out[-1] and not out[-1].endswith("\n"):
                out.append("\n")  # output without a final newline (jsonpath): keep `$` in column 0
            out.append(f"$ {line.strip()}\n")
            out.append(self.run(line, stdin=stdin).output)
        return "".join(out)


def _over_limits(cluster, line: str, stdin: str | None) -> str | None:
    """The sandbox's caps (limits.py) on one command line and the manifest it carries."""
    caps = limits.get(cluster)
    first, _, body = line.partition("\n")
    if len(first) > caps.max_console_line:
        return (f"error: the command line is {len(first)} characters long; this playground "
                f"accepts at most {caps.max_console_line}")
    size = len(body.encode("utf-8", "surrogatepass")) + len(
        (stdin or "").encode("utf-8", "surrogatepass"))
    if size > caps.max_manifest_bytes:
        return (f"error: the input is {size} bytes; this playground accepts at most "
                f"{caps.max_manifest_bytes}")
    return None


def _split_words(line: str) -> list[str]:
    """shlex.split, with `|` also splitting words (`kubectl get po|grep web`)."""
    lex = shlex.shlex(line, posix=True, punctuation_chars="|")
    lex.whitespace_split = True
    lex.commenters = "#"
    return list(lex)


def _split_pipes(words: list[str]) -> tuple[list[str], list[list[str]]]:
    """`kubectl get pods | grep web | wc -l` -> the command and its filters."""
    parts: list[list[str]] = [[]]
    for word in words:
        if word == "|":
            parts.append([])
        else:
            parts[-1].append(word)
    return parts[0], [p for p in parts[1:] if p]


def _filtered(ctx: CommandContext, filters: list[list[str]]) -> ConsoleResult:
    """Pipe the command's stdout through the filters; stderr still shows, unfiltered."""
    text, ok = ctx.stdout, True
    try:
        for words in filters:
            text, ok = apply_filter(words, text)
    except CommandError as exc:
        return ConsoleResult(ctx.stderr + exc.text + "\n", False)
    return ConsoleResult(ctx.stderr + text, ok)


CRASHES = "console:crashes"


def _call(ctx: CommandContext, command, args: list[str]) -> ConsoleResult:
    try:
        result = command(ctx, args)
    except errors.ApiError as exc:
        ctx.err(error_text(exc))
        return ctx.result()
    except CommandError as exc:
        ctx.err(exc.text)
        return ctx.result()
    except Exception as exc:  # noqa: BLE001 - a bug of ours must not end a learner's session
        # kept for tests and logs (cluster.cache is per process, never saved)
        ctx.cluster.cache.setdefault(CRASHES, []).append(
            (args, "".join(traceback.format_exception(exc))))
        ctx.err(f"error: the playground could not run this command ({type(exc).__name__}); "
                "this is a bug in the playground, not in your command")
        return ctx.result()
    return result if result is not None else ctx.result()


def _heredoc_body(lines: list[str], marker: str) -> tuple[str, int]:
    """The heredoc text up to the `marker` line, and how many lines it consumed."""
    body: list[str] = []
    for n, line in enumerate(lines):
        if line.strip() == marker:
            return "".join(f"{b}\n" for b in body), n + 1
        body.append(line)
    return "".join(f"{b}\n" for b in body), len(lines)


# flags kubectl accepts before the verb that take a value (`kubectl -n kube-system get pods`)
_GLOBAL_VALUE_FLAGS = {"-n", "--namespace", "--context", "--cluster", "--user", "--kubeconfig",
                       "-s", "--server", "--request-timeout", "-v", "--v"}


def _verb_index(args: list[str]) -> int | None:
    i = 0
    while i < len(args):
        word = args[i]
        if not word.startswith("-"):
            return i
        i += 2 if word in _GLOBAL_VALUE_FLAGS else 1
    return None


# every top-level kubectl v1.33 command, for cobra's "Did you mean this?" suggestions
KUBECTL_VERBS = (
    "annotate", "api-resources", "api-versions", "apply", "attach", "auth", "autoscale",
    "certificate", "cluster-info", "completion", "config", "cordon", "cp", "create", "debug",
    "delete", "describe", "diff", "drain", "edit", "events", "exec", "explain", "expose", "get",
    "kustomize", "label", "logs", "options", "patch", "plugin", "port-forward", "proxy",
    "replace", "rollout", "run", "scale", "set", "taint", "top", "uncordon", "version", "wait",
)


def _unknown_command(verb: str) -> str:
    """cobra's `unknown command` error with SuggestionsFor (Levenshtein distance <= 2 or a
    prefix); real kubectl commands the playground does not offer say so plainly."""
    if verb in KUBECTL_VERBS:
        return f"error: kubectl {verb} is not available in this playground"
    hints = [v for v in KUBECTL_VERBS
             if _distance(verb.lower(), v) <= 2 or v.startswith(verb.lower())]
    text = f'error: unknown command "{verb}" for "kubectl"'
    if hints:
        text += "\n\nDid you mean this?\n" + "".join(f"\t{h}\n" for h in hints)
    return text


def _distance(a: str, b: str) -> int:
    """Levenshtein distance (cobra's ld, case already folded)."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[len(b)]


_KUBECTL_USAGE = """kubectl controls the Kubernetes cluster manager.

 Find more information at: https://kubernetes.io/docs/reference/kubectl/

Use "kubectl <command> --help" for more information about a given command."""
