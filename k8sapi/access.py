"""Which sandbox a request may reach: the secret in the URL path (plain http, where
kubectl sends no bearer token) or, over https, a bearer token. Anything else is 401
and touches no sandbox."""

from __future__ import annotations

import hmac
import secrets

from k8sapi.models import ApiAccess

MIN_LENGTH = 20


def new_secret() -> str:
    return secrets.token_urlsafe(24)


def sandbox_for(candidate: str) -> int | None:
    """The id of the one sandbox whose live secret is `candidate`, or None."""
    if not candidate or len(candidate) < MIN_LENGTH or len(candidate) > 64:
        return None
    row = ApiAccess.objects.filter(secret=candidate).values_list("sandbox_id", "secret").first()
    if row is None or not hmac.compare_digest(row[1].encode(), candidate.encode()):
        return None
    return row[0]


def secret_of(sandbox, *, create: bool = True) -> str:
    access, _ = ApiAccess.objects.get_or_create(sandbox=sandbox)
    if not access.secret and create:
        access.secret = new_secret()
        access.save(update_fields=["secret", "created_at"])
    return access.secret


def regenerate(sandbox) -> str:
    access, _ = ApiAccess.objects.get_or_create(sandbox=sandbox)
    access.secret = new_secret()
    access.save(update_fields=["secret", "created_at"])
    return access.secret


def revoke(sandbox) -> None:
    ApiAccess.objects.filter(sandbox=sandbox).update(secret="")
