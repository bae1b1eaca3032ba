"""The data plane: what happens to a TCP connection from a pod (or from outside) to a host:port.

Models kube-proxy in iptables mode (pkg/proxy/iptables/proxier.go, pkg/proxy/topology.go
CategorizeEndpoints): a ClusterIP:port, a node IP:nodePort (every node) and a load-balancer
IP:port pick one endpoint at random among the *ready* ones (falling back to
serving+terminating ones when none is ready); `sessionAffinity: ClientIP` pins a client to
its endpoint for `timeoutSeconds`; no endpoints -> REJECT (connection refused);
`externalTrafficPolicy: Local` with no endpoint on the receiving node and
`internalTrafficPolicy: Local` with none on the client's node -> DROP (timeout). Headless
and ExternalName Services get no rules: their DNS names lead to pod IPs or other hosts.
A pod IP reaches the pod directly; a port nobody listens on is refused.

SIM: pod networking is flat and always up; the learner's laptop sits on the nodes' lab
network (172.18.0.1) and can reach node IPs and load-balancer IPs, not ClusterIPs or pod
IPs; a few public hosts answer (dns.UPSTREAM) with a placeholder page. Session-affinity
entries (kube-proxy's `recent` table, kernel state) are kept in store.meta["netAffinity"].
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import apps, dns, resolver
from .images import lookup as image_lookup
from .objects import get_path, parse_time
from .programs import program

if TYPE_CHECKING:
    from .cluster import Cluster

OUTSIDE_IP = "172.18.0.1"
TLS_APPS = ("kube-apiserver",)
FAILURES = {"refused": "Connection refused", "timeout": "Connection timed out",
            "resolve": "Could not resolve host", "empty": "Empty reply from server",
            "ssl": "TLS handshake failed"}
KUBELET_PORT = 10250


@dataclass
class Response:
    ok: bool
    url: str
    status: int = 0
    reason: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    error: str = ""  # resolve | refused | timeout | empty | ssl
    host: str = ""
    ip: str = ""  # the address the client connected to (a ClusterIP, node IP, pod IP ...)
    port: int = 0
    endpoint: str = ""  # ip:port of the backend that got the connection
    pod: str = ""  # namespace/name of the pod that answered
    trace: list[str] = field(default_factory=list)
    resolution: resolver.Resolution | None = None
    user_agent: str = ""  # what the client tool sends (demo servers echo it)

    def trace_text(self) -> str:
        return "\n".join(self.trace)

    @property
    def failure(self) -> str:
        """The connection failure as a client reports it ("" when a reply came back)."""
        return FAILURES.get(self.error, "")


@dataclass
class Url:
    scheme: str
    host: str
    port: int
    path: str
    query: str

    @classmethod
    def parse(cls, text: str, port: int | None = None) -> Url:
        scheme, _, rest = text.rpartition("://")
        scheme = (scheme or "http").lower()
        hostport, slash, tail = rest.partition("/")
        path, _, query = ("/" + tail if slash else "/").partition("?")
        host, colon, p = hostport.rpartition(":") if ":" in hostport else (hostport, "", "")
        default = 443 if scheme == "https" else 80
        number = int(p) if colon and p.isdigit() else (port or default)
        return cls(scheme, host, number, path, query)


# ---- indexes over the store (rebuilt when the store moved on) --------------------------------


@dataclass
class NetIndex:
    pods_by_ip: dict[str, dict]
    host_pods: dict[str, list[dict]]  # node name -> its hostNetwork pods (they use the node IP)
    node_ips: dict[str, str]  # ip -> node name
    cluster_ips: dict[str, dict]
    node_ports: dict[int, dict]
    lb_ips: dict[str, dict]
    slices: dict[tuple[str, str], list[dict]]


def net_index(cluster: Cluster) -> NetIndex:
    rv = cluster.store.meta["resourceVersion"]
    cached = cluster.cache.get("net.index")
    if cached is not None and cached[0] == rv:
        return cached[1]
    idx = NetIndex({}, {}, {}, {}, {}, {}, {})
    for pod in cluster.store.list("Pod"):
        ip = get_path(pod, "status", "podIP")
        if not ip or get_path(pod, "status", "phase") in ("Succeeded", "Failed"):
            continue
        if get_path(pod, "spec", "hostNetwork"):
            idx.host_pods.setdefault(get_path(pod, "spec", "nodeName", default=""), []).append(pod)
        else:
            idx.pods_by_ip[ip] = pod
    for node in cluster.store.list("Node"):
        for addr in get_path(node, "status", "addresses", default=[]):
            if addr.get("type") == "InternalIP":
                idx.node_ips[addr["address"]] = node["metadata"]["name"]
    for svc in cluster.store.list("Service"):
        _index_service(idx, svc)
    for s in cluster.store.list("EndpointSlice"):
        name = (s["metadata"].get("labels") or {}).get("kubernetes.io/service-name")
        if name:
            idx.slices.setdefault((s["metadata"]["namespace"], name), []).append(s)
    cluster.cache["net.index"] = (rv, idx)
    return idx


def _index_service(idx: NetIndex, svc: dict) -> None:
    spec = svc["spec"]
    if spec.get("type") == "ExternalName" or spec.get("clusterIP") in (None, "", "None"):
        return
    idx.cluster_ips[spec["clusterIP"]] = svc
    for port in spec.get("ports") or ():
        if port.get("nodePort"):
            idx.node_ports[port["nodePort"]] = svc
    for ingress in get_path(svc, "status", "loadBalancer", "ingress", default=[]):
        if ingress.get("ip"):
            idx.lb_ips[ingress["ip"]] = svc
    for ip in spec.get("externalIPs") or ():
        idx.lb_ips.setdefault(ip, svc)  # kube-proxy treats externalIPs like LB ingress IPs


# ---- the request ---------------------------------------------------------------------------


def request(cluster: Cluster, from_pod: dict | None, url: str, port: int | None = None, *,
            user_agent: str = "") -> Response:
    """One HTTP request: from a pod (`from_pod`) or from outside the cluster (None)."""
    u = Url.parse(url, port)
    resp = Response(False, url, host=u.host, port=u.port, user_agent=user_agent)
    if from_pod is not None and (u.host == "localhost" or u.host.startswith("127.")):
        # the pod's own network namespace: its containers answer on the loopback
        resp.ip = "127.0.0.1" if u.host == "localhost" else u.host
        resp.trace.append(f"{u.host} is the pod's loopback: its own containers answer")
        return _deliver(cluster, from_pod, u, Target(resp.ip, u.port, pod=from_pod), resp)
    ip = _resolve_host(cluster, from_pod, u.host, resp)
    if not ip:
        return resp
    resp.ip = ip
    target = route(cluster, from_pod, ip, u.port, resp)
    if target is None:
        return resp
    return _deliver(cluster, from_pod, u, target, resp)


def _resolve_host(cluster: Cluster, from_pod: dict | None, host: str, resp: Response) -> str:
    if _is_ip(host):
        return host
    if from_pod is None:
        answer = dns.upstream(host.rstrip(".") + ".", "A")
        if answer.ok:
            resp.trace.append(f"DNS (your machine): {host} -> {answer.addresses()[0]}")
            return answer.addresses()[0]
        resp.error = "resolve"
        resp.trace.append(f"DNS (your machine): {host} -> NXDOMAIN (cluster names only resolve "
                          "inside pods)")
        return ""
    res = resolver.lookup(cluster, from_pod, host)
    resp.resolution = res
    resp.trace.extend("DNS " + line.strip() for line in res.trace_text().splitlines())
    if not res.ok or not res.addresses():
        # a DNS timeout ends like NXDOMAIN for the client: getaddrinfo fails (EAI_AGAIN)
        resp.error = "resolve"
        return ""
    addresses = res.addresses()
    # CoreDNS' `loadbalance` plugin shuffles the A records; the client takes the first
    return addresses[0] if len(addresses) == 1 else cluster.rand.choice(addresses)


def _is_ip(host: str) -> bool:
    parts = host.split(".")
    return len(parts) == 4 and all(p.isdigit() and int(p) < 256 for p in parts)


@dataclass
class Target:
    ip: str
    port: int
    pod: dict | None = None
    app: str = ""  # for non-pod targets (the apiserver, the internet)


def route(cluster: Cluster, from_pod: dict | None, ip: str, port: int,
          resp: Response) -> Target | None:
    """kube-proxy's rules, then the flat pod network."""
    idx = net_index(cluster)
    inside = from_pod is not None
    if ip in idx.cluster_ips:
        if not inside:
            return _fail(resp, "timeout", f"{ip} is a ClusterIP: reachable only inside the "
                                          "cluster")
        return _via_service(cluster, idx, from_pod, idx.cluster_ips[ip], "port", port, resp,
                            None)
    if ip in idx.lb_ips:
        return _via_service(cluster, idx, from_pod, idx.lb_ips[ip], "port", port, resp, None,
                            external=True)
    if ip in idx.node_ips:
        node = idx.node_ips[ip]
        if port in idx.node_ports:
            return _via_service(cluster, idx, from_pod, idx.node_ports[port], "nodePort", port,
                                resp, node, external=True)
        target = node_target(cluster, idx, ip, port)
        if target is not None:
            return target
        return _fail(resp, "refused", f"nothing listens on node {node} port {port} (NodePorts "
                                      "are 30000-32767)")
    if ip in idx.pods_by_ip:
        if not inside:
            return _fail(resp, "timeout", f"{ip} is a pod IP: not routable from outside")
        return Target(ip, port, pod=idx.pods_by_ip[ip])
    if ip in dns.UPSTREAM.values() and port in (80, 443):
        resp.trace.append(f"{ip} is on the internet (simulated)")
        return Target(ip, port, app="internet")
    return _fail(resp, "timeout", f"no host answers at {ip}")


