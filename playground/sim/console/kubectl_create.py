"""`kubectl create -f -` and the generators `create deployment|namespace|configmap|quota`
(service and secret generators: create_generators.py).

Models staging/src/k8s.io/kubectl/pkg/cmd/create/create_deployment.go (labels
`app=<name>`, container named after the image's last path segment without tag or
digest, `strategy: {}`, `resources: {}`), create_namespace.go and create_configmap.go
(`--from-literal=key=value`, `--from-env-file` is not available: no file system).
"""

from __future__ import annotations

import re

from ..errors import ApiError
from ..quota import REGEX_MESSAGE as QUANTITY_REGEX_MESSAGE
from ..quota import parse as parse_quantity
from ..resources import REGISTRY
from . import create_generators as gen
from .common import CommandError, Flag, Parsed, error_text, parse_flags, qualified
from .kubectl_apply import _dry_run, _suffix, create_from_file, with_last_applied
from .output import print_object
from .registry import CommandContext, ConsoleResult, kubectl_command

COMMON = (Flag("output", "o"), Flag("dry-run", default="none"), Flag("save-config", kind="bool"),
          Flag("validate", default="strict"), Flag("field-manager"))

DEPLOYMENT_FLAGS = COMMON + (Flag("image", kind="list"), Flag("replicas", "r", "int", 1),
                             Flag("port", kind="int", default=-1))
CONFIGMAP_FLAGS = COMMON + (Flag("from-literal", kind="list"), Flag("from-file", kind="list"),
                            Flag("from-env-file", kind="list"),
                            Flag("append-hash", kind="bool"))


@kubectl_command("create")
def create(ctx: CommandContext, args: list[str]) -> ConsoleResult:
    sub = next((a for a in args if not a.startswith("-")), None)
    generators = {"deployment": _deployment, "deploy": _deployment,
                  "namespace": _namespace, "ns": _namespace,
                  "configmap": _configmap, "cm": _configmap,
                  "service": _service, "svc": _service, "secret": _secret,
                  "quota": _quota, "resourcequota": _quota}
    if sub in generators and _is_subcommand(args, sub):
        rest = list(args)
        rest.remove(sub)
        return generators[sub](ctx, rest)
    return create_from_file(ctx, args)


def _is_subcommand(args: list[str], sub: str) -> bool:
    """`create deployment ...` (the first bare word) rather than a value of `-f`."""
    i = args.index(sub)
    return i == 0 or args[i - 1] not in ("-f", "--filename", "-o", "--output", "-n",
                                         "--namespace")


def _name(opts: Parsed, command: str, usage: str) -> str:
    if len(opts.args) != 1:
        raise CommandError(f"error: exactly one NAME is required, got {len(opts.args)}\n"
                           f"See 'kubectl create {command} -h' for help and examples")
    return opts.args[0]


def container_name(image: str, rand=None) -> str:
    """buildPodSpec: the image's last path segment without tag or digest; `_`/`.` become `-`
    plus a random 5-character suffix (sanitizeAndUniquify)."""
    name = image.rsplit("/", 1)[-1].split(":")[0].split("@")[0]
    if re.search(r"[_.]", name):
        suffix = rand.string(5) if rand is not None else "x"
        name = re.sub(r"[_.]", "-", name) + "-" + suffix
    return name


def _deployment(ctx: CommandContext, args: list[str]) -> ConsoleResult:
    opts = parse_flags("create deployment", args, DEPLOYMENT_FLAGS)
    if not opts["image"]:
        raise CommandError('error: required flag(s) "image" not set')
    command: list[str] = []
    if opts.dash_at is not None:
        command, opts.args = opts.args[opts.dash_at:], opts.args[:opts.dash_at]
    name = _name(opts, "deployment", "")
    containers = []
    for i, image in enumerate(opts["image"]):
        c: dict = {"image": image, "name": container_name(image, ctx.cluster.rand)}
        if command:
            c["command"] = list(command)
        if i == 0 and opts["port"] >= 0:
            c["ports"] = [{"containerPort": opts["port"]}]
        c["resources"] = {}
        containers.append(c)
    labels = {"app": name}
    obj = {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"creationTimestamp": None, "labels": dict(labels), "name": name},
        "spec": {
            "replicas": opts["replicas"],
            "selector": {"matchLabels": dict(labels)},
            "strategy": {},
            "template": {"metadata": {"creationTimestamp": None, "labels": dict(labels)},
                         "spec": {"containers": containers}},
        },
        "status": {},
    }
    return _submit(ctx, obj, opts, "deployment")


