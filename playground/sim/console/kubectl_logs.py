"""`kubectl logs POD|TYPE/NAME [-c CONTAINER] [-p] [--tail N]`.

Models staging/src/k8s.io/kubectl/pkg/cmd/logs/logs.go and polymorphichelpers/
logsforobject.go: a workload resolves to one of its pods (`Found N pods, using
pod/<name>` when there is a choice), a multi-container pod without `-c` uses the
`kubectl.kubernetes.io/default-container` annotation or the first container
(`Defaulted container "a" out of: a, b`). The text itself comes from the Node helper's
simulated runtime (playground/sim/logs.py `container_logs`). `-f` prints what exists now.
"""

from __future__ import annotations

from importlib import import_module

from .. import labels as labelsel
from ..objects import get_path
from ..resources import REGISTRY
from .common import CommandError, Flag, list_selected, parse_flags, resolve_type
from .registry import CommandContext, ConsoleResult, kubectl_command

FLAGS = (Flag("container", "c"), Flag("previous", "p", "bool"), Flag("follow", "f", "bool"),
         Flag("tail", kind="int", default=-1), Flag("timestamps", kind="bool"),
         Flag("all-containers", kind="bool"), Flag("selector", "l"), Flag("since"),
         Flag("since-time"), Flag("limit-bytes", kind="int", default=0),
         Flag("prefix", kind="bool"), Flag("pod-running-timeout"),
         Flag("ignore-errors", kind="bool"), Flag("max-log-requests", kind="int", default=5))

USAGE = ("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\n"
         "POD or TYPE/NAME is a required argument for the logs command\n"
         "See 'kubectl logs -h' for help and examples")


@kubectl_command("logs")
def logs(ctx: CommandContext, args: list[str]) -> ConsoleResult:
    opts = parse_flags("logs", args, FLAGS)
    ns = opts["namespace"] or "default"
    if opts["selector"]:
        pods = list_selected(ctx.cluster.api, REGISTRY.get("Pod"), ns, opts["selector"])
        if not pods:
            ctx.warn(f"No resources found in {ns} namespace.")
        for pod in pods:
            _print(ctx, pod, opts, _container(ctx, pod, opts))
        return ctx.result()
    if not opts.args or len(opts.args) > 2:
        raise CommandError(USAGE)
    container = opts["container"]
    if len(opts.args) == 2:
        container = container or opts.args[1]
    pod = _pod_for(ctx, opts.args[0], ns)
    if container is None:
        container = _container(ctx, pod, opts)
    _print(ctx, pod, opts, container)
    return ctx.result()


def _pod_for(ctx: CommandContext, target: str, ns: str) -> dict:
    if "/" not in target:
        return ctx.cluster.api.get("Pod", target, ns)
    kind, _, name = target.partition("/")
    rt = resolve_type(kind)
    obj = ctx.cluster.api.get(rt.kind, name, ns)
    if rt.kind == "Pod":
        return obj
    selector = get_path(obj, "spec", "selector")
    if rt.kind == "Service":
        sel = labelsel.from_map(selector)
    else:
        sel = labelsel.from_label_selector(selector)
    pods = [p for p in ctx.cluster.api.list("Pod", ns)
            if labelsel.matches(sel, p["metadata"].get("labels") or {})]
    if not pods:
        raise CommandError("error: timed out waiting for the condition")
    pods.sort(key=_activeness)
    if len(pods) > 1:
        ctx.warn(f"Found {len(pods)} pods, using pod/{pods[0]['metadata']['name']}")
    return pods[0]


def _activeness(pod: dict) -> tuple:
    """Most active first (podutils.ActivePods reversed): scheduled, running, ready, older."""
    phase_rank = {"Running": 0, "Unknown": 1, "Pending": 2}.get(
        get_path(pod, "status", "phase", default=""), 3)
    ready = any(c.get("type") == "Ready" and c.get("status") == "True"
                for c in get_path(pod, "status", "conditions", default=[]))
    return (0 if get_path(pod, "spec", "nodeName") else 1, phase_rank, 0 if ready else 1,
            pod["metadata"].get("creationTimestamp", ""), pod["metadata"]["name"])


def _container(ctx: CommandContext, pod: dict, opts) -> str:
    containers = [c.get("name", "") for c in get_path(pod, "spec", "containers", default=[])]
    default = (pod["metadata"].get("annotations") or {}).get(
        "kubectl.kubernetes.io/default-container")
    if default in containers:
        return default
    if len(containers) > 1:
        inits = [f"{c.get('name')} (init)"
                 for c in get_path(pod, "spec", "initContainers", default=[])]
        ctx.warn(f'Defaulted container "{containers[0]}" out of: '
                 f"{', '.join(containers + inits)}")
    return containers[0] if containers else ""


def _print(ctx: CommandContext, pod: dict, opts, container: str) -> None:
    try:
        module = import_module("playground.sim.logs")
    except ModuleNotFoundError:
        raise CommandError("error: container logs are not available yet") from None
    text = module.container_logs(ctx.cluster, pod, container, previous=bool(opts["previous"]))
    if opts["tail"] >= 0:
        lines = text.splitlines(keepends=True)
        text = "".join(lines[-opts["tail"]:] if opts["tail"] else [])
    if text:
        ctx.chunks.append(("out", text if text.endswith("\n") else text + "\n"))
