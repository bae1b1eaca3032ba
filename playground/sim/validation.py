"""Kubernetes name and field rules with their exact messages.

Models k8s.io/apimachinery/pkg/util/validation/validation.go (IsDNS1123Label,
IsDNS1123Subdomain, IsDNS1035Label, IsQualifiedName, IsValidLabelValue, RegexError),
pkg/api/validation/objectmeta.go (ValidateObjectMeta/Update) and
pkg/apis/meta/v1/validation (ValidateLabels, ValidateLabelSelector). Each `is_*`
function returns a list of messages, empty when the value is valid, exactly like the
Go helpers; each `validate_*` returns `FieldError`s with the field path.

Other kinds' strategies call these: `validate_object_meta`, `validate_labels`,
`validate_label_selector`, `validate_pod_template_spec(template, path)`,
`validate_pod_template_for_workload(template, selector, path)`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .errors import (
    BadRequest,
    FieldError,
    GoValue,
    forbidden,
    go_quote,
    invalid,
    required,
    too_long,
)

DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
DNS1123_LABEL_MSG = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
    "and must start and end with an alphanumeric character"
)
DNS1123_LABEL_MAX = 63
DNS1123_SUBDOMAIN_FMT = DNS1123_LABEL_FMT + "(\\." + DNS1123_LABEL_FMT + ")*"
DNS1123_SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character"
)
DNS1123_SUBDOMAIN_MAX = 253
DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?"
DNS1035_LABEL_MSG = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
    "alphabetic character, and end with an alphanumeric character"
)

_LABEL_RE = re.compile(f"^{DNS1123_LABEL_FMT}$")
_SUBDOMAIN_RE = re.compile(f"^{DNS1123_SUBDOMAIN_FMT}$")
_DNS1035_RE = re.compile(f"^{DNS1035_LABEL_FMT}$")


def regex_error(msg: str, fmt: str, *examples: str) -> str:
    """RegexError: note Go's double space before `or` when there are several examples."""
    if not examples:
        return f"{msg} (regex used for validation is '{fmt}')"
    text = msg + " (e.g. "
    for i, ex in enumerate(examples):
        if i > 0:
            text += " or "
        text += f"'{ex}', "
    return text + f"regex used for validation is '{fmt}')"


def max_len_error(length: int) -> str:
    return f"must be no more than {length} characters"


def is_dns1123_label(value: str) -> list[str]:
    errs: list[str] = []
    if len(value) > DNS1123_LABEL_MAX:
        errs.append(max_len_error(DNS1123_LABEL_MAX))
    if not _LABEL_RE.match(value):
        if _SUBDOMAIN_RE.match(value):
            errs.append("must not contain dots")
        else:
            errs.append(
                regex_error(DNS1123_LABEL_MSG, DNS1123_LABEL_FMT, "my-name", "123-abc")
            )
    return errs


def is_dns1123_subdomain(value: str) -> list[str]:
    errs: list[str] = []
    if len(value) > DNS1123_SUBDOMAIN_MAX:
        errs.append(max_len_error(DNS1123_SUBDOMAIN_MAX))
    if not _SUBDOMAIN_RE.match(value):
        errs.append(regex_error(DNS1123_SUBDOMAIN_MSG, DNS1123_SUBDOMAIN_FMT, "example.com"))
    return errs


def is_dns1035_label(value: str) -> list[str]:
    errs: list[str] = []
    if len(value) > DNS1123_LABEL_MAX:
        errs.append(max_len_error(DNS1123_LABEL_MAX))
    if not _DNS1035_RE.match(value):
        errs.append(regex_error(DNS1035_LABEL_MSG, DNS1035_LABEL_FMT, "my-name", "abc-123"))
    return errs


# ---- qualified names, labels, annotations ------------------------------------------------------

QUALIFIED_NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
QUALIFIED_NAME_MSG = (
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character"
)
QUALIFIED_NAME_MAX = 63
LABEL_VALUE_FMT = "(" + QUALIFIED_NAME_FMT + ")?"
LABEL_VALUE_MSG = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
    "and must start and end with an alphanumeric character"
)
LABEL_VALUE_MAX = 63
TOTAL_ANNOTATION_SIZE = 256 * 1024
_QUALIFIED_RE = re.compile(f"^{QUALIFIED_NAME_FMT}$")
_LABEL_VALUE_RE = re.compile(f"^{LABEL_VALUE_FMT}$")