def _namespace(ctx: CommandContext, args: list[str]) -> ConsoleResult:
    opts = parse_flags("create namespace", args, COMMON)
    name = _name(opts, "namespace", "")
    obj = {"apiVersion": "v1", "kind": "Namespace",
           "metadata": {"creationTimestamp": None, "name": name}, "spec": {}, "status": {}}
    return _submit(ctx, obj, opts)


def _configmap(ctx: CommandContext, args: list[str]) -> ConsoleResult:
    opts = parse_flags("create configmap", args, CONFIGMAP_FLAGS)
    name = _name(opts, "configmap", "")
    if opts["from-file"] or opts["from-env-file"]:
        path = (opts["from-file"] or opts["from-env-file"])[0]
        raise CommandError(f"error: stat {path}: no such file or directory")
    data: dict[str, str] = {}
    for literal in opts["from-literal"]:
        key, eq, value = literal.partition("=")
        if not eq or not key:
            raise CommandError(f'error: invalid literal source {literal}, expected key=value')
        if key in data:
            raise CommandError(
                f'error: cannot add key "{key}", another key by that name already exists in '
                f"Data for ConfigMap \"{name}\"")
        data[key] = value
    obj: dict = {"apiVersion": "v1", "kind": "ConfigMap"}
    if data:
        obj["data"] = data
    obj["metadata"] = {"creationTimestamp": None, "name": name}
    return _submit(ctx, obj, opts, "configmap")


QUOTA_FLAGS = COMMON + (Flag("hard"), Flag("scopes"))


def _quota(ctx: CommandContext, args: list[str]) -> ConsoleResult:
    """create_quota.go: `--hard=pods=10,requests.cpu=2` (populateResourceListV1, values in
    canonical form) and `--scopes=BestEffort,...`."""
    opts = parse_flags("create quota", args, QUOTA_FLAGS)
    name = _name(opts, "quota", "")
    spec: dict = {}
    if opts["hard"]:
        hard = {}
        for statement in opts["hard"].split(","):
            parts = statement.split("=")
            if len(parts) != 2:
                raise CommandError(f"error: Invalid argument syntax {statement}, expected "
                                   "<resource>=<value>")
            q = parse_quantity(parts[1])
            if q is None:
                raise CommandError(f"error: {QUANTITY_REGEX_MESSAGE}")
            hard[parts[0]] = str(q)
        spec["hard"] = hard
    if opts["scopes"]:
        spec["scopes"] = [s.strip() for s in opts["scopes"].split(",")]
    obj = {"apiVersion": "v1", "kind": "ResourceQuota",
           "metadata": {"creationTimestamp": None, "name": name}, "spec": spec, "status": {}}
    return _submit(ctx, obj, opts, "quota")


def _service(ctx: CommandContext, args: list[str]) -> ConsoleResult:
    sub, rest = gen.subcommand(args, "service", tuple(gen.SERVICE_TYPES))
    opts = parse_flags(f"create service {sub}", rest, gen.service_flags(COMMON, sub))
    obj = gen.build_service(sub, opts.args, opts)
    return _submit(ctx, obj, opts, f"{obj['spec']['type']} service")


def _secret(ctx: CommandContext, args: list[str]) -> ConsoleResult:
    sub, rest = gen.subcommand(args, "secret", ("generic", "tls", "docker-registry"))
    opts = parse_flags(f"create secret {sub}", rest, gen.secret_flags(COMMON, sub))
    obj = gen.build_secret(sub, opts.args, opts)
    return _submit(ctx, obj, opts, "secret", sep="")


def _submit(ctx: CommandContext, obj: dict, opts: Parsed, wrap: str = "",
            sep: str = ":") -> ConsoleResult:
    """Create (or dry-run) a generated object; `wrap` names the generator whose Run wraps API
    errors as `failed to create <wrap>: <message>` (create_deployment.go, create_configmap.go;
    create_secret.go has no colon: `sep=""`)."""
    rt = REGISTRY.get(obj["kind"])
    dry_run = _dry_run(opts["dry-run"])
    if rt.namespaced:
        obj["metadata"]["namespace"] = opts["namespace"] or "default"
    if opts["save-config"]:
        obj = with_last_applied(obj)
    if dry_run == "client":
        result = dict(obj)
        if rt.namespaced and not opts["namespace"]:
            result["metadata"] = {k: v for k, v in obj["metadata"].items() if k != "namespace"}
    else:
        try:
            result = ctx.cluster.api.create(obj, dry_run=dry_run == "server")
        except ApiError as exc:
            ctx.err(f"error: failed to create {wrap}{sep} {exc.message}" if wrap
                    else error_text(exc))
            return ctx.result()
    name = qualified(rt, result["metadata"]["name"])
    print_object(ctx, name, result, opts["output"], f"created{_suffix(dry_run)}")
    return ctx.result()
