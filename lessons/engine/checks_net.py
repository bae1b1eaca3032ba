"""Checks on Services, DNS and traffic: `endpoints`, `dns` and `reaches`.

They ask the simulation the way a learner's pod would: endpoints are read from the
EndpointSlices of the Service (what kube-proxy and CoreDNS use), names go through the pod's
resolver (playground.sim.resolver: search list, ndots:5), requests through kube-proxy's
rules (playground.sim.network.request).
"""

from __future__ import annotations

import copy
import re

from playground.sim import labels, network, resolver
from playground.sim.objects import get_path

from .checks_pods import is_ready, pod_labels_summary
from .feedback import say, where

_PLACEHOLDER = re.compile(r"\{(node_ip|node_port|cluster_ip|lb_ip)(?::([a-z0-9-]+))?\}")


# ---- endpoints -----------------------------------------------------------------------------


def ready_addresses(cluster, ns: str, service: str) -> list[str]:
    addresses: list[str] = []
    for s in cluster.store.list("EndpointSlice", ns):
        if (s["metadata"].get("labels") or {}).get("kubernetes.io/service-name") != service:
            continue
        for ep in s.get("endpoints") or ():
            if (ep.get("conditions") or {}).get("ready") is False:
                continue
            for ip in ep.get("addresses") or ():
                if ip not in addresses:
                    addresses.append(ip)
    return sorted(addresses)


def endpoints(cluster, params: dict, lang: str) -> tuple[bool, str]:
    ns = params.get("namespace") or "default"
    name, count = str(params["service"]), int(params["count"])
    svc = cluster.store.get("Service", ns, name)
    if svc is None:
        return False, say(lang, "no_object", kind="Service", name=name, where=where(lang, ns))
    addresses = ready_addresses(cluster, ns, name)
    if len(addresses) == count:
        return True, say(lang, "endpoints_ok", name=name, count=count,
                         addresses=", ".join(addresses) or "-")
    return False, _why_endpoints(cluster, svc, addresses, count, lang)


def _why_endpoints(cluster, svc: dict, addresses: list[str], count: int, lang: str) -> str:
    ns, name = svc["metadata"]["namespace"], svc["metadata"]["name"]
    selector = (svc.get("spec") or {}).get("selector")
    if not selector and not addresses:
        return say(lang, "endpoints_no_selector", name=name)
    text_sel = ",".join(f"{k}={v}" for k, v in sorted((selector or {}).items()))
    pods = cluster.store.list("Pod", ns)
    matched = [p for p in pods if selector and not p["metadata"].get("deletionTimestamp")
               and labels.matches(labels.from_map(selector), p["metadata"].get("labels") or {})]
    if selector and not matched:
        text = say(lang, "endpoints_none_match", name=name, selector=text_sel)
        if pods:
            text += say(lang, "your_pods_labelled",
                        labels=pod_labels_summary(pods, set(selector or {})))
        else:
            text += say(lang, "no_pods_at_all", ns=ns)
        return text + "."
    ready = sum(1 for p in matched if is_ready(p))
    if selector and ready < count and ready < len(matched):
        return say(lang, "endpoints_not_ready", name=name, matched=len(matched),
                   selector=text_sel, ready=ready)
    shown = f" ({', '.join(addresses)})" if addresses else ""
    return say(lang, "endpoints_wrong", name=name, have=len(addresses), count=count,
               addresses=shown)


# ---- DNS -----------------------------------------------------------------------------------


def _asking_pod(cluster, params: dict, lang: str) -> dict | str:
    """The pod the query or request starts from: a named running pod, or (for DNS) any pod
    of the namespace with the default ClusterFirst resolv.conf."""
    ns = params.get("namespace") or "default"
    name = params.get("pod") or params.get("from")
    if name:
        pod = cluster.store.get("Pod", ns, str(name))
        if pod is None or not get_path(pod, "status", "podIP") or \
                get_path(pod, "status", "phase") != "Running":
            return say(lang, "dns_no_pod" if "pod" in params else "reach_no_pod",
                       name=name, ns=ns)
        return pod
    if cluster.store.get("Namespace", "", ns) is None:
        return say(lang, "dns_no_namespace", ns=ns)
    return {"metadata": {"name": "dns-check", "namespace": ns}, "spec": {}}


