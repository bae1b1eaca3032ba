"""`kubectl apply -f -` (client-side apply) and `kubectl create -f -`.

Models staging/src/k8s.io/kubectl/pkg/cmd/apply/apply.go and patcher.go: a missing
object is created carrying the `kubectl.kubernetes.io/last-applied-configuration`
annotation (the manifest as compact JSON, namespace filled in, a trailing newline);
an existing one gets the three-way merge patch (threeway.py) and prints `configured`,
or `unchanged` when the patch is empty. `create -f` only creates. Errors carry
`error when creating "STDIN": ...` like AddSourceToErr.
"""

from __future__ import annotations

import json

from .. import limits
from ..errors import ApiError, NotFound
from ..objects import clone
from .common import CommandError, Flag, error_text, parse_flags, qualified
from .manifests import SOURCE, Manifest, read_stdin
from .output import print_object
from .registry import CommandContext, ConsoleResult, kubectl_command
from .threeway import apply_patch, three_way

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
MISSING_ANNOTATION = (
    "Warning: resource {} is missing the " + LAST_APPLIED + " annotation which is required by "
    "kubectl apply. kubectl apply should only be used on resources created declaratively by "
    "either kubectl create --save-config or kubectl apply. The missing annotation will be "
    "patched automatically.")

APPLY_FLAGS = (
    Flag("filename", "f", "list"),
    Flag("output", "o"),
    Flag("dry-run", default="none"),
    Flag("server-side", kind="bool"),
    Flag("force", kind="bool"),
    Flag("validate", default="strict"),
    Flag("recursive", "R", "bool"),
    Flag("prune", kind="bool"),
    Flag("selector", "l"),
    Flag("field-manager"),
    Flag("overwrite", kind="bool", default=True),
    Flag("record", kind="bool"),
    Flag("wait", kind="bool"),
    Flag("save-config", kind="bool"),
)


def go_json(obj: dict) -> str:
    """encoding/json Marshal: sorted keys, compact, HTML characters escaped."""
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def with_last_applied(obj: dict) -> dict:
    """GetModifiedConfiguration: the manifest plus its own JSON as the annotation."""
    obj = clone(obj)
    meta = obj.setdefault("metadata", {})
    annotations = dict(meta.get("annotations") or {})
    annotations.pop(LAST_APPLIED, None)
    if annotations:
        meta["annotations"] = annotations
    else:
        meta.pop("annotations", None)
    encoded = go_json(obj) + "\n"
    meta["annotations"] = {**annotations, LAST_APPLIED: encoded}
    return obj


@kubectl_command("apply")
def apply(ctx: CommandContext, args: list[str]) -> ConsoleResult:
    opts = parse_flags("apply", args, APPLY_FLAGS)
    if opts.args:
        raise CommandError("error: Unexpected args: " + _go_list(opts.args) +
                           "\nSee 'kubectl apply -h' for help and examples")
    dry_run = _dry_run(opts["dry-run"])
    for manifest in read_stdin(ctx.stdin, opts, "apply", limits.get(ctx.cluster)):
        try:
            _apply_one(ctx, manifest, dry_run, opts["output"])
        except ApiError as exc:
            verb = "creating" if isinstance(exc, ApiError) and _missing(ctx, manifest) else None
            ctx.err(error_text(exc, verb, SOURCE) if verb else error_text(exc))
    return ctx.result()


def _go_list(items: list[str]) -> str:
    return "[" + " ".join(items) + "]"


def _missing(ctx: CommandContext, m: Manifest) -> bool:
    meta = m.obj["metadata"]
    return ctx.cluster.store.get(m.rt.kind, meta.get("namespace", ""), meta.get("name", "")) is None


def _dry_run(value: str | None) -> str | None:
    if value in (None, "none", "false"):
        return None
    if value in ("client", "server", "true"):
        return "client" if value == "true" else value
    raise CommandError(
        f'error: Invalid dry-run value ({value}). Must be "none", "server", or "client".')


def _suffix(dry_run: str | None) -> str:
    return {None: "", "client": " (dry run)", "server": " (server dry run)"}[dry_run]


def _apply_one(ctx: CommandContext, m: Manifest, dry_run: str | None, output: str | None) -> None:
    api = ctx.cluster.api
    meta = m.obj["metadata"]
    if not meta.get("name"):
        raise CommandError(_no_name(m))
    modified = with_last_applied(m.obj)
    try:
        current = api.get(m.rt.kind, meta.get("name", ""), meta.get("namespace"))
    except NotFound:
        current = None
    if current is None:
        result = modified if dry_run == "client" else api.create(
            modified, dry_run=dry_run == "server")
        _report(ctx, m, result, "created", dry_run, output)
        return
    if LAST_APPLIED not in (current["metadata"].get("annotations") or {}):
        ctx.warn(MISSING_ANNOTATION.format(f"{m.rt.plural}/{current['metadata']['name']}"))
    original = _last_applied(current)
    patch = three_way(original, modified, current)
    if not patch:
        _report(ctx, m, current, "unchanged", dry_run, output)
        return
    updated = apply_patch(current, patch)
    result = updated if dry_run == "client" else api.update(updated, dry_run=dry_run == "server")
    _report(ctx, m, result, "configured", dry_run, output)


def _no_name(m: Manifest) -> str:
    """apply.go's error when the manifest has no name (resource.Info.String())."""
    rt, ns = m.rt, m.obj["metadata"].get("namespace", "")
    return ("error: error when retrieving current configuration of:\n"
            f'Resource: "{rt.group}/{rt.version}, Resource={rt.plural}", '
            f'GroupVersionKind: "{rt.group}/{rt.version}, Kind={rt.kind}"\n'
            f'Name: "", Namespace: "{ns}"\n'
            f'from server for: "{SOURCE}": resource name may not be empty')


def _last_applied(current: dict) -> dict:
    text = (current["metadata"].get("annotations") or {}).get(LAST_APPLIED)
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _report(ctx: CommandContext, m: Manifest, obj: dict, verb: str, dry_run: str | None,
            output: str | None) -> None:
    name = qualified(m.rt, obj["metadata"]["name"])
    print_object(ctx, name, obj, output, f"{verb}{_suffix(dry_run)}")


CREATE_FILE_FLAGS = (
    Flag("filename", "f", "list"),
    Flag("output", "o"),
    Flag("dry-run", default="none"),
    Flag("validate", default="strict"),
    Flag("save-config", kind="bool"),
    Flag("recursive", "R", "bool"),
    Flag("edit", kind="bool"),
    Flag("raw"),
    Flag("selector", "l"),
    Flag("windows-line-endings", kind="bool"),
    Flag("field-manager"),
)


def create_from_file(ctx: CommandContext, args: list[str]) -> ConsoleResult:
    opts = parse_flags("create", args, CREATE_FILE_FLAGS)
    dry_run = _dry_run(opts["dry-run"])
    for m in read_stdin(ctx.stdin, opts, "create", limits.get(ctx.cluster)):
        obj = with_last_applied(m.obj) if opts["save-config"] else m.obj
        try:
            result = obj if dry_run == "client" else ctx.cluster.api.create(
                obj, dry_run=dry_run == "server")
        except ApiError as exc:
            ctx.err(error_text(exc, "creating", SOURCE))
            continue
        _report(ctx, m, result, "created", dry_run, opts["output"])
    return ctx.result()
