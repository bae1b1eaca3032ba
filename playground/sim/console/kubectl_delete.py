"""`kubectl delete`: by name, `TYPE/NAME`, `-l`, `--all`, `-f -`; `--grace-period`, `--force`,
`--now`, `--cascade=background|foreground|orphan`.

Models staging/src/k8s.io/kubectl/pkg/cmd/delete/delete.go (v1.33): `--grace-period=0`
without `--force` becomes 1; `--force` (grace 0) prints the immediate-deletion warning and
`pod "x" force deleted`; otherwise `pod "x" deleted` (the `from <ns> namespace` suffix
only arrived in later versions). The console does not wait for graceful deletions to
finish (kubectl's --wait): the object stays Terminating while the simulated clock runs.
"""

from __future__ import annotations

from .. import limits
from ..errors import ApiError
from .common import (
    CommandError,
    Flag,
    Parsed,
    error_text,
    list_selected,
    parse_flags,
    resolve_type,
    split_type_name,
    type_name,
)
from .manifests import read_stdin
from .registry import CommandContext, ConsoleResult, kubectl_command

FLAGS = (
    Flag("filename", "f", "list"),
    Flag("selector", "l"),
    Flag("all", kind="bool"),
    Flag("all-namespaces", "A", "bool"),
    Flag("grace-period", kind="int", default=-1),
    Flag("force", kind="bool"),
    Flag("now", kind="bool"),
    Flag("cascade", default="background"),
    Flag("wait", kind="bool", default=True),
    Flag("ignore-not-found", kind="bool"),
    Flag("output", "o"),
    Flag("field-selector"),
    Flag("timeout"),
    Flag("dry-run", default="none"),
    Flag("recursive", "R", "bool"),
    Flag("interactive", "i", "bool"),
    Flag("raw"),
)

FORCE_WARNING = ("Warning: Immediate deletion does not wait for confirmation that the running "
                 "resource has been terminated. The resource may continue to run on the cluster "
                 "indefinitely.")

NO_RESOURCES = """error: You must provide one or more resources by argument or filename.
Example resource specifications include:
   '-f rsrc.yaml'
   '--filename=rsrc.json'
   '<resource> <name>'
   '<resource>'"""


@kubectl_command("delete")
def delete(ctx: CommandContext, args: list[str]) -> ConsoleResult:
    opts = parse_flags("delete", args, FLAGS)
    if opts["output"] not in (None, "", "name"):
        raise CommandError(f"error: unexpected -o output mode: {opts['output']}. We only "
                           "support '-o name'")
    if opts["all"] and opts["selector"]:
        raise CommandError("error: cannot set --all and --selector at the same time")
    grace = _grace_period(opts)
    if grace > 0 and opts["force"]:
        raise CommandError("error: --force and --grace-period greater than 0 cannot be "
                           "specified together")
    policy = _propagation(ctx, opts["cascade"])
    targets = _targets(ctx, opts)
    if grace == 0 and opts["force"]:
        ctx.warn(FORCE_WARNING)
    if not targets:  # DeleteResult: on stdout, without a namespace
        ctx.out("No resources found")
    for rt, name, ns in targets:
        try:
            ctx.cluster.api.delete(rt.kind, name, namespace=ns, propagation_policy=policy,
                                   grace_period_seconds=None if grace < 0 else grace)
        except ApiError as exc:
            if not (opts["ignore-not-found"] and exc.code == 404):
                ctx.err(error_text(exc))
            continue
        if opts["output"] == "name":
            ctx.out(f"{type_name(rt)}/{name}")
        else:
            verb = "force deleted" if grace == 0 else "deleted"
            ctx.out(f'{type_name(rt)} "{name}" {verb}')
    return ctx.result()


def _grace_period(opts: Parsed) -> int:
    grace = opts["grace-period"]
    if opts["now"]:
        if grace >= 0:
            raise CommandError("error: --now and --grace-period cannot be specified together")
        grace = 1
    if grace == 0 and not opts["force"]:
        grace = 1  # kubectl turns --grace-period=0 into 1 unless --force
    if opts["force"] and grace < 0:
        grace = 0
    return grace


def _propagation(ctx: CommandContext, cascade: str) -> str:
    value = {"background": "Background", "true": "Background", "foreground": "Foreground",
             "orphan": "Orphan", "false": "Orphan"}.get(cascade)
    if value is None:
        raise CommandError(
            f'error: invalid cascade value ({cascade}). Must be "background", "foreground", '
            'or "orphan".')
    if cascade in ("true", "false"):
        ctx.warn(f"warning: --cascade={cascade} is deprecated (boolean value) and can be "
                 f"replaced with --cascade={'background' if cascade == 'true' else 'orphan'}.")
    return value


def _targets(ctx: CommandContext, opts: Parsed) -> list:
    ns = opts["namespace"] or "default"
    if opts["filename"]:
        return [(m.rt, m.obj["metadata"].get("name", ""),
                 m.obj["metadata"].get("namespace") if m.rt.namespaced else None)
                for m in read_stdin(ctx.stdin, opts, "delete", limits.get(ctx.cluster))]
    if not opts.args:
        raise CommandError(NO_RESOURCES)
    if "/" in opts.args[0]:
        return [(rt, name, ns if rt.namespaced else None)
                for rt, name in split_type_name(opts.args)]
    types = [resolve_type(t) for t in opts.args[0].split(",") if t]
    names = opts.args[1:]
    if names:
        if opts["all"]:
            raise CommandError("error: name cannot be provided when a selector is specified")
        return [(rt, name, ns if rt.namespaced else None) for rt in types for name in names]
    if not (opts["all"] or opts["selector"] or opts["field-selector"]):
        raise CommandError("error: resource(s) were provided, but no name was specified")
    found = []
    for rt in types:
        list_ns = None if (opts["all-namespaces"] or not rt.namespaced) else ns
        for obj in list_selected(ctx.cluster.api, rt, list_ns, opts["selector"],
                                 opts["field-selector"]):
            found.append((rt, obj["metadata"]["name"], obj["metadata"].get("namespace")))
    return found
