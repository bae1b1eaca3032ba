"""The door: `/k8s/<secret>/<kubernetes path>`. Resolves the secret to exactly one sandbox
(401 Status otherwise), routes discovery, OpenAPI, resources, watches and pod logs.
One async view, so watches and `logs -f` stream without holding a worker thread; the
database work runs in sync_to_async."""

from __future__ import annotations

import json
import logging
from urllib.parse import parse_qsl

from asgiref.sync import sync_to_async
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.views.decorators.csrf import csrf_exempt

from k8sapi import access, discovery, hygiene, rest, schemas, streams, watch
from k8sapi.errors import NoResource, TooManyRequests, Unauthorized
from playground import ratelimit
from playground.models import Sandbox
from playground.sim.errors import ApiError, BadRequest, InternalError
from playground.unavailable import DATABASE_DOWN

logger = logging.getLogger(__name__)
ROOTS = {"api", "apis", "version", "openapi", "healthz", "livez", "readyz"}


def status_response(err: ApiError) -> HttpResponse:
    response = HttpResponse(
        json.dumps(err.status()), status=err.code, content_type="application/json"
    )
    if isinstance(err, TooManyRequests):
        response["Retry-After"] = str(err.retry_after)
    # an API error is an answer, not a server problem; and the URL carries the secret, which
    # Django's "Not Found: <path>" warnings would copy into the logs
    response._has_been_logged = True
    if getattr(err, "allow", None) is not None:  # a 405 names the methods that work
        response.headers["Allow"] = ", ".join(err.allow)
    return response


def json_response(body, status: int = 200, warnings: list[str] | None = None) -> HttpResponse:
    data = body if isinstance(body, bytes) else json.dumps(body, separators=(",", ":"))
    response = HttpResponse(data, status=status, content_type="application/json")
    if warnings:
        # RFC 7234 warn-text is a quoted-string; Django keeps one value per header name, so
        # several warnings share one header, comma-separated (kubectl splits them)
        quoted = [
            '299 - "' + w.replace("\\", "\\\\").replace('"', '\\"') + '"'
            for w in dict.fromkeys(warnings)
        ]
        response.headers["Warning"] = ", ".join(quoted)
    return response


def _bearer(request: HttpRequest) -> str:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header.startswith("Bearer ") else ""


@sync_to_async
def _authenticate(request: HttpRequest, rest_path: str) -> tuple[int, str, str] | None:
    """(sandbox id, API path, URL prefix) or None."""
    first, _, remainder = rest_path.partition("/")
    if request.is_secure() and first in ROOTS and _bearer(request):
        sandbox_id = access.sandbox_for(_bearer(request))
        return (sandbox_id, rest_path, "/k8s") if sandbox_id else None
    sandbox_id = access.sandbox_for(first)
    if sandbox_id is None:
        return None
    return sandbox_id, remainder, f"/k8s/{first}"


READS = ("GET", "HEAD", "OPTIONS")


@sync_to_async
def _admit(request: HttpRequest, sandbox_id: int) -> None:
    """Every request counts for its sandbox; a write also counts as one of the owner's
    writes, the same bucket as their console lines on the site (playground/ratelimit.py)."""
    buckets = [
        ratelimit.Bucket(
            "api-requests", str(sandbox_id), ratelimit.setting("RATE_LIMIT_SANDBOX_REQUESTS", 300)
        )
    ]
    if request.method not in READS:
        owner = Sandbox.objects.filter(pk=sandbox_id).values_list("owner_id", "visitor").first()
        if owner is not None:
            writer = f"user:{owner[0]}" if owner[0] is not None else f"visitor:{owner[1]}"
            user_limit = ratelimit.setting("RATE_LIMIT_USER_WRITES", 120)
            buckets.append(ratelimit.Bucket("user-writes", writer, user_limit))
        sandbox_limit = ratelimit.setting("RATE_LIMIT_SANDBOX_WRITES", 60)
        buckets.append(ratelimit.Bucket("sandbox-writes", str(sandbox_id), sandbox_limit))
    refusal = ratelimit.hit(buckets)
    if refusal is not None:
        raise TooManyRequests(refusal.retry_after)


