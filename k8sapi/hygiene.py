"""The REST door's request checks, in the kube-apiserver's order and words: the method
(405, from go-restful's route match), the body's media type (415, from
negotiation.NegotiateInputSerializer / the patch handler) and its size (413, from
handlers/rest.go limitedReadBody, `Request entity too large: limit is 3145728`).

The door is csrf_exempt on purpose: a kubeconfig's secret (URL segment, or bearer token
over https) authenticates each request, no cookie does, so there is no ambient credential
a cross-site form could ride on.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest

from k8sapi.errors import PATCH_MEDIA_TYPES, UnsupportedMediaType
from playground.sim.errors import MethodNotAllowed
from playground.sim.limits import RequestEntityTooLarge
from playground.sim.resources import ResourceType

# runtime.SerializerInfo media types of the built-in kinds (CBOR is feature-gated off in 1.33)
INPUT_TYPES = ("application/json", "application/yaml", "application/vnd.kubernetes.protobuf")


class NotAllowedHere(MethodNotAllowed):
    """go-restful's 405 as the apiserver serves it (NewGenericServerResponse), plus the
    Allow header HTTP asks of every 405."""

    def __init__(self, allow: tuple[str, ...]):
        super().__init__("the server does not allow this method on the requested resource")
        self.allow = allow

    def status(self) -> dict:
        status = super().status()
        status["details"] = {}
        return status


def allowed_methods(
    rt: ResourceType, namespace: str | None, name: str | None, sub: str | None
) -> tuple[str, ...]:
    """The methods the real server routes for this resource path (rest._dispatch serves
    them; anything else is go-restful's 405)."""
    if sub in ("exec", "attach"):
        return ("GET", "POST")
    if sub == "log":
        return ("GET",)
    if sub == "eviction":
        return ("POST",)
    if sub in ("status", "scale"):
        return ("GET", "PUT", "PATCH")
    if sub == "finalize":
        return ("PUT",)
    if sub is not None:
        return ()
    if name is not None:
        return ("GET", "PUT", "PATCH", "DELETE")
    if rt.namespaced and namespace is None:
        return ("GET",)  # the list across namespaces: no create or deletecollection there
    return ("GET", "POST", "DELETE")


def check_method(method: str, allow: tuple[str, ...]) -> None:
    if method not in allow:
        raise NotAllowedHere(allow)


def media_type(request: HttpRequest) -> str:
    return request.headers.get("Content-Type", "").split(";")[0].strip().lower()


def read_body(request: HttpRequest) -> bytes:
    """The request body, after the media type checks; 413 above DATA_UPLOAD_MAX_MEMORY_SIZE
    (Django's own check: Content-Length first, then the buffered body's real size)."""
    ctype = media_type(request)
    if request.method == "PATCH" and ctype not in PATCH_MEDIA_TYPES:
        raise UnsupportedMediaType(PATCH_MEDIA_TYPES, ctype)
    if request.method in ("POST", "PUT") and ctype and ctype not in INPUT_TYPES:
        raise UnsupportedMediaType(INPUT_TYPES)  # an empty Content-Type means JSON, as in kube
    try:
        raw = request.body
    except RequestDataTooBig:
        raise RequestEntityTooLarge(settings.DATA_UPLOAD_MAX_MEMORY_SIZE) from None
    if request.method == "DELETE" and raw and ctype and ctype not in INPUT_TYPES:
        raise UnsupportedMediaType(INPUT_TYPES)
    return raw
