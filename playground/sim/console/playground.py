"""Playground commands: `clock`, `clock advance DURATION`, `clock settle`, `node stop|start NAME`.

Not kubectl: these drive the simulation itself. `clock` shows the simulated time;
`clock advance 5m` runs every timer due in the next five simulated minutes; `clock
settle` advances until nothing is pending (heartbeats and passing probes that change
nothing do not count, see Cluster.next_wakeup) and gives up after one simulated hour.
`node stop` / `node start` stop and restart a node's kubelet (playground/sim/nodes.py).
"""

from __future__ import annotations

import time
from importlib import import_module

from .. import limits
from ..clock import parse_duration
from ..cluster import SETTLE_LIMIT
from .registry import CommandContext, CommandError, ConsoleResult, playground_command

CLOCK_USAGE = "usage: clock | clock advance DURATION (e.g. 30s, 5m, 1h30m) | clock settle"
NODE_USAGE = "usage: node stop NAME | node start NAME"
CONTAINER_USAGE = "usage: container kill POD [-c CONTAINER] [-n NAMESPACE]"


def _stamp(t: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(int(t)))


def _elapsed(cluster) -> str:
    return _duration(cluster.clock.elapsed)


def _duration(seconds: float) -> str:
    """Go's time.Duration String for whole seconds: 42s, 5m0s, 1h0m0s."""
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    if h:
        return f"{h}h{m}m{s}s"
    if m:
        return f"{m}m{s}s"
    return f"{s}s"


def _writes(cluster) -> int:
    return int(cluster.store.meta.get("resourceVersion", 0))


@playground_command("clock")
def clock(ctx: CommandContext, args: list[str]) -> ConsoleResult:
    cluster = ctx.cluster
    if not args:
        ctx.out(f"simulated time: {_stamp(cluster.clock.now)} "
                f"({_elapsed(cluster)} since the cluster started)")
        return ctx.result()
    if args[0] == "advance" and len(args) == 2:
        return _advance(ctx, args[1])
    if args[0] == "settle" and len(args) == 1:
        return _settle(ctx)
    raise CommandError(CLOCK_USAGE)


def _advance(ctx: CommandContext, text: str) -> ConsoleResult:
    try:
        seconds = parse_duration(text)
    except ValueError:
        raise CommandError(f'error: invalid duration "{text}" (use e.g. 30s, 5m, 1h30m)') from None
    cluster = ctx.cluster
    cap = limits.get(cluster).max_advance_seconds
    if not seconds <= cap:  # also catches NaN
        ctx.out(f"warning: clock advance is limited to {_duration(cap)} per command in this "
                f"playground; advancing {_duration(cap)} instead of {text}")
        seconds = cap
    before = _writes(cluster)
    cluster.advance(seconds)
    changes = _writes(cluster) - before
    ctx.out(f"advanced {_duration(seconds)} to {_stamp(cluster.clock.now)}: "
            f"{changes} change{'s' if changes != 1 else ''} to cluster objects")
    return ctx.result()


def _settle(ctx: CommandContext) -> ConsoleResult:
    cluster = ctx.cluster
    before = _writes(cluster)
    limit = min(SETTLE_LIMIT, limits.get(cluster).max_advance_seconds)
    took, settled = cluster.settle(limit)
    changes = _writes(cluster) - before
    summary = f"{changes} change{'s' if changes != 1 else ''} to cluster objects"
    if settled:
        ctx.out(f"settled after {_duration(took)} ({summary}); now {_stamp(cluster.clock.now)}")
    else:
        ctx.out(f"still changing after {_duration(limit)} of simulated time: stopped "
                f"({summary}); now {_stamp(cluster.clock.now)}")
    return ctx.result()


@playground_command("node")
def node(ctx: CommandContext, args: list[str]) -> ConsoleResult:
    if len(args) != 2 or args[0] not in ("stop", "start"):
        raise CommandError(NODE_USAGE)
    action, name = args
    try:
        nodes = import_module("playground.sim.nodes")
    except ModuleNotFoundError:
        raise CommandError("error: node stop/start is not available yet") from None
    if action == "stop":
        nodes.stop_node(ctx.cluster, name)
        ctx.out(f"node {name} stopped: its kubelet no longer posts status or renews its lease")
    else:
        nodes.start_node(ctx.cluster, name)
        ctx.out(f"node {name} started: its kubelet posts status again")
    return ctx.result()



@playground_command("container")
def container(ctx: CommandContext, args: list[str]) -> ConsoleResult:
    """`container kill POD [-c CONTAINER] [-n NAMESPACE]`: SIGKILL one container (exit 137)."""
    if not args or args[0] != "kill":
        raise CommandError(CONTAINER_USAGE)
    pod, options = None, {"-c": None, "-n": "default"}
    rest = iter(args[1:])
    for arg in rest:
        if arg in ("-c", "--container", "-n", "--namespace"):
            value = next(rest, None)
            if value is None:
                raise CommandError(CONTAINER_USAGE)
            options["-c" if arg in ("-c", "--container") else "-n"] = value
        elif pod is None and not arg.startswith("-"):
            pod = arg
        else:
            raise CommandError(CONTAINER_USAGE)
    if pod is None:
        raise CommandError(CONTAINER_USAGE)
    faults = import_module("playground.sim.faults")
    name = faults.kill_container(ctx.cluster, pod, namespace=options["-n"], container=options["-c"])
    ctx.out(f"container {name} of pod {pod} killed (exit code 137); "
            "the kubelet restarts it per the pod's restartPolicy")
    return ctx.result()
