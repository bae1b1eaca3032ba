"""`kubectl run NAME --image=IMAGE [--restart=Never] [--rm -it] [-- COMMAND ARGS...]`.

Models staging/src/k8s.io/kubectl/pkg/cmd/run/run.go and its pod generator: label
`run=NAME`, one container named NAME, `dnsPolicy: ClusterFirst`, `restartPolicy` from
`--restart` (default Always), `stdin`/`stdinOnce`/`tty` for `-i`/`-t`, arguments after `--`
(as `command` with `--command`), `--port`, `--env`, `--labels`, `--dry-run=client -o yaml`.
Attached (`-i`) runs advance the simulated clock until the container starts (at most
`--pod-running-timeout`, 1m), then print what the command prints; `--rm` deletes the pod
afterwards (`pod "NAME" deleted`), and a failing command adds
`pod <ns>/NAME terminated (Error)` — the usual way tutorials test DNS and Services:
`kubectl run tmp --rm -it --image=busybox:1.36 --restart=Never -- nslookup web`.
"""

from __future__ import annotations

from ..clock import parse_duration
from ..errors import ApiError
from ..objects import get_path
from .common import CommandError, Flag, parse_flags, usage_error
from .net_exec import run_in
from .net_tools import run_tool
from .output import to_json, to_yaml
from .registry import CommandContext, ConsoleResult, kubectl_command

FLAGS = (Flag("image"), Flag("restart", default="Always"), Flag("rm", kind="bool"),
         Flag("stdin", "i", "bool"), Flag("tty", "t", "bool"), Flag("attach", kind="bool"),
         Flag("command", kind="bool"), Flag("port"), Flag("env", kind="list"),
         Flag("labels", "l"), Flag("dry-run", default="none"), Flag("output", "o"),
         Flag("image-pull-policy"), Flag("pod-running-timeout", default="1m0s"),
         Flag("quiet", "q", "bool"), Flag("expose", kind="bool"), Flag("annotations", kind="list"),
         Flag("overrides"), Flag("privileged", kind="bool"), Flag("serviceaccount"))


@kubectl_command("run")
def run(ctx: CommandContext, args: list[str]) -> ConsoleResult:
    opts = parse_flags("run", args, FLAGS)
    if not opts.args:
        raise CommandError("error: NAME is required for run\nSee 'kubectl run -h' for help and "
                           "examples")
    if not opts["image"]:
        raise CommandError("error: --image is required")
    restart = opts["restart"]
    if restart not in ("Always", "OnFailure", "Never"):
        raise CommandError(f"error: invalid restart policy: {restart}")
    attach = opts["stdin"] or opts["attach"]
    if opts["rm"] and not attach:
        raise CommandError("error: --rm should only be used for attached containers")
    if opts["tty"] and not opts["stdin"]:
        raise usage_error("run", "-i/--stdin is required for containers with -t/--tty=true")
    pod = generate_pod(opts, opts.args[0], opts.args[1:])
    namespace = opts["namespace"] or "default"
    if opts["dry-run"] == "client":
        return _print_dry_run(ctx, pod, opts["output"])
    if opts["expose"]:
        _expose(ctx, opts, pod, namespace)
    created = ctx.cluster.api.create(pod, namespace=namespace,
                                     dry_run=opts["dry-run"] == "server")
    if not attach:
        ctx.out(f"pod/{created['metadata']['name']} created"
                + (" (server dry run)" if opts["dry-run"] == "server" else ""))
        return ctx.result()
    return _attach(ctx, created, opts)


def _expose(ctx: CommandContext, opts, pod: dict, namespace: str) -> None:
    """`--expose --port=N`: a ClusterIP Service of the same name selecting the pod first."""
    if not opts["port"]:
        raise CommandError("error: --port must be set when exposing a service")
    port = int(opts["port"])
    svc = {"apiVersion": "v1", "kind": "Service",
           "metadata": {"name": pod["metadata"]["name"]},
           "spec": {"ports": [{"port": port, "protocol": "TCP", "targetPort": port}],
                    "selector": dict(pod["metadata"]["labels"])}}
    created = ctx.cluster.api.create(svc, namespace=namespace,
                                     dry_run=opts["dry-run"] == "server")
    ctx.out(f"service/{created['metadata']['name']} created")


