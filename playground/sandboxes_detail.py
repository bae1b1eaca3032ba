"""The detail drawer of one object: its YAML and `kubectl describe` exactly as the
console prints them, its events, and the timeline sentences about it."""

from __future__ import annotations

import shlex

from playground.models import ObjectRow, Sandbox
from playground.sandboxes_render import base_context, timeline_views
from playground.sim.console import Console
from playground.sim.resources import REGISTRY
from playground.store import load_cluster


def object_detail(
    sandbox: Sandbox, kind: str, namespace: str, name: str, *, readonly: bool = True
) -> dict | None:
    rt = REGISTRY.resolve(kind)
    if rt is None:  # internal kinds are never shown
        return None
    row = ObjectRow.objects.filter(
        sandbox=sandbox, kind=rt.kind, namespace=namespace if rt.namespaced else "", name=name
    ).first()
    if row is None:
        return None
    # A read-only look: the loaded cluster is thrown away, never saved.
    console = Console(load_cluster(sandbox).cluster)
    target = f"{rt.plural}/{shlex.quote(name)}"
    ns = f" -n {shlex.quote(namespace)}" if rt.namespaced else ""
    return {
        **base_context(sandbox, readonly),
        "obj": row,
        "yaml": console.run(f"kubectl get {target}{ns} -o yaml").output,
        "describe": console.run(f"kubectl describe {target}{ns}").output,
        "timeline": timeline_views(sandbox, uid=row.uid),
    }
