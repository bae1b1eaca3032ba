"""`kubectl describe TYPE [NAME_PREFIX]`, `TYPE/NAME`, `-l`, `-A`.

Models staging/src/k8s.io/kubectl/pkg/cmd/describe/describe.go: an exact name, else every
object whose name starts with the given prefix; several objects are separated by a
blank line pair; nothing found is kubectl's NotFound error or `No resources found`.
The text itself comes from playground/sim/describe.py.
"""

from __future__ import annotations

from ..describe import describe as describe_text
from ..errors import NotFound
from .common import (
    CommandError,
    Flag,
    list_selected,
    parse_flags,
    resolve_type,
    split_type_name,
    warn_deprecated,
)
from .registry import CommandContext, ConsoleResult, kubectl_command

FLAGS = (Flag("selector", "l"), Flag("all-namespaces", "A", "bool"),
         Flag("show-events", kind="bool", default=True), Flag("filename", "f", "list"),
         Flag("chunk-size", kind="int", default=500), Flag("recursive", "R", "bool"))

USAGE = """You must specify the type of resource to describe. Use "kubectl api-resources" for \
a complete list of supported resources.

error: Required resource not specified.
See 'kubectl describe -h' for help and examples"""


@kubectl_command("describe")
def describe(ctx: CommandContext, args: list[str]) -> ConsoleResult:
    opts = parse_flags("describe", args, FLAGS)
    if not opts.args:
        raise CommandError(USAGE)
    ns = None if opts["all-namespaces"] else (opts["namespace"] or "default")
    objects = _objects(ctx, opts.args, ns, opts["selector"])
    warn_deprecated(ctx, [o["kind"] for o in objects])
    if not objects:
        ctx.warn("No resources found" if ns is None else f"No resources found in {ns} namespace.")
        return ctx.result()
    texts = [describe_text(ctx.cluster, obj) for obj in objects]
    ctx.chunks.append(("out", "\n\n".join(texts)))
    return ctx.result()


def _objects(ctx: CommandContext, args: list[str], ns: str | None, selector: str | None):
    api = ctx.cluster.api
    if "/" in args[0]:
        return [api.get(rt.kind, name, ns or "default") for rt, name in split_type_name(args)]
    rt = resolve_type(args[0])
    list_ns = ns if rt.namespaced else None
    items = list_selected(api, rt, list_ns, selector)
    if len(args) == 1:
        return items
    found = []
    for prefix in args[1:]:
        exact = [o for o in items if o["metadata"]["name"] == prefix]
        matches = exact or [o for o in items if o["metadata"]["name"].startswith(prefix)]
        if not matches:
            raise NotFound(rt.resource, prefix)
        found += matches
    return found
