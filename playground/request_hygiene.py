"""Request hygiene for the web pages: oversized bodies, foreign body types, stray methods.

Django on its own answers an oversized body with a 400 (RequestDataTooBig is a
SuspiciousOperation), lets any Content-Type through to views that read `request.POST`
(a JSON body then looks like an empty form), and the admin's views answer any method.
This middleware gives each its own status before a view, or the CSRF check, reads the body:

- a body larger than DATA_UPLOAD_MAX_MEMORY_SIZE: 413 Request Entity Too Large (the cap
  covers uploads too: the only upload, an exercise file, is far smaller);
- a non-empty body that is not form data: 415 Unsupported Media Type (every form and
  every fetch/htmx call of the site posts application/x-www-form-urlencoded or
  multipart/form-data);
- under /admin/, a method other than GET, HEAD, POST or OPTIONS: 405 with an Allow header
  (the site's own views say their methods with require_GET / require_POST);
- an empty 405 from require_* gets a short explanation as its body; the Allow header stays.

The REST door (/k8s/) is left alone: it answers in metav1.Status, as the kube-apiserver
does, from k8sapi/views.py (413 "Request entity too large: limit is N", 415, 405).
Refusals are plain text for fetch/htmx callers (the console shows the text) and a page
for a browser navigating.
"""

from __future__ import annotations

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
API_PREFIX = "/k8s/"
ADMIN_PREFIX = "/admin/"
ADMIN_METHODS = ("GET", "HEAD", "POST", "OPTIONS")


def body_limit() -> int | None:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def refusal(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    """A 4xx answer: a page for a browser's navigation, plain text for scripts."""
    accept = request.headers.get("Accept", "")
    if "text/html" in accept and not request.headers.get("HX-Request"):
        html = render_to_string(
            "4xx.html", {"status": status, "title": title, "message": message}, request=request
        )
        return HttpResponse(html, status=status)
    return HttpResponse(f"{title}: {message}\n", status=status, content_type="text/plain")


def too_large(request: HttpRequest) -> HttpResponse:
    return refusal(
        request,
        413,
        _("Request Entity Too Large"),
        _("this site accepts request bodies of at most %(limit)d bytes") % {"limit": body_limit()},
    )


def unsupported_type(request: HttpRequest, content_type: str) -> HttpResponse:
    return refusal(
        request,
        415,
        _("Unsupported Media Type"),
        _("the body must be form data (%(types)s), not %(type)s")
        % {"types": ", ".join(FORM_TYPES), "type": content_type or _("an unnamed type")},
    )


def check(request: HttpRequest) -> HttpResponse | None:
    """The refusal this request deserves before any view reads it, or None."""
    path = request.path_info
    if path.startswith(API_PREFIX):
        return None
    if path.startswith(ADMIN_PREFIX) and request.method not in ADMIN_METHODS:
        return HttpResponseNotAllowed(ADMIN_METHODS)
    if request.method not in BODY_METHODS:
        return None
    try:
        # Content-Length first, then the buffered body's real size (chunked uploads)
        body = request.body
    except RequestDataTooBig:
        return too_large(request)
    content_type = (request.content_type or "").lower()
    if body and content_type not in FORM_TYPES:
        return unsupported_type(request, content_type)
    return None


def explain_405(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """require_GET / require_POST answer 405 with an empty body: say which methods work."""
    if response.status_code != 405 or getattr(response, "streaming", False) or response.content:
        return response
    if request.path_info.startswith(API_PREFIX):
        return response
    allow = response.headers.get("Allow", "")
    page = refusal(
        request,
        405,
        _("Method Not Allowed"),
        _("%(method)s is not allowed here; use %(allow)s")
        % {"method": request.method, "allow": allow or "-"},
    )
    page.headers["Allow"] = allow
    return page


class RequestHygieneMiddleware:
    """See the module docstring. Sync and async: the REST door is an async view."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest):
        if self.is_async:
            return self.__acall__(request)
        refused = check(request)
        if refused is not None:
            return explain_405(request, refused)
        return explain_405(request, self.get_response(request))

    async def __acall__(self, request: HttpRequest):
        refused = check(request)
        if refused is not None:
            return explain_405(request, refused)
        return explain_405(request, await self.get_response(request))
