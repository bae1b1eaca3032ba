"""`kubectl expose (deployment|replicaset|replicationcontroller|pod|service) NAME [--port]
[--target-port] [--type] [--name] [--protocol] [--selector] [--labels] [--cluster-ip]
[--external-ip] [--session-affinity]`.

Models staging/src/k8s.io/kubectl/pkg/cmd/expose/expose.go and its Service generator:
the selector comes from the object (a Deployment's/ReplicaSet's matchLabels, a pod's
labels, a Service's selector), the labels from the object's labels, the port from
`--port` or else from the containers' ports (several: named `port-1`, `port-2` ...),
`targetPort` = `--target-port` or the port, the name from `--name` or the object.
Prints `service/NAME exposed`.
"""

from __future__ import annotations

from ..objects import get_path
from .common import CommandError, Flag, parse_flags, resolve_type
from .output import to_json, to_yaml
from .registry import CommandContext, ConsoleResult, kubectl_command

FLAGS = (Flag("port"), Flag("target-port"), Flag("type"), Flag("name"), Flag("protocol"),
         Flag("selector"), Flag("labels", "l"), Flag("cluster-ip"), Flag("external-ip"),
         Flag("session-affinity"), Flag("load-balancer-ip"), Flag("dry-run", default="none"),
         Flag("output", "o"), Flag("filename", "f", "list"), Flag("container-port"),
         Flag("port-name"))
EXPOSABLE = ("Deployment", "ReplicaSet", "ReplicationController", "Pod", "Service")


@kubectl_command("expose")
def expose(ctx: CommandContext, args: list[str]) -> ConsoleResult:
    opts = parse_flags("expose", args, FLAGS)
    if not opts.args:
        raise CommandError("error: You must provide one or more resources by argument or "
                           "filename.\nExample resource specifications include:\n   "
                           "'-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n"
                           "   '<resource>'")
    kind, _, name = opts.args[0].partition("/")
    if not name:
        if len(opts.args) < 2:
            raise CommandError("error: resource(s) were provided, but no name was specified")
        name = opts.args[1]
    rt = resolve_type(kind)
    namespace = opts["namespace"] or "default"
    obj = ctx.cluster.api.get(rt.kind, name, namespace)
    if rt.kind not in EXPOSABLE:
        raise CommandError(f"error: cannot expose a {rt.qualified_kind}")  # GroupKind.String()
    svc = generate_service(opts, obj, rt.kind)
    dry = opts["dry-run"]
    if dry == "client":
        svc["metadata"] = {"creationTimestamp": None, **svc["metadata"]}
        return _print(ctx, svc, opts["output"], "exposed (dry run)")
    created = ctx.cluster.api.create(svc, namespace=namespace, dry_run=dry == "server")
    if opts["output"]:
        return _print(ctx, created, opts["output"], "exposed")
    suffix = " (server dry run)" if dry == "server" else ""
    ctx.out(f"service/{created['metadata']['name']} exposed{suffix}")
    return ctx.result()


def _print(ctx: CommandContext, svc: dict, output: str | None, verb: str) -> ConsoleResult:
    if output == "yaml":
        ctx.out(to_yaml(svc))
    elif output == "json":
        ctx.out(to_json(svc))
    else:
        ctx.out(f"service/{svc['metadata']['name']} {verb}")
    return ctx.result()


def selector_of(obj: dict, kind: str) -> dict[str, str]:
    if kind == "Pod":
        labels = obj["metadata"].get("labels") or {}
        if not labels:
            raise CommandError("error: couldn't retrieve selectors via --selector flag or "
                               "introspection: the pod has no labels and cannot be exposed")
        return dict(labels)
    if kind in ("Service", "ReplicationController"):
        selector = get_path(obj, "spec", "selector") or {}
        if not selector:
            raise CommandError("error: couldn't retrieve selectors via --selector flag or "
                               f"introspection: the {kind.lower()} has no selector")
        return dict(selector)
    selector = get_path(obj, "spec", "selector") or {}
    if selector.get("matchExpressions"):
        raise CommandError("error: couldn't retrieve selectors via --selector flag or "
                           "introspection: couldn't convert expressions - \"" + ", ".join(
                               e.get("key", "") for e in selector["matchExpressions"])
                           + "\" to map: operator \"" + selector["matchExpressions"][0].get(
                               "operator", "") + "\" cannot be converted into the old label "
                           "selector format")
    return dict(selector.get("matchLabels") or {})


def ports_of(obj: dict, kind: str) -> list[tuple[int, str]]:
    """polymorphichelpers.PortsForObject / ProtocolsForObject: (port, protocol)."""
    if kind == "Service":
        return [(p["port"], p.get("protocol", "TCP")) for p in get_path(obj, "spec", "ports",
                                                                        default=[])]
    spec = obj.get("spec") or {}
    pod_spec = spec if kind == "Pod" else get_path(spec, "template", "spec", default={})
    out = []
    for c in pod_spec.get("containers") or ():
        for p in c.get("ports") or ():
            out.append((p["containerPort"], p.get("protocol", "TCP")))
    return out


def _parse_labels(text: str) -> dict:
    """generate.ParseLabels: `k=v,k2=v2`, each pair with exactly one `=`."""
    out = {}
    for kv in text.split(","):
        if kv.count("=") != 1:
            raise CommandError(f"error: invalid label spec: {kv}")
        key, value = kv.split("=")
        out[key] = value
    return out


def _atoi(text: str) -> int:
    try:
        return int(text, 10)
    except ValueError:
        raise CommandError(f'error: strconv.Atoi: parsing "{text}": invalid syntax') from None


def generate_service(opts, obj: dict, kind: str) -> dict:
    selector = (_parse_labels(opts["selector"]) if opts["selector"]
                else selector_of(obj, kind))
    if opts["port"]:
        ports = [(_atoi(opts["port"]), opts["protocol"] or "TCP")]
    else:
        ports = [(p, opts["protocol"] or proto) for p, proto in ports_of(obj, kind)]
    if not ports:
        raise CommandError("error: couldn't find port via --port flag or introspection")
    labels = (_parse_labels(opts["labels"]) if opts["labels"]
              else dict(obj["metadata"].get("labels") or {}))
    target = opts["target-port"] or opts["container-port"]
    service_ports = []
    for i, (port, proto) in enumerate(ports):
        entry = {"port": port, "protocol": proto}
        name = f"port-{i + 1}" if len(ports) > 1 else (opts["port-name"] or "")
        if name:
            entry = {"name": name, **entry}
        entry["targetPort"] = (int(target) if target and target.isdigit() else target) or port
        service_ports.append(entry)
    spec: dict = {"ports": service_ports, "selector": selector}
    for flag, key in (("type", "type"), ("session-affinity", "sessionAffinity")):
        if opts[flag]:
            spec[key] = opts[flag]
    if opts["cluster-ip"]:
        spec["clusterIP"] = opts["cluster-ip"]
    if opts["external-ip"]:
        spec["externalIPs"] = [opts["external-ip"]]
    meta: dict = {"name": opts["name"] or obj["metadata"]["name"]}
    if labels:
        meta["labels"] = labels
    return {"apiVersion": "v1", "kind": "Service", "metadata": meta, "spec": spec,
            "status": {"loadBalancer": {}}}
