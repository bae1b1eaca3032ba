"""Reading manifests given to `-f -` (multi-document YAML or JSON) the way kubectl does.

Models the resource builder's decoding (k8s.io/cli-runtime/pkg/resource): documents
separated by `---`, empty documents skipped, `kind: List` expanded into its items,
`kind`/`apiVersion` checked before anything reaches the server, and a namespaced
object's namespace filled from `-n` (or `default`), with kubectl's mismatch error.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import decode, yamlsafe
from ..limits import DEFAULTS, Limits
from ..resources import REGISTRY, ResourceType
from .common import CommandError, Parsed
from .examples import fetch, is_url

SOURCE = "STDIN"


@dataclass
class Manifest:
    obj: dict
    rt: ResourceType


def read_stdin(ctx_stdin: str | None, opts: Parsed, command: str,
               caps: Limits = DEFAULTS) -> list[Manifest]:
    files = opts["filename"] or []
    if not files:
        raise CommandError("error: must specify one of -f and -k")
    texts = []
    for name in files:
        if is_url(name):
            texts.append(fetch(name))
        elif name != "-":
            raise CommandError(f'error: the path "{name}" does not exist')
        else:
            texts.append(ctx_stdin or "")
    docs = [d for text in texts for d in parse_documents(text, caps)]
    if not docs:
        raise CommandError(f"error: no objects passed to {command}")
    return [_checked(doc, opts) for doc in docs]


def parse_documents(text: str, caps: Limits = DEFAULTS) -> list[dict]:
    """Safe YAML (yamlsafe.py: no language tags, caps on size, depth, documents, aliases)."""
    try:
        loaded = yamlsafe.load_all(text, caps)
    except yamlsafe.YAMLError as exc:
        raise CommandError(f"error: error parsing {SOURCE}: {_yaml_error(exc)}") from None
    docs: list[dict] = []
    for doc in loaded:
        if doc is None:
            continue
        if not isinstance(doc, dict):
            raise CommandError(
                f"error: error parsing {SOURCE}: error unmarshaling JSON: while decoding JSON: "
                f"json: cannot unmarshal {_go_type(doc)} into Go value of type "
                "map[string]interface {}")
        if doc.get("kind") == "List" and isinstance(doc.get("items"), list):
            docs.extend(i for i in doc["items"] if isinstance(i, dict))
        else:
            docs.append(doc)
    return docs


def _go_type(value) -> str:
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "bool"
    return "number"


def _yaml_error(exc: yamlsafe.YAMLError) -> str:
    if exc.message.startswith(("yaml:", "json:")):
        return f"error converting YAML to JSON: {exc.message}"
    return exc.message


def _checked(doc: dict, opts: Parsed) -> Manifest:
    missing = [f for f in ("apiVersion", "kind") if not doc.get(f)]
    if missing:
        what = "kind" if "kind" in missing else "apiVersion"
        raise CommandError(
            f'error: error validating "{SOURCE}": error validating data: {what} not set; if you '
            "choose to ignore these errors, turn validation off with --validate=false")
    rt = REGISTRY.resolve(doc["kind"]) if isinstance(doc["kind"], str) else None
    doc_meta = doc.get("metadata") if isinstance(doc.get("metadata"), dict) else {}
    if rt is None or rt.kind != doc["kind"] or rt.api_version != doc["apiVersion"]:
        name = doc_meta.get("name", "")
        ns = doc_meta.get("namespace", "")
        group_version = doc["apiVersion"]
        raise CommandError(
            f'error: resource mapping not found for name: "{name}" namespace: "{ns}" from '
            f'"{SOURCE}": no matches for kind "{doc["kind"]}" in version "{group_version}"\n'
            "ensure CRDs are installed first")
    obj = dict(doc)
    if obj.get("metadata") is not None and not isinstance(obj["metadata"], dict):
        decode.check(obj, rt.version)  # the API server's decoder refuses it in its own words
    meta = dict(obj.get("metadata") or {})
    obj["metadata"] = meta
    if rt.namespaced:
        wanted = opts["namespace"]
        if wanted and meta.get("namespace") and meta["namespace"] != wanted:
            raise CommandError(
                f'error: the namespace from the provided object "{meta["namespace"]}" does not '
                f'match the namespace "{wanted}". You must pass \'--namespace='
                f"{meta['namespace']}' to perform this operation.")
        meta["namespace"] = meta.get("namespace") or wanted or "default"
    return Manifest(obj, rt)