def _apiserver_ip(cluster: Cluster) -> str | None:
    from .networking_bootstrap import apiserver_ip

    return apiserver_ip(cluster)


def _fail(resp: Response, error: str, why: str) -> None:
    resp.error = error
    resp.trace.append(why)
    return None


def _via_service(cluster: Cluster, idx: NetIndex, from_pod: dict | None, svc: dict, field_: str,
                 port: int, resp: Response, node: str | None, *, external: bool = False):
    meta, spec = svc["metadata"], svc["spec"]
    sp = next((p for p in spec.get("ports") or () if p.get(field_) == port and
               p.get("protocol", "TCP") == "TCP"), None)
    where = f"Service {meta['namespace']}/{meta['name']}"
    if sp is None:
        return _fail(resp, "timeout", f"{resp.ip}:{port}: {where} has no TCP port {port}: no "
                                      "kube-proxy rule, the packet goes nowhere")
    endpoints = usable_endpoints(idx, svc, sp)
    label = f"{meta['namespace']}/{meta['name']}:{sp.get('name') or sp['port']}"
    if not endpoints:
        return _fail(resp, "refused", f"kube-proxy: {where} port {sp['port']}: REJECT "
                                      f"(\"{label} has no endpoints\")")
    local_node = node if external else get_path(from_pod or {}, "spec", "nodeName")
    policy = spec.get("externalTrafficPolicy") if external and node else (
        None if external else spec.get("internalTrafficPolicy"))
    if policy == "Local":
        endpoints = [e for e in endpoints if e[2] == local_node]
        if not endpoints:
            return _fail(resp, "timeout", f"kube-proxy: {where} has traffic policy Local and no "
                                          f"endpoint on {local_node}: DROP "
                                          f"(\"{label} has no local endpoints\")")
    ip, tport, _node, why = choose(cluster, svc, sp, endpoints, _client_ip(from_pod, node))
    resp.trace.append(f"kube-proxy: {resp.ip}:{port} is {where} port {sp['port']} -> "
                      f"{len(endpoints)} usable endpoint(s): "
                      + ", ".join(f"{e[0]}:{e[1]}" for e in endpoints)
                      + f"; {why} {ip}:{tport}")
    if ip in idx.node_ips:
        return node_target(cluster, idx, ip, tport) or Target(ip, tport)
    return Target(ip, tport, pod=idx.pods_by_ip.get(ip))


