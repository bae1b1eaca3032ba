"""`Accept: application/json;as=Table;g=meta.k8s.io;v=v1`: the server-side printing
kubectl asks for (apimachinery meta/v1 Table). The columns and cells are the console's
own (playground.sim.printers.table): one implementation serves both doors. Columns that
appear only with `-o wide` get priority 1, as the real printers declare them."""

from __future__ import annotations

from playground.sim import printers

ACRONYMS = {"IP", "IPS", "CIDR", "UID", "OS", "PV", "PVC"}


def wants_table(accept: str) -> bool:
    return "as=Table" in accept


def _title(header: str) -> str:
    def word(w: str) -> str:
        return "-".join(p if p in ACRONYMS else p.capitalize() for p in w.split("-"))

    return " ".join(word(w) for w in header.split(" "))


def _columns(kind: str) -> list[dict]:
    narrow = printers.headers(kind, wide=False)
    wide = printers.headers(kind, wide=True)
    cols = []
    for header in wide:
        col = {
            "name": _title(header),
            "type": "string",
            "format": "name" if header == "NAME" else "",
            "description": "",
            "priority": 0 if header in narrow else 1,
        }
        cols.append(col)
    return cols


def _row_object(obj: dict, include: str) -> dict | None:
    if include == "None":
        return None
    if include == "Object":
        return obj
    return {
        "kind": "PartialObjectMetadata",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": obj.get("metadata", {}),
    }


def table(
    kind: str,
    objects: list[dict],
    *,
    now: float,
    include: str = "Metadata",
    resource_version: str = "",
    headers: bool = True,
) -> dict:
    _, rows = printers.table(kind, objects, now=now, wide=True)
    body: dict = {
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": {"resourceVersion": resource_version} if resource_version else {},
        "columnDefinitions": _columns(kind) if headers else [],
        "rows": [],
    }
    for obj, cells in zip(objects, rows, strict=True):
        row: dict = {"cells": cells}
        ro = _row_object(obj, include)
        if ro is not None:
            row["object"] = ro
        body["rows"].append(row)
    return body
