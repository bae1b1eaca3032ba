"""The bounded watch log: every save of a sandbox appends its changes, in the same
transaction, so a watch can resume from any recent resourceVersion (the API server's
watch cache). Every intermediate version is kept (a pod is seen Pending, then
ContainerCreating, then Running, as a real watch shows it), not only the last state of
each save. Versions older than the window get 410 Expired, as from a real server whose
etcd compacted them."""

from __future__ import annotations

from django.db.models import Min, Q

from k8sapi.models import WatchEvent
from playground.sim.resources import REGISTRY

# How many resourceVersions of history a sandbox keeps for watches.
WINDOW = 5000


def _served(kind: str) -> bool:
    rt = REGISTRY.types.get(kind)
    return rt is not None and not rt.internal


def record(sandbox, saved, changes) -> None:
    events = [
        WatchEvent(
            sandbox=sandbox,
            resource_version=c.resource_version,
            type=c.type,
            kind=c.kind,
            namespace=c.namespace,
            name=c.name,
            object=c.object,
        )
        for c in changes
        if _served(c.kind)
    ]
    if not events:
        return
    first = min(e.resource_version for e in events)
    # a reset starts the versions again: what was logged past them is another history
    WatchEvent.objects.filter(
        Q(resource_version__gte=first) | Q(resource_version__lt=first - WINDOW),
        sandbox=sandbox,
    ).delete()
    WatchEvent.objects.bulk_create(sorted(events, key=lambda e: e.resource_version))


def oldest(sandbox_id: int) -> int | None:
    return WatchEvent.objects.filter(sandbox_id=sandbox_id).aggregate(m=Min("resource_version"))[
        "m"
    ]


def since(sandbox_id: int, rv: int, kind: str, namespace: str | None) -> list[WatchEvent]:
    qs = WatchEvent.objects.filter(sandbox_id=sandbox_id, resource_version__gt=rv, kind=kind)
    if namespace:
        qs = qs.filter(namespace=namespace)
    return list(qs.order_by("resource_version", "id"))
