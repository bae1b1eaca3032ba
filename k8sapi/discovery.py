"""Discovery documents kubectl reads before anything else: /version, /api, /apis and the
per-group APIResourceLists (k8s.io/apimachinery/pkg/apis/meta/v1 types.go:
APIVersions, APIGroupList, APIResourceList). Served from the simulation's REGISTRY, so a
kind registered there is served here with its short names, verbs and categories."""

from __future__ import annotations

import base64
import hashlib

from playground.sim.resources import REGISTRY, ResourceType

VERSION = {
    "major": "1",
    "minor": "33",
    "gitVersion": "v1.33.0",
    "gitCommit": "60a317eadfcb839692a68eab88b2096f4d708f4f",
    "gitTreeState": "clean",
    "buildDate": "2025-04-23T13:00:00Z",
    "goVersion": "go1.24.2",
    "compiler": "gc",
    "platform": "linux/amd64",
}

# Subresource -> (kind it speaks, verbs, group/version of that kind when not the parent's)
SUBRESOURCES: dict[str, tuple[str | None, list[str], str | None]] = {
    "status": (None, ["get", "patch", "update"], None),
    "scale": ("Scale", ["get", "patch", "update"], "autoscaling/v1"),
    "log": ("Pod", ["get"], None),
    "exec": ("PodExecOptions", ["create", "get"], None),
    "attach": ("PodAttachOptions", ["create", "get"], None),
    "binding": ("Binding", ["create"], None),
    "eviction": ("Eviction", ["create"], "policy/v1"),
    "finalize": (None, ["update"], None),
    "proxy": ("ServiceProxyOptions", ["create", "delete", "get", "patch", "update"], None),
}

# Extra groups kubectl talks to that have no stored kind.
AUTHORIZATION = [
    {
        "name": "selfsubjectaccessreviews",
        "singularName": "selfsubjectaccessreview",
        "namespaced": False,
        "kind": "SelfSubjectAccessReview",
        "verbs": ["create"],
    },
    {
        "name": "selfsubjectrulesreviews",
        "singularName": "selfsubjectrulesreview",
        "namespaced": False,
        "kind": "SelfSubjectRulesReview",
        "verbs": ["create"],
    },
]


def served() -> list[ResourceType]:
    return REGISTRY.served()


def group_versions() -> dict[str, list[ResourceType]]:
    """ "v1" / "apps/v1" -> its kinds, in registry order."""
    out: dict[str, list[ResourceType]] = {}
    for rt in served():
        out.setdefault(rt.api_version, []).append(rt)
    out.setdefault("authorization.k8s.io/v1", [])
    return out


def find(group_version: str, plural: str) -> ResourceType | None:
    for rt in served():
        if rt.api_version == group_version and rt.plural == plural:
            return rt
    return None


def _hash(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode()).digest()[:8]).decode()


def api_versions() -> dict:
    return {
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [
            {"clientCIDR": "0.0.0.0/0", "serverAddress": "192.168.49.2:6443"}
        ],
    }


def _group(group_version: str) -> dict:
    group, version = group_version.split("/")
    gv = {"groupVersion": group_version, "version": version}
    return {"name": group, "versions": [gv], "preferredVersion": gv}


def api_group_list() -> dict:
    groups = [gv for gv in group_versions() if "/" in gv]
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": [_group(g) for g in groups]}


def api_group(group: str) -> dict | None:
    for gv in group_versions():
        if gv.startswith(group + "/"):
            return {"kind": "APIGroup", "apiVersion": "v1", **_group(gv)}
    return None


def _resource(rt: ResourceType) -> dict:
    entry = {
        "name": rt.plural,
        "singularName": rt.singular,
        "namespaced": rt.namespaced,
        "kind": rt.kind,
        "verbs": list(rt.verbs),
    }
    if rt.short_names:
        entry["shortNames"] = list(rt.short_names)
    if rt.categories:
        entry["categories"] = list(rt.categories)
    entry["storageVersionHash"] = _hash(rt.api_version + rt.kind)
    return entry


def _subresource(rt: ResourceType, sub: str) -> dict:
    kind, verbs, gv = SUBRESOURCES.get(sub, (None, ["get"], None))
    entry = {
        "name": f"{rt.plural}/{sub}",
        "singularName": "",
        "namespaced": rt.namespaced,
        "kind": kind or rt.kind,
        "verbs": verbs,
    }
    if gv:
        entry["group"], entry["version"] = gv.split("/")
    return entry


def resource_list(group_version: str) -> dict | None:
    gvs = group_versions()
    if group_version not in gvs:
        return None
    resources = []
    for rt in gvs[group_version]:
        resources.append(_resource(rt))
        subs = list(rt.subresources)
        if rt.kind == "Pod":
            subs += [s for s in ("attach",) if s not in subs]
        resources += [_subresource(rt, s) for s in sorted(subs)]
    if group_version == "authorization.k8s.io/v1":
        resources += AUTHORIZATION
    resources.sort(key=lambda r: r["name"])
    return {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": group_version,
        "resources": resources,
    }
