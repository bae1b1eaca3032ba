"""The kinds the simulated API server serves, and the per-kind strategy hooks.

Models the registry strategies of the real API server
(k8s.io/apiserver/pkg/registry/rest: RESTCreateStrategy, RESTUpdateStrategy,
RESTGracefulDeleteStrategy) and the discovery data kubectl reads
(`kubectl api-resources`). Each kind module in `playground.sim.kinds` calls
`register(ResourceType(...), SomeStrategy())` at import time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .errors import FieldError

if TYPE_CHECKING:
    from .cluster import Cluster


@dataclass(frozen=True)
class ResourceType:
    kind: str
    plural: str
    singular: str
    namespaced: bool
    group: str = ""
    version: str = "v1"
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    verbs: tuple[str, ...] = (
        "create", "delete", "deletecollection", "get", "list", "patch", "update", "watch",
    )
    subresources: tuple[str, ...] = ()
    internal: bool = False  # simulation bookkeeping, never served by the API

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def resource(self) -> str:
        """Group-qualified plural used in error messages: `pods`, `deployments.apps`."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    @property
    def qualified_kind(self) -> str:
        """Kind as Invalid errors print it: `Service`, `Deployment.apps`."""
        return f"{self.kind}.{self.group}" if self.group else self.kind


class Strategy:
    """Per-kind behaviour of the API server. Every hook has a harmless default.

    Hooks receive plain dicts they may mutate (the API server hands them private
    copies) and the cluster (for lookups, allocation, the clock and randomness).
    """

    #: whether metadata.generation is maintained (Deployment yes, Pod/Service no in v1.33)
    uses_generation: bool = False
    #: whether `status` is a subresource (main-resource writes keep the old status)
    status_subresource: bool = False
    #: whether updates without a resourceVersion are allowed (AllowUnconditionalUpdate)
    allow_unconditional_update: bool = True

    def validate_name(self, name: str) -> list[str]:
        """Messages for an invalid `metadata.name` (empty list when fine)."""
        from .validation import is_dns1123_subdomain

        return is_dns1123_subdomain(name)

    def prepare_for_create(self, obj: dict, cluster: Cluster) -> None:
        """Reset fields a client may not set on create (e.g. status)."""
        if self.status_subresource:
            obj.pop("status", None)

    def prepare_for_update(self, obj: dict, old: dict, cluster: Cluster) -> None:
        """Main-resource update: keep the stored status when status is a subresource."""
        if self.status_subresource:
            if "status" in old:
                obj["status"] = old["status"]
            else:
                obj.pop("status", None)

    def prepare_for_status_update(self, obj: dict, old: dict, cluster: Cluster) -> None:
        """Status update: keep everything but status (and metadata labels/annotations)."""
        for key in list(obj):
            if key not in ("metadata", "status", "apiVersion", "kind"):
                obj.pop(key)
        for key, value in old.items():
            if key not in ("metadata", "status", "apiVersion", "kind"):
                obj[key] = value

    def prepare_for_subresource_update(
        self, subresource: str, obj: dict, old: dict, cluster: Cluster
    ) -> None:
        """Updates through another subresource (pods/binding, namespaces/finalize). The
        kind's strategy overrides this for the subresources it serves."""
        from .errors import NotFound

        raise NotFound(f"{REGISTRY.get(old['kind']).plural}/{subresource}", old["metadata"]["name"])

    def should_delete_during_update(self, obj: dict, old: dict) -> bool:
        """rest.ShouldDeleteDuringUpdate: the last finalizer of a deleting object is gone."""
        meta, old_meta = obj["metadata"], old["metadata"]
        return (not meta.get("finalizers") and bool(old_meta.get("finalizers"))
                and bool(meta.get("deletionTimestamp"))
                and not meta.get("deletionGracePeriodSeconds"))

    def default(self, obj: dict, cluster: Cluster) -> None:
        """SetDefaults_<Kind>."""

    def admit(self, obj: dict, old: dict | None, cluster: Cluster) -> None:
        """Mutating admission after defaulting (e.g. DefaultTolerationSeconds). May raise."""

    def validate(self, obj: dict, cluster: Cluster) -> list[FieldError]:
        return []

    def validate_update(self, obj: dict, old: dict, cluster: Cluster) -> list[FieldError]:
        return self.validate(obj, cluster)

    def validate_status_update(self, obj: dict, old: dict, cluster: Cluster) -> list[FieldError]:
        return []

    def generation_changed(self, obj: dict, old: dict) -> bool:
        return obj.get("spec") != old.get("spec")

    def allocate(self, obj: dict, old: dict | None, cluster: Cluster, dry_run: bool) -> None:
        """Allocate cluster resources (ClusterIPs, node ports). May raise Invalid."""

    def release(self, obj: dict, cluster: Cluster) -> None:
        """Release what `allocate` took, when the object is finally removed."""

    def graceful_delete_seconds(self, obj: dict, requested: int | None) -> int:
        """Grace period for a DELETE; 0 removes at once (unless finalizers hold it)."""
        return 0

    def default_propagation(self) -> str:
        return "Background"


@dataclass
class Registry:
    types: dict[str, ResourceType] = field(default_factory=dict)
    strategies: dict[str, Strategy] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)

    def register(self, rt: ResourceType, strategy: Strategy | None = None) -> None:
        self.types[rt.kind] = rt
        self.strategies[rt.kind] = strategy or Strategy()
        names = {rt.kind.lower(), rt.plural, rt.singular, *rt.short_names}
        for name in names:
            self.aliases[name] = rt.kind
            if rt.group:
                self.aliases[f"{name}.{rt.group}"] = rt.kind
                self.aliases[f"{name}.{rt.version}.{rt.group}"] = rt.kind

    def get(self, kind: str) -> ResourceType:
        return self.types[kind]

    def strategy(self, kind: str) -> Strategy:
        return self.strategies[kind]

    def resolve(self, name: str, *, include_internal: bool = False) -> ResourceType | None:
        """Find a kind by what a user types: `po`, `pods`, `Pod`, `deploy`, `deployments.apps`.
        Internal kinds are found only by the simulation itself (`include_internal`)."""
        kind = self.aliases.get(name) or self.aliases.get(name.lower())
        rt = self.types.get(kind) if kind else None
        if rt is not None and rt.internal and not include_internal:
            return None
        return rt

    def served(self) -> list[ResourceType]:
        return [rt for rt in self.types.values() if not rt.internal]


REGISTRY = Registry()


def register(rt: ResourceType, strategy: Strategy | None = None) -> None:
    REGISTRY.register(rt, strategy)