@csrf_exempt
async def door(request: HttpRequest, rest_path: str = "") -> HttpResponse:
    found = await _authenticate(request, rest_path)
    if found is None:
        return status_response(Unauthorized())
    sandbox_id, path, prefix = found
    try:
        await _admit(request, sandbox_id)
        return await _route(request, sandbox_id, path.strip("/"), prefix)
    except ApiError as err:
        return status_response(err)
    except DATABASE_DOWN:
        raise  # playground/unavailable.py answers Kubernetes' 503 ServiceUnavailable
    except Exception as exc:  # kubectl shows a Status, never a Django error page
        logger.exception("k8s API request failed: %s %s", request.method, path)
        return status_response(InternalError(f"{type(exc).__name__}: {exc}"))


async def _route(request: HttpRequest, sandbox_id: int, path: str, prefix: str) -> HttpResponse:
    parts = path.split("/") if path else []
    resource_path = len(parts) >= {"api": 3, "apis": 4}.get(parts[0] if parts else "", 99)
    if parts[:1] not in (["healthz"], ["livez"], ["readyz"]) and not resource_path:
        hygiene.check_method(request.method, ("GET",))  # discovery, version, openapi
    if not parts:
        return json_response({"paths": ["/api", "/api/v1", "/apis", "/openapi/v3", "/version"]})
    if parts == ["version"]:
        return json_response(discovery.VERSION)
    if parts[0] in ("healthz", "livez", "readyz"):
        return HttpResponse("ok", content_type="text/plain")
    if parts[0] == "openapi":
        return _openapi(parts[1:], prefix)
    if parts == ["api"]:
        return json_response(discovery.api_versions())
    if parts == ["apis"]:
        return json_response(discovery.api_group_list())
    if parts[0] == "api" and len(parts) >= 2:
        group_version, rest_parts = parts[1], parts[2:]
    elif parts[0] == "apis" and len(parts) == 2:
        group = discovery.api_group(parts[1])
        if group is None:
            raise NoResource()
        return json_response(group)
    elif parts[0] == "apis" and len(parts) >= 3:
        group_version, rest_parts = f"{parts[1]}/{parts[2]}", parts[3:]
    else:
        raise NoResource()
    if not rest_parts:
        doc = discovery.resource_list(group_version)
        if doc is None:
            raise NoResource()
        return json_response(doc)
    return await _resource(request, sandbox_id, group_version, rest_parts)


def _openapi(parts: list[str], prefix: str) -> HttpResponse:
    if not parts or parts[0] != "v3":
        raise NoResource()
    gvs = discovery.group_versions()
    if len(parts) == 1:
        paths = {}
        for gv in gvs:
            key = f"api/{gv}" if "/" not in gv else f"apis/{gv}"
            digest = schemas.document_hash(schemas.group_version_document(gv, tuple(gvs[gv])))
            paths[key] = {"serverRelativeURL": f"{prefix}/openapi/v3/{key}?hash={digest}"}
        return json_response({"paths": paths})
    gv = "/".join(parts[2:])
    if parts[1] not in ("api", "apis") or gv not in gvs:
        raise NoResource()
    return json_response(schemas.group_version_document(gv, tuple(gvs[gv])))


def _split(rest_parts: list[str]) -> tuple[str | None, list[str]]:
    """namespaces/NS/plural/... -> (NS, [plural, ...]); else (None, rest_parts)."""
    namespaced = rest_parts[0] == "namespaces" and len(rest_parts) >= 3
    if namespaced and rest_parts[2] not in ("status", "finalize"):
        return rest_parts[1], rest_parts[2:]
    return None, rest_parts


