"""The resolver inside a pod: the /etc/resolv.conf the kubelet writes, and glibc's search.

Models pkg/kubelet/network/dns/dns.go (getPodDNSType, GetPodDNS: ClusterFirst gets
`search <ns>.svc.cluster.local svc.cluster.local cluster.local`, `nameserver 10.96.0.10`,
`options ndots:5`; hostNetwork + ClusterFirst falls back to Default;
ClusterFirstWithHostNet; None takes dnsConfig alone; dnsConfig is merged: at most 3
nameservers, 32 search domains, options overridden by name) and containerd's
parseDNSOptions (the file's line order: search, nameserver, options), and glibc's
res_nsearch (resolv/res_query.c): with fewer dots than ndots the search list comes first
and the name as typed last; with enough dots the name as typed first; a trailing dot means
the name alone. The first positive answer wins; NODATA keeps searching.

SIM: the node's own resolv.conf (dnsPolicy Default) is `nameserver 172.18.0.1` with no
search list; a nameserver other than the cluster DNS only knows upstream names. When the
cluster has CoreDNS pods (system.py) and kube-dns has no ready endpoint, queries time out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.util import find_spec
from typing import TYPE_CHECKING

from . import dns
from .bootstrap import CLUSTER_DNS_IP, CLUSTER_DOMAIN

if TYPE_CHECKING:
    from .cluster import Cluster

NODE_NAMESERVER = "172.18.0.1"
MAX_NAMESERVERS = 3
MAX_SEARCHES = 32


@dataclass
class ResolvConf:
    search: list[str]
    nameservers: list[str]
    options: list[str]

    @property
    def ndots(self) -> int:
        for opt in self.options:
            if opt.startswith("ndots:"):
                try:
                    return min(int(opt.split(":", 1)[1]), 15)
                except ValueError:
                    return 1
        return 1

    def text(self) -> str:
        out = ""
        if self.search:
            out += "search " + " ".join(self.search) + "\n"
        for ns in self.nameservers:
            out += f"nameserver {ns}\n"
        if self.options:
            out += "options " + " ".join(self.options) + "\n"
        return out


def dns_type(pod: dict) -> str:
    """getPodDNSType: ClusterFirst, Default, None (ClusterFirstWithHostNet -> ClusterFirst)."""
    spec = pod.get("spec") or {}
    policy = spec.get("dnsPolicy") or "ClusterFirst"
    if policy == "None":
        return "None"
    if policy == "ClusterFirstWithHostNet":
        return "ClusterFirst"
    if policy == "ClusterFirst" and not spec.get("hostNetwork"):
        return "ClusterFirst"
    return "Default"


def resolv_conf(pod: dict) -> ResolvConf:
    kind = dns_type(pod)
    ns = pod["metadata"].get("namespace", "default")
    if kind == "ClusterFirst":
        conf = ResolvConf([f"{ns}.svc.{CLUSTER_DOMAIN}", f"svc.{CLUSTER_DOMAIN}", CLUSTER_DOMAIN],
                          [CLUSTER_DNS_IP], ["ndots:5"])
    elif kind == "Default":
        conf = ResolvConf([], [NODE_NAMESERVER], [])
    else:
        conf = ResolvConf([], [], [])
    return _merge_dns_config(conf, (pod.get("spec") or {}).get("dnsConfig") or {})


def _merge_dns_config(conf: ResolvConf, cfg: dict) -> ResolvConf:
    servers = conf.nameservers + [s for s in cfg.get("nameservers") or () if s]
    searches: list[str] = []
    for s in conf.search + list(cfg.get("searches") or ()):
        if s and s not in searches:
            searches.append(s)
    options: dict[str, str] = {}
    for opt in conf.options:
        name, _, value = opt.partition(":")
        options[name] = opt
    for opt in cfg.get("options") or ():
        value = opt.get("value")
        options[opt["name"]] = f"{opt['name']}:{value}" if value is not None else opt["name"]
    return ResolvConf(searches[:MAX_SEARCHES], servers[:MAX_NAMESERVERS], list(options.values()))


@dataclass
class Step:
    name: str  # the fully qualified name queried
    rcode: str  # NOERROR, NXDOMAIN, NODATA, TIMEOUT
    detail: str
    answer: dns.Answer | None = None

    def text(self) -> str:
        return f"{self.name} -> {self.rcode}: {self.detail}"


@dataclass
class Resolution:
    query: str
    qtype: str
    conf: ResolvConf
    trace: list[Step] = field(default_factory=list)
    answer: dns.Answer | None = None

    @property
    def ok(self) -> bool:
        return self.answer is not None and self.answer.ok

    @property
    def rcode(self) -> str:
        if self.ok:
            return "NOERROR"
        if any(s.rcode == "TIMEOUT" for s in self.trace):
            return "TIMEOUT"
        return "NODATA" if any(s.rcode == "NODATA" for s in self.trace) else "NXDOMAIN"

    @property
    def name(self) -> str:
        """The name that answered (without the trailing dot)."""
        return self.answer.qname.rstrip(".") if self.ok else self.query

    def addresses(self) -> list[str]:
        return self.answer.addresses() if self.ok else []

    def trace_text(self) -> str:
        lines = [f"resolving {self.query!r} ({self.qtype}): search {' '.join(self.conf.search)}"
                 f", ndots:{self.conf.ndots}, nameserver "
                 f"{self.conf.nameservers[0] if self.conf.nameservers else '(none)'}"]
        lines += [f"  try {i}: {s.text()}" for i, s in enumerate(self.trace, 1)]
        result = ", ".join(self.addresses()) if self.ok else self.rcode
        lines.append(f"  result: {result}")
        return "\n".join(lines)


def candidates(name: str, conf: ResolvConf) -> list[str]:
    """res_nsearch's order of fully qualified names to try."""
    if name.endswith("."):
        return [name]
    dots = name.count(".")
    as_is = name + "."
    searched = [f"{name}.{d}." for d in conf.search]
    if dots >= conf.ndots:
        return [as_is] + searched
    return searched + [as_is]


