"""IPAddress and ServiceCIDR (networking.k8s.io/v1), the v1.33 MultiCIDRServiceAllocator's
bookkeeping: one cluster-scoped IPAddress per allocated ClusterIP (named by the IP,
`spec.parentRef` -> the Service) and the default ServiceCIDR `kubernetes` (10.96.0.0/12).

Models pkg/registry/networking/ipaddress and servicecidr (IPAddress names must be
canonical IP addresses; parentRef is immutable). In the simulation the Services remain the
truth for allocation; the apiserver controller (controllers/service.py) keeps these
objects in step, and a hand-made IPAddress reserves its IP.
"""

from __future__ import annotations

import ipaddress

from ..errors import forbidden, invalid, required
from ..resources import ResourceType, Strategy, register


class IPAddressStrategy(Strategy):
    def validate_name(self, name: str) -> list[str]:
        try:
            canonical = str(ipaddress.ip_address(name))
        except ValueError:
            return ["must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"]
        if canonical != name:
            return [f"must be in canonical form ({canonical!r})"]
        return []

    def validate(self, obj, cluster):
        ref = (obj.get("spec") or {}).get("parentRef")
        if not ref:
            return [required("spec.parentRef")]
        errs = []
        for key in ("resource", "name"):
            if not ref.get(key):
                errs.append(required(f"spec.parentRef.{key}"))
        return errs

    def validate_update(self, obj, old, cluster):
        errs = self.validate(obj, cluster)
        if (obj.get("spec") or {}).get("parentRef") != (old.get("spec") or {}).get("parentRef"):
            errs.append(invalid("spec.parentRef", "", "field is immutable"))
        return errs


class ServiceCIDRStrategy(Strategy):
    status_subresource = True

    def validate(self, obj, cluster):
        cidrs = (obj.get("spec") or {}).get("cidrs") or []
        if not cidrs:
            return [required("spec.cidrs")]
        errs = []
        for i, cidr in enumerate(cidrs):
            try:
                ipaddress.ip_network(cidr)
            except ValueError:
                errs.append(invalid(f"spec.cidrs[{i}]", cidr, "must be a valid CIDR value, "
                                    "(e.g. 10.9.8.0/24 or 2001:db8::/64)"))
        return errs

    def validate_update(self, obj, old, cluster):
        errs = self.validate(obj, cluster)
        if (obj.get("spec") or {}).get("cidrs") != (old.get("spec") or {}).get("cidrs"):
            errs.append(forbidden("spec.cidrs", "field is immutable"))
        return errs


register(
    ResourceType("IPAddress", "ipaddresses", "ipaddress", namespaced=False,
                 group="networking.k8s.io", short_names=("ip",)),
    IPAddressStrategy(),
)
register(
    ResourceType("ServiceCIDR", "servicecidrs", "servicecidr", namespaced=False,
                 group="networking.k8s.io", subresources=("status",)),
    ServiceCIDRStrategy(),
)
