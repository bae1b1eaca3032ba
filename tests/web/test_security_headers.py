"""The security headers and cookie flags the production settings give a real response.

The requests run in a subprocess whose settings are loaded from a production-like
environment (DEBUG=0, a real SECRET_KEY, every security setting at its default), on this
test run's database, so what is checked is what a deployment sends."""

import json
import re
import secrets

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.support.commands import python
from tests.support.servers import database_url_for_tests

pytestmark = pytest.mark.django_db(transaction=True)  # the subprocess reads the user

PASSWORD = "kube-headers-2468"
HOST = "play.example"

REQUESTS = """
import json, django
django.setup()
from django.test import Client

def cookies(response):
    return {name: {"secure": bool(m["secure"]), "httponly": bool(m["httponly"]),
                   "samesite": m["samesite"]} for name, m in response.cookies.items()}

client = Client(HTTP_HOST=%(host)r)
out = {}
plain = client.get("/accounts/login/")
out["plain"] = {"status": plain.status_code, "location": plain.headers.get("Location"),
                "hsts": plain.headers.get("Strict-Transport-Security")}
out["healthz_plain"] = client.get("/healthz").status_code
page = client.get("/accounts/login/", secure=True)
out["page"] = {"status": page.status_code, "headers": dict(page.headers),
               "cookies": cookies(page)}
login = client.post("/accounts/login/", {"username": "hedy", "password": %(password)r},
                    secure=True)
out["login"] = {"status": login.status_code, "cookies": cookies(login)}
print(json.dumps(out))
"""

EXPECTED_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "object-src": "'none'",
}


@pytest.fixture(scope="module")
def production(django_db_setup, django_db_blocker) -> dict:
    """What a production deployment answers: run once for the module."""
    with django_db_blocker.unblock():
        User.objects.create_user("hedy", password=PASSWORD)
        try:
            result = python(
                REQUESTS % {"host": HOST, "password": PASSWORD},
                DJANGO_SETTINGS_MODULE="playground.settings",
                DEBUG="0",
                SECRET_KEY=secrets.token_urlsafe(50),
                ALLOWED_HOSTS=HOST,
                DATABASE_URL=database_url_for_tests(),
            )
        finally:
            User.objects.filter(username="hedy").delete()
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def policy(header: str) -> dict[str, str]:
    parts = (item.strip().split(" ", 1) for item in header.split(";") if item.strip())
    return {name: value for name, value in parts}


def test_plain_http_is_redirected_to_https_except_the_health_probe(production):
    assert production["plain"]["status"] == 301
    assert production["plain"]["location"] == f"https://{HOST}/accounts/login/"
    assert production["plain"]["hsts"] is None  # HSTS only ever over https
    assert production["healthz_plain"] != 301  # probes speak plain http in the network


def test_https_responses_carry_the_security_headers(production):
    headers = production["page"]["headers"]
    assert production["page"]["status"] == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_content_security_policy_allows_only_our_own_origin(production):
    directives = policy(production["page"]["headers"]["Content-Security-Policy"])
    style = directives.pop("style-src")
    assert directives == EXPECTED_POLICY
    # styles: our files, plus <style> elements carrying this response's nonce
    assert re.fullmatch(r"'self' 'nonce-[A-Za-z0-9+/]{22}=='", style), style
    assert "unsafe" not in production["page"]["headers"]["Content-Security-Policy"]


def test_each_response_gets_a_fresh_nonce(production, client):
    first = policy(client.get("/accounts/login/").headers["Content-Security-Policy"])
    second = policy(client.get("/accounts/login/").headers["Content-Security-Policy"])
    assert first["style-src"] != second["style-src"]
    nonce = first["style-src"].split("'nonce-")[1].rstrip("'")
    assert nonce not in second["style-src"]


def test_cookies_are_secure_httponly_and_same_site_lax(production):
    csrf = production["page"]["cookies"]["csrftoken"]
    session = production["login"]["cookies"]["sessionid"]
    assert production["login"]["status"] == 302  # signed in
    # the CSRF cookie too is out of scripts' reach: htmx sends the token from the page
    assert csrf == {"secure": True, "httponly": True, "samesite": "Lax"}
    assert session == {"secure": True, "httponly": True, "samesite": "Lax"}


def test_the_csrf_failure_page_is_ours_and_has_no_inline_style():
    # Django's own page has an inline <style> the policy would refuse
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "Form expired" in body
    assert "<style" not in body and "style=" not in body
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
