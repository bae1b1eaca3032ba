"""Shared pieces of the kubectl commands: pflag-style flag parsing, resource-type lookup,
client-side error texts.

Flag parsing models spf13/pflag as kubectl uses it: `--name=value`, `--name value`,
`-n value`, `-nvalue`, `-n=value`, boolean flags with optional `=true|false`, `--`
ends flags, and the same error texts (`unknown flag: --foo`, `flag needs an argument:
'n' in -n`) followed by `See 'kubectl <cmd> --help' for usage.`
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import ApiError, BadRequest, Invalid, NotFound
from ..resources import REGISTRY, ResourceType
from .registry import CommandError


@dataclass(frozen=True)
class Flag:
    name: str
    short: str = ""
    kind: str = "str"  # str | bool | int | list
    default: Any = None


# flags every kubectl command accepts (kubectl's persistent flags)
GLOBAL_FLAGS = (
    Flag("namespace", "n"),
    Flag("context"),
    Flag("cluster"),
    Flag("user"),
    Flag("kubeconfig"),
    Flag("server", "s"),
    Flag("request-timeout"),
    Flag("v", "v"),
)


@dataclass
class Parsed:
    values: dict[str, Any] = field(default_factory=dict)
    args: list[str] = field(default_factory=list)
    given: set[str] = field(default_factory=set)
    #: how many positional args came before a `--` (None: no `--`), like cobra's ArgsLenAtDash
    dash_at: int | None = None

    def __getitem__(self, name: str) -> Any:
        return self.values.get(name)


def usage_error(command: str, message: str) -> CommandError:
    return CommandError(f"error: {message}\nSee 'kubectl {command} --help' for usage.")


def parse_flags(command: str, args: list[str], flags: list[Flag] | tuple[Flag, ...]) -> Parsed:
    """Split `args` into flag values and positional arguments, like pflag does."""
    spec = list(flags) + list(GLOBAL_FLAGS)
    by_name = {f.name: f for f in spec}
    by_short = {f.short: f for f in spec if f.short}
    parsed = Parsed(values={f.name: _initial(f) for f in spec})
    i = 0
    while i < len(args):
        word = args[i]
        i += 1
        if word == "--":
            parsed.dash_at = len(parsed.args)
            parsed.args.extend(args[i:])
            break
        if word.startswith("--") and len(word) > 2:
            name, eq, value = word[2:].partition("=")
            flag = by_name.get(name)
            if flag is None:
                raise usage_error(command, f"unknown flag: --{name}")
            if not eq and flag.kind != "bool":
                if i >= len(args):
                    raise usage_error(command, f"flag needs an argument: --{name}")
                value, i = args[i], i + 1
            _set(command, parsed, flag, value if (eq or flag.kind != "bool") else None, word)
        elif word.startswith("-") and len(word) > 1:
            i = _parse_shorts(command, parsed, by_short, word, args, i)
        else:
            parsed.args.append(word)
    return parsed


def _parse_shorts(command: str, parsed: Parsed, by_short: dict[str, Flag], word: str,
                  args: list[str], i: int) -> int:
    shorts = word[1:]
    while shorts:
        c, rest = shorts[0], shorts[1:]
        flag = by_short.get(c)
        if flag is None:
            raise usage_error(command, f"unknown shorthand flag: '{c}' in {word}")
        if flag.kind == "bool":
            value = None
            if rest.startswith("="):
                value, rest = rest[1:], ""
            _set(command, parsed, flag, value, word)
            shorts = rest
            continue
        if rest:
            value = rest[1:] if rest.startswith("=") else rest
        elif i < len(args):
            value, i = args[i], i + 1
        else:
            raise usage_error(command, f"flag needs an argument: '{c}' in -{c}")
        _set(command, parsed, flag, value, word)
        break
    return i


def _initial(flag: Flag) -> Any:
    if flag.kind == "list":
        return list(flag.default or [])
    if flag.kind == "bool":
        return bool(flag.default)
    return flag.default


def _set(command: str, parsed: Parsed, flag: Flag, value: str | None, word: str) -> None:
    parsed.given.add(flag.name)
    if flag.kind == "bool":
        if value is None:
            parsed.values[flag.name] = True
            return
        if value.lower() not in ("true", "false", "1", "0", "t", "f"):
            raise usage_error(
                command, f'invalid argument "{value}" for "{_flag_label(flag)}" flag: '
                f'strconv.ParseBool: parsing "{value}": invalid syntax')
        parsed.values[flag.name] = value.lower() in ("true", "1", "t")
    elif flag.kind == "int":
        try:
            parsed.values[flag.name] = int(value or "")
        except ValueError:
            raise usage_error(
                command, f'invalid argument "{value}" for "{_flag_label(flag)}" flag: '
                f'strconv.ParseInt: parsing "{value}": invalid syntax') from None
    elif flag.kind == "list":
        parsed.values[flag.name].extend(v for v in (value or "").split(",") if v)
    else:
        parsed.values[flag.name] = value


def _flag_label(flag: Flag) -> str:
    return f"-{flag.short}, --{flag.name}" if flag.short else f"--{flag.name}"


# ---- resource types ---------------------------------------------------------------------


def resolve_type(name: str) -> ResourceType:
    """A kind as a user types it (`po`, `deploy`, `deployments.apps`), or kubectl's error."""
    rt = REGISTRY.resolve(name)
    if rt is None:
        raise CommandError(f'error: the server doesn\'t have a resource type "{name}"')
    return rt


