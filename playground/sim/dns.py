"""Cluster DNS as CoreDNS serves it on a kubeadm cluster (the `kubernetes` plugin, `ttl 30`,
`pods insecure`, `forward . /etc/resolv.conf`).

Models the Kubernetes DNS specification (kubernetes/dns docs/specification.md, schema 1.1.0)
and coredns/coredns plugin/kubernetes (parse.go parseRequest, kubernetes.go findServices /
findPods / endpointHostname, reverse.go) and plugin/backend_lookup.go (A dedup, SRV
weights floor(100/N), CNAME chasing):

- `<svc>.<ns>.svc.cluster.local` A: the ClusterIP, even with no endpoints; headless: one A
  per ready endpoint, NXDOMAIN when none; ExternalName: CNAME, then the target's records.
- `<hostname>.<svc>.<ns>.svc...` (hostname = the endpoint's hostname or its dashed IP).
- `_<port>._<proto>.<svc>.<ns>.svc...` SRV for named ports; PTR for ClusterIPs and endpoints.
- `a-b-c-d.<ns>.pod.cluster.local` A without checking that the pod exists.
- `<ns>.svc.cluster.local`: NODATA when the namespace exists, else NXDOMAIN.

Endpoints are read from EndpointSlices (`kubernetes.io/service-name`), as CoreDNS does;
an endpoint counts when `conditions.ready` is true or unset.

SIM: anything outside cluster.local goes to a simulated upstream resolver that knows a few
public names with fixed, plausible addresses (UPSTREAM); every other name is NXDOMAIN.
The resolver a pod uses (resolv.conf, search list, ndots) lives in resolver.py and is
re-exported here as `lookup`.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .cluster import Cluster

ZONE = "cluster.local"
TTL = 30
DNS_SCHEMA_VERSION = "1.1.0"
UPSTREAM: dict[str, str] = {
    "example.com": "93.184.215.14",
    "www.example.com": "93.184.215.14",
    "kubernetes.io": "15.197.167.90",
    "google.com": "142.250.185.78",
    "www.google.com": "142.250.185.100",
    "github.com": "140.82.121.4",
}


@dataclass(frozen=True)
class Record:
    name: str  # fully qualified, with the trailing dot
    type: str  # A, CNAME, SRV, PTR, TXT
    data: str  # "10.96.0.1", "web.prod.svc.cluster.local.", "0 100 80 web...."
    ttl: int = TTL

    def text(self) -> str:
        """dig's answer-section line."""
        return f"{self.name}\t{self.ttl}\tIN\t{self.type}\t{self.data}"


@dataclass
class Answer:
    qname: str
    qtype: str
    rcode: str  # NOERROR or NXDOMAIN
    records: list[Record] = field(default_factory=list)
    additional: list[Record] = field(default_factory=list)
    source: str = "cluster"  # cluster (CoreDNS kubernetes plugin) or upstream
    why: str = ""

    @property
    def ok(self) -> bool:
        """A positive answer of the asked type (or a CNAME chain ending in one)."""
        return self.rcode == "NOERROR" and bool(self.records)

    def addresses(self) -> list[str]:
        return [r.data for r in self.records if r.type == "A"]

    @property
    def answers(self) -> list[Record]:
        return self.records


# ---- the index CoreDNS keeps from its informers ----------------------------------------------


@dataclass
class Index:
    namespaces: set[str]
    services: dict[tuple[str, str], dict]
    endpoints: dict[tuple[str, str], list[tuple[str, str, list[dict]]]]  # (host, ip, ports)
    reverse: dict[str, str]


def index(cluster: Cluster) -> Index:
    rv = cluster.store.meta["resourceVersion"]
    cached = cluster.cache.get("dns.index")
    if cached is not None and cached[0] == rv:
        return cached[1]
    idx = Index({n["metadata"]["name"] for n in cluster.store.list("Namespace")}, {}, {}, {})
    for svc in cluster.store.list("Service"):
        meta = svc["metadata"]
        idx.services[(meta["namespace"], meta["name"])] = svc
    for s in cluster.store.list("EndpointSlice"):
        _index_slice(idx, s)
    for (ns, name), svc in idx.services.items():
        for ip in svc["spec"].get("clusterIPs") or ():
            if ip != "None":
                idx.reverse[ip] = f"{name}.{ns}.svc.{ZONE}."
    cluster.cache["dns.index"] = (rv, idx)
    return idx


