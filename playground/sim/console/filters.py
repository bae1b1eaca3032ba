"""The few shell filters a lesson pipes kubectl into: `| grep [-i] [-v] [-c] PATTERN`,
`| head [-n N]`, `| tail [-n N]`, `| wc -l`, `| sort`.

They act on a command's stdout only (stderr passes straight through, as in a terminal).
Patterns are basic regular expressions close enough for lessons (Python `re`).
"""

from __future__ import annotations

import re

from .registry import CommandError


def apply_filter(words: list[str], text: str) -> tuple[str, bool]:
    """Run one filter over `text`; returns (output, ok)."""
    name, args = words[0], words[1:]
    lines = text.splitlines(keepends=True)
    if name == "grep":
        return _grep(args, lines)
    if name in ("head", "tail"):
        n = _count(name, args)
        picked = lines[:n] if name == "head" else (lines[-n:] if n else [])
        return "".join(picked), True
    if name == "wc" and args == ["-l"]:
        return f"{len(lines)}\n", True
    if name == "sort" and not args:
        return "".join(sorted(lines)), True
    raise CommandError(f"{name}: not available in this playground (try grep, head, tail, "
                       "wc -l, sort)")


def _count(name: str, args: list[str]) -> int:
    if not args:
        return 10
    value = args[1] if args[0] == "-n" and len(args) > 1 else args[0].lstrip("-n")
    try:
        return int(value)
    except ValueError:
        raise CommandError(f"{name}: invalid number of lines: '{value}'") from None


def _grep(args: list[str], lines: list[str]) -> tuple[str, bool]:
    opts, context, rest = _grep_args(args)
    try:
        pattern = re.compile(rest[0], re.IGNORECASE if "i" in opts else 0)
    except re.error as exc:
        raise CommandError(f"grep: invalid pattern: {exc}") from None
    hits = [n for n, ln in enumerate(lines) if bool(pattern.search(ln)) != ("v" in opts)]
    if "c" in opts:
        return f"{len(hits)}\n", bool(hits)
    before, after = context
    keep: list[int] = []
    for n in hits:
        keep += range(max(0, n - before), min(len(lines), n + after + 1))
    return "".join(lines[n] for n in sorted(set(keep))), bool(hits)


def _grep_args(args: list[str]) -> tuple[set[str], tuple[int, int], list[str]]:
    """Flags -i -v -c and context -A N / -B N / -C N (also -A2); one PATTERN."""
    opts: set[str] = set()
    before = after = 0
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg[:2] in ("-A", "-B", "-C") and len(arg) >= 2:
            value = arg[2:] or (args[i] if i < len(args) else "")
            i += 0 if arg[2:] else 1
            if not value.isdigit():
                raise CommandError(f"grep: {value}: invalid context length argument")
            if arg[1] in "AC":
                after = int(value)
            if arg[1] in "BC":
                before = int(value)
        elif arg.startswith("-") and len(arg) > 1:
            opts |= set(arg[1:])
        else:
            rest.append(arg)
    if len(rest) != 1:
        raise CommandError("usage: grep [-i] [-v] [-c] [-A N] [-B N] PATTERN")
    return opts, (before, after), rest