def generate_pod(opts, name: str, rest: list[str]) -> dict:
    container: dict = {"name": name, "image": opts["image"]}
    if rest:
        container["command" if opts["command"] else "args"] = rest
    if opts["env"]:
        container["env"] = [{"name": k, "value": v} for k, _, v in
                            (e.partition("=") for e in opts["env"])]
    if opts["image-pull-policy"]:
        container["imagePullPolicy"] = opts["image-pull-policy"]
    if opts["port"]:
        container["ports"] = [{"containerPort": int(opts["port"])}]
    container["resources"] = {}
    if opts["stdin"]:
        container["stdin"] = True
        container["stdinOnce"] = True
    if opts["tty"]:
        container["tty"] = True
    labels = dict(kv.split("=", 1) for kv in (opts["labels"] or "").split(",") if "=" in kv)
    return {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"labels": labels or {"run": name}, "name": name},
        "spec": {"containers": [container], "dnsPolicy": "ClusterFirst",
                 "restartPolicy": opts["restart"]},
        "status": {},
    }


def _print_dry_run(ctx: CommandContext, pod: dict, output: str | None) -> ConsoleResult:
    pod["metadata"]["creationTimestamp"] = None
    if output == "yaml":
        ctx.out(to_yaml(pod))
    elif output == "json":
        ctx.out(to_json(pod))
    else:
        ctx.out(f"pod/{pod['metadata']['name']} created (dry run)")
    return ctx.result()


def _attach(ctx: CommandContext, pod: dict, opts) -> ConsoleResult:
    cluster = ctx.cluster
    name, namespace = pod["metadata"]["name"], pod["metadata"]["namespace"]
    timeout = parse_duration(opts["pod-running-timeout"] or "1m0s")
    started = wait_started(cluster, name, namespace, timeout)
    if started is None:
        ctx.err("error: timed out waiting for the condition")
        _cleanup(ctx, opts, name, namespace)
        return ctx.result(ok=False)
    container = started["spec"]["containers"][0]
    argv = list(container.get("command") or []) + list(container.get("args") or [])
    code = 0
    if argv:
        result = run_tool(cluster, started, container, argv)
        if result.stdout:
            ctx.out(result.stdout)
        code = result.code
    elif opts["tty"]:
        return run_in(ctx, started, container, ["sh"])
    if not opts["rm"] and opts["restart"] == "Always":
        ctx.out(f"Session ended, resume using 'kubectl attach {name} -c {name} -i -t' command "
                "when the pod is running")
    _cleanup(ctx, opts, name, namespace)
    if code:
        ctx.err(f"pod {namespace}/{name} terminated (Error)")
    return ctx.result(ok=code == 0)


def wait_started(cluster, name: str, namespace: str, timeout: float) -> dict | None:
    """Advance the clock timer by timer until the pod's first container has started (or
    finished); None after `timeout` simulated seconds or when nothing is pending."""
    deadline = cluster.clock.now + timeout
    cluster.reconcile()
    while True:
        pod = cluster.store.get("Pod", namespace, name)
        if pod is None:
            return None
        status = (get_path(pod, "status", "containerStatuses", default=[]) or [{}])[0]
        state = status.get("state") or {}
        if "running" in state or "terminated" in state:
            return pod
        wake = cluster.next_wakeup()
        if wake is None or wake > deadline:
            cluster.clock.set(max(deadline, cluster.clock.now))
            cluster.reconcile()
            return None
        # a timer that does not move the clock forward must not spin forever
        cluster.clock.set(max(wake, cluster.clock.now + 0.001))
        cluster.reconcile()


def _cleanup(ctx: CommandContext, opts, name: str, namespace: str) -> None:
    if not opts["rm"]:
        return
    try:
        ctx.cluster.api.delete("pods", name, namespace=namespace)
    except ApiError:
        return
    ctx.out(f'pod "{name}" deleted')
