"""`kubectl get`: tables, `-o wide|yaml|json|name|jsonpath=...`, `-n`, `-A`, `-l`,
`--show-labels`, `-L`, several kinds at once, `all`.

Models staging/src/k8s.io/kubectl/pkg/cmd/get/get.go (Run, printGeneric): objects are
printed grouped by resource type, a blank line between groups, `kind.group/name` names
when more than one kind was found, `No resources found in <ns> namespace.` on stderr
when nothing was printed, and API errors (NotFound for a named object) after the output.
`-w` prints the current state once (the console does not stream).
"""

from __future__ import annotations

from .. import printers
from ..errors import ApiError, NotFound
from ..objects import get_path
from ..resources import REGISTRY, ResourceType
from . import jsonpath
from .common import (
    CommandError,
    Flag,
    Parsed,
    list_selected,
    parse_flags,
    qualified,
    resolve_type,
    warn_deprecated,
)
from .output import as_list, to_json, to_yaml
from .registry import CommandContext, ConsoleResult, kubectl_command

FLAGS = (
    Flag("output", "o"),
    Flag("all-namespaces", "A", "bool"),
    Flag("selector", "l"),
    Flag("field-selector"),
    Flag("show-labels", kind="bool"),
    Flag("label-columns", "L", "list"),
    Flag("no-headers", kind="bool"),
    Flag("watch", "w", "bool"),
    Flag("watch-only", kind="bool"),
    Flag("ignore-not-found", kind="bool"),
    Flag("show-kind", kind="bool"),
    Flag("sort-by"),
    Flag("chunk-size", kind="int", default=500),
    Flag("server-print", kind="bool", default=True),
    Flag("show-managed-fields", kind="bool"),
    Flag("filename", "f", "list"),
    Flag("recursive", "R", "bool"),
)

# `kubectl get all`: the "all" category, in discovery order
ALL_CATEGORY = ("Pod", "ReplicationController", "Service", "DaemonSet", "Deployment",
                "ReplicaSet", "StatefulSet", "HorizontalPodAutoscaler", "Job", "CronJob")

NO_TYPE = """You must specify the type of resource to get. Use "kubectl api-resources" for \
a complete list of supported resources.

error: Required resource not specified.
Use "kubectl explain <resource>" for a detailed description of that resource (e.g. kubectl \
explain pods).
See 'kubectl get -h' for help and examples"""

OUTPUT_FORMATS = ("custom-columns,custom-columns-file,go-template,go-template-file,json,"
                  "jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml")


@kubectl_command("get")
def get(ctx: CommandContext, args: list[str]) -> ConsoleResult:
    opts = parse_flags("get", args, FLAGS)
    output = opts["output"] or ""
    _check_output(output)
    if not opts.args:
        raise CommandError(NO_TYPE)
    requests, single = _requests(opts.args)
    namespace = None if opts["all-namespaces"] else (opts["namespace"] or "default")
    warn_deprecated(ctx, [rt.kind for rt, _ in requests])
    found, errs = _fetch(ctx, requests, namespace, opts)
    if opts["sort-by"]:
        found = _sorted(found, opts["sort-by"])
    if output and output not in ("wide",):
        _print_generic(ctx, found, errs, output, single and len(found) == 1, opts)
    else:
        _print_tables(ctx, found, opts, wide=output == "wide",
                      namespace=namespace or "default", had_errors=bool(errs))
    for err in errs:
        ctx.err(err.kubectl_message())
    return ctx.result()


def _check_output(output: str) -> None:
    base = output.split("=", 1)[0]
    if output and base not in ("wide", "yaml", "json", "name", "jsonpath", "custom-columns"):
        raise CommandError(
            f'error: unable to match a printer suitable for the output format "{output}", '
            f"allowed formats are: {OUTPUT_FORMATS}")


def _requests(args: list[str]) -> tuple[list[tuple[ResourceType, str | None]], bool]:
    """(type, name or None for all) in the order kubectl visits them; and whether a single
    named object was asked for (printed bare, not as a List)."""
    if "/" in args[0]:
        from .common import split_type_name

        pairs = split_type_name(args)
        return [(rt, name) for rt, name in pairs], len(pairs) == 1
    types: list[ResourceType] = []
    for word in args[0].split(","):
        if word == "all":
            types += [REGISTRY.get(k) for k in ALL_CATEGORY if k in REGISTRY.types]
        elif word:
            types.append(resolve_type(word))
    names = args[1:]
    if names:  # `TYPE1,TYPE2 NAME...`: every name of every type
        return [(rt, n) for rt in types for n in names], len(names) * len(types) == 1
    return [(rt, None) for rt in _unique(types)], False