def node_target(cluster: Cluster, idx: NetIndex, ip: str, port: int) -> Target | None:
    """A node's own address: a hostNetwork pod serving the port (the kube-apiserver static
    pod on 6443), or the apiserver itself when static pods are not modelled."""
    for pod in idx.host_pods.get(idx.node_ips[ip], ()):
        if listening_app(cluster, pod, port):
            return Target(ip, port, pod=pod)
    if ip == _apiserver_ip(cluster) and port == 6443:
        return Target(ip, port, app="kube-apiserver")
    return None


def _client_ip(from_pod: dict | None, node: str | None) -> str:
    if from_pod is not None:
        return get_path(from_pod, "status", "podIP", default="") or OUTSIDE_IP
    return OUTSIDE_IP


def usable_endpoints(idx: NetIndex, svc: dict, sp: dict) -> list[tuple[str, int, str, bool]]:
    """CategorizeEndpoints: ready ones, else serving+terminating ones.
    Entries are (ip, port, node, ready)."""
    meta = svc["metadata"]
    ready, terminating = [], []
    for s in idx.slices.get((meta["namespace"], meta["name"]), ()):
        sport = next((p for p in s.get("ports") or () if p.get("name", "") == sp.get("name", "")
                      and p.get("protocol", "TCP") == sp.get("protocol", "TCP")), None)
        if sport is None:
            continue
        for ep in s.get("endpoints") or ():
            cond = ep.get("conditions") or {}
            entry = (ep["addresses"][0], sport["port"], ep.get("nodeName", ""),
                     cond.get("ready") is not False)
            if cond.get("ready") is not False:
                ready.append(entry)
            elif cond.get("serving") and cond.get("terminating"):
                terminating.append(entry)
    return sorted(ready or terminating)


