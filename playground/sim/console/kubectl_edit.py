"""`kubectl scale`, `set image`, `label`, `annotate`, `patch`: small edits of live objects.

Models staging/src/k8s.io/kubectl/pkg/cmd/{scale/scale.go, set/set_image.go,
label/label.go, annotate/annotate.go, patch/patch.go}: output `deployment.apps/web
scaled`, `... image updated` (nothing when the image was already set), `pod/x labeled` /
`unlabeled` / `not labeled`, `pod/x annotated`, `... patched` / `(no change)`; kubectl's
`--overwrite` refusals and `key-` removals.
"""

from __future__ import annotations

from .. import limits, yamlsafe
from ..errors import ApiError
from ..objects import clone, get_path
from .common import (
    CommandError,
    Flag,
    Parsed,
    error_text,
    parse_flags,
    qualified,
    resolve_type,
    split_type_name,
)
from .help import SET_HELP
from .registry import CommandContext, ConsoleResult, kubectl_command

SCALABLE = ("Deployment", "ReplicaSet", "StatefulSet", "ReplicationController")


def _objects(ctx: CommandContext, opts: Parsed, args: list[str]) -> list[tuple]:
    """(type, live object) for `TYPE NAME...`, `TYPE/NAME...`, or `TYPE -l sel` / `--all`."""
    ns = opts["namespace"] or "default"
    api = ctx.cluster.api
    if not args:
        raise CommandError("error: resource(s) were provided, but no name was specified")
    if "/" in args[0]:
        pairs = split_type_name(args)
    else:
        rt = resolve_type(args[0])
        if len(args) == 1:
            if not (opts["all"] or opts["selector"]):
                raise CommandError(
                    "error: resource(s) were provided, but no name was specified")
            items = api.list(rt.kind, ns if rt.namespaced else None,
                             label_selector=opts["selector"])
            return [(rt, o) for o in items]
        pairs = [(rt, n) for n in args[1:]]
    return [(rt, api.get(rt.kind, name, ns)) for rt, name in pairs]


# ---- scale -------------------------------------------------------------------------------

SCALE_FLAGS = (Flag("replicas", kind="int", default=-1), Flag("current-replicas", kind="int",
               default=-1), Flag("resource-version"), Flag("selector", "l"),
               Flag("all", kind="bool"), Flag("timeout"), Flag("output", "o"),
               Flag("filename", "f", "list"), Flag("dry-run", default="none"))


@kubectl_command("scale")
def scale(ctx: CommandContext, args: list[str]) -> ConsoleResult:
    opts = parse_flags("scale", args, SCALE_FLAGS)
    if "replicas" not in opts.given:
        raise CommandError('error: required flag(s) "replicas" not set')
    if opts["replicas"] < 0:
        raise CommandError("error: The --replicas=COUNT flag is required, and COUNT must be "
                           "greater than or equal to 0")
    for rt, obj in _objects(ctx, opts, opts.args):
        if rt.kind not in SCALABLE:
            ctx.err("Error from server (NotFound): the server could not find the requested "
                    "resource")
            continue
        current = get_path(obj, "spec", "replicas", default=1)
        if opts["current-replicas"] >= 0 and current != opts["current-replicas"]:
            ctx.err(f"error: Expected replicas to be {opts['current-replicas']}, was {current}")
            continue
        ctx.cluster.api.patch(rt.kind, obj["metadata"]["name"],
                              {"spec": {"replicas": opts["replicas"]}},
                              namespace=obj["metadata"].get("namespace"))
        ctx.out(f"{qualified(rt, obj['metadata']['name'])} scaled")
    return ctx.result()


# ---- set image ---------------------------------------------------------------------------

SET_FLAGS = (Flag("selector", "l"), Flag("all", kind="bool"), Flag("local", kind="bool"),
             Flag("output", "o"), Flag("dry-run", default="none"), Flag("record", kind="bool"),
             Flag("filename", "f", "list"), Flag("field-manager"))


@kubectl_command("set")
def set_(ctx: CommandContext, args: list[str]) -> ConsoleResult:
    if not args or args[0] != "image":
        if not args or args[0].startswith("-"):
            ctx.out(SET_HELP)
            return ctx.result()
        if args[0] in ("env", "resources", "selector", "serviceaccount", "subject"):
            raise CommandError(f"error: kubectl set {args[0]} is not available in this "
                               "playground")
        raise CommandError(f'error: unknown command "{args[0]}"\n'
                           "See 'kubectl set -h' for help and examples")
    opts = parse_flags("set image", args[1:], SET_FLAGS)
    resources = [a for a in opts.args if "=" not in a]
    images = dict(a.split("=", 1) for a in opts.args if "=" in a)
    if not images:
        raise CommandError("error: at least one image update is required")
    for rt, obj in _objects(ctx, opts, resources):
        _set_image(ctx, rt, obj, images)
    return ctx.result()


def _pod_spec(obj: dict) -> dict | None:
    if obj["kind"] == "Pod":
        return obj.get("spec")
    return get_path(obj, "spec", "template", "spec")


