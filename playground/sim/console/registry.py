"""The console's command registry: how command modules plug into the console.

A command module (console/kubectl_*.py, console/net*.py, console/playground.py, ...)
decorates plain functions:

    @kubectl_command("get")             # `kubectl get ...` / `k get ...`
    def get(ctx: CommandContext, args: list[str]) -> ConsoleResult: ...

    @playground_command("clock")        # top-level `clock ...`
    def clock(ctx: CommandContext, args: list[str]) -> ConsoleResult: ...

`args` are the words after the verb (already split like a shell would; global flags
written before the verb, `kubectl -n x get pods`, are moved after it). A command writes
through `ctx.out(text)` / `ctx.err(text)` / `ctx.warn(text)` (stdout and stderr interleaved
in the order a terminal shows them; `warn` is stderr that does not fail the command) and
returns `ctx.result()` (ok unless it wrote an error, or pass `ok=` explicitly). Errors from
the API (`errors.ApiError`) may simply be raised: the console prints their kubectl form
(`Error from server (NotFound): ...`, `The Service "x" is invalid: ...`) and marks the
result failed; `CommandError(text)` prints `text` as it is (client-side errors).
console/common.py has pflag-style flag parsing (`parse_flags`) commands can share.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..cluster import Cluster


class CommandError(Exception):
    """Raise from a command to print `text` on stderr (verbatim) and fail the command."""

    def __init__(self, text: str):
        super().__init__(text)
        self.text = text


@dataclass
class ConsoleResult:
    """What one command line produced: the terminal text and whether it succeeded."""

    output: str = ""
    ok: bool = True


@dataclass
class CommandContext:
    """What a command sees: the cluster, the stdin given to it, and its output streams."""

    cluster: Cluster
    stdin: str | None = None
    console: Any = None
    chunks: list[tuple[str, str]] = field(default_factory=list)
    failed: bool = False

    def out(self, text: str) -> None:
        """Write to stdout (a trailing newline is added when missing)."""
        self.chunks.append(("out", _line(text)))

    def err(self, text: str) -> None:
        """Write to stderr (a trailing newline is added when missing); marks the command failed."""
        self.chunks.append(("err", _line(text)))
        self.failed = True

    def warn(self, text: str) -> None:
        """Write to stderr without failing (kubectl's `Warning: ...`, `No resources found`)."""
        self.chunks.append(("err", _line(text)))

    @property
    def output(self) -> str:
        return "".join(text for _, text in self.chunks)

    @property
    def stdout(self) -> str:
        return "".join(text for stream, text in self.chunks if stream == "out")

    @property
    def stderr(self) -> str:
        return "".join(text for stream, text in self.chunks if stream == "err")

    def result(self, ok: bool | None = None) -> ConsoleResult:
        return ConsoleResult(self.output, (not self.failed) if ok is None else ok)


def _line(text: str) -> str:
    if text == "" or text.endswith("\n"):
        return text
    return text + "\n"


Command = Callable[[CommandContext, list[str]], ConsoleResult]

# verb -> function; filled by the decorators when command modules are imported
KUBECTL_COMMANDS: dict[str, Command] = {}
PLAYGROUND_COMMANDS: dict[str, Command] = {}


def kubectl_command(verb: str) -> Callable[[Command], Command]:
    """Register `fn` as `kubectl <verb>` (and `k <verb>`)."""

    def decorate(fn: Command) -> Command:
        KUBECTL_COMMANDS[verb] = fn
        return fn

    return decorate


def playground_command(name: str) -> Callable[[Command], Command]:
    """Register `fn` as the top-level playground command `<name>` (e.g. `clock`, `node`)."""

    def decorate(fn: Command) -> Command:
        PLAYGROUND_COMMANDS[name] = fn
        return fn

    return decorate