def dns(cluster, params: dict, lang: str) -> tuple[bool, str]:
    pod = _asking_pod(cluster, params, lang)
    if isinstance(pod, str):
        return False, pod
    ns = pod["metadata"]["namespace"]
    query = str(params["name"])
    res = resolver.lookup(cluster, pod, query, "CNAME" if params["expect"] == "cname" else "A")
    passed, got = _judge_dns(cluster, params, res)
    expected = _expected_text(params, lang)
    if passed:
        return True, say(lang, "dns_ok", query=query, ns=ns, answer=got)
    tried = ", ".join(f"{s.name.rstrip('.')} ({s.rcode})" for s in res.trace) or "-"
    return False, say(lang, "dns_wrong", query=query, ns=ns, got=got, expected=expected,
                      tried=tried)


def _judge_dns(cluster, params: dict, res: resolver.Resolution) -> tuple[bool, str]:
    expect = params["expect"]
    if not res.ok:
        return expect == "nxdomain" and res.rcode == "NXDOMAIN", res.rcode
    if expect == "cname":
        cnames = [r.data.rstrip(".") for r in res.answer.records if r.type == "CNAME"]
        target = str(params.get("target", "")).rstrip(".")
        got = f"CNAME {cnames[0]}" if cnames else "A " + ", ".join(res.addresses())
        return bool(cnames) and (not target or cnames[0] == target), got
    addresses = res.addresses()
    got = ", ".join(addresses) or "NODATA"
    if expect == "nxdomain" or not addresses:
        return False, got
    idx = network.net_index(cluster)
    if expect == "cluster-ip":
        svc = idx.cluster_ips.get(addresses[0])
        if "service" in params:
            ns, name = service_ref(params)
            wanted = cluster.store.get("Service", ns, name)
            return svc is not None and wanted is not None and svc is wanted, got
        return len(addresses) == 1 and svc is not None, got
    if expect == "addresses":
        return sorted(addresses) == sorted(map(str, params.get("addresses") or ())), got
    # pod-ips
    all_pods = all(a in idx.pods_by_ip for a in addresses)
    return all_pods and ("count" not in params or len(addresses) == params["count"]), got


def service_ref(params: dict) -> tuple[str, str]:
    """`service: web` (the asking namespace) or `service: prod/web`."""
    ns, _, name = str(params["service"]).rpartition("/")
    return ns or params.get("namespace") or "default", name


def _expected_text(params: dict, lang: str) -> str:
    expect = params["expect"]
    if expect == "addresses":
        return ", ".join(map(str, params.get("addresses") or ()))
    if expect == "cluster-ip":
        key = "kind_cluster-ip" if "service" in params else "kind_cluster-ip_any"
        return say(lang, key, service=params.get("service", ""))
    if expect == "pod-ips":
        key = "kind_pod-ips" if "count" in params else "kind_pod-ips_any"
        return say(lang, key, count=params.get("count", ""))
    if expect == "cname":
        key = "kind_cname" if "target" in params else "kind_cname_any"
        return say(lang, key, target=params.get("target", ""))
    return say(lang, "kind_nxdomain")


# ---- traffic -------------------------------------------------------------------------------