def choose(cluster: Cluster, svc: dict, sp: dict, endpoints: list, client_ip: str):
    """Random pick (iptables --probability 1/n chain), or the ClientIP affinity entry."""
    spec = svc["spec"]
    now = cluster.clock.now
    if spec.get("sessionAffinity") == "ClientIP":
        timeout = get_path(spec, "sessionAffinityConfig", "clientIP", "timeoutSeconds",
                           default=10800)
        table = cluster.store.meta.setdefault("netAffinity", {})
        if len(table) > 1000:  # forget expired entries, as the kernel's `recent` list does
            for k in [k for k, v in table.items() if now - v[1] > 86400]:
                del table[k]
        key = f"{svc['metadata']['uid']}/{sp['port']}/{client_ip}"
        entry = table.get(key)
        if entry and now - entry[1] <= timeout:
            hit = next((e for e in endpoints if e[0] == entry[0]), None)
            if hit:
                table[key] = [hit[0], now]
                return (*hit[:3], f"sessionAffinity ClientIP: {client_ip} stays on")
        hit = cluster.rand.choice(endpoints)
        table[key] = [hit[0], now]
        return (*hit[:3], f"sessionAffinity ClientIP: {client_ip} is pinned (for {timeout}s) to")
    hit = cluster.rand.choice(endpoints)
    return (*hit[:3], f"picked at random (1 in {len(endpoints)})")


# ---- delivery ------------------------------------------------------------------------------


