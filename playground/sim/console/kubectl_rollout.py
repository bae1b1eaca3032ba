"""`kubectl rollout status|history|undo|pause|resume|restart` for Deployments and StatefulSets.

Models staging/src/k8s.io/kubectl/pkg/cmd/rollout/*.go and pkg/polymorphichelpers
(rollout_status.go, history.go, rollback.go, objectpauser.go, objectrestarter.go).
`rollout status` prints the current status line and returns at once (as with
`--watch=false`); with an explicit `--watch`/`-w` it advances the simulated clock timer by
timer, printing each new status line, until the rollout finishes or `--timeout` (default
10m of simulated time) passes. `undo` is client-side, like kubectl: the chosen revision's
template is written back into the Deployment (controllers/deployment_util.rollback_template).
"""

from __future__ import annotations

from ..clock import parse_duration
from ..controllers import deployment_util as du
from ..objects import clone, controller_ref, format_time, get_path
from ..resources import ResourceType
from .common import CommandError, Flag, Parsed, parse_flags, qualified, resolve_type
from .help import ROLLOUT_HELP
from .printers_text import tabbed
from .registry import CommandContext, ConsoleResult, kubectl_command

FLAGS = (Flag("watch", "w", "bool", True), Flag("timeout", default="0s"),
         Flag("revision", kind="int", default=0), Flag("to-revision", kind="int", default=0),
         Flag("output", "o"), Flag("dry-run", default="none"), Flag("selector", "l"),
         Flag("filename", "f", "list"), Flag("recursive", "R", "bool"))

SUBCOMMANDS = ("history", "pause", "restart", "resume", "status", "undo")
SUPPORTED = ("Deployment", "StatefulSet", "DaemonSet")


@kubectl_command("rollout")
def rollout(ctx: CommandContext, args: list[str]) -> ConsoleResult:
    if not args or args[0] not in SUBCOMMANDS:
        if args and not args[0].startswith("-"):
            raise CommandError(f'error: unknown command "{args[0]}"\n'
                               "See 'kubectl rollout -h' for help and examples")
        ctx.out(ROLLOUT_HELP)
        return ctx.result()
    sub = args[0]
    opts = parse_flags(f"rollout {sub}", args[1:], FLAGS)
    rt, obj = _target(ctx, opts, sub)
    return HANDLERS[sub](ctx, opts, rt, obj)


def _target(ctx: CommandContext, opts: Parsed, sub: str) -> tuple[ResourceType, dict]:
    args = opts.args
    if not args:
        raise CommandError(
            "error: required resource not specified\n"
            f"See 'kubectl rollout {sub} -h' for help and examples")
    if "/" in args[0]:
        kind, _, name = args[0].partition("/")
    else:
        kind, name = args[0], (args[1] if len(args) > 1 else "")
    rt = resolve_type(kind)
    if not name:
        raise CommandError("error: resource(s) were provided, but no name was specified")
    obj = ctx.cluster.api.get(rt.kind, name, opts["namespace"] or "default")
    if rt.kind not in SUPPORTED:
        raise CommandError(f"error: no {_verb(sub)} has been implemented for "
                           f'{{"{rt.group}" "{rt.kind}"}}')
    return rt, obj


def _verb(sub: str) -> str:
    return {"status": "status viewer", "history": "history viewer", "undo": "rollbacker",
            "pause": "pauser", "resume": "resumer", "restart": "restarter"}[sub]


# ---- status --------------------------------------------------------------------------------


def status_line(obj: dict) -> tuple[str, bool]:
    """StatusViewer.Status: (message, done). Raises CommandError on a failed rollout."""
    if obj["kind"] == "StatefulSet":
        return _statefulset_status(obj)
    return _deployment_status(obj)


def _deployment_status(d: dict) -> tuple[str, bool]:
    name, status = d["metadata"]["name"], d.get("status") or {}
    if d["metadata"].get("generation", 0) > status.get("observedGeneration", 0):
        return "Waiting for deployment spec update to be observed...", False
    cond = next((c for c in status.get("conditions") or [] if c.get("type") == "Progressing"),
                None)
    if cond and cond.get("reason") == "ProgressDeadlineExceeded":
        raise CommandError(f'error: deployment "{name}" exceeded its progress deadline')
    replicas = get_path(d, "spec", "replicas", default=1)
    updated = status.get("updatedReplicas", 0)
    prefix = f'Waiting for deployment "{name}" rollout to finish: '
    if updated < replicas:
        return f"{prefix}{updated} out of {replicas} new replicas have been updated...", False
    if status.get("replicas", 0) > updated:
        return (f"{prefix}{status.get('replicas', 0) - updated} old replicas are pending "
                "termination..."), False
    if status.get("availableReplicas", 0) < updated:
        return (f"{prefix}{status.get('availableReplicas', 0)} of {updated} updated replicas "
                "are available..."), False
    return f'deployment "{name}" successfully rolled out', True


