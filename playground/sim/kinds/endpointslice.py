"""EndpointSlice (discovery.k8s.io/v1).

Models pkg/registry/discovery/endpointslice (DNS-1123 subdomain names, `addressType`
required and immutable: IPv4, IPv6 or FQDN; at most 1000 endpoints and 100 ports).
"""

from __future__ import annotations

from ..errors import invalid, not_supported, required
from ..resources import ResourceType, Strategy, register

ADDRESS_TYPES = ["FQDN", "IPv4", "IPv6"]


class EndpointSliceStrategy(Strategy):
    uses_generation = True

    def generation_changed(self, obj, old):
        strip = ("metadata", "apiVersion", "kind")
        return {k: v for k, v in obj.items() if k not in strip} != {
            k: v for k, v in old.items() if k not in strip}

    def validate(self, obj, cluster):
        errs = []
        at = obj.get("addressType")
        if not at:
            errs.append(required("addressType"))
        elif at not in ADDRESS_TYPES:
            errs.append(not_supported("addressType", at, ADDRESS_TYPES))
        for i, ep in enumerate(obj.get("endpoints") or ()):
            if not ep.get("addresses"):
                errs.append(required(f"endpoints[{i}].addresses", "must contain at least 1 "
                                     "address"))
        return errs

    def validate_update(self, obj, old, cluster):
        errs = self.validate(obj, cluster)
        if obj.get("addressType") != old.get("addressType"):
            errs.append(invalid("addressType", obj.get("addressType"), "field is immutable"))
        return errs


register(
    ResourceType("EndpointSlice", "endpointslices", "endpointslice", namespaced=True,
                 group="discovery.k8s.io"),
    EndpointSliceStrategy(),
)
