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
    flags = [a for a in args if a.startswith("-") and len(a) > 1]
    rest = [a for a in args if a not in flags]
    if len(rest) != 1:
        raise CommandError("usage: grep [-i] [-v] [-c] PATTERN")
    opts = set("".join(f[1:] for f in flags))
    try:
        pattern = re.compile(rest[0], re.IGNORECASE if "i" in opts else 0)
    except re.error as exc:
        raise CommandError(f"grep: invalid pattern: {exc}") from None
    hits = [ln for ln in lines if bool(pattern.search(ln)) != ("v" in opts)]
    if "c" in opts:
        return f"{len(hits)}\n", bool(hits)
    return "".join(hits), bool(hits)
