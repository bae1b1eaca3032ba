""" "Use your own kubectl": the sandbox's kubeconfig (cluster, user and context named after
the sandbox), and revoking or regenerating its secret. Only the sandbox's driver may."""

from __future__ import annotations

import yaml
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from k8sapi import access
from playground.views_sandbox import driver_only


def kubeconfig(sandbox, secret: str, base_url: str, *, secure: bool) -> str:
    name = sandbox.name
    user: dict = {"token": secret} if secure else {}
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": name, "cluster": {"server": f"{base_url}/k8s/{secret}"}}],
        "users": [{"name": name, "user": user}],
        "contexts": [
            {"name": name, "context": {"cluster": name, "user": name, "namespace": "default"}}
        ],
        "current-context": name,
        "preferences": {},
    }
    return yaml.safe_dump(config, sort_keys=False)


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@require_GET
@driver_only
def download(request: HttpRequest, sandbox) -> HttpResponse:
    secret = access.secret_of(sandbox)
    text = kubeconfig(sandbox, secret, _base_url(request), secure=request.is_secure())
    response = HttpResponse(text, content_type="application/yaml")
    response["Content-Disposition"] = f'attachment; filename="{sandbox.name}.kubeconfig"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@driver_only
def regenerate(request: HttpRequest, sandbox) -> HttpResponse:
    access.regenerate(sandbox)
    messages.success(request, "A new kubeconfig secret was made; the old one no longer works.")
    return redirect("sandbox_page", sandbox.pk)


@require_POST
@driver_only
def revoke(request: HttpRequest, sandbox) -> HttpResponse:
    access.revoke(sandbox)
    messages.success(request, "The kubeconfig secret was revoked.")
    return redirect("sandbox_page", sandbox.pk)
