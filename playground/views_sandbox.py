"""Views of the live sandbox: thin, permission-checked doors onto playground.sandboxes.

Who may do what is decided here (and in the consumer), never in templates: the owner
(a signed-in user, or an anonymous visitor through a token in their session) drives
the sandbox; staff and the instructors of the owner's classes may look, read-only;
everyone else gets 404.
"""

from __future__ import annotations

import secrets
import shlex
from functools import wraps

from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from playground import ratelimit, sandboxes
from playground.models import Sandbox
from playground.sandboxes_detail import object_detail
from playground.sandboxes_render import page_context
from playground.sandboxes_yaml import apply_diagnostics

VISITOR_KEY = "sandbox_visitor"
SPEEDS = (0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0)
STARTER_MANIFEST = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports:
        - containerPort: 80
"""


# ---- who may do what --------------------------------------------------------------------------


def visitor_token(session, *, create: bool = False) -> str:
    token = session.get(VISITOR_KEY, "")
    if not token and create:
        token = secrets.token_urlsafe(24)
        session[VISITOR_KEY] = token
    return token


def teaches_owner(user, sandbox: Sandbox) -> bool:
    """An instructor may look at (never drive) the sandboxes of learners in a class they
    run; other instructors see nothing, so a learner's work stays private to their class."""
    if not user.is_authenticated or sandbox.owner_id is None:
        return False
    from exercises.models import Membership

    return Membership.objects.filter(user_id=sandbox.owner_id, classroom__owner_id=user.pk).exists()


def can_drive(user, visitor: str, sandbox: Sandbox) -> bool:
    if sandbox.owner_id is not None:
        return bool(user.is_authenticated and user.pk == sandbox.owner_id)
    return bool(visitor) and secrets.compare_digest(visitor, sandbox.visitor)


def can_view(user, visitor: str, sandbox: Sandbox) -> bool:
    if can_drive(user, visitor, sandbox):
        return True
    return bool(user.is_authenticated and (user.is_staff or teaches_owner(user, sandbox)))


def _viewable(request: HttpRequest, sandbox_id: int) -> tuple[Sandbox, bool]:
    """The sandbox and whether this request may drive it; 404 when it may not even look."""
    sandbox = get_object_or_404(Sandbox, pk=sandbox_id)
    visitor = visitor_token(request.session)
    if not can_view(request.user, visitor, sandbox):
        raise Http404("No such sandbox")
    return sandbox, can_drive(request.user, visitor, sandbox)


def _drivable(request: HttpRequest, sandbox_id: int) -> Sandbox:
    sandbox, drive = _viewable(request, sandbox_id)
    if not drive:
        raise PermissionError
    return sandbox


