"""The bounded watch log: every save of a sandbox appends its changes, in the same
transaction, so a watch can resume from any recent resourceVersion (the API server's
watch cache). Versions older than the window get 410 Gone, as from a real server whose
etcd compacted them."""

from __future__ import annotations

from django.db.models import Min, Q

from k8sapi.models import WatchEvent

# How many resourceVersions of history a sandbox keeps for watches.
WINDOW = 5000


def record(sandbox, saved) -> None:
    events = []
    for change in saved.changed:
        obj = change["object"]
        if change["type"] == "DELETED":
            rv = saved.resource_version
            obj = {**obj, "metadata": {**obj["metadata"], "resourceVersion": str(rv)}}
        else:
            rv = int(obj["metadata"].get("resourceVersion") or 0)
        events.append(
            WatchEvent(
                sandbox=sandbox,
                resource_version=rv,
                type=change["type"],
                kind=change["kind"],
                namespace=change["namespace"],
                name=change["name"],
                object=obj,
            )
        )
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