def is_qualified_name(value: str) -> list[str]:
    """IsQualifiedName: `[prefix/]name`, the form of label and annotation keys."""
    errs: list[str] = []
    parts = value.split("/")
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            errs.append("prefix part must be non-empty")
        else:
            errs += ["prefix part " + m for m in is_dns1123_subdomain(prefix)]
    else:
        return ["a qualified name " + regex_error(
            QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]
    if not name:
        errs.append("name part must be non-empty")
    elif len(name) > QUALIFIED_NAME_MAX:
        errs.append("name part " + max_len_error(QUALIFIED_NAME_MAX))
    if not _QUALIFIED_RE.match(name):
        errs.append("name part " + regex_error(
            QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc"))
    return errs


def is_valid_label_value(value: str) -> list[str]:
    errs: list[str] = []
    if len(value) > LABEL_VALUE_MAX:
        errs.append(max_len_error(LABEL_VALUE_MAX))
    if not _LABEL_VALUE_RE.match(value):
        errs.append(regex_error(LABEL_VALUE_MSG, LABEL_VALUE_FMT, "MyValue", "my_value", "12345"))
    return errs


def validate_label_name(key: str, path: str) -> list[FieldError]:
    return [invalid(path, key, m) for m in is_qualified_name(key)]


def validate_labels(labels: Any, path: str) -> list[FieldError]:
    """ValidateLabels. Go walks the map in random order; we sort keys to stay deterministic."""
    if not labels:
        return []
    if not isinstance(labels, dict):
        return [invalid(path, GoValue(str(labels)), "must be a map of strings")]
    errs: list[FieldError] = []
    for key in sorted(labels):
        value = labels[key]
        errs += validate_label_name(str(key), path)
        if not isinstance(value, str):
            raise _decode_error(value, path)
        errs += [invalid(path, value, m) for m in is_valid_label_value(value)]
    return errs


def _decode_error(value: Any, path: str) -> BadRequest:
    """A non-string where Go wants a string never reaches validation: JSON decoding fails."""
    kind = "number" if isinstance(value, (int, float)) and not isinstance(value, bool) else (
        "bool" if isinstance(value, bool) else "object" if isinstance(value, dict) else
        "array" if isinstance(value, list) else "null")
    owner = "ObjectMeta" if path.startswith("metadata") else "PodSpec"
    return BadRequest(f"json: cannot unmarshal {kind} into Go struct field {owner}.{path} of "
                      "type string")


def validate_annotations(annotations: Any, path: str) -> list[FieldError]:
    if not annotations:
        return []
    errs: list[FieldError] = []
    total = 0
    for key in sorted(annotations):
        if not isinstance(annotations[key], str):
            raise _decode_error(annotations[key], path)
        errs += [invalid(path, key, m) for m in is_qualified_name(str(key).lower())]
        total += len(str(key)) + len(str(annotations[key]))
    if total > TOTAL_ANNOTATION_SIZE:
        errs.append(too_long(path, "", TOTAL_ANNOTATION_SIZE))
    return errs


# ---- label selectors ---------------------------------------------------------------------------


def validate_label_selector(selector: Any, path: str) -> list[FieldError]:
    """ValidateLabelSelector (metav1 validation): matchLabels, then each matchExpression."""
    if selector is None:
        return []
    errs = validate_labels(selector.get("matchLabels"), f"{path}.matchLabels")
    for i, expr in enumerate(selector.get("matchExpressions") or ()):
        errs += validate_label_selector_requirement(expr, f"{path}.matchExpressions[{i}]")
    return errs


def validate_label_selector_requirement(expr: dict, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    op, values = expr.get("operator", ""), expr.get("values") or []
    if op in ("In", "NotIn"):
        if not values:
            errs.append(required(f"{path}.values",
                                 "must be specified when `operator` is 'In' or 'NotIn'"))
    elif op in ("Exists", "DoesNotExist"):
        if values:
            errs.append(forbidden(f"{path}.values",
                                  "may not be specified when `operator` is 'Exists' or "
                                  "'DoesNotExist'"))
    else:
        errs.append(invalid(f"{path}.operator", op, "not a valid selector operator"))
    errs += validate_label_name(str(expr.get("key", "")), f"{path}.key")
    for i, value in enumerate(values):
        errs += [invalid(f"{path}.values[{i}]", value, m) for m in is_valid_label_value(str(value))]
    return errs


def selector_is_empty(selector: dict | None) -> bool:
    return not selector or not (selector.get("matchLabels") or selector.get("matchExpressions"))


# ---- numbers -----------------------------------------------------------------------------------


def validate_nonnegative(value: Any, path: str) -> list[FieldError]:
    """ValidateNonnegativeField."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
        return [invalid(path, value, "must be greater than or equal to 0")]
    return []


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# ---- object metadata ---------------------------------------------------------------------------

NameFn = Callable[[str], list[str]]


def mask_trailing_dash(name: str) -> str:
    """generateName is validated as a prefix: a trailing '-' is allowed."""
    return name[:-1] + "a" if len(name) > 1 and name.endswith("-") else name


def validate_object_meta(
    meta: dict, *, namespaced: bool, name_fn: NameFn = is_dns1123_subdomain,
    path: str = "metadata",
) -> list[FieldError]:
    """ValidateObjectMeta (apimachinery pkg/api/validation/objectmeta.go)."""
    errs: list[FieldError] = []
    generate = meta.get("generateName")
    if generate:
        errs += [invalid(f"{path}.generateName", generate, m)
                 for m in name_fn(mask_trailing_dash(generate))]
    name = meta.get("name")
    if not name:
        errs.append(required(f"{path}.name", "name or generateName is required"))
    else:
        errs += [invalid(f"{path}.name", name, m) for m in name_fn(name)]
    ns = meta.get("namespace")
    if namespaced:
        if not ns:
            errs.append(required(f"{path}.namespace"))
        else:
            errs += [invalid(f"{path}.namespace", ns, m) for m in is_dns1123_label(ns)]
    elif ns:
        errs.append(forbidden(f"{path}.namespace", "not allowed on this type"))
    errs += validate_nonnegative(meta.get("generation"), f"{path}.generation")
    errs += validate_labels(meta.get("labels"), f"{path}.labels")
    errs += validate_annotations(meta.get("annotations"), f"{path}.annotations")
    errs += validate_owner_references(meta.get("ownerReferences"), f"{path}.ownerReferences")
    errs += validate_finalizers(meta.get("finalizers"), f"{path}.finalizers")
    return errs


def validate_object_meta_update(meta: dict, old: dict, path: str = "metadata") -> list[FieldError]:
    """ValidateObjectMetaUpdate: identity fields are immutable; no new finalizers once deleting."""
    errs: list[FieldError] = []
    if old.get("deletionTimestamp"):
        added = sorted(set(meta.get("finalizers") or ()) - set(old.get("finalizers") or ()))
        if added:
            listed = ", ".join(go_quote(f) for f in added)
            errs.append(forbidden(f"{path}.finalizers",
                                  "no new finalizers can be added if the object is being "
                                  f"deleted, found new finalizers []string{{{listed}}}"))
    if int(meta.get("generation") or 0) < int(old.get("generation") or 0):
        errs.append(invalid(f"{path}.generation", meta.get("generation"),
                            "must not be decremented"))
    for f in ("name", "namespace", "uid", "creationTimestamp"):
        if (meta.get(f) or "") != (old.get(f) or ""):
            errs.append(invalid(f"{path}.{f}", meta.get(f) or "", "field is immutable"))
    errs += validate_labels(meta.get("labels"), f"{path}.labels")
    errs += validate_annotations(meta.get("annotations"), f"{path}.annotations")
    errs += validate_owner_references(meta.get("ownerReferences"), f"{path}.ownerReferences")
    return errs


def validate_owner_references(refs: Any, path: str) -> list[FieldError]:
    """ValidateOwnerReferences: required fields, at most one controller."""
    if not refs:
        return []
    errs: list[FieldError] = []
    controllers = []
    for ref in refs:
        if not ref.get("apiVersion"):
            errs.append(invalid(f"{path}.apiVersion", ref.get("apiVersion", ""),
                                "version must not be empty"))
        if not ref.get("kind"):
            errs.append(invalid(f"{path}.kind", ref.get("kind", ""), "kind must not be empty"))
        if not ref.get("name"):
            errs.append(invalid(f"{path}.name", ref.get("name", ""), "name must not be empty"))
        if not ref.get("uid"):
            errs.append(invalid(f"{path}.uid", ref.get("uid", ""), "uid must not be empty"))
        if ref.get("controller"):
            controllers.append(f"{ref.get('kind', '')}/{ref.get('name', '')}")
    if len(controllers) > 1:
        errs.append(invalid(path, GoValue(_go_owner_refs(refs)),
                            "Only one reference can have Controller set to true. Found \"true\" in "
                            f"references for {' and '.join(controllers)}"))
    return errs


def _go_owner_refs(refs: list) -> str:
    return "[]v1.OwnerReference{" + ", ".join(
        f'v1.OwnerReference{{APIVersion:{go_quote(r.get("apiVersion", ""))}, '
        f'Kind:{go_quote(r.get("kind", ""))}, Name:{go_quote(r.get("name", ""))}, '
        f'UID:{go_quote(r.get("uid", ""))}}}' for r in refs) + "}"


STANDARD_FINALIZERS = ("kubernetes", "orphan", "foregroundDeletion")


def validate_finalizers(finalizers: Any, path: str) -> list[FieldError]:
    """ValidateFinalizers + core's validateKubeFinalizerName."""
    if not finalizers:
        return []
    errs: list[FieldError] = []
    for f in finalizers:
        own = [invalid(path, f, m) for m in is_qualified_name(f)]
        errs += own
        if "/" not in f and f not in STANDARD_FINALIZERS and not own:
            errs.append(invalid(path, f, "name is neither a standard finalizer name nor is it "
                                         "fully qualified"))
    if "orphan" in finalizers and "foregroundDeletion" in finalizers:
        errs.append(invalid(path, GoValue("[]string{" + ", ".join(
            go_quote(f) for f in finalizers) + "}"),
            "finalizer orphan and foregroundDeletion cannot be both set"))
    return errs


# ---- pod specs (implemented in podvalidation.py; re-exported here for every kind) ---------------


def validate_pod_spec(spec: Any, path: str = "spec") -> list[FieldError]:
    from .podvalidation import validate_pod_spec as impl

    return impl(spec, path)


def validate_pod_template_spec(template: Any, path: str = "spec.template") -> list[FieldError]:
    """ValidatePodTemplateSpec: template labels/annotations, then the pod spec."""
    from .podvalidation import validate_pod_template_spec as impl

    return impl(template, path)


def validate_pod_template_for_workload(
    template: Any, selector: dict | None, path: str = "spec.template"
) -> list[FieldError]:
    """ValidatePodTemplateSpecForReplicaSet (also Deployment, StatefulSet): selector must match
    template labels, restartPolicy must be Always, no activeDeadlineSeconds."""
    from .podvalidation import validate_pod_template_for_workload as impl

    return impl(template, selector, path)


_PORT_NAME_CHARS = re.compile(r"^[-a-z0-9]+$")
_HAS_LETTER = re.compile(r"[a-z]")


def is_valid_port_num(port: object) -> list[str]:
    """IsValidPortNum: an int (not a bool) from 1 to 65535."""
    if is_int(port) and 1 <= port <= 65535:
        return []
    return ["must be between 1 and 65535, inclusive"]


def is_valid_port_name(name: str) -> list[str]:
    """IsValidPortName (IANA_SVC_NAME), shared by container ports and Service targetPorts."""
    errs = []
    if len(name) > 15:
        errs.append("must be no more than 15 characters")
    if not _PORT_NAME_CHARS.match(name):
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not _HAS_LETTER.search(name):
        errs.append("must contain at least one letter (a-z)")
    if "--" in name:
        errs.append("must not contain consecutive hyphens")
    if name and (name[0] == "-" or name[-1] == "-"):
        errs.append("must not begin or end with a hyphen")
    return errs