def _set_image(ctx: CommandContext, rt, obj: dict, images: dict[str, str]) -> None:
    updated = clone(obj)
    spec = _pod_spec(updated)
    if spec is None:
        ctx.err(f"error: {qualified(rt, obj['metadata']['name'])} is not a workload")
        return
    containers = (spec.get("initContainers") or []) + (spec.get("containers") or [])
    for name, image in images.items():
        matched = [c for c in containers if name == "*" or c.get("name") == name]
        if not matched:
            ctx.err(f'error: unable to find container named "{name}"')
            return
        for c in matched:
            c["image"] = image
    if updated == obj:
        return
    try:
        ctx.cluster.api.update(updated)
    except ApiError as exc:
        ctx.err(error_text(exc))
        return
    ctx.out(f"{qualified(rt, obj['metadata']['name'])} image updated")


# ---- label / annotate --------------------------------------------------------------------

META_FLAGS = (Flag("overwrite", kind="bool"), Flag("selector", "l"), Flag("all", kind="bool"),
              Flag("all-namespaces", "A", "bool"), Flag("list", kind="bool"),
              Flag("local", kind="bool"), Flag("output", "o"), Flag("dry-run", default="none"),
              Flag("resource-version"), Flag("filename", "f", "list"),
              Flag("field-selector"), Flag("field-manager"))


@kubectl_command("label")
def label(ctx: CommandContext, args: list[str]) -> ConsoleResult:
    return _edit_meta(ctx, args, "label", "labels")


@kubectl_command("annotate")
def annotate(ctx: CommandContext, args: list[str]) -> ConsoleResult:
    return _edit_meta(ctx, args, "annotate", "annotations")


def _parse_changes(words: list[str], command: str) -> tuple[dict[str, str], list[str]]:
    changes, removals = {}, []
    for word in words:
        if word.endswith("-") and "=" not in word:
            removals.append(word[:-1])
        else:
            key, _, value = word.partition("=")
            changes[key] = value
    if not changes and not removals:
        raise CommandError(f"error: at least one {'label' if command == 'label' else 'annotation'}"
                           " update is required")
    return changes, removals


def _edit_meta(ctx: CommandContext, args: list[str], command: str, field: str) -> ConsoleResult:
    opts = parse_flags(command, args, META_FLAGS)
    resources = [a for a in opts.args if "=" not in a and not a.endswith("-")]
    changes, removals = _parse_changes(
        [a for a in opts.args if a not in resources], command)
    for rt, obj in _objects(ctx, opts, resources):
        current = dict(obj["metadata"].get(field) or {})
        if not opts["overwrite"]:
            clash = [k for k, v in changes.items() if k in current and current[k] != v]
            if clash:
                ctx.err(_overwrite_error(command, clash, current))
                continue
        new = {**current, **changes}
        for key in removals:
            new.pop(key, None)
        patch = {"metadata": {field: {k: v for k, v in new.items() if current.get(k) != v}}}
        patch["metadata"][field].update({k: None for k in current if k not in new})
        if patch["metadata"][field]:
            try:
                ctx.cluster.api.patch(rt.kind, obj["metadata"]["name"], patch,
                                      namespace=obj["metadata"].get("namespace"))
            except ApiError as exc:
                ctx.err(error_text(exc))
                continue
        ctx.out(f"{qualified(rt, obj['metadata']['name'])} {_message(command, current, new)}")
    return ctx.result()


def _overwrite_error(command: str, clash: list[str], current: dict) -> str:
    if command == "label":
        key = clash[0]
        return f"error: '{key}' already has a value ({current[key]}), and --overwrite is false"
    listed = "; ".join(f"'{k}' already has a value ({current[k]})" for k in clash)
    return ("error: --overwrite is false but found the following declared annotation(s): "
            + listed)


def _message(command: str, old: dict, new: dict) -> str:
    if command == "annotate":
        return "annotated"
    if old == new:
        return "not labeled"
    return "unlabeled" if len(new) < len(old) else "labeled"


# ---- patch -------------------------------------------------------------------------------

PATCH_FLAGS = (Flag("patch", "p"), Flag("type", default="strategic"), Flag("output", "o"),
               Flag("dry-run", default="none"), Flag("local", kind="bool"),
               Flag("filename", "f", "list"), Flag("subresource"), Flag("field-manager"))


@kubectl_command("patch")
def patch(ctx: CommandContext, args: list[str]) -> ConsoleResult:
    opts = parse_flags("patch", args, PATCH_FLAGS)
    if not opts["patch"]:
        raise CommandError('error: required flag(s) "patch" not set')
    try:
        body = yamlsafe.load(opts["patch"], limits.get(ctx.cluster))
    except yamlsafe.YAMLError:
        body = None
    if body is None:
        raise CommandError(f"error: unable to parse \"{opts['patch']}\": yaml: did not find "
                           "expected node content")
    patch_type = {"strategic": "strategic", "merge": "merge", "json": "json"}.get(opts["type"])
    if patch_type is None:
        raise CommandError(f'error: --type must be one of [json merge strategic], not '
                           f'"{opts["type"]}"')
    for rt, obj in _objects(ctx, opts, opts.args):
        before = obj["metadata"]["resourceVersion"]
        result = ctx.cluster.api.patch(rt.kind, obj["metadata"]["name"], body,
                                       namespace=obj["metadata"].get("namespace"),
                                       patch_type=patch_type)
        changed = result["metadata"]["resourceVersion"] != before
        ctx.out(f"{qualified(rt, obj['metadata']['name'])} "
                f"{'patched' if changed else 'patched (no change)'}")
    return ctx.result()