def type_name(rt: ResourceType) -> str:
    """`pod`, `deployment.apps`: how kubectl names a kind in `kind/name` output."""
    return f"{rt.singular}.{rt.group}" if rt.group else rt.singular


def qualified(rt: ResourceType, name: str) -> str:
    return f"{type_name(rt)}/{name}"


def namespace_of(ctx_cluster, parsed: Parsed) -> str:
    return parsed["namespace"] or "default"


def split_type_name(args: list[str]) -> list[tuple[ResourceType, str]]:
    """`TYPE NAME...` or `TYPE/NAME...` into (type, name) pairs (no names: empty list)."""
    if not args:
        return []
    if "/" in args[0]:
        pairs = []
        for arg in args:
            if "/" not in arg:
                raise CommandError(
                    "error: there is no need to specify a resource type as a separate argument "
                    "when passing arguments in resource/name form (e.g. 'kubectl get "
                    "resource/<resource_name>' instead of 'kubectl get resource "
                    "resource/<resource_name>'")
            kind, _, name = arg.partition("/")
            pairs.append((resolve_type(kind), name))
        return pairs
    rt = resolve_type(args[0])
    return [(rt, name) for name in args[1:]]


def list_selected(api, rt: ResourceType, namespace: str | None, label_selector: str | None = None,
                  field_selector: str | None = None) -> list[dict]:
    """A list through kubectl's resource builder (cli-runtime resource/selector.go): a
    BadRequest or NotFound gets `Unable to find "<gvr>" that match label selector ...` (or
    `Unable to list "<gvr>": `) put before the server's message."""
    try:
        return api.list(rt.kind, namespace, label_selector=label_selector,
                        field_selector=field_selector)
    except (BadRequest, NotFound) as exc:
        gvr = f"{rt.group}/{rt.version}, Resource={rt.plural}"
        if not label_selector and not field_selector:
            exc.message = f'Unable to list "{gvr}": {exc.message}'
        else:
            exc.message = (f'Unable to find "{gvr}" that match label selector '
                           f'"{label_selector or ""}", field selector "{field_selector or ""}": '
                           f"{exc.message}")
        raise


# ---- API errors as kubectl prints them --------------------------------------------------


def error_text(exc: ApiError, verb: str | None = None, source: str | None = None) -> str:
    """checkErr (kubectl/pkg/cmd/util/helpers.go), with AddSourceToErr's
    `error when <verb> "<source>": ` prefix for errors about a manifest."""
    if isinstance(exc, Invalid):
        return exc.kubectl_message()
    message = exc.message
    if verb and source:
        message = f'error when {verb} "{source}": {message}'
    return f"Error from server ({exc.reason}): {message}"


# ---- API warnings ---------------------------------------------------------------------------

DEPRECATION_WARNINGS = {
    "Endpoints": "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice",
}


def warn_deprecated(ctx, kinds) -> None:
    """The API server's `Warning:` headers for deprecated kinds, printed once per command on
    stderr before the output (kubectl's deduplicating warning writer)."""
    for kind in dict.fromkeys(kinds):
        if kind in DEPRECATION_WARNINGS:
            ctx.warn(f"Warning: {DEPRECATION_WARNINGS[kind]}")
