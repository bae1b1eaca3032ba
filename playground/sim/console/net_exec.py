"""`kubectl exec [-it] POD [-c CONTAINER] -- COMMAND [ARGS...]`.

Models staging/src/k8s.io/kubectl/pkg/cmd/exec/exec.go: `TYPE/NAME` targets (a
Deployment/ReplicaSet/StatefulSet/Service picks its first pod), `Defaulted container
"a" out of: a, b` for multi-container pods, the errors for a missing `--`, a pod that is
not running (`cannot exec into a container in a completed pod; current phase is ...`),
a container not started yet, a command missing from the image (runc's `executable file
not found in $PATH`), and `command terminated with exit code N` for a non-zero exit.
The command runs in the simulation (net_tools.py). See `trace` (console/net.py) for the
DNS and routing explanation behind a command's output.
"""

from __future__ import annotations

from ..errors import NotFound
from ..objects import get_path
from .common import CommandError, Flag, parse_flags
from .net_tools import TOOLS, run_tool, tools_of
from .registry import CommandContext, ConsoleResult, kubectl_command

FLAGS = (Flag("container", "c"), Flag("stdin", "i", "bool"), Flag("tty", "t", "bool"),
         Flag("quiet", "q", "bool"), Flag("pod-running-timeout", default="1m0s"),
         Flag("filename", "f", "list"))


@kubectl_command("exec")
def exec_(ctx: CommandContext, args: list[str]) -> ConsoleResult:
    dash = args.index("--") if "--" in args else len(args)
    opts = parse_flags("exec", args[:dash], FLAGS)
    command = args[dash + 1:]
    if not opts.args:
        raise CommandError("error: expected 'exec POD_NAME COMMAND [ARG1] [ARG2] ... "
                           "[ARGN]'.\nPOD_NAME and COMMAND are required arguments for the exec "
                           "command\nSee 'kubectl exec -h' for help and examples")
    if not command:
        if len(opts.args) > 1:
            raise CommandError("error: exec [POD] [COMMAND] is not supported anymore. Use exec "
                               "[POD] -- [COMMAND] instead\nSee 'kubectl exec -h' for help "
                               "and examples")
        raise CommandError("error: you must specify at least one command for the container")
    namespace = opts["namespace"] or "default"
    pod = find_pod(ctx.cluster, opts.args[0], namespace)
    container = pick_container(ctx, pod, opts["container"])
    return run_in(ctx, pod, container, command)


def find_pod(cluster, target: str, namespace: str) -> dict:
    """A pod name, `pod/NAME`, or `deploy|rs|sts|svc/NAME` (its first pod by name)."""
    kind, _, name = target.rpartition("/")
    if kind in ("", "pod", "pods", "po"):
        return cluster.api.get("pods", name, namespace)
    from .common import resolve_type

    rt = resolve_type(kind)
    owner = cluster.api.get(rt.kind, name, namespace)
    selector = get_path(owner, "spec", "selector") or {}
    match = selector.get("matchLabels", selector) if isinstance(selector, dict) else {}
    pods = [p for p in cluster.api.list("pods", namespace)
            if match and all((p["metadata"].get("labels") or {}).get(k) == v
                             for k, v in match.items())]
    if not pods:
        raise CommandError(f"error: cannot attach to {rt.kind}: no pods found")
    return pods[0]


def pick_container(ctx: CommandContext, pod: dict, name: str | None) -> dict:
    containers = get_path(pod, "spec", "containers", default=[])
    if name:
        found = next((c for c in containers if c["name"] == name), None)
        if found is None:
            raise CommandError(f'Error from server (BadRequest): container {name} is not valid '
                               f'for pod {pod["metadata"]["name"]}')
        return found
    if len(containers) > 1:
        default = (pod["metadata"].get("annotations") or {}).get(
            "kubectl.kubernetes.io/default-container", containers[0]["name"])
        ctx.warn(f'Defaulted container "{default}" out of: '
                 + ", ".join(c["name"] for c in containers))
        return next((c for c in containers if c["name"] == default), containers[0])
    return containers[0]


def run_in(ctx: CommandContext, pod: dict, container: dict, command: list[str]) -> ConsoleResult:
    phase = get_path(pod, "status", "phase")
    if phase in ("Succeeded", "Failed"):
        raise CommandError("error: cannot exec into a container in a completed pod; current "
                           f"phase is {phase}")
    if not _running(pod, container["name"]):
        raise CommandError(f'error: unable to upgrade connection: container not found '
                           f'("{container["name"]}")')
    program = command[0].rsplit("/", 1)[-1]
    if program not in tools_of(container) and command[0] not in tools_of(container):
        exec_id = ctx.cluster.rand.string(64, "0123456789abcdef")
        reason = (f"stat {command[0]}: no such file or directory" if command[0].startswith("/")
                  else "executable file not found in $PATH")
        # the API server wraps the CRI's internal error once more, hence the doubled prefix
        raise CommandError(
            "error: Internal error occurred: Internal error occurred: error executing command "
            "in container: failed to exec in container: failed to start exec "
            f'"{exec_id}": OCI runtime exec failed: exec failed: unable to start container '
            f'process: exec: "{command[0]}": {reason}: unknown')
    if program not in TOOLS and program not in ("echo", "true", "false", "date"):
        ctx.out(f"playground: `{program}` is present in this image but not simulated")
        return ctx.result(ok=False)
    result = run_tool(ctx.cluster, pod, container, command)
    if result.stdout:
        ctx.out(result.stdout)
    if result.code:
        ctx.err(f"command terminated with exit code {result.code}")
    return ctx.result()


def _running(pod: dict, name: str) -> bool:
    for status in get_path(pod, "status", "containerStatuses", default=[]):
        if status.get("name") == name:
            return bool(get_path(status, "state", "running"))
    return False


__all__ = ["exec_", "find_pod", "run_in", "NotFound"]
