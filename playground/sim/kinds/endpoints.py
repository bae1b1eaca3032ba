"""Endpoints (core/v1): the Endpoints controller's output, or a user's own list for a
selector-less Service.

Models pkg/registry/core/endpoint (plain strategy, DNS-1123 subdomain names). Reading v1
Endpoints is deprecated since v1.33: the API server adds the warning WARNING below, which
the console prints on stderr.
"""

from __future__ import annotations

from ..errors import invalid, required
from ..resources import ResourceType, Strategy, register

WARNING = "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"


class EndpointsStrategy(Strategy):
    #: the warning header the API server sends with every read of v1 Endpoints (v1.33+);
    #: kubectl prints it on stderr (`kubectl get ep`, `kubectl describe ep`)
    read_warning = WARNING

    def validate(self, obj, cluster):
        errs = []
        for i, subset in enumerate(obj.get("subsets") or ()):
            for key in ("addresses", "notReadyAddresses"):
                for j, addr in enumerate(subset.get(key) or ()):
                    if not addr.get("ip"):
                        errs.append(required(f"subsets[{i}].{key}[{j}].ip"))
            ports = subset.get("ports") or []
            for j, port in enumerate(ports):
                if len(ports) > 1 and not port.get("name"):
                    errs.append(required(f"subsets[{i}].ports[{j}].name"))
                p = port.get("port")
                if not isinstance(p, int) or not 1 <= p <= 65535:
                    errs.append(invalid(f"subsets[{i}].ports[{j}].port", p,
                                        "must be between 1 and 65535, inclusive"))
        return errs


register(
    ResourceType("Endpoints", "endpoints", "endpoints", namespaced=True, short_names=("ep",)),
    EndpointsStrategy(),
)
