"""`kubectl version`, `kubectl api-resources`, `kubectl cluster-info`.

Models staging/src/k8s.io/kubectl/pkg/cmd/version/version.go (Client, Kustomize and
Server versions) and apiresources/apiresources.go (NAME SHORTNAMES APIVERSION NAMESPACED
KIND, core group first, then groups alphabetically, resources by name).
"""

from __future__ import annotations

import json

from .. import printers
from ..bootstrap import KUBERNETES_VERSION
from ..resources import REGISTRY
from .common import CommandError, Flag, parse_flags
from .output import to_yaml
from .registry import CommandContext, ConsoleResult, kubectl_command

KUSTOMIZE_VERSION = "v5.6.0"


@kubectl_command("version")
def version(ctx: CommandContext, args: list[str]) -> ConsoleResult:
    opts = parse_flags("version", args, (Flag("output", "o"), Flag("client", kind="bool")))
    info = _info()
    if opts["client"]:
        info.pop("serverVersion")
    if opts["output"] == "json":
        ctx.out(json.dumps(info, indent=2))
    elif opts["output"] == "yaml":
        ctx.out(to_yaml(info))
    elif opts["output"]:
        raise CommandError("error: --output must be 'yaml' or 'json'")
    else:
        ctx.out(f"Client Version: {KUBERNETES_VERSION}\nKustomize Version: {KUSTOMIZE_VERSION}")
        if not opts["client"]:
            ctx.out(f"Server Version: {KUBERNETES_VERSION}")
    return ctx.result()


def _info() -> dict:
    major, minor, _ = KUBERNETES_VERSION.lstrip("v").split(".")

    def one() -> dict:
        return {"major": major, "minor": minor, "gitVersion": KUBERNETES_VERSION,
                "gitTreeState": "clean", "goVersion": "go1.24.2", "compiler": "gc",
                "platform": "linux/amd64"}

    return {"clientVersion": one(), "kustomizeVersion": KUSTOMIZE_VERSION,
            "serverVersion": one()}


@kubectl_command("api-resources")
def api_resources(ctx: CommandContext, args: list[str]) -> ConsoleResult:
    opts = parse_flags("api-resources", args, (
        Flag("output", "o"), Flag("namespaced", kind="bool", default=True),
        Flag("api-group"), Flag("verbs", kind="list"), Flag("no-headers", kind="bool"),
        Flag("sort-by"), Flag("cached", kind="bool"), Flag("categories", kind="list")))
    types = sorted(REGISTRY.served(), key=lambda rt: (rt.group != "", rt.group, rt.plural))
    if "namespaced" in opts.given:
        types = [rt for rt in types if rt.namespaced == opts["namespaced"]]
    if opts["api-group"] is not None:
        types = [rt for rt in types if rt.group == opts["api-group"]]
    if opts["output"] == "name":
        for rt in types:
            ctx.out(f"{rt.plural}.{rt.group}" if rt.group else rt.plural)
        return ctx.result()
    header = ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
    wide = opts["output"] == "wide"
    if wide:
        header += ["VERBS", "CATEGORIES"]
    rows = [] if opts["no-headers"] else [header]
    for rt in types:
        row = [rt.plural, ",".join(rt.short_names), rt.api_version,
               "true" if rt.namespaced else "false", rt.kind]
        if wide:
            row += ["[" + " ".join(sorted(rt.verbs)) + "]", ",".join(rt.categories)]
        rows.append(row)
    ctx.out(printers.render(rows).rstrip("\n"))
    return ctx.result()


@kubectl_command("cluster-info")
def cluster_info(ctx: CommandContext, args: list[str]) -> ConsoleResult:
    from ..cluster_info import cluster_info_lines

    opts = parse_flags("cluster-info", args, ())
    if opts.args and opts.args[0] == "dump":
        raise CommandError("error: cluster-info dump is not available in the playground: use "
                           "kubectl get/describe/logs/events on what you want to see")
    ctx.out("\n".join(cluster_info_lines(ctx.cluster)) + "\n\n"
            "To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.")
    return ctx.result()