def _index_slice(idx: Index, s: dict) -> None:
    svc_name = (s["metadata"].get("labels") or {}).get("kubernetes.io/service-name")
    if not svc_name or s.get("addressType") != "IPv4":
        return
    ns = s["metadata"]["namespace"]
    # CoreDNS adds a sentinel port when a slice has none, so port-less endpoints still answer
    ports = s.get("ports") or [{"name": "", "port": -1, "protocol": ""}]
    bucket = idx.endpoints.setdefault((ns, svc_name), [])
    for ep in s.get("endpoints") or ():
        if (ep.get("conditions") or {}).get("ready") is False:
            continue
        for ip in ep.get("addresses") or ():
            host = ep.get("hostname") or ip.replace(".", "-")
            bucket.append((host, ip, ports))
            idx.reverse.setdefault(ip, f"{host}.{svc_name}.{ns}.svc.{ZONE}.")


# ---- answering -----------------------------------------------------------------------------


def resolve(cluster: Cluster, qname: str, qtype: str = "A", _depth: int = 0) -> Answer:
    """One query to the cluster's DNS server (10.96.0.10), as CoreDNS answers it."""
    name = qname.lower().rstrip(".")
    qtype = qtype.upper()
    fq = name + "."
    if name.endswith(".in-addr.arpa"):
        return _reverse(cluster, fq, name, qtype)
    if name == ZONE or name.endswith("." + ZONE):
        return _kubernetes(cluster, fq, name[: -len(ZONE)].rstrip("."), qtype, _depth)
    return upstream(fq, qtype)


def upstream(fq: str, qtype: str) -> Answer:
    name = fq.rstrip(".")
    ip = UPSTREAM.get(name)
    if ip is None:
        return Answer(fq, qtype, "NXDOMAIN", source="upstream",
                      why="not a cluster name: forwarded upstream, which does not know it")
    records = [Record(fq, "A", ip, 300)] if qtype == "A" else []
    return Answer(fq, qtype, "NOERROR", records, source="upstream",
                  why="not a cluster name: forwarded to the upstream resolver")


def _kubernetes(cluster: Cluster, fq: str, base: str, qtype: str, depth: int) -> Answer:
    segs = base.split(".") if base else []
    if not segs:
        return _nodata(fq, qtype, "the cluster.local zone apex")
    if base == "dns-version":
        recs = [Record(fq, "TXT", f'"{DNS_SCHEMA_VERSION}"')] if qtype == "TXT" else []
        return Answer(fq, qtype, "NOERROR", recs, why="DNS schema version")
    kind = segs[-1]
    if kind not in ("svc", "pod"):
        return _nx(fq, qtype, f"'{kind}' is neither 'svc' nor 'pod': an invalid request")
    rest = segs[:-1]
    if len(rest) > 4:
        return _nx(fq, qtype, "too many labels in front of <service>.<namespace>.svc")
    idx = index(cluster)
    if not rest:
        return _nodata(fq, qtype, f"{kind}.{ZONE} holds namespaces, no records")
    ns = rest[-1]
    if ns not in idx.namespaces:
        return _nx(fq, qtype, f"namespace {ns!r} does not exist")
    if len(rest) == 1:
        return _nodata(fq, qtype, f"namespace {ns!r} exists but has no record of its own")
    if kind == "pod":
        return _pod(fq, qtype, rest[-2], ns)
    return _service(cluster, idx, fq, qtype, rest, depth)


def _pod(fq: str, qtype: str, label: str, ns: str) -> Answer:
    ip = label.replace("-", ".") if label.count("-") == 3 and "--" not in label else ""
    try:
        ipaddress.IPv4Address(ip)
    except ValueError:
        return _nx(fq, qtype, f"{label!r} is not a dashed IPv4 address")
    recs = [Record(fq, "A", ip)] if qtype == "A" else []
    return Answer(fq, qtype, "NOERROR", recs,
                  why="pod record: `pods insecure` answers any dashed IP without checking a pod")


def _service(cluster: Cluster, idx: Index, fq: str, qtype: str, rest: list[str],
             depth: int) -> Answer:
    ns, name = rest[-1], rest[-2]
    endpoint = port = proto = ""
    if len(rest) == 3:
        endpoint = rest[0]
    elif len(rest) == 4:
        port, proto = rest[0].lstrip("_"), rest[1].lstrip("_")
    svc = idx.services.get((ns, name))
    if svc is None:
        return _nx(fq, qtype, f"no Service {name!r} in namespace {ns!r}")
    spec = svc["spec"]
    if spec.get("type") == "ExternalName":
        if endpoint:
            return _nx(fq, qtype, "an ExternalName Service has no endpoints")
        return _external_name(cluster, fq, qtype, spec.get("externalName") or "", depth)
    if spec.get("clusterIP") == "None" or endpoint:
        return _endpoints(idx, fq, qtype, svc, endpoint, port, proto)
    return _cluster_ip(fq, qtype, svc, port, proto)


def _port_match(port: str, proto: str, p_name: str, p_proto: str) -> bool:
    """matchPortAndProtocol: an empty request part matches anything."""
    return (not port or port == p_name) and (not proto or proto == (p_proto or "").lower())


