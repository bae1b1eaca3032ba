"""Typed API errors shaped like the real API server's `metav1.Status`.

Models k8s.io/apimachinery/pkg/api/errors/errors.go: each error carries the HTTP
code, the `reason` and the exact message the real API server would return, so
the console (`Error from server (NotFound): ...`) and a future REST API can print
and serve them verbatim.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FieldError:
    """One `field.Error` (k8s.io/apimachinery/pkg/util/validation/field/errors.go).

    `type` is one of: "Invalid value", "Required value", "Forbidden", "Unsupported value",
    "Duplicate value", "Too long", "Not found", "Internal error", "Too many".
    `detail` is the human text after the value. `value` is rendered with Go's
    formatting rules by `render_value` unless `bare` is set (Required/Forbidden omit it).
    """

    field: str
    type: str
    value: Any = None
    detail: str = ""
    has_value: bool = True

    _REASONS = {
        "Invalid value": "FieldValueInvalid",
        "Required value": "FieldValueRequired",
        "Forbidden": "FieldValueForbidden",
        "Unsupported value": "FieldValueNotSupported",
        "Duplicate value": "FieldValueDuplicate",
        "Too long": "FieldValueTooLong",
        "Not found": "FieldValueNotFound",
        "Internal error": "InternalError",
        "Too many": "FieldValueTooMany",
    }

    @property
    def reason(self) -> str:
        return self._REASONS.get(self.type, "FieldValueInvalid")

    def body(self) -> str:
        """`ErrorBody()`: "<Type>: <value>: <detail>" (value omitted where Go omits it)."""
        text = self.type
        omitted = ("Required value", "Forbidden", "Too long", "Internal error")
        if self.has_value and self.type not in omitted:
            text += ": " + render_value(self.value)
        if self.detail:
            text += ": " + self.detail
        return text

    def __str__(self) -> str:
        return f"{self.field}: {self.body()}"


def invalid(path: str, value: Any, detail: str) -> FieldError:
    return FieldError(path, "Invalid value", value, detail)


def required(path: str, detail: str = "") -> FieldError:
    return FieldError(path, "Required value", None, detail, has_value=False)


def forbidden(path: str, detail: str) -> FieldError:
    return FieldError(path, "Forbidden", None, detail, has_value=False)


def not_supported(path: str, value: Any, supported: list[str]) -> FieldError:
    detail = "supported values: " + ", ".join(f'"{s}"' for s in supported)
    return FieldError(path, "Unsupported value", value, detail)


def duplicate(path: str, value: Any) -> FieldError:
    return FieldError(path, "Duplicate value", value, "")


def too_long(path: str, value: Any, max_len: int) -> FieldError:
    """field.TooLong: the value is never printed."""
    return FieldError(path, "Too long", value, f"must have at most {max_len} bytes")


def not_found(path: str, value: Any) -> FieldError:
    return FieldError(path, "Not found", value, "")


def render_value(value: Any) -> str:
    """Render a value the way field.Error does (`%q` for strings, plain for numbers)."""
    if isinstance(value, GoValue):
        return value.text
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return go_quote(value)
    if value is None:
        return "null"
    return repr(value)


@dataclass(frozen=True)
class GoValue:
    """A value pre-rendered in Go syntax (e.g. `[]string{"10.96.0.10"}`)."""

    text: str


def go_string_map(d: dict | None) -> GoValue:
    """A map[string]string in %#v form (Go prints map keys sorted)."""
    if d is None:
        return GoValue("map[string]string(nil)")
    items = ", ".join(f"{go_quote(str(k))}:{go_quote(str(v))}" for k, v in sorted(d.items()))
    return GoValue("map[string]string{" + items + "}")


def go_label_selector(sel: dict | None) -> GoValue:
    """A metav1.LabelSelector in %#v form, as field errors print `spec.selector`."""
    if sel is None:
        return GoValue("null")
    exprs = sel.get("matchExpressions")
    if exprs is None:
        expr_text = "[]v1.LabelSelectorRequirement(nil)"
    else:
        parts = []
        for e in exprs:
            values = e.get("values")
            vals = ("[]string(nil)" if values is None else
                    "[]string{" + ", ".join(go_quote(str(v)) for v in values) + "}")
            parts.append(f'v1.LabelSelectorRequirement{{Key:{go_quote(str(e.get("key", "")))}, '
                         f'Operator:{go_quote(str(e.get("operator", "")))}, Values:{vals}}}')
        expr_text = "[]v1.LabelSelectorRequirement{" + ", ".join(parts) + "}"
    labels = go_string_map(sel.get("matchLabels")).text
    return GoValue(f"v1.LabelSelector{{MatchLabels:{labels}, MatchExpressions:{expr_text}}}")


