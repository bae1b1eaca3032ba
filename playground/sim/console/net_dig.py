"""`dig` as BIND 9.18 prints it (netshoot, agnhost images): `dig [+search] [+short] [@server]
NAME [TYPE]`, `dig -x IP`. Without `+search` dig asks for the name exactly as typed
(no search list, no ndots), which is why `dig web` fails where `nslookup web` works.
CoreDNS answers cluster names authoritatively (`aa`, no `ra`: dig warns that recursion is
not available) and adds the zone's SOA to negative answers.
"""

from __future__ import annotations

import time as _time

from ..bootstrap import CLUSTER_DNS_IP
from ..dns import ZONE, reverse_name
from ..resolver import lookup

TYPES = {"A", "AAAA", "SRV", "PTR", "CNAME", "TXT", "NS", "SOA", "MX", "ANY"}
SOA = f"ns.dns.{ZONE}. hostmaster.{ZONE}. 1767225600 7200 1800 86400 30"


def dig(cluster, pod, container, args: list[str]):
    from .net_tools import Run

    opts = {a[1:] for a in args if a.startswith("+")}
    words = [a for a in args if not a.startswith(("+", "@"))]
    server = next((a[1:] for a in args if a.startswith("@")), CLUSTER_DNS_IP)
    qtype = "A"
    if "-x" in words:
        i = words.index("-x")
        name, qtype = reverse_name(words[i + 1]) + ".", "PTR"
    else:
        names = [w for w in words if w.upper() not in TYPES]
        types = [w.upper() for w in words if w.upper() in TYPES]
        name = names[0] if names else "."
        qtype = types[0] if types else "A"
    search = "search" in opts and not name.endswith(".")
    if server != CLUSTER_DNS_IP:
        pod = _with_nameserver(pod, server)
    res = lookup(cluster, pod, name, qtype, search=search)
    if res.rcode == "TIMEOUT":
        return Run(f";; communications error to {server}#53: timed out\n" * 3 + "\n; <<>> DiG "
                   f"9.18.33 <<>> {' '.join(args)}\n;; global options: +cmd\n;; no servers "
                   "could be reached\n", 9)
    step = res.trace[-1] if res.ok is False else next(s for s in res.trace if s.answer and
                                                       s.answer.ok)
    answer = step.answer
    if "short" in opts:
        return Run("".join(r.data + "\n" for r in answer.records) if answer else "")
    return Run(_full(cluster, args, server, answer))


def _with_nameserver(pod: dict, server: str) -> dict:
    spec = dict(pod.get("spec") or {})
    spec["dnsPolicy"] = "None"
    spec["dnsConfig"] = {"nameservers": [server]}
    return {**pod, "spec": spec}


def _columns(fields: list[tuple[str, int]]) -> str:
    """dig's dns_master style: each field starts at its column (tab stops every 8), or after
    one space when the previous field ran past it."""
    out, col = "", 0
    for text, at in fields:
        if out:
            if col >= at:
                out, col = out + " ", col + 1
            while col < at:
                out, col = out + "\t", (col // 8 + 1) * 8
        out, col = out + text, col + len(text)
    return out


def _line(name: str, ttl: int, rtype: str, data: str) -> str:
    return _columns([(name, 0), (str(ttl), 24), ("IN", 32), (rtype, 40), (data, 48)])


def _full(cluster, args: list[str], server: str, answer) -> str:
    qid = cluster.rand.randint(1, 65535)
    authoritative = answer.source == "cluster"
    flags = "qr aa rd" if authoritative else "qr rd ra"
    soa = [] if answer.records else [_line(f"{ZONE}.", 30, "SOA", SOA)] if authoritative else []
    out = [
        "",
        f"; <<>> DiG 9.18.33 <<>> {' '.join(args)}",
        ";; global options: +cmd",
        ";; Got answer:",
        f";; ->>HEADER<<- opcode: QUERY, status: {answer.rcode}, id: {qid}",
        f";; flags: {flags}; QUERY: 1, ANSWER: {len(answer.records)}, AUTHORITY: {len(soa)}, "
        f"ADDITIONAL: {len(answer.additional) + 1}",
    ]
    if authoritative:
        out.append(";; WARNING: recursion requested but not available")
    out += ["", ";; OPT PSEUDOSECTION:", "; EDNS: version: 0, flags:; udp: 1232",
            ";; QUESTION SECTION:", _question(answer), ""]
    if answer.records:
        out += [";; ANSWER SECTION:"] + [_line(r.name, r.ttl, r.type, r.data)
                                         for r in answer.records] + [""]
    if soa:
        out += [";; AUTHORITY SECTION:"] + soa + [""]
    if answer.additional:
        out += [";; ADDITIONAL SECTION:"] + [_line(r.name, r.ttl, r.type, r.data)
                                             for r in answer.additional] + [""]
    when = _time.strftime("%a %b %d %H:%M:%S UTC %Y", _time.gmtime(int(cluster.clock.now)))
    size = 40 + sum(len(r.name) + len(r.data) + 12 for r in answer.records)
    out += [";; Query time: 0 msec", f";; SERVER: {server}#53({server}) (UDP)",
            f";; WHEN: {when}", f";; MSG SIZE  rcvd: {size}", "", ""]
    return "\n".join(out)


def _question(answer) -> str:
    return _columns([(";" + answer.qname, 0), ("IN", 32), (answer.qtype, 40)])
