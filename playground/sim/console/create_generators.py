"""`kubectl create service clusterip|nodeport|loadbalancer|externalname` and
`kubectl create secret generic|docker-registry|tls`.

Models staging/src/k8s.io/kubectl/pkg/cmd/create/create_service.go (label and selector
`app=<name>`, one port per `--tcp=port[:targetPort]` named like the flag value with `:` -> `-`,
`--node-port` on every port, Validate's messages, `failed to create <Type> service: ...`) and
create_secret.go / create_secret_docker.go / create_secret_tls.go (literal sources, the
`.dockerconfigjson` document, `failed to create secret ...`). The playground has no local
files, so `--from-file`, `--from-env-file` and tls's `--cert/--key` fail as a missing file does.
"""

from __future__ import annotations

import base64
import json
import re

from .common import CommandError, Flag

SERVICE_TYPES = {"clusterip": "ClusterIP", "nodeport": "NodePort",
                 "loadbalancer": "LoadBalancer", "externalname": "ExternalName"}
_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_SUBDOMAIN = re.compile(rf"^{_LABEL}(\.{_LABEL})*$")
DOCKER_HUB = "https://index.docker.io/v1/"


def subcommand(args: list[str], group: str, choices: tuple[str, ...]) -> tuple[str, list[str]]:
    """The `create <group> <sub>` word, or cobra's errors for a missing/unknown one."""
    words = [a for a in args if not a.startswith("-")]
    if not words or words[0] not in choices:
        if not words:
            raise CommandError(f"error: Required resource not specified.\nUse \"kubectl create "
                               f"{group} -h\" for help and examples")
        raise CommandError(f'error: unknown command "{" ".join(words)}"\n'
                           f"See 'kubectl create {group} -h' for help and examples")
    rest = list(args)
    rest.remove(words[0])
    return words[0], rest


def one_name(args: list[str], command: str) -> str:
    if len(args) != 1:
        raise CommandError(f"error: exactly one NAME is required, got {len(args)}\n"
                           f"See 'kubectl create {command} -h' for help and examples")
    return args[0]


# ---- services ----------------------------------------------------------------------------


def service_flags(common: tuple[Flag, ...], sub: str) -> tuple[Flag, ...]:
    flags = common + (Flag("tcp", kind="list"),)
    if sub == "clusterip":
        flags += (Flag("clusterip", default=""),)
    if sub == "nodeport":
        flags += (Flag("node-port", kind="int", default=0),)
    if sub == "externalname":
        flags += (Flag("external-name", default=""),)
    return flags


def parse_port(spec: str) -> tuple[int, int | str]:
    """parsePorts: `port[:targetPort]`; a target that is not a number must be a port name."""
    port_s, _, target_s = spec.partition(":")
    if not port_s.isdigit() or int(port_s) > 65535:  # utilsnet.ParsePort(s, allowZero=true)
        reason = "value out of range" if port_s.isdigit() else "invalid syntax"
        raise CommandError(f'error: strconv.ParseUint: parsing "{port_s}": {reason}')
    if not target_s:
        return int(port_s), int(port_s)
    if re.fullmatch(r"[-+]?\d+", target_s):
        if not 0 < int(target_s) < 65536:
            raise CommandError("error: must be between 1 and 65535, inclusive")
        return int(port_s), int(target_s)
    errs = []  # IsValidPortName, in its order
    if len(target_s) > 15:
        errs.append("must be no more than 15 characters")
    if not re.fullmatch("[-a-z0-9]+", target_s):
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not re.search("[a-z]", target_s):
        errs.append("must contain at least one letter (a-z)")
    if "--" in target_s:
        errs.append("must not contain consecutive hyphens")
    if target_s.startswith("-") or target_s.endswith("-"):
        errs.append("must not begin or end with a hyphen")
    if errs:
        raise CommandError("error: " + ",".join(errs))
    return int(port_s), target_s


