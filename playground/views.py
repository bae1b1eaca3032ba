from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from playground import health


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The state of every component the site needs; 200 only when all answer.

    Used by the compose healthchecks and by `make run` to know the stack is up.
    """
    checks = health.run_checks()
    if not health.sees_details(request):
        checks = health.public(checks)
    healthy = all(check["ok"] for check in checks.values())
    body = {"status": "ok" if healthy else "fail", "checks": checks}
    return JsonResponse(body, status=200 if healthy else 503)