def dns_served(cluster: Cluster) -> bool:
    """Whether 10.96.0.10 answers: kube-dns exists and (when CoreDNS pods are modelled) has a
    ready endpoint."""
    if cluster.store.get("Service", "kube-system", "kube-dns") is None:
        return False
    if find_spec(f"{__package__}.system") is None:
        return True
    for s in cluster.store.list("EndpointSlice", "kube-system"):
        if (s["metadata"].get("labels") or {}).get("kubernetes.io/service-name") != "kube-dns":
            continue
        if any((e.get("conditions") or {}).get("ready") for e in s.get("endpoints") or ()):
            return True
    return False


def query(cluster: Cluster, server: str | None, fq: str, qtype: str) -> Step:
    if server is None:
        return Step(fq, "TIMEOUT", "no nameserver configured")
    if server == CLUSTER_DNS_IP:
        if not dns_served(cluster):
            return Step(fq, "TIMEOUT", "kube-dns (10.96.0.10) has no ready CoreDNS endpoint")
        answer = dns.resolve(cluster, fq, qtype)
    else:
        answer = dns.upstream(fq, qtype)
    rcode = answer.rcode if answer.rcode != "NOERROR" or answer.records else "NODATA"
    return Step(fq, rcode, answer.why, answer)


def lookup(cluster: Cluster, pod: dict, name: str, qtype: str = "A", *,
           search: bool = True) -> Resolution:
    """Resolve `name` as a program in `pod` would (getaddrinfo / `dig +search`)."""
    conf = resolv_conf(pod)
    res = Resolution(name, qtype.upper(), conf)
    server = conf.nameservers[0] if conf.nameservers else None
    names = candidates(name, conf) if search else [name if name.endswith(".") else name + "."]
    for fq in names:
        step = query(cluster, server, fq, res.qtype)
        res.trace.append(step)
        if step.answer is not None and step.answer.ok:
            res.answer = step.answer
            break
        if step.rcode == "TIMEOUT":
            break
    return res