def go_int_or_string(value: Any) -> GoValue:
    """An intstr.IntOrString in %#v form."""
    if isinstance(value, str):
        return GoValue(f"intstr.IntOrString{{Type:1, IntVal:0, StrVal:{go_quote(value)}}}")
    return GoValue(f'intstr.IntOrString{{Type:0, IntVal:{int(value or 0)}, StrVal:""}}')


def go_quote(s: str) -> str:
    """Go's %q for the printable ASCII a learner types."""
    out = ['"']
    for ch in s:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


class ApiError(Exception):
    """An error the API server returns, carrying a `metav1.Status`."""

    code: int = 500
    reason: str = "InternalError"

    def __init__(self, message: str, *, details: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or {}

    def status(self) -> dict[str, Any]:
        status: dict[str, Any] = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        }
        if self.details:
            status["details"] = self.details
        return status

    def kubectl_message(self) -> str:
        """How kubectl prints it (`checkErr` in kubectl/pkg/cmd/util/helpers.go)."""
        return f"Error from server ({self.reason}): {self.message}"


def _details(resource: str, name: str) -> dict[str, Any]:
    kind_plural, _, group = resource.partition(".")
    details: dict[str, Any] = {"name": name, "kind": kind_plural}
    if group:
        details["group"] = group
    return details


class NotFound(ApiError):
    code = 404
    reason = "NotFound"

    def __init__(self, resource: str, name: str):
        """`resource` is the group-qualified plural: `pods`, `deployments.apps`."""
        super().__init__(f'{resource} "{name}" not found', details=_details(resource, name))


class AlreadyExists(ApiError):
    code = 409
    reason = "AlreadyExists"

    def __init__(self, resource: str, name: str):
        super().__init__(f'{resource} "{name}" already exists', details=_details(resource, name))


class Conflict(ApiError):
    code = 409
    reason = "Conflict"

    def __init__(self, resource: str, name: str, detail: str | None = None):
        detail = detail or (
            "the object has been modified; please apply your changes to the latest version "
            "and try again"
        )
        super().__init__(
            f'Operation cannot be fulfilled on {resource} "{name}": {detail}',
            details=_details(resource, name),
        )


class Invalid(ApiError):
    code = 422
    reason = "Invalid"

    def __init__(self, qualified_kind: str, name: str, errors: list[FieldError]):
        """`qualified_kind` is `Service` for core kinds, `Deployment.apps` otherwise."""
        self.errors = list(errors)
        if len(errors) == 1:
            summary = str(errors[0])
        else:
            summary = "[" + ", ".join(str(e) for e in errors) + "]"
        kind, _, group = qualified_kind.partition(".")
        details: dict[str, Any] = {"name": name, "kind": kind}
        if group:
            details["group"] = group
        details["causes"] = [
            {"reason": e.reason, "message": e.body(), "field": e.field} for e in errors
        ]
        super().__init__(f'{qualified_kind} "{name}" is invalid: {summary}', details=details)
        self.qualified_kind = qualified_kind
        self.name = name

    def kubectl_message(self) -> str:
        """checkErr (kubectl/pkg/cmd/util/helpers.go): `The <details.kind> "<name>" is
        invalid: ` (kind without its group), then the causes as `field: message`, duplicates
        dropped (statusCausesToAggrError); one inline, several as MultilineError's bullets."""
        kind, name = self.details.get("kind", ""), self.details.get("name", "")
        head = f"The {kind} {go_quote(name)} is invalid" if kind or name else (
            "The request is invalid")
        causes = list(dict.fromkeys(
            f"{c.get('field', '')}: {c.get('message', '')}"
            for c in self.details.get("causes") or []))
        if not causes:
            return head
        if len(causes) == 1:
            return f"{head}: {causes[0]}"
        return head + ": \n" + "\n".join(f"* {c}" for c in causes)


class Forbidden(ApiError):
    code = 403
    reason = "Forbidden"

    def __init__(self, resource: str, name: str, detail: str, *, causes: list | None = None):
        qualified = f'{resource} "{name}"' if name else resource
        details = _details(resource, name)
        if causes:
            details["causes"] = causes
        super().__init__(f"{qualified} is forbidden: {detail}", details=details)


class BadRequest(ApiError):
    code = 400
    reason = "BadRequest"


class MethodNotAllowed(ApiError):
    code = 405
    reason = "MethodNotAllowed"


class Gone(ApiError):
    code = 410
    reason = "Expired"


class TooManyRequests(ApiError):
    code = 429
    reason = "TooManyRequests"


class InternalError(ApiError):
    code = 500
    reason = "InternalError"

    def __init__(self, detail: str):
        super().__init__(f"Internal error occurred: {detail}")
