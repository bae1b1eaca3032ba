"""The programs `kubectl exec` / `kubectl run -- CMD` can run inside a simulated container.

Each tool prints like the real one: busybox `nslookup` and `wget` (busybox, alpine and
curl images), BIND's `nslookup` and `dig` (netshoot, agnhost), curl 8.x, busybox `ping`
(a ClusterIP never answers ICMP) and `nc -zv`, `cat
/etc/resolv.conf` (what the kubelet writes), `cat /etc/hosts` (the kubelet-managed hosts
file), `hostname`, `env` (with the Service environment variables the kubelet injects,
pkg/kubelet/envvars). A tool the image lacks fails like runc does (see net_exec.py).
Name resolution and connections go through playground.sim.resolver and .network.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from ..bootstrap import CLUSTER_DNS_IP
from ..images import lookup as image_lookup
from ..network import Response, request
from ..objects import get_path
from ..programs import builtin
from ..resolver import lookup, resolv_conf
from . import net_http
from .net_busybox_old import is_old_busybox, nslookup_old
from .net_dig import dig
from .net_env import container_env

BUSYBOX_APPS = ("busybox", "alpine", "curl", "hello-app")


@dataclass
class Run:
    stdout: str = ""
    code: int = 0


def tools_of(container: dict) -> frozenset[str]:
    image = image_lookup(container.get("image", ""))
    return image.tools if image else frozenset()


def flavour(container: dict) -> str:
    image = image_lookup(container.get("image", ""))
    return "busybox" if image is not None and image.app in BUSYBOX_APPS else "bind"


def run_tool(cluster, pod: dict, container: dict, argv: list[str]) -> Run:
    name = argv[0].rsplit("/", 1)[-1]
    handler = TOOLS.get(name)
    if handler is not None:
        return handler(cluster, pod, container, argv[1:])
    env = container_env(cluster, pod, container)
    code, lines = builtin(argv, env)
    return Run("".join(line + "\n" for line in lines), code)


# ---- shells --------------------------------------------------------------------------------


def sh(cluster, pod, container, args: list[str]) -> Run:
    if len(args) < 2 or args[0] != "-c":
        return Run("playground: interactive shells are not simulated; run one command at a "
                   "time: kubectl exec POD -- CMD ARGS\n", 0)
    out, code = "", 0
    for part in args[1].replace("&&", ";").split(";"):
        words = shlex.split(part)
        if not words:
            continue
        if words[0].rsplit("/", 1)[-1] not in tools_of(container) | set(TOOLS) - {"sh"}:
            return Run(out + f"sh: {words[0]}: not found\n", 127)
        result = run_tool(cluster, pod, container, words)
        out, code = out + result.stdout, result.code
    return Run(out, code)


# ---- files and identity --------------------------------------------------------------------


def cat(cluster, pod, container, args: list[str]) -> Run:
    out, code = "", 0
    for path in args:
        if path == "/etc/resolv.conf":
            out += resolv_conf(pod).text()
        elif path == "/etc/hosts":
            out += hosts_file(pod)
        elif path == "/etc/hostname":
            out += hostname_of(pod) + "\n"
        else:
            out += f"cat: can't open '{path}': No such file or directory\n"
            code = 1
    return Run(out, code)


def hostname_of(pod: dict) -> str:
    return get_path(pod, "spec", "hostname") or pod["metadata"]["name"]


def hosts_file(pod: dict) -> str:
    """pkg/kubelet/kubelet_pods.go managedHostsFileContent."""
    text = ("# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n"
            "::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\n"
            "fe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n")
    ip = get_path(pod, "status", "podIP")
    if not ip:
        return text
    host = hostname_of(pod)
    sub = get_path(pod, "spec", "subdomain")
    if sub:
        ns = pod["metadata"]["namespace"]
        return text + f"{ip}\t{host}.{sub}.{ns}.svc.cluster.local\t{host}\n"
    return text + f"{ip}\t{host}\n"


def hostname(cluster, pod, container, args: list[str]) -> Run:
    return Run(hostname_of(pod) + "\n")


def env(cluster, pod, container, args: list[str]) -> Run:
    values = container_env(cluster, pod, container)
    if args:  # printenv NAME...: each value found, exit 1 if any is missing
        found = [values[a] for a in args if a in values]
        return Run("".join(v + "\n" for v in found), 0 if len(found) == len(args) else 1)
    return Run("".join(f"{k}={v}\n" for k, v in values.items()))


# ---- nslookup ------------------------------------------------------------------------------


def nslookup(cluster, pod, container, args: list[str]) -> Run:
    names = [a for a in args if not a.startswith("-")]
    if not names:
        return Run("BusyBox v1.36.1 multi-call binary.\n\nUsage: nslookup [-type=QUERY_TYPE] "
                   "[-debug] HOST [DNS_SERVER]\n", 1)
    qtype = next((a.split("=", 1)[1].upper() for a in args
                  if a.startswith(("-type=", "-query=", "-q="))), "A")
    name = names[0]
    if is_old_busybox(container):
        return Run(*nslookup_old(cluster, pod, name))
    busybox = flavour(container) == "busybox"
    sep = ":" if busybox else "#"
    header = f"Server:\t\t{CLUSTER_DNS_IP}\nAddress:\t{CLUSTER_DNS_IP}{sep}53\n\n"
    res = lookup(cluster, pod, name, qtype)
    if res.rcode == "TIMEOUT":
        return Run(";; connection timed out; no servers could be reached\n\n", 1)
    if not res.ok:
        reason = "NXDOMAIN" if res.rcode == "NXDOMAIN" else "No answer"
        if not busybox and res.rcode != "NXDOMAIN":
            return Run(header + f"*** Can't find {name}: No answer\n\n", 1)
        return Run(header + f"** server can't find {name}: {reason}\n\n", 1)
    out = header
    if not busybox and res.answer.source == "upstream":
        out += "Non-authoritative answer:\n"
    for rec in res.answer.records:
        rname = rec.name.rstrip(".")
        if rec.type == "CNAME":
            target = rec.data.rstrip(".") if busybox else rec.data
            out += f"{rname}\tcanonical name = {target}\n"
        elif rec.type == "A":
            out += f"Name:\t{rname}\nAddress: {rec.data}\n"
        elif rec.type in ("SRV", "PTR", "TXT"):
            word = {"SRV": "service", "PTR": "name", "TXT": "text"}[rec.type]
            out += f"{rname}\t{word} = {rec.data}\n"
    return Run(out + ("" if busybox else "\n"))


# ---- curl / wget ---------------------------------------------------------------------------


def _curl_error(resp: Response, insecure: bool) -> tuple[int, str]:
    host, port = resp.host, resp.port
    if resp.error == "resolve":
        return 6, f"curl: (6) Could not resolve host: {host}"
    if resp.error == "refused":
        return 7, (f"curl: (7) Failed to connect to {host} port {port} after 1 ms: Couldn't "
                   "connect to server")
    if resp.error == "timeout":
        return 28, (f"curl: (28) Failed to connect to {host} port {port} after 135029 ms: "
                    "Couldn't connect to server")
    if resp.error == "ssl":
        return 35, ("curl: (35) OpenSSL/3.3.3: error:0A00010B:SSL routines::wrong version "
                    "number")
    return 52, "curl: (52) Empty reply from server"


def nc(cluster, pod, container, args: list[str]) -> Run:
    """busybox `nc -zv HOST PORT`: does a TCP connection open?"""
    words = [a for a in args if not a.startswith("-")]
    verbose = any("v" in a for a in args if a.startswith("-"))
    if len(words) < 2 or not words[1].isdigit():
        return Run("BusyBox v1.36.1 multi-call binary.\n\nUsage: nc [OPTIONS] HOST PORT\n", 1)
    host, port = words[0], int(words[1])
    resp = request(cluster, pod, f"http://{host}:{port}/")
    target = f"{host} ({resp.ip or host}:{port})"
    if resp.ok or resp.error in ("empty", "ssl"):
        return Run(f"{target} open\n" if verbose else "")
    if resp.error == "resolve":
        return Run(f"nc: bad address '{host}'\n", 1)
    reason = "Connection refused" if resp.error == "refused" else "Connection timed out"
    return Run(f"nc: {target}: {reason}\n", 1)


def ping(cluster, pod, container, args: list[str]) -> Run:
    """busybox ping: pod and node IPs answer; a ClusterIP is virtual (kube-proxy only
    rewrites TCP/UDP/SCTP to its ports), so nothing answers ICMP. Without -c, 4 packets."""
    count = 4
    if "-c" in args[:-1]:
        count = int(args[args.index("-c") + 1])
    words = [a for i, a in enumerate(args) if not a.startswith("-") and (
        i == 0 or args[i - 1] != "-c")]
    if not words:
        return Run("BusyBox v1.36.1 multi-call binary.\n\nUsage: ping [OPTIONS] HOST\n", 1)
    host = words[0]
    from ..network import net_index
    from ..resolver import lookup as resolve_name

    ip = host
    if not all(p.isdigit() for p in host.split(".")) or host.count(".") != 3:
        res = resolve_name(cluster, pod, host)
        if not res.ok:
            return Run(f"ping: bad address '{host}'\n", 1)
        ip = res.addresses()[0]
    idx = net_index(cluster)
    alive = ip in idx.pods_by_ip or ip in idx.node_ips
    out = f"PING {host} ({ip}): 56 data bytes\n"
    if alive:
        out += "".join(f"64 bytes from {ip}: seq={i} ttl=63 time=0.{87 + i * 7:03d} ms\n"
                       for i in range(count))
    out += (f"\n--- {host} ping statistics ---\n{count} packets transmitted, "
            f"{count if alive else 0} packets received, {0 if alive else 100}% packet loss\n")
    if alive:
        out += "round-trip min/avg/max = 0.087/0.108/0.129 ms\n"
    return Run(out, 0 if alive else 1)


TOOLS = {
    "sh": sh, "bash": sh, "ash": sh,
    "cat": cat,
    "hostname": hostname,
    "env": env, "printenv": env,
    "nslookup": nslookup,
    "dig": dig,
    "curl": net_http.curl,
    "wget": net_http.wget,
    "nc": nc,
    "ping": ping,
}