def listening_app(cluster: Cluster, pod: dict, port: int) -> tuple[str, str, float] | None:
    """(app, version, started_at) of the running container serving `port` in `pod`."""
    statuses = {s["name"]: s for s in get_path(pod, "status", "containerStatuses", default=[])}
    for container in get_path(pod, "spec", "containers", default=[]):
        started = get_path(statuses.get(container["name"], {}), "state", "running", "startedAt")
        if not started:
            continue
        image = image_lookup(container.get("image", ""))
        if image is None:
            continue
        env = {e["name"]: e.get("value", "") for e in container.get("env") or () if "name" in e}
        app = program(container, image, env).listens.get(port)
        if app:
            return app, image.version, parse_time(started)
    return None


def _deliver(cluster: Cluster, from_pod: dict | None, u: Url, target: Target,
             resp: Response) -> Response:
    resp.endpoint = f"{target.ip}:{target.port}"
    now = cluster.clock.now
    client = _client_ip(from_pod, None)
    if target.pod is None:
        req = apps.Request(u.path, u.query, "", client, now, now, https=u.scheme == "https")
        return _reply(resp, apps.respond(target.app, req), target.app)
    pod = target.pod
    name = f"{pod['metadata']['namespace']}/{pod['metadata']['name']}"
    node = get_path(pod, "spec", "nodeName", default="")
    if node and not _node_running(cluster, node):
        return _fail_resp(resp, "timeout", f"pod {name} is on node {node}, which is down")
    found = listening_app(cluster, pod, target.port)
    if found is None:
        return _fail_resp(resp, "refused", f"pod {name} ({target.ip}) on {node or '?'}: no "
                                           f"running container listens on port {target.port}")
    app, version, started = found
    if u.scheme == "https" and app not in TLS_APPS:
        return _fail_resp(resp, "ssl", f"{app} on port {target.port} speaks plain HTTP: the TLS "
                                       "handshake fails")
    resp.pod = name
    resp.trace.append(f"pod {name} ({target.ip}) on {node}: {app} answers on port "
                      f"{target.port}")
    words, env = _container_words(pod)
    req = apps.Request(u.path, u.query, pod["metadata"]["name"], client, now, started,
                       version, https=u.scheme == "https", host=_host_header(u),
                       user_agent=resp.user_agent or "curl/8.14.1",
                       pod_ip=get_path(pod, "status", "podIP", default="") or "",
                       args=words, env=env)
    return _reply(resp, apps.respond(app, req), app)


def _host_header(u: Url) -> str:
    default = 443 if u.scheme == "https" else 80
    return u.host if u.port == default else f"{u.host}:{u.port}"


def _container_words(pod: dict) -> tuple[tuple[str, ...], dict[str, str]]:
    """Every container's command + args and literal env values (what demo servers read)."""
    words: list[str] = []
    env: dict[str, str] = {}
    for c in get_path(pod, "spec", "containers", default=[]) or []:
        words += [str(w) for w in (c.get("command") or []) + (c.get("args") or [])]
        env.update({e["name"]: str(e["value"]) for e in c.get("env") or []
                    if "value" in e and "name" in e})
    return tuple(words), env


def _node_running(cluster: Cluster, node: str) -> bool:
    try:
        from .nodes import node_is_running
    except ImportError:
        return True
    try:
        return node_is_running(cluster, node)
    except Exception:  # noqa: BLE001 - an unknown node is simply not running
        return False


def _fail_resp(resp: Response, error: str, why: str) -> Response:
    _fail(resp, error, why)
    return resp


def _reply(resp: Response, reply: apps.HttpReply, app: str) -> Response:
    if not reply.http:
        return _fail_resp(resp, "empty", f"{app} does not speak HTTP: empty reply")
    resp.ok = True
    resp.status, resp.reason = reply.status, reply.reason
    resp.headers, resp.body = reply.headers, reply.body
    resp.trace.append(f"reply: HTTP/1.1 {reply.status} {reply.reason}")
    return resp