def _cluster_ip(fq: str, qtype: str, svc: dict, port: str, proto: str) -> Answer:
    meta = svc["metadata"]
    target = f"{meta['name']}.{meta['namespace']}.svc.{ZONE}."
    ip = svc["spec"]["clusterIP"]
    hits = [(p.get("port"), ip) for p in svc["spec"].get("ports") or ()
            if _port_match(port, proto, p.get("name", ""), p.get("protocol", "TCP"))]
    if not hits:
        return _nx(fq, qtype, "no port of the Service matches")
    why = f"ClusterIP of Service {meta['namespace']}/{meta['name']}"
    return _answer(fq, qtype, [(target, ip, p) for p, ip in hits], why)


def _endpoints(idx: Index, fq: str, qtype: str, svc: dict, endpoint: str, port: str,
               proto: str) -> Answer:
    meta = svc["metadata"]
    hits = []
    for host, ip, ports in idx.endpoints.get((meta["namespace"], meta["name"]), ()):
        if endpoint and endpoint != host:
            continue
        for p in ports:
            if _port_match(port, proto, p.get("name", ""), p.get("protocol", "")):
                target = f"{host}.{meta['name']}.{meta['namespace']}.svc.{ZONE}."
                hits.append((target, ip, p.get("port")))
    if not hits:
        what = f"endpoint {endpoint!r}" if endpoint else "ready endpoints"
        return _nx(fq, qtype, f"Service {meta['namespace']}/{meta['name']} has no {what}")
    kind = "headless Service" if svc["spec"].get("clusterIP") == "None" else "Service"
    return _answer(fq, qtype, hits, f"ready endpoints of {kind} {meta['namespace']}/"
                                    f"{meta['name']}")


def _answer(fq: str, qtype: str, hits: list[tuple[str, str, int]], why: str) -> Answer:
    if qtype == "A":
        seen: list[str] = []
        for _, ip, _ in hits:
            if ip not in seen:
                seen.append(ip)
        return Answer(fq, qtype, "NOERROR", [Record(fq, "A", ip) for ip in seen], why=why)
    if qtype == "SRV":
        weight = 100 // len(hits)
        recs, extra = [], []
        for target, ip, port in hits:
            recs.append(Record(fq, "SRV", f"0 {weight} {port} {target}"))
            a = Record(target, "A", ip)
            if a not in extra:
                extra.append(a)
        return Answer(fq, qtype, "NOERROR", recs, extra, why=why)
    return Answer(fq, qtype, "NOERROR", [], why=why + f" (no {qtype} records)")


def _external_name(cluster: Cluster, fq: str, qtype: str, target: str, _depth: int) -> Answer:
    target = target.rstrip(".").lower()
    try:
        ipaddress.ip_address(target)
        return _nx(fq, qtype, "an ExternalName that is an IP address gets no record")
    except ValueError:
        pass
    cname = Record(fq, "CNAME", target + ".")
    if qtype == "CNAME":
        return Answer(fq, qtype, "NOERROR", [cname], why=f"ExternalName -> {target}")
    # CoreDNS stops chasing after 8 CNAMEs (a Service pointing at itself must not loop)
    chased = resolve(cluster, target, qtype, _depth + 1) if _depth < 8 else None
    records = [cname] + (chased.records if chased else [])
    return Answer(fq, qtype, "NOERROR", records,
                  why=f"ExternalName Service: CNAME to {target}, then {target} "
                      f"{'resolves' if chased and chased.ok else 'does not resolve'}")


def _reverse(cluster: Cluster, fq: str, name: str, qtype: str) -> Answer:
    parts = name[: -len(".in-addr.arpa")].split(".")
    ip = ".".join(reversed(parts))
    host = index(cluster).reverse.get(ip) if len(parts) == 4 else None
    if host is None:
        return Answer(fq, qtype, "NXDOMAIN", source="upstream",
                      why=f"{ip} is no Service or endpoint IP: forwarded upstream, NXDOMAIN")
    recs = [Record(fq, "PTR", host)] if qtype == "PTR" else []
    return Answer(fq, qtype, "NOERROR", recs, why=f"{ip} belongs to {host}")


def _nx(fq: str, qtype: str, why: str) -> Answer:
    return Answer(fq, qtype, "NXDOMAIN", why=why)


def _nodata(fq: str, qtype: str, why: str) -> Answer:
    return Answer(fq, qtype, "NOERROR", why=why + " (NODATA)")


def reverse_name(ip: str) -> str:
    return ".".join(reversed(ip.split("."))) + ".in-addr.arpa"


from .resolver import Resolution, lookup, resolv_conf  # noqa: E402

__all__ = ["Answer", "Record", "Resolution", "lookup", "resolv_conf", "resolve", "upstream"]