def driver_only(view):
    """POST views: 404 for strangers, 403 for read-only viewers."""

    def wrapped(request: HttpRequest, sandbox_id: int, *args, **kwargs) -> HttpResponse:
        try:
            sandbox = _drivable(request, sandbox_id)
        except PermissionError:
            return HttpResponseForbidden("This sandbox is read-only for you.")
        return view(request, sandbox, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


# ---- rate limits (playground/ratelimit.py) ------------------------------------------------------

COUNTED = "_rate_limit_counted"


def writer_of(request: HttpRequest) -> str:
    """Whose writes these are: the account, else the visitor's token, else the session."""
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    token = visitor_token(request.session)
    if token:
        return f"visitor:{token}"
    return f"session:{request.session.session_key or ''}"


def write_buckets(request: HttpRequest, sandbox_id: int | None) -> list[ratelimit.Bucket]:
    buckets = [
        ratelimit.Bucket(
            "user-writes", writer_of(request), ratelimit.setting("RATE_LIMIT_USER_WRITES", 120)
        )
    ]
    if sandbox_id is not None:
        limit = ratelimit.setting("RATE_LIMIT_SANDBOX_WRITES", 60)
        buckets.append(ratelimit.Bucket("sandbox-writes", str(sandbox_id), limit))
    return buckets


def too_many(refusal: ratelimit.Refusal, *, as_json: bool = False) -> HttpResponse:
    """429 with Retry-After and a sentence the learner can act on."""
    bucket, wait = refusal.bucket, refusal.retry_after
    if bucket.scope == "sandbox-writes":
        who = "this sandbox takes"
    elif bucket.scope == "ip-opens":
        who = "this network may open new sandboxes"
    else:
        who = "you can send"
    text = (
        f"Too many requests: {who} at most {bucket.limit} commands every "
        f"{refusal.window} seconds. Try again in {wait} second{'s' if wait != 1 else ''}."
    )
    if as_json:
        response = JsonResponse({"output": text + "\n", "ok": False}, status=429)
    else:
        response = HttpResponse(text, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(wait)
    return response


def refuse_write(
    request: HttpRequest, sandbox_id: int | None, *, as_json: bool = False, extra=()
) -> HttpResponse | None:
    """Count one write of this request (once, however many doors it passes): a 429
    response when over a limit, else None. Lesson and exercise doors call it before
    recording a command, so a refused line is neither run nor recorded."""
    if getattr(request, COUNTED, False):
        return None
    setattr(request, COUNTED, True)
    refusal = ratelimit.hit([*write_buckets(request, sandbox_id), *extra])
    return None if refusal is None else too_many(refusal, as_json=as_json)


def rate_limited(as_json: bool = False):
    """Sandbox POST views (below driver_only): 429 once this learner or this sandbox sent
    too many writes in the window."""

    def decorate(view):
        @wraps(view)
        def wrapped(request: HttpRequest, sandbox: Sandbox, *args, **kwargs) -> HttpResponse:
            refused = refuse_write(request, sandbox.pk, as_json=as_json)
            if refused is not None:
                return refused
            return view(request, sandbox, *args, **kwargs)

        return wrapped

    return decorate


def my_sandboxes(request: HttpRequest):
    if request.user.is_authenticated:
        return Sandbox.objects.filter(owner=request.user)
    visitor = visitor_token(request.session)
    if not visitor:
        return Sandbox.objects.none()
    return Sandbox.objects.filter(owner__isnull=True, visitor=visitor)


# ---- pages ------------------------------------------------------------------------------------


def _open_buckets(request: HttpRequest) -> list[ratelimit.Bucket]:
    """A browser that keeps no cookie gets a new visitor token each time: anonymous opens
    also count per client address (generously: a classroom shares one address)."""
    if request.user.is_authenticated:
        return []
    limit = ratelimit.setting("RATE_LIMIT_ANONYMOUS_OPENS", 60)
    return [ratelimit.Bucket("ip-opens", request.META.get("REMOTE_ADDR", ""), limit)]


@require_POST
def sandbox_open(request: HttpRequest) -> HttpResponse:
    """Home's "Open a sandbox": a ready cluster, no sign-up needed. `new` opens one more
    (up to SANDBOX_MAX_PER_USER, or SANDBOX_MAX_PER_VISITOR without an account)."""
    latest = my_sandboxes(request).first()
    if latest is not None and not request.POST.get("new"):
        return redirect("sandbox_page", latest.pk)  # home's button: back to your work
    owner = request.user if request.user.is_authenticated else None
    visitor = "" if owner else visitor_token(request.session, create=True)
    refused = refuse_write(request, None, extra=_open_buckets(request))
    if refused is not None:
        return refused
    if owner is None:
        name = sandboxes.next_free_name(None, visitor=visitor)
    else:
        name = request.POST.get("name") or sandboxes.next_free_name(owner)
    try:
        sandbox = sandboxes.sandbox_create(name=name, owner=owner, visitor=visitor, capped=True)
    except sandboxes.SandboxError as exc:
        messages.error(request, str(exc))
        return redirect("sandbox_list")
    return redirect("sandbox_page", sandbox.pk)


@require_GET
def sandbox_list(request: HttpRequest) -> HttpResponse:
    return render(request, "sandbox/list.html", {"sandboxes": my_sandboxes(request)})


@require_GET
def sandbox_page(request: HttpRequest, sandbox_id: int) -> HttpResponse:
    sandbox, drive = _viewable(request, sandbox_id)
    if drive:
        # Catch up (bounded) and restart the timers of a sandbox that was idle.
        sandboxes.sandbox_touch(sandbox_id=sandbox.pk)
        sandbox.refresh_from_db()
    ctx = page_context(sandbox, readonly=not drive)
    ctx.update(speeds=SPEEDS, starter_manifest=STARTER_MANIFEST)
    return render(request, "sandbox/page.html", ctx)


@require_GET
def sandbox_object(request: HttpRequest, sandbox_id: int) -> HttpResponse:
    sandbox, drive = _viewable(request, sandbox_id)
    kind, name = request.GET.get("kind", ""), request.GET.get("name", "")
    namespace = request.GET.get("namespace", "")
    detail = object_detail(sandbox, kind, namespace, name, readonly=not drive)
    if detail is None:
        raise Http404("No such object")
    return render(request, "sandbox/detail.html", detail)


# ---- commands (POST, CSRF) ---------------------------------------------------------------------


@require_POST
@driver_only
@rate_limited(as_json=True)
def sandbox_console(request: HttpRequest, sandbox: Sandbox) -> HttpResponse:
    line = request.POST.get("line", "")
    output, ok = sandboxes.sandbox_command(
        sandbox_id=sandbox.pk, line=line, stdin=request.POST.get("stdin") or None
    )
    return JsonResponse({"output": output, "ok": ok})


@require_POST
@driver_only
@rate_limited(as_json=True)
def sandbox_apply(request: HttpRequest, sandbox: Sandbox) -> HttpResponse:
    manifest = request.POST.get("manifest", "")
    problems = apply_diagnostics(manifest, None)
    if problems:  # the YAML itself is broken: nothing reaches the API server
        return JsonResponse(
            {"output": problems[0]["message"] + "\n", "ok": False, "diagnostics": problems}
        )
    output, ok = sandboxes.sandbox_apply(sandbox_id=sandbox.pk, manifest=manifest)
    return JsonResponse(
        {
            "output": output,
            "ok": ok,
            "diagnostics": [] if ok else apply_diagnostics(manifest, output),
        }
    )


@require_POST
@driver_only
@rate_limited()
def sandbox_clock(request: HttpRequest, sandbox: Sandbox) -> HttpResponse:
    action, value = request.POST.get("action", ""), request.POST.get("value", "")
    if action == "toggle":
        action = "resume" if sandbox.paused else "pause"
    elif action == "advance5":
        action, value = "advance", "5m"
    elif action == "advance":
        value = value or "1m"
    elif action == "speed":
        value = request.POST.get("speed", value)
    try:
        text = sandboxes.sandbox_clock(sandbox_id=sandbox.pk, action=action, value=value)
    except sandboxes.SandboxError as exc:
        return HttpResponse(str(exc), status=400)
    return HttpResponse(text)


FAULTS = {
    "stop-node": "node stop {name}",
    "start-node": "node start {name}",
    "delete-pod": "kubectl delete pod {name} -n {namespace} --wait=false",
    "kill-container": "container kill {name} -n {namespace}",
}


@require_POST
@driver_only
@rate_limited()
def sandbox_fault(request: HttpRequest, sandbox: Sandbox) -> HttpResponse:
    template = FAULTS.get(request.POST.get("action", ""))
    name = request.POST.get("name", "")
    namespace = request.POST.get("namespace", "") or "default"
    valid = all(sandboxes.NAME_RE.match(n.replace(".", "-")) for n in (name, namespace))
    if template is None or not valid:
        return HttpResponse("unknown fault", status=400)
    line = template.format(name=shlex.quote(name), namespace=shlex.quote(namespace))
    output, _ = sandboxes.sandbox_command(sandbox_id=sandbox.pk, line=line)
    return HttpResponse(output.strip())


@require_POST
@driver_only
@rate_limited()
def sandbox_reset(request: HttpRequest, sandbox: Sandbox) -> HttpResponse:
    sandboxes.sandbox_reset(sandbox=sandbox)
    return redirect("sandbox_page", sandbox.pk)


@require_POST
@driver_only
@rate_limited()
def sandbox_rename(request: HttpRequest, sandbox: Sandbox) -> HttpResponse:
    try:
        sandboxes.sandbox_rename(sandbox=sandbox, name=request.POST.get("name", ""))
    except sandboxes.SandboxError as exc:
        messages.error(request, str(exc))
    return redirect("sandbox_list")


@require_POST
@driver_only
@rate_limited()
def sandbox_delete(request: HttpRequest, sandbox: Sandbox) -> HttpResponse:
    sandboxes.sandbox_delete(sandbox=sandbox)
    return redirect("sandbox_list")


@receiver(user_logged_in)
def adopt_visitor_sandboxes(sender, request, user, **kwargs) -> None:
    """Signing up (or logging in) keeps what the visitor built before."""
    if request is not None and hasattr(request, "session"):
        sandboxes.sandbox_adopt(visitor=visitor_token(request.session), user=user)