def _unique(types: list[ResourceType]) -> list[ResourceType]:
    seen, out = set(), []
    for rt in types:
        if rt.kind not in seen:
            seen.add(rt.kind)
            out.append(rt)
    return out


def _fetch(ctx: CommandContext, requests, namespace: str | None,
           opts: Parsed) -> tuple[list[tuple[ResourceType, dict]], list[ApiError]]:
    found: list[tuple[ResourceType, dict]] = []
    errs: list[ApiError] = []
    api = ctx.cluster.api
    for rt, name in requests:
        ns = namespace if rt.namespaced else None
        if name is None:
            items = list_selected(api, rt, ns, opts["selector"], opts["field-selector"])
            found += [(rt, o) for o in items]
            continue
        try:
            found.append((rt, api.get(rt.kind, name, ns or "default")))
        except NotFound as exc:
            if not opts["ignore-not-found"]:
                errs.append(exc)
    return found, errs


def _sorted(found, sort_by: str):
    expr = sort_by if sort_by.startswith("{") else "{" + sort_by + "}"

    def key(pair):
        values = jsonpath.values(expr, pair[1])
        value = values[0] if values else ""
        return (0, value, "") if isinstance(value, int | float) else (1, 0, str(value))

    return sorted(found, key=key)


def _print_generic(ctx: CommandContext, found, errs, output: str, single: bool,
                   opts: Parsed) -> None:
    objects = [obj for _, obj in found]
    if output == "name":
        for rt, obj in found:
            ctx.out(qualified(rt, obj["metadata"]["name"]))
        return
    if single and not errs:
        doc = objects[0]
    else:
        if single and errs:
            return
        doc = as_list(objects)
    if output == "yaml":
        ctx.out(to_yaml(doc))
    elif output == "json":
        ctx.out(to_json(doc))
    elif output.startswith("jsonpath="):
        text = jsonpath.render(output[len("jsonpath="):], doc)
        ctx.chunks.append(("out", text))
    elif output.startswith("custom-columns="):
        ctx.out(_custom_columns(output[len("custom-columns="):], objects, opts))


def _custom_columns(spec: str, objects: list[dict], opts: Parsed) -> str:
    columns = []
    for part in spec.split(","):
        header, _, expr = part.partition(":")
        columns.append((header, expr if expr.startswith("{") else "{" + expr + "}"))
    rows = [] if opts["no-headers"] else [[h for h, _ in columns]]
    for obj in objects:
        row = []
        for _, expr in columns:
            vals = jsonpath.values(expr, obj)
            row.append(",".join(jsonpath.text(v) for v in vals) if vals else "<none>")
        rows.append(row)
    return printers.render(rows).rstrip("\n")


def _print_tables(ctx: CommandContext, found, opts: Parsed, *, wide: bool, namespace: str,
                  had_errors: bool) -> None:
    now = ctx.cluster.clock.now
    with_kind = len({rt.kind for rt, _ in found}) > 1 or opts["show-kind"]
    groups: list[tuple[ResourceType, list[dict]]] = []
    for rt, obj in found:
        if groups and groups[-1][0].kind == rt.kind:
            groups[-1][1].append(obj)
        else:
            groups.append((rt, [obj]))
    blocks = [_table_block(rt, objs, opts, wide, with_kind, now) for rt, objs in groups]
    if blocks:
        ctx.out("\n\n".join(blocks))
    elif not had_errors and not opts["ignore-not-found"]:
        if opts["all-namespaces"]:
            ctx.warn("No resources found")
        else:
            ctx.warn(f"No resources found in {namespace} namespace.")


def _table_block(rt: ResourceType, objs: list[dict], opts: Parsed, wide: bool,
                 with_kind: bool, now: float) -> str:
    headers, rows = printers.table(rt.kind, objs, now=now, wide=wide)
    name_col = headers.index("NAME") if "NAME" in headers else None
    if with_kind and name_col is not None:
        for row in rows:
            row[name_col] = qualified(rt, row[name_col])
    label_cols = opts["label-columns"]
    headers = headers + [c.split("/")[-1].upper() for c in label_cols]
    for row, obj in zip(rows, objs, strict=True):
        labels = obj["metadata"].get("labels") or {}
        row += [labels.get(c, "") for c in label_cols]
        if opts["show-labels"]:
            row.append(printers.format_labels(labels))
        if opts["all-namespaces"] and rt.namespaced:
            row.insert(0, obj["metadata"].get("namespace", ""))
    if opts["show-labels"]:
        headers.append("LABELS")
    if opts["all-namespaces"] and rt.namespaced:
        headers.insert(0, "NAMESPACE")
    table = rows if opts["no-headers"] else [headers, *rows]
    return printers.render(table).rstrip("\n")


def object_age(obj: dict, now: float) -> str:
    return printers.age(get_path(obj, "metadata", "creationTimestamp"), now)
