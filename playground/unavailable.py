"""The database briefly unavailable: a clear 503 that says so, never a 500.

A request that meets a dead or unreachable database (django.db's OperationalError or
InterfaceError) gets "503 Service Unavailable" with a Retry-After header: the HTML page
templates/503.html for a browser, Kubernetes' own ServiceUnavailable Status on the REST
API, a line of text for the pages' scripts. Every write runs in a transaction, so the
request that failed changed nothing; and since connections are opened per request, the
next request after the database is back simply works: nothing to restart.

Two ways in: process_exception for what a view raises (the common case), and the
got_request_exception signal for what Django's own middleware raises around the view
(a session saved after the response): Django has already turned those into a 500 by
the time they reach us, so the signal marks the request and process_response swaps
that 500 for the 503.
"""

from __future__ import annotations

import json
import logging
import sys

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.deprecation import MiddlewareMixin
from django.utils.translation import get_language

from playground.sim.errors import ApiError

logger = logging.getLogger(__name__)

DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5
API_PREFIX = "/k8s/"
MARK = "_database_unavailable"


class ServiceUnavailable(ApiError):
    """apimachinery's NewServiceUnavailable: what the real API server answers when its
    storage does not."""

    code = 503
    reason = "ServiceUnavailable"

    def __init__(self) -> None:
        super().__init__(
            "the server is currently unable to handle the request",
            details={"retryAfterSeconds": RETRY_AFTER_SECONDS},
        )


class DatabaseUnavailableMiddleware(MiddlewareMixin):
    """Place it right after SecurityMiddleware/WhiteNoise: outside the session and auth
    middleware whose errors it must see, inside the headers SecurityMiddleware adds."""

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not isinstance(exception, DATABASE_DOWN):
            return None
        logger.warning("database unavailable: %s %s: %s", request.method, request.path, exception)
        return unavailable_response(request)

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if response.status_code == 500 and getattr(request, MARK, False):
            return unavailable_response(request)
        return response


def mark_database_errors(sender, request: HttpRequest | None = None, **kwargs) -> None:
    """Django sends this inside its `except` block: the exception is the current one."""
    if request is not None and isinstance(sys.exc_info()[1], DATABASE_DOWN):
        setattr(request, MARK, True)


got_request_exception.connect(mark_database_errors, dispatch_uid="playground.unavailable")


def unavailable_response(request: HttpRequest) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        body = json.dumps(ServiceUnavailable().status())
        response = HttpResponse(body, status=503, content_type="application/json")
    elif "text/html" in request.headers.get("Accept", ""):
        response = HttpResponse(render_page(request), status=503)
    else:  # the pages' own fetches print this in the console or under the editor
        response = HttpResponse(MESSAGE, status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    response._has_been_logged = True  # logged once above, as a warning, not as a 500
    return response


MESSAGE = (
    "The playground's database is not answering right now. Nothing was half-saved: "
    "a change that got this answer was not made. Try again in a few seconds.\n"
)


def render_page(request: HttpRequest) -> str:
    # Without `request=`: no context processors, so no session, user or notice lookup,
    # nothing that needs the database that just failed.
    context = {
        "request": request,
        "LANGUAGE_CODE": get_language(),
        "retry_after": RETRY_AFTER_SECONDS,
    }
    return render_to_string("503.html", context)
