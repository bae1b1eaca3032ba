"""`kubectl cordon`, `uncordon`, `drain`.

Models staging/src/k8s.io/kubectl/pkg/cmd/drain/drain.go and pkg/drain/{drain.go,
filters.go}: cordon sets `spec.unschedulable` (`node/x cordoned`, `already cordoned`);
drain cordons, lists the node's pods, applies the filters in kubectl's order (mirror
pods skipped; DaemonSet-managed pods refused unless `--ignore-daemonsets`; emptyDir pods
refused unless `--delete-emptydir-data`; pods without a controller refused unless
`--force`), prints the warnings, then evicts each pod (`evicting pod ns/name`,
`pod/name evicted`) and `node/x drained`. Simplified: eviction is a graceful DELETE (no
PodDisruptionBudgets in the playground) and the console does not wait: the pods stay
Terminating until their grace period runs out on the simulated clock.
"""

from __future__ import annotations

from ..errors import ApiError
from ..objects import controller_ref, get_path
from .common import CommandError, Flag, Parsed, error_text, parse_flags
from .registry import CommandContext, ConsoleResult, kubectl_command

CORDON_FLAGS = (Flag("selector", "l"), Flag("dry-run", default="none"))
DRAIN_FLAGS = CORDON_FLAGS + (
    Flag("force", kind="bool"), Flag("ignore-daemonsets", kind="bool"),
    Flag("delete-emptydir-data", kind="bool"), Flag("delete-local-data", kind="bool"),
    Flag("grace-period", kind="int", default=-1), Flag("timeout"),
    Flag("pod-selector"), Flag("disable-eviction", kind="bool"),
    Flag("skip-wait-for-delete-timeout", kind="int", default=0),
    Flag("chunk-size", kind="int", default=500))

DS_FATAL = "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)"
DS_WARNING = "ignoring DaemonSet-managed Pods"
LOCAL_FATAL = "Pods with local storage (use --delete-emptydir-data to override)"
UNMANAGED_FATAL = "Pods declare no controller (use --force to override)"
UNMANAGED_WARNING = "deleting Pods that declare no controller"


def _nodes(ctx: CommandContext, opts: Parsed, command: str) -> list[dict]:
    if opts["selector"]:
        return ctx.cluster.api.list("Node", label_selector=opts["selector"])
    if not opts.args:
        raise CommandError(f"error: USAGE: {command} NODE [flags]\n"
                           f"See 'kubectl {command} -h' for help and examples")
    return [ctx.cluster.api.get("Node", name) for name in opts.args]


def set_unschedulable(ctx: CommandContext, node: dict, desired: bool) -> str:
    """RunCordonOrUncordon for one node: the line kubectl prints."""
    name = node["metadata"]["name"]
    verb = "cordoned" if desired else "uncordoned"
    if bool(get_path(node, "spec", "unschedulable")) == desired:
        return f"node/{name} already {verb}"
    ctx.cluster.api.patch("Node", name, {"spec": {"unschedulable": True if desired else None}})
    return f"node/{name} {verb}"


@kubectl_command("cordon")
def cordon(ctx: CommandContext, args: list[str]) -> ConsoleResult:
    opts = parse_flags("cordon", args, CORDON_FLAGS)
    for node in _nodes(ctx, opts, "cordon"):
        ctx.out(set_unschedulable(ctx, node, True))
    return ctx.result()


@kubectl_command("uncordon")
def uncordon(ctx: CommandContext, args: list[str]) -> ConsoleResult:
    opts = parse_flags("uncordon", args, CORDON_FLAGS)
    for node in _nodes(ctx, opts, "uncordon"):
        ctx.out(set_unschedulable(ctx, node, False))
    return ctx.result()


@kubectl_command("drain")
def drain(ctx: CommandContext, args: list[str]) -> ConsoleResult:
    opts = parse_flags("drain", args, DRAIN_FLAGS)
    nodes = _nodes(ctx, opts, "drain")
    for node in nodes:
        ctx.out(set_unschedulable(ctx, node, True))
    pending, fatal = [], []
    for node in nodes:
        name = node["metadata"]["name"]
        error = _drain_node(ctx, name, opts)
        if error is None:
            ctx.out(f"node/{name} drained")
            continue
        ctx.err(f'error: unable to drain node "{name}" due to error:{error}, continuing '
                "command...")
        pending.append(name)
        fatal.append(error)
    if pending:
        ctx.err("There are pending nodes to be drained:\n" +
                "\n".join(f" {n}" for n in pending))
        for error in fatal:
            ctx.err(error)
    return ctx.result()


def _drain_node(ctx: CommandContext, node: str, opts: Parsed) -> str | None:
    pods = [p for p in ctx.cluster.api.list("Pod", None, label_selector=opts["pod-selector"])
            if get_path(p, "spec", "nodeName") == node]
    deletable, warnings, errors = [], {}, {}
    for pod in pods:
        verdict, message = _filter(pod, opts)
        who = f"{pod['metadata'].get('namespace', '')}/{pod['metadata']['name']}"
        if verdict == "error":
            errors.setdefault(message, []).append(who)
        elif verdict == "skip":
            if message:
                warnings.setdefault(message, []).append(who)
        else:
            if message:
                warnings.setdefault(message, []).append(who)
            deletable.append(pod)
    if errors:
        parts = sorted(f"cannot delete {m}: {', '.join(p)}" for m, p in errors.items())
        return parts[0] if len(parts) == 1 else "[" + ", ".join(parts) + "]"
    if warnings:
        # PodDeleteList.Warnings(): one "<message>: <pods>" per kind, sorted, "; "-joined
        ctx.warn("Warning: " + "; ".join(sorted(f"{m}: {', '.join(p)}"
                                                for m, p in warnings.items())))
    _evict(ctx, deletable, opts)
    return None


def _filter(pod: dict, opts: Parsed) -> tuple[str, str]:
    """The drain filters in kubectl's order: ("delete"|"skip"|"error", message). As in
    GetPodsForDeletion, a pod's status is that of the last filter it passed, so a passing
    pod only ever carries the unreplicated filter's warning."""
    meta = pod["metadata"]
    if "kubernetes.io/config.mirror" in (meta.get("annotations") or {}):
        return "skip", ""
    terminal = get_path(pod, "status", "phase") in ("Succeeded", "Failed")
    ref = controller_ref(pod)
    if ref and ref.get("kind") == "DaemonSet":
        if not opts["ignore-daemonsets"]:
            return "error", DS_FATAL
        return "skip", DS_WARNING
    has_empty_dir = any("emptyDir" in v for v in get_path(pod, "spec", "volumes", default=[]))
    if has_empty_dir and not terminal and not (
            opts["delete-emptydir-data"] or opts["delete-local-data"]):
        return "error", LOCAL_FATAL
    if ref is None and not terminal:
        if not opts["force"]:
            return "error", UNMANAGED_FATAL
        return "delete", UNMANAGED_WARNING
    return "delete", ""


def _evict(ctx: CommandContext, pods: list[dict], opts: Parsed) -> None:
    grace = opts["grace-period"]
    evicted = []
    for pod in pods:
        meta = pod["metadata"]
        ctx.out(f"evicting pod {meta.get('namespace', '')}/{meta['name']}")
        try:
            ctx.cluster.api.delete("Pod", meta["name"], namespace=meta.get("namespace"),
                                   grace_period_seconds=None if grace < 0 else grace)
        except ApiError as exc:
            if exc.code != 404:
                ctx.err(error_text(exc))
                continue
        evicted.append(meta["name"])
    for name in evicted:
        ctx.out(f"pod/{name} evicted")
