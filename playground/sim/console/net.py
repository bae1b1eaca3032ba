"""Playground commands that explain the network: `trace` and the laptop's own `curl`.

    trace dns POD NAME [TYPE] [-n NS]   every name the pod's resolver tried, and each answer
    trace http POD URL [-n NS]          DNS, then kube-proxy's choice of endpoint and why,
                                        then which container answered
    trace http --outside URL            the same from your machine (node IPs, NodePorts,
                                        load-balancer IPs are reachable; ClusterIPs are not)
    curl [-s] [-i] URL                  your machine's curl (outside the cluster)

`kubectl exec POD -- nslookup NAME` prints exactly what the real tool prints; `trace` shows
the reasoning behind it without changing the tool's output.
"""

from __future__ import annotations

from ..network import request
from ..resolver import lookup
from .common import CommandError, Flag, parse_flags
from .net_exec import find_pod
from .net_http import curl
from .net_tools import Run
from .registry import CommandContext, ConsoleResult, playground_command

USAGE = ("usage: trace dns POD NAME [TYPE] [-n NAMESPACE]\n"
         "       trace http POD URL [-n NAMESPACE]\n"
         "       trace http --outside URL")
FLAGS = (Flag("outside", kind="bool"),)
HELP = (USAGE + "\n\nExplain what the cluster does with a name or a request: every name the "
        "pod's resolver\ntried (search list, ndots) and each answer; kube-proxy's choice of "
        "endpoint and why;\nwhich container answered. The tools in `kubectl exec` print exactly "
        "what the real ones\nprint; `trace` shows the reasoning behind that output.")


@playground_command("trace")
def trace(ctx: CommandContext, args: list[str]) -> ConsoleResult:
    if not args or args[0] in ("-h", "--help", "help"):
        ctx.out(HELP)
        return ctx.result(ok=bool(args))
    opts = parse_flags("trace", args, FLAGS)
    words = opts.args
    if not words or words[0] not in ("dns", "http", "curl", "wget"):
        raise CommandError(USAGE)
    namespace = opts["namespace"] or "default"
    if words[0] == "dns":
        if len(words) < 3:
            raise CommandError(USAGE)
        pod = find_pod(ctx.cluster, words[1], namespace)
        res = lookup(ctx.cluster, pod, words[2], words[3] if len(words) > 3 else "A")
        ctx.out(f"from pod {pod['metadata']['namespace']}/{pod['metadata']['name']}:")
        ctx.out(res.trace_text())
        return ctx.result()
    if opts["outside"]:
        if len(words) < 2:
            raise CommandError(USAGE)
        resp = request(ctx.cluster, None, words[1])
        ctx.out("from your machine (172.18.0.1, outside the cluster):")
    else:
        if len(words) < 3:
            raise CommandError(USAGE)
        pod = find_pod(ctx.cluster, words[1], namespace)
        resp = request(ctx.cluster, pod, words[2])
        ctx.out(f"from pod {pod['metadata']['namespace']}/{pod['metadata']['name']}:")
    ctx.out("\n".join("  " + line for line in resp.trace))
    if not resp.ok:
        ctx.out(f"  result: {resp.error}")
    return ctx.result()


@playground_command("curl")
def laptop_curl(ctx: CommandContext, args: list[str]) -> ConsoleResult:
    result: Run = curl(ctx.cluster, None, {"image": ""}, args)
    if result.code:
        if result.stdout:
            ctx.err(result.stdout)
        return ctx.result(ok=False)
    ctx.out(result.stdout)
    return ctx.result()