def expand_url(cluster, url: str, ns: str) -> str | tuple[str, str]:
    """Fill `{node_ip}` (the first worker's InternalIP), `{node_port:svc}`, `{cluster_ip:svc}`
    and `{lb_ip:svc}`; returns (service, field) when the Service or that field is missing."""
    def value(m: re.Match) -> str:
        what, svc_name = m.group(1), m.group(2)
        if what == "node_ip":
            return _worker_ip(cluster)
        svc = cluster.store.get("Service", ns, svc_name or "")
        if what == "lb_ip":
            ip = get_path(svc or {}, "status", "loadBalancer", "ingress", 0, "ip") or ""
            if not ip:
                raise LookupError(svc_name, "status.loadBalancer.ingress")
            return ip
        if what == "cluster_ip":
            ip = get_path(svc or {}, "spec", "clusterIP") or ""
            if not ip or ip == "None":
                raise LookupError(svc_name, "clusterIP")
            return ip
        port = get_path(svc or {}, "spec", "ports", 0, "nodePort")
        if not port:
            raise LookupError(svc_name, "nodePort")
        return str(port)

    try:
        return _PLACEHOLDER.sub(value, url)
    except LookupError as exc:
        return exc.args[0] or "", exc.args[1]


def _worker_ip(cluster) -> str:
    nodes = sorted(cluster.store.list("Node"), key=lambda n: n["metadata"]["name"])
    workers = [n for n in nodes if "node-role.kubernetes.io/control-plane" not in
               (n["metadata"].get("labels") or {})] or nodes
    for addr in get_path(workers[0], "status", "addresses", default=[]) if workers else ():
        if addr.get("type") == "InternalIP":
            return addr["address"]
    return ""


def reaches(cluster, params: dict, lang: str) -> tuple[bool, str]:
    ns = params.get("namespace") or "default"
    source_name = params.get("from") or "outside"
    pod = None
    if source_name != "outside":
        pod = _asking_pod(cluster, params, lang)
        if isinstance(pod, str):
            return False, pod
    url = expand_url(cluster, str(params["url"]), ns)
    if isinstance(url, tuple):
        return False, say(lang, "reach_no_port", name=url[0], field=url[1],
                          where=where(lang, ns))
    source = say(lang, "outside") if pod is None else say(lang, "pod_source", name=source_name)
    resp = _request_without_side_effects(cluster, pod, url)
    if not resp.ok:
        why = (resp.trace[-1] if resp.trace else resp.error).rstrip(".") + "."
        text = say(lang, "reach_failed", source=source, url=url, error=resp.error, why=why)
        return False, text + _empty_service_hint(cluster, resp, lang)
    app = _answering_app(cluster, resp)
    fmt = {"source": source, "url": url, "app": app, "pod": resp.pod or "-"}
    if app != params["app"]:
        return False, say(lang, "reach_wrong_app", expected=params["app"], **fmt)
    return True, say(lang, "reach_ok", **fmt)


def _empty_service_hint(cluster, resp: network.Response, lang: str) -> str:
    """When the request hit a Service without endpoints, say why it has none."""
    idx = network.net_index(cluster)
    svc = idx.cluster_ips.get(resp.ip) or idx.lb_ips.get(resp.ip)
    if svc is None and resp.ip in idx.node_ips:
        svc = idx.node_ports.get(resp.port)
    if svc is None:
        return ""
    ns, name = svc["metadata"]["namespace"], svc["metadata"]["name"]
    if ready_addresses(cluster, ns, name):
        return ""
    return " " + _why_endpoints(cluster, svc, [], 1, lang)


def _request_without_side_effects(cluster, pod: dict | None, url: str) -> network.Response:
    # kube-proxy's random pick and ClientIP affinity draw on state kept in store.meta; a check
    # is an observer, so it puts that state back
    meta = cluster.store.meta
    saved = {k: copy.deepcopy(meta[k]) for k in ("randCounter", "netAffinity") if k in meta}
    try:
        return network.request(cluster, pod, url)
    finally:
        meta.pop("netAffinity", None)
        meta.update(saved)


def _answering_app(cluster, resp: network.Response) -> str:
    if not resp.pod:
        return ""
    ns, _, name = resp.pod.partition("/")
    pod = cluster.store.get("Pod", ns, name)
    port = int(resp.endpoint.rpartition(":")[2] or 0)
    found = network.listening_app(cluster, pod, port) if pod else None
    return found[0] if found else ""