def _statefulset_status(s: dict) -> tuple[str, bool]:
    spec, status = s.get("spec") or {}, s.get("status") or {}
    strategy = spec.get("updateStrategy") or {}
    if strategy.get("type", "RollingUpdate") != "RollingUpdate":
        raise CommandError("error: rollout status is only available for RollingUpdate "
                           "strategy type")
    observed = status.get("observedGeneration", 0)
    if not observed or s["metadata"].get("generation", 0) > observed:
        return "Waiting for statefulset spec update to be observed...", False
    replicas = spec.get("replicas", 1)
    if status.get("readyReplicas", 0) < replicas:
        return f"Waiting for {replicas - status.get('readyReplicas', 0)} pods to be ready...", False
    updated = status.get("updatedReplicas", 0)
    if strategy.get("rollingUpdate") is not None:
        partition = strategy["rollingUpdate"].get("partition")
        if partition is not None and updated < replicas - partition:
            return ("Waiting for partitioned roll out to finish: "
                    f"{updated} out of {replicas - partition} new pods have been updated..."), False
        return f"partitioned roll out complete: {updated} new pods have been updated...", True
    if status.get("updateRevision") != status.get("currentRevision"):
        return ("waiting for statefulset rolling update to complete "
                f"{updated} pods at revision {status.get('updateRevision')}..."), False
    return ("statefulset rolling update complete "
            f"{status.get('currentReplicas', 0)} pods at revision "
            f"{status.get('currentRevision')}..."), True


def _status(ctx: CommandContext, opts: Parsed, rt: ResourceType, obj: dict) -> ConsoleResult:
    line, done = status_line(obj)
    ctx.out(line)
    if done or "watch" not in opts.given or not opts["watch"]:
        return ctx.result()
    limit = parse_duration(opts["timeout"] or "0s") or 600.0
    cluster, deadline, last = ctx.cluster, ctx.cluster.clock.now + limit, line
    while not done:
        wake = cluster.step()
        if wake is None or cluster.clock.now > deadline:
            ctx.err("error: timed out waiting for the condition")
            break
        obj = cluster.api.get(rt.kind, obj["metadata"]["name"], obj["metadata"]["namespace"])
        line, done = status_line(obj)
        if line != last:
            ctx.out(line)
            last = line
    return ctx.result()


# ---- history ---------------------------------------------------------------------------------


def _revisions(ctx: CommandContext, rt: ResourceType, obj: dict) -> dict[int, dict]:
    """revision number -> the object holding it (ReplicaSet or ControllerRevision)."""
    uid, ns = obj["metadata"]["uid"], obj["metadata"]["namespace"]
    if rt.kind == "Deployment":
        return {_revision(rs): rs for rs in ctx.cluster.store.list("ReplicaSet", ns)
                if (controller_ref(rs) or {}).get("uid") == uid}
    return {int(cr.get("revision", 0)): cr
            for cr in ctx.cluster.store.list("ControllerRevision", ns)
            if (controller_ref(cr) or {}).get("uid") == uid}


def _revision(rs: dict) -> int:
    value = (rs["metadata"].get("annotations") or {}).get("deployment.kubernetes.io/revision")
    try:
        return int(value or 0)
    except ValueError:
        return 0


def _history(ctx: CommandContext, opts: Parsed, rt: ResourceType, obj: dict) -> ConsoleResult:
    revisions = _revisions(ctx, rt, obj)
    name = qualified(rt, obj["metadata"]["name"])
    if opts["revision"]:
        holder = revisions.get(opts["revision"])
        if holder is None:
            raise CommandError("error: unable to find the specified revision")
        from ..describe_pod import pod_template_text

        template = (get_path(holder, "spec", "template") if rt.kind == "Deployment"
                    else get_path(holder, "data", "spec", "template"))
        body = pod_template_text(template or {})
        ctx.out(f"{name} with revision #{opts['revision']}\n{body}\n")
        return ctx.result()
    if not revisions:
        ctx.out(f"{name} \nNo rollout history found.")
        return ctx.result()
    rows = [["REVISION", "CHANGE-CAUSE"]]
    for number in sorted(revisions):
        ann = revisions[number]["metadata"].get("annotations") or {}
        rows.append([str(number), ann.get("kubernetes.io/change-cause") or "<none>"])
    ctx.out(f"{name} \n{tabbed(rows)}\n")
    return ctx.result()