async def _resource(
    request: HttpRequest, sandbox_id: int, group_version: str, rest_parts: list[str]
) -> HttpResponse:
    namespace, parts = _split(rest_parts)
    if group_version == "authorization.k8s.io/v1" and parts[0] in REVIEWS:
        return await sync_to_async(_access_review)(request, parts[0])
    rt = discovery.find(group_version, parts[0])
    if rt is None or len(parts) > 3:
        raise NoResource()
    if namespace is not None and not rt.namespaced:
        raise NoResource()
    name = parts[1] if len(parts) >= 2 else None
    sub = parts[2] if len(parts) == 3 else None
    if sub is not None and sub not in rt.subresources and sub not in ("log", "exec", "attach"):
        raise NoResource()
    hygiene.check_method(request.method, hygiene.allowed_methods(rt, namespace, name, sub))
    query = dict(parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True))
    body = None
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        body = rest.parse_body(
            hygiene.read_body(request),
            request.content_type or request.headers.get("Content-Type", ""),
        )
    call = rest.Call(
        rt=rt,
        method=request.method,
        namespace=namespace,
        name=name,
        subresource=sub,
        query=query,
        accept=request.headers.get("Accept", ""),
        content_type=request.headers.get("Content-Type", ""),
        body=body,
        raw_query=request.META.get("QUERY_STRING", ""),
    )
    if request.method == "GET" and sub == "log":
        return await watch.logs(sandbox_id, call)
    if sub in ("exec", "attach"):
        return await sync_to_async(_stream_without_websocket)(sandbox_id, call)
    if request.method == "GET" and rest.truthy(query.get("watch")):
        if name:  # the deprecated GET .../NAME?watch=1 form watches that one object
            call.name, call.query["fieldSelector"] = None, f"metadata.name={name}"
        return await watch.stream(sandbox_id, call)
    answer = await sync_to_async(rest.handle)(sandbox_id, call)
    return json_response(answer.body, answer.status, answer.warnings)


def _stream_without_websocket(sandbox_id: int, call: rest.Call) -> HttpResponse:
    """exec/attach over SPDY (kubectl's fallback when the websocket was refused): the
    checks' Status, or 400 since only websockets stream here."""
    commands = [v for k, v in parse_qsl(call.raw_query, keep_blank_values=True) if k == "command"]
    target = streams.Target(
        sandbox_id=sandbox_id,
        namespace=call.namespace or "default",
        pod=call.name or "",
        action=call.subresource or "exec",
        container=call.query.get("container", ""),
        command=commands,
        stdin=False,
        tty=False,
    )
    try:
        streams.check(target)
    except BadRequest as err:
        if not err.message.startswith("container not found"):
            raise
        # the kubelet answers this one in plain text, which kubectl prints as
        # `error: unable to upgrade connection: container not found ("c")`
        response = HttpResponse(err.message, status=400, content_type="text/plain")
        response._has_been_logged = True
        return response
    raise BadRequest(
        "Upgrade request required: this server streams exec and attach over "
        "websockets (v5.channel.k8s.io) only"
    )


REVIEWS = {"selfsubjectaccessreviews", "selfsubjectrulesreviews"}
ADMIN_RULES = {
    "resourceRules": [{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}],
    "nonResourceRules": [{"verbs": ["*"], "nonResourceURLs": ["*"]}],
    "incomplete": False,
}


def _access_review(request: HttpRequest, plural: str) -> HttpResponse:
    """`kubectl auth can-i [--list]`: the learner is cluster-admin of their own sandbox."""
    if request.method != "POST":
        raise NoResource()
    raw = hygiene.read_body(request)
    review = rest.parse_body(raw, request.headers.get("Content-Type", "")) or {}
    review = dict(review)
    review.setdefault("apiVersion", "authorization.k8s.io/v1")
    review.setdefault("metadata", {})
    if plural == "selfsubjectrulesreviews":
        review.setdefault("kind", "SelfSubjectRulesReview")
        review["status"] = ADMIN_RULES
    else:
        review.setdefault("kind", "SelfSubjectAccessReview")
        review["status"] = {"allowed": True}
    return json_response(review, 201)


__all__ = ["door", "StreamingHttpResponse"]
