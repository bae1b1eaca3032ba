"""`manage.py kubectl --sandbox NAME [--create] -- ARGS...`: one console command on a stored
sandbox, printing exactly what the browser console shows.

ARGS are what follows `kubectl` in the console (`-- get pods -o wide`), or a playground
command (`-- clock settle`, `-- node stop worker-2`). Standard input feeds `-f -`.
"""

import shlex
import sys

from django.core.management.base import BaseCommand, CommandError

from playground import sandboxes
from playground.management.commands._sandbox_lookup import find_sandbox
from playground.sim.console import PLAYGROUND_COMMANDS


class Command(BaseCommand):
    help = "Run one console command (kubectl or playground) against a stored sandbox."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--sandbox", required=True, help="the sandbox's name (or id)")
        parser.add_argument("--create", action="store_true", help="create it when missing")
        parser.add_argument("words", nargs="*", help="the command, after --")

    def handle(self, *args, sandbox: str, create: bool, words: list[str], **options) -> None:
        if not words:
            raise CommandError("nothing to run: give the command after --, e.g. -- get pods")
        target = find_sandbox(sandbox)
        if target is None:
            if not create:
                raise CommandError(f'sandbox "{sandbox}" not found (use --create to create it)')
            target = sandboxes.sandbox_create(name=sandbox)
        line = command_line(words)
        stdin = _stdin_for(words)
        output, ok = sandboxes.sandbox_command(sandbox_id=target.pk, line=line, stdin=stdin)
        self.stdout.write(output, ending="")
        if not ok:
            sys.exit(1)


def command_line(words: list[str]) -> str:
    if words[0] in ("kubectl", "k") or words[0] in PLAYGROUND_COMMANDS:
        return shlex.join(words)
    return shlex.join(["kubectl", *words])


def _stdin_for(words: list[str]) -> str | None:
    reads_stdin = (
        any(
            w == "-" and i > 0 and words[i - 1] in ("-f", "--filename") for i, w in enumerate(words)
        )
        or "--filename=-" in words
    )
    if reads_stdin and not sys.stdin.isatty():
        return sys.stdin.read()
    return None