# ---- undo ------------------------------------------------------------------------------------


def _undo(ctx: CommandContext, opts: Parsed, rt: ResourceType, obj: dict) -> ConsoleResult:
    name = qualified(rt, obj["metadata"]["name"])
    to_revision = opts["to-revision"]
    if rt.kind == "StatefulSet":
        return _undo_statefulset(ctx, rt, obj, to_revision)
    try:
        template, annotations = du.rollback_template(ctx.cluster, obj, to_revision)
    except du.RollbackSkipped as exc:
        ctx.out(f"{name} {exc.message}")
        return ctx.result()
    except du.RollbackError as exc:
        raise CommandError(f"error: {exc.message}") from None
    updated = clone(obj)
    updated["spec"]["template"] = template
    if annotations:
        updated["metadata"]["annotations"] = annotations
    else:
        updated["metadata"].pop("annotations", None)
    ctx.cluster.api.update(updated)
    ctx.out(f"{name} rolled back")
    return ctx.result()


def _undo_statefulset(ctx: CommandContext, rt: ResourceType, obj: dict,
                      to_revision: int) -> ConsoleResult:
    revisions = _revisions(ctx, rt, obj)
    name = qualified(rt, obj["metadata"]["name"])
    if to_revision:
        target = revisions.get(to_revision)
        if target is None:
            raise CommandError(f"error: unable to find specified revision {to_revision} in "
                               "history")
    else:
        ordered = sorted(revisions)
        if len(ordered) < 2:
            raise CommandError("error: no last revision to roll back to")
        target = revisions[ordered[-2]]
    template = clone(get_path(target, "data", "spec", "template") or {})
    template.pop("$patch", None)
    if template == get_path(obj, "spec", "template"):
        ctx.out(f"{name} skipped rollback (current template already matches revision "
                f"{to_revision})")
        return ctx.result()
    updated = clone(obj)
    updated["spec"]["template"] = template
    ctx.cluster.api.update(updated)
    ctx.out(f"{name} rolled back")
    return ctx.result()


# ---- pause / resume / restart -------------------------------------------------------------


def _pause(ctx: CommandContext, opts: Parsed, rt: ResourceType, obj: dict) -> ConsoleResult:
    return _set_paused(ctx, rt, obj, True)


def _resume(ctx: CommandContext, opts: Parsed, rt: ResourceType, obj: dict) -> ConsoleResult:
    return _set_paused(ctx, rt, obj, False)


def _set_paused(ctx: CommandContext, rt: ResourceType, obj: dict, paused: bool) -> ConsoleResult:
    name = obj["metadata"]["name"]
    if rt.kind != "Deployment":
        raise CommandError(f'error: {rt.resource} "{name}" {"pausing" if paused else "resuming"}'
                           " is not supported")
    if bool(get_path(obj, "spec", "paused")) == paused:
        state = "already paused" if paused else "not paused"
        raise CommandError(f'error: {rt.resource} "{name}" is {state}')
    ctx.cluster.api.patch(rt.kind, name, {"spec": {"paused": paused or None}},
                          namespace=obj["metadata"]["namespace"])
    ctx.out(f"{qualified(rt, name)} {'paused' if paused else 'resumed'}")
    return ctx.result()


def _restart(ctx: CommandContext, opts: Parsed, rt: ResourceType, obj: dict) -> ConsoleResult:
    name = obj["metadata"]["name"]
    if get_path(obj, "spec", "paused"):
        raise CommandError(f'error: {rt.resource} "{name}" can\'t restart paused deployment '
                           "(run rollout resume first)")
    stamp = format_time(ctx.cluster.clock.now)
    patch = {"spec": {"template": {"metadata": {"annotations": {
        "kubectl.kubernetes.io/restartedAt": stamp}}}}}
    ctx.cluster.api.patch(rt.kind, name, patch, namespace=obj["metadata"]["namespace"])
    ctx.out(f"{qualified(rt, name)} restarted")
    return ctx.result()


HANDLERS = {"status": _status, "history": _history, "undo": _undo, "pause": _pause,
            "resume": _resume, "restart": _restart}
