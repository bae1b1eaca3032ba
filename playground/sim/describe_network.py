"""`kubectl describe` for Services, Endpoints and EndpointSlices (describe.go describeService,
describeEndpoints, describeEndpointSliceV1)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import printers
from .describe import Writer, annotations_multiline, describe_events, events_for, labels_multiline
from .objects import get_path

if TYPE_CHECKING:
    from .cluster import Cluster


def _header(w: Writer, obj: dict) -> None:
    meta = obj["metadata"]
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    labels_multiline(w, "Labels", meta.get("labels"))
    annotations_multiline(w, "Annotations", meta.get("annotations"))


# ---- networking -------------------------------------------------------------------------------


def _slice_endpoints(cluster: Cluster, svc: dict, port_name: str) -> str:
    """formatEndpointSlices: ready addresses with the port of that name, first three."""
    ns, name = svc["metadata"].get("namespace", ""), svc["metadata"]["name"]
    shown: list[str] = []
    count = 0
    for eps in cluster.store.list("EndpointSlice", ns):
        if (eps["metadata"].get("labels") or {}).get("kubernetes.io/service-name") != name:
            continue
        ports = [p for p in eps.get("ports") or [] if (p.get("name") or "") == port_name]
        for port in ports or ([None] if not eps.get("ports") else []):
            for ep in eps.get("endpoints") or []:
                if (ep.get("conditions") or {}).get("ready") is False:
                    continue
                for addr in ep.get("addresses") or []:
                    count += 1
                    if len(shown) < 3:
                        shown.append(addr if port is None else f"{addr}:{port.get('port')}")
    text = ",".join(shown)
    return f"{text} + {count - 3} more..." if count > 3 else text


def describe_service(cluster: Cluster, svc: dict, now: float) -> str:
    w = Writer()
    spec = svc.get("spec") or {}
    _header(w, svc)
    w.write(0, f"Selector:\t{printers.format_labels(spec.get('selector'))}\n")
    w.write(0, f"Type:\t{spec.get('type', '')}\n")
    if spec.get("ipFamilyPolicy"):
        w.write(0, f"IP Family Policy:\t{spec['ipFamilyPolicy']}\n")
    w.write(0, f"IP Families:\t{','.join(spec.get('ipFamilies') or []) or '<none>'}\n")
    w.write(0, f"IP:\t{spec.get('clusterIP', '')}\n")
    w.write(0, f"IPs:\t{','.join(spec.get('clusterIPs') or []) or '<none>'}\n")
    if spec.get("externalIPs"):
        w.write(0, f"External IPs:\t{','.join(spec['externalIPs'])}\n")
    if spec.get("externalName"):
        w.write(0, f"External Name:\t{spec['externalName']}\n")
    ingress = get_path(svc, "status", "loadBalancer", "ingress", default=[])
    if ingress:
        text = ", ".join(i.get("ip") + (f" ({i['ipMode']})" if i.get("ipMode") else "")
                         if i.get("ip") else i.get("hostname", "") for i in ingress)
        w.write(0, f"LoadBalancer Ingress:\t{text}\n")
    for p in spec.get("ports") or []:
        name, proto = p.get("name") or "<unset>", p.get("protocol", "TCP")
        w.write(0, f"Port:\t{name}\t{p.get('port')}/{proto}\n")
        w.write(0, f"TargetPort:\t{p.get('targetPort', p.get('port'))}/{proto}\n")
        if p.get("nodePort"):
            w.write(0, f"NodePort:\t{name}\t{p['nodePort']}/{proto}\n")
        w.write(0, f"Endpoints:\t{_slice_endpoints(cluster, svc, p.get('name') or '')}\n")
    w.write(0, f"Session Affinity:\t{spec.get('sessionAffinity', '')}\n")
    if spec.get("externalTrafficPolicy"):
        w.write(0, f"External Traffic Policy:\t{spec['externalTrafficPolicy']}\n")
    if spec.get("internalTrafficPolicy"):
        w.write(0, f"Internal Traffic Policy:\t{spec['internalTrafficPolicy']}\n")
    describe_events(w, events_for(cluster, svc), now)
    return w.text()


def describe_endpoints(cluster: Cluster, ep: dict, now: float) -> str:
    w = Writer()
    _header(w, ep)
    w.write(0, "Subsets:\n")
    for ss in ep.get("subsets") or []:
        ready = ",".join(a.get("ip", "") for a in ss.get("addresses") or []) or "<none>"
        not_ready = ",".join(a.get("ip", "") for a in ss.get("notReadyAddresses") or [])
        w.write(1, f"Addresses:\t{ready}\n")
        w.write(1, f"NotReadyAddresses:\t{not_ready or '<none>'}\n")
        if ss.get("ports"):
            w.write(1, "Ports:\n")
            w.write(2, "Name\tPort\tProtocol\n")
            w.write(2, "----\t----\t--------\n")
            for p in ss["ports"]:
                w.write(2, f"{p.get('name') or '<unset>'}\t{p.get('port')}\t"
                           f"{p.get('protocol', 'TCP')}\n")
        w.write(0, "\n")
    describe_events(w, events_for(cluster, ep), now)
    return w.text()


def describe_endpointslice(cluster: Cluster, eps: dict, now: float) -> str:
    w = Writer()
    _header(w, eps)
    w.write(0, f"AddressType:\t{eps.get('addressType', '')}\n")
    if not eps.get("ports"):
        w.write(0, "Ports: <unset>\n")
    else:
        w.write(0, "Ports:\n")
        w.write(1, "Name\tPort\tProtocol\n")
        w.write(1, "----\t----\t--------\n")
        for p in eps["ports"]:
            port = p.get("port")
            w.write(1, f"{p.get('name') or '<unset>'}\t{'<unset>' if port is None else port}\t"
                       f"{p.get('protocol', 'TCP')}\n")
    if not eps.get("endpoints"):
        w.write(0, "Endpoints: <none>\n")
    else:
        w.write(0, "Endpoints:\n")
        for ep in eps["endpoints"]:
            w.write(1, f"- Addresses:\t{', '.join(ep.get('addresses') or []) or '<none>'}\n")
            w.write(2, "Conditions:\n")
            ready = (ep.get("conditions") or {}).get("ready")
            w.write(3, f"Ready:\t{'<unset>' if ready is None else str(ready).lower()}\n")
            w.write(2, f"Hostname:\t{ep.get('hostname', '<unset>')}\n")
            if ep.get("targetRef"):
                w.write(2, f"TargetRef:\t{ep['targetRef'].get('kind')}/"
                           f"{ep['targetRef'].get('name')}\n")
            w.write(2, f"NodeName:\t{ep.get('nodeName', '<unset>')}\n")
            w.write(2, f"Zone:\t{ep.get('zone', '<unset>')}\n")
    describe_events(w, events_for(cluster, eps), now)
    return w.text()


DESCRIBERS = {"Service": describe_service, "Endpoints": describe_endpoints,
              "EndpointSlice": describe_endpointslice}