def build_service(sub: str, args: list[str], opts) -> dict:
    """ServiceOptions.Complete + Validate + createService."""
    kind = SERVICE_TYPES[sub]
    name = one_name(args, f"service {sub}")
    cluster_ip = opts["clusterip"] or ""
    tcp = opts["tcp"]
    if sub == "externalname" and "external-name" not in opts.given:
        raise CommandError('error: required flag(s) "external-name" not set')
    if cluster_ip == "None" and kind != "ClusterIP":
        raise CommandError("error: ClusterIP=None can only be used with ClusterIP service type")
    if cluster_ip != "None" and not tcp and kind != "ExternalName":
        raise CommandError("error: at least one tcp port specifier must be provided")
    external = opts["external-name"] or ""
    if kind == "ExternalName" and (len(external) > 253 or not _DNS1123_SUBDOMAIN.match(external)):
        raise CommandError(f"error: invalid service external name {external}")
    ports = []
    for spec in tcp:
        port, target = parse_port(spec)
        entry: dict = {"name": spec.replace(":", "-")}
        if opts["node-port"]:
            entry["nodePort"] = opts["node-port"]
        entry.update({"port": port, "protocol": "TCP", "targetPort": target})
        ports.append(entry)
    spec_: dict = {}
    if cluster_ip:
        spec_["clusterIP"] = cluster_ip
    if external:
        spec_["externalName"] = external
    if ports:
        spec_["ports"] = ports
    spec_["selector"] = {"app": name}
    spec_["type"] = kind
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": {"creationTimestamp": None, "labels": {"app": name}, "name": name},
            "spec": spec_, "status": {"loadBalancer": {}}}


# ---- secrets -----------------------------------------------------------------------------


def secret_flags(common: tuple[Flag, ...], sub: str) -> tuple[Flag, ...]:
    if sub == "generic":
        return common + (Flag("from-literal", kind="list"), Flag("from-file", kind="list"),
                         Flag("from-env-file", kind="list"), Flag("type", default=""),
                         Flag("append-hash", kind="bool"))
    if sub == "tls":
        return common + (Flag("cert", default=""), Flag("key", default=""),
                         Flag("append-hash", kind="bool"))
    return common + (Flag("docker-server", default=DOCKER_HUB), Flag("docker-username"),
                     Flag("docker-password"), Flag("docker-email", default=""),
                     Flag("from-file", kind="list"), Flag("append-hash", kind="bool"))


def build_secret(sub: str, args: list[str], opts) -> dict:
    name = one_name(args, f"secret {sub}")
    obj: dict = {"apiVersion": "v1", "kind": "Secret"}
    if sub == "generic":
        data = _literal_data(opts)
        secret_type = opts["type"]
    elif sub == "tls":
        if not opts["cert"] or not opts["key"]:
            raise CommandError("error: key and cert must be specified")
        raise CommandError(f"error: Cannot read file {opts['cert']}, open {opts['cert']}: "
                           "no such file or directory")
    else:
        data, secret_type = _docker_data(opts), "kubernetes.io/dockerconfigjson"
    if data:
        obj["data"] = data
    obj["kind"] = "Secret"
    obj["metadata"] = {"creationTimestamp": None, "name": name}
    if secret_type:
        obj["type"] = secret_type
    return obj


def _b64(value: str) -> str:
    return base64.b64encode(value.encode()).decode()


def _literal_data(opts) -> dict[str, str]:
    from ..kinds.configmap import is_config_map_key

    if opts["from-file"] or opts["from-env-file"]:
        path = (opts["from-file"] or opts["from-env-file"])[0]
        raise CommandError(f"error: error reading {path}: no such file or directory")
    data: dict[str, str] = {}
    for literal in opts["from-literal"]:
        key, eq, value = literal.partition("=")
        if not eq or not key:
            raise CommandError(f"error: invalid literal source {literal}, expected key=value")
        errs = is_config_map_key(key)
        if errs:
            raise CommandError(f'error: "{key}" is not valid key name for a Secret '
                               + ";".join(errs))
        if key in data:
            raise CommandError(f"error: cannot add key {key}, another key by that name "
                               "already exists")
        data[key] = _b64(value)
    return data


def _docker_data(opts) -> dict[str, str]:
    """handleDockerCfgJSONContent: {"auths": {server: {username, password, email, auth}}}."""
    if opts["from-file"]:
        raise CommandError(f"error: error reading {opts['from-file'][0]}: no such file or "
                           "directory")
    user, password = opts["docker-username"], opts["docker-password"]
    if user is None or password is None:
        raise CommandError("error: either --from-file or the combination of --docker-username, "
                           "--docker-password and --docker-server is required")
    entry: dict = {"username": user, "password": password}
    if opts["docker-email"]:
        entry["email"] = opts["docker-email"]
    entry["auth"] = _b64(f"{user}:{password}")
    doc = {"auths": {opts["docker-server"]: entry}}
    return {".dockerconfigjson": _b64(json.dumps(doc, separators=(",", ":")))}
