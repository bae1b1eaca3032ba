"""busybox <= 1.28's `nslookup`: the old applet the Kubernetes DNS-debugging page shows.

Models busybox 1.28 networking/nslookup.c: it resolves through the libc resolver
(getaddrinfo, so resolv.conf's search list applies) and prints each address with its reverse
name: `printf("%-10s %s\\n", header, host)` then `Address N: <ip>[ <ptr name>]` for the
nameserver and for the name. A failed lookup prints `nslookup: can't resolve '<name>'` and
exits 1. busybox 1.29 replaced the applet with the one net_tools.nslookup prints.
"""

from __future__ import annotations

from ..dns import reverse_name
from ..images import lookup as image_lookup
from ..resolver import lookup, resolv_conf


def is_old_busybox(container: dict) -> bool:
    image = image_lookup(container.get("image", ""))
    if image is None or image.app != "busybox" or not image.version:
        return False
    parts = tuple(int(p) for p in image.version.split(".")[:2] if p.isdigit())
    return parts < (1, 29)


def _ptr(cluster, pod: dict, ip: str) -> str | None:
    res = lookup(cluster, pod, reverse_name(ip) + ".", "PTR")
    records = [r for r in (res.answer.records if res.ok else []) if r.type == "PTR"]
    return records[0].data.rstrip(".") if records else None


def _host_block(header: str, host: str, addresses: list[tuple[str, str | None]]) -> str:
    out = f"{header:<10} {host}\n"
    for i, (ip, name) in enumerate(addresses, 1):
        out += f"Address {i}: {ip}" + (f" {name}\n" if name else "\n")
    return out


def nslookup_old(cluster, pod: dict, name: str) -> tuple[str, int]:
    conf = resolv_conf(pod)
    server = conf.nameservers[0] if conf.nameservers else "127.0.0.1"
    out = _host_block("Server:", server, [(server, _ptr(cluster, pod, server))]) + "\n"
    res = lookup(cluster, pod, name, "A")
    if not res.ok:
        return out + f"nslookup: can't resolve '{name}'\n", 1
    addresses = [(ip, _ptr(cluster, pod, ip)) for ip in res.addresses()]
    return out + _host_block("Name:", name, addresses), 0
