"""Every door of the site refuses wrong methods, missing CSRF tokens, oversized bodies and
foreign body types with the right status (playground/request_hygiene.py, k8sapi/hygiene.py).

DOORS lists every URL pattern of the site with the methods it answers; a new pattern
without an entry fails test_every_url_pattern_has_an_entry, so the table stays complete.
Each web door is then probed with the methods it does not answer (405 and an Allow header
naming exactly the table's methods) and, where it takes POST, with a POST lacking the CSRF
token (403), an oversized body (413) and a JSON or text body (415). The REST door answers
the same mistakes as the kube-apiserver does, in metav1.Status.
"""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from k8sapi import access
from playground import sandboxes

pytestmark = pytest.mark.django_db

POST = ("POST",)
GET = ("GET",)
GET_POST = ("GET", "POST")
ADMIN = ("GET", "HEAD", "POST", "OPTIONS")  # request_hygiene.ADMIN_METHODS
API = "api"  # the REST door: its own tests below

# route (as the resolver spells it) -> the methods it answers
DOORS: dict[str, tuple[str, ...] | str] = {
    "": GET,
    "healthz": GET,
    "accounts/signup/": GET_POST,
    "accounts/login/": GET_POST,
    "accounts/logout/": ("POST", "OPTIONS"),
    "i18n/setlang/": POST,
    "exercises/": GET,
    "exercises/new": GET_POST,
    "exercises/import": GET_POST,
    "exercises/<int:exercise_id>/": GET,
    "exercises/<int:exercise_id>/edit": GET_POST,
    "exercises/<int:exercise_id>/test": POST,
    "exercises/<int:exercise_id>/status": POST,
    "exercises/<int:exercise_id>/duplicate": POST,
    "exercises/<int:exercise_id>/export": GET,
    "exercises/<int:exercise_id>/attempt/": GET,
    "exercises/<int:exercise_id>/attempt/start": POST,
    "exercises/<int:exercise_id>/attempt/restart": POST,
    "exercises/<int:exercise_id>/attempt/check": POST,
    "exercises/<int:exercise_id>/attempt/hint": POST,
    "exercises/<int:exercise_id>/attempt/console": POST,
    "exercises/<int:exercise_id>/attempt/apply": POST,
    "classes/": GET,
    "classes/new": POST,
    "classes/join": GET_POST,
    "classes/<int:classroom_id>/": GET,
    "classes/<int:classroom_id>/assign": POST,
    "classes/<int:classroom_id>/results.csv": GET,
    "classes/<int:classroom_id>/learners/<int:user_id>/<int:assignment_id>/": GET,
    "^k8s/(?P<rest_path>.*)$": API,
    "sandboxes/<int:sandbox_id>/kubeconfig": GET,
    "sandboxes/<int:sandbox_id>/kubeconfig/regenerate": POST,
    "sandboxes/<int:sandbox_id>/kubeconfig/revoke": POST,
    "lessons/": GET,
    "lessons/<slug:slug>/": GET,
    "lessons/<slug:slug>/start": POST,
    "lessons/<slug:slug>/restart": POST,
    "lessons/<slug:slug>/go": POST,
    "lessons/<slug:slug>/check": POST,
    "lessons/<slug:slug>/console": POST,
    "lessons/<slug:slug>/apply": POST,
    "sandboxes/": GET,
    "sandboxes/open": POST,
    "sandboxes/<int:sandbox_id>/": GET,
    "sandboxes/<int:sandbox_id>/object": GET,
    "sandboxes/<int:sandbox_id>/console": POST,
    "sandboxes/<int:sandbox_id>/apply": POST,
    "sandboxes/<int:sandbox_id>/clock": POST,
    "sandboxes/<int:sandbox_id>/fault": POST,
    "sandboxes/<int:sandbox_id>/reset": POST,
    "sandboxes/<int:sandbox_id>/rename": POST,
    "sandboxes/<int:sandbox_id>/delete": POST,
}
# Django's admin (staff only, its forms CSRF-protected): every page answers GET and POST, so
# one rule covers them all, a ModelAdmin registered tomorrow included.
ADMIN_PREFIX = "admin/"
REGEX_SAMPLES = {
    "admin/^(?P<app_label>auth|playground|lessons|exercises)/$": "admin/auth/",
    "admin/(?P<url>.*)$": "admin/no-such-page/",
}
PROBED = ("GET", "POST", "PUT", "PATCH", "DELETE")


def routes(patterns=None, prefix: str = "") -> list[str]:
    found = []
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            found += routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            found.append(prefix + str(p.pattern))
    return found


def allowed(route: str) -> tuple[str, ...] | str:
    return ADMIN if route.startswith(ADMIN_PREFIX) else DOORS[route]


def sample_path(route: str) -> str:
    """A URL for the route: ids of nothing, a slug of no lesson (the checks under test all
    come before any lookup)."""
    if route in REGEX_SAMPLES:
        return "/" + REGEX_SAMPLES[route]
    path = re.sub(r"<int:\w+>", "987654", route)
    path = re.sub(r"<slug:\w+>", "no-such-lesson", path)
    path = re.sub(r"<(?:path:)?\w+>", "987654", path)
    return "/" + path


def probed(route: str) -> bool:
    """Every door of ours; of the admin's uniform pages, the site's own and one model's."""
    if not route.startswith(ADMIN_PREFIX):
        return allowed(route) != API
    return route in (
        "admin/",
        "admin/login/",
        "admin/logout/",
        "admin/(?P<url>.*)$",
        "admin/auth/user/",
        "admin/auth/user/<path:object_id>/change/",
    )


WEB = sorted(r for r in routes() if probed(r))
POSTS = [r for r in WEB if "POST" in allowed(r)]


def test_every_url_pattern_has_an_entry():
    missing = [r for r in routes() if not r.startswith(ADMIN_PREFIX) and r not in DOORS]
    assert not missing, f"add these URL patterns to DOORS with their methods: {missing}"
    stale = sorted(set(DOORS) - set(routes()))
    assert not stale, f"DOORS lists patterns the site no longer has: {stale}"
    assert {"admin/login/", "admin/logout/", "admin/"} <= set(routes())  # the admin is in


@pytest.mark.parametrize("route", WEB)
def test_wrong_methods_are_405_with_allow(client: Client, route: str):
    path, methods = sample_path(route), allowed(route)
    for method in PROBED:
        if method in methods:
            continue
        response = client.generic(method, path)
        assert response.status_code == 405, (method, path, response.status_code)
        allow = {m.strip() for m in response.headers["Allow"].split(",")}
        assert allow == set(methods), (method, path, allow)


def test_a_405_explains_itself(client: Client):
    text = client.get("/sandboxes/open").content.decode()
    assert text == "Method Not Allowed: GET is not allowed here; use POST\n"
    page = client.get("/sandboxes/open", HTTP_ACCEPT="text/html")
    assert page.status_code == 405 and page.headers["Allow"] == "POST"
    assert "<h1>405 Method Not Allowed</h1>" in page.content.decode()


@pytest.mark.parametrize("route", POSTS)
def test_a_post_without_the_csrf_token_is_403(route: str):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(sample_path(route), {"line": "kubectl get pods"})
    assert response.status_code == 403, (route, response.status_code)
    assert b"CSRF" in response.content


def test_a_post_with_the_token_passes_the_csrf_check():
    strict = Client(enforce_csrf_checks=True)
    strict.get("/")  # the page sets the cookie the token pairs with
    token = strict.cookies["csrftoken"].value
    response = strict.post("/sandboxes/open", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response.url.startswith("/sandboxes/")


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
@pytest.mark.parametrize("route", POSTS)
def test_an_oversized_body_is_413(client: Client, route: str):
    response = client.post(sample_path(route), {"manifest": "x" * 1000})
    assert response.status_code == 413, (route, response.status_code)
    assert response.content.decode() == (
        "Request Entity Too Large: this site accepts request bodies of at most 1000 bytes\n"
    )


@pytest.mark.parametrize("route", POSTS)
def test_a_body_that_is_not_form_data_is_415(client: Client, route: str):
    for content_type, body in (
        ("application/json", '{"line": "kubectl get pods"}'),
        ("text/plain", "line=kubectl get pods"),
    ):
        response = client.post(sample_path(route), body, content_type=content_type)
        assert response.status_code == 415, (route, content_type, response.status_code)
        assert response.content.decode().startswith("Unsupported Media Type: the body must be")


def test_an_empty_post_needs_no_content_type(client: Client):
    response = client.generic("POST", "/sandboxes/open", b"", content_type="")
    assert response.status_code == 302  # the home page's button: a sandbox opens


def test_a_refusal_is_a_page_for_a_browser(client: Client):
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10):
        page = client.post("/sandboxes/open", {"name": "x" * 20}, HTTP_ACCEPT="text/html")
    assert page.status_code == 413
    html = page.content.decode()
    assert "<h1>413 Request Entity Too Large</h1>" in html and "Kubernetes Playground" in html


# ---- the editor and the real cap -------------------------------------------------------------


@pytest.fixture
def owned(client: Client):
    """A sandbox the test client drives (an anonymous visitor's)."""
    response = client.post("/sandboxes/open")
    return int(response.url.strip("/").split("/")[-1])


def manifest_of(size: int) -> str:
    head = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  blob: "
    return head + "x" * (size - len(head)) + "\n"


def test_the_biggest_manifest_fits_the_body_cap_even_form_encoded(client: Client, owned: int):
    from django.conf import settings

    from playground.sim.limits import DEFAULTS

    # every "/" is three bytes form-encoded (%2F): the worst case of a manifest's text
    biggest = manifest_of(DEFAULTS.max_manifest_bytes - 1).replace("x", "/")
    assert 3 * len(biggest) < settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = client.post(f"/sandboxes/{owned}/apply", {"manifest": biggest})
    assert response.status_code == 200  # reached the sandbox, which answers in its words
    assert response.json()["output"].startswith("Error from server (RequestEntityTooLarge)")
    # (apply doubles it: the last-applied annotation); half of it is created whole
    half = manifest_of(DEFAULTS.max_manifest_bytes // 2 - 1024).replace("x", "/")
    answer = client.post(f"/sandboxes/{owned}/apply", {"manifest": half}).json()
    assert answer == {"output": "configmap/big created\n", "ok": True, "diagnostics": []}


def test_a_manifest_over_the_sandbox_cap_gets_the_sandbox_message(client: Client, owned: int):
    from playground.sim.limits import DEFAULTS

    response = client.post(
        f"/sandboxes/{owned}/apply", {"manifest": manifest_of(DEFAULTS.max_manifest_bytes + 10)}
    )
    assert response.status_code == 200
    answer = response.json()
    assert answer["ok"] is False
    assert f"this playground accepts at most {DEFAULTS.max_manifest_bytes}" in answer["output"]


def test_a_body_over_the_site_cap_is_413_and_touches_nothing(client: Client, owned: int):
    from django.conf import settings

    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 3 * 1024 * 1024
    response = client.post(
        f"/sandboxes/{owned}/apply", {"manifest": manifest_of(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)}
    )
    assert response.status_code == 413
    listing = client.post(f"/sandboxes/{owned}/console", {"line": "kubectl get configmap big"})
    assert listing.json()["output"] == 'Error from server (NotFound): configmaps "big" not found\n'


# ---- the REST door: Kubernetes' statuses, no CSRF ------------------------------------------


@pytest.fixture
def door():
    sandbox = sandboxes.sandbox_create(name="api", visitor="v-api", seed=3)
    return f"/k8s/{access.secret_of(sandbox)}"


def status(response) -> dict:
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert body["kind"] == "Status" and body["status"] == "Failure"
    assert body["code"] == response.status_code
    return body


CM = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}
# path -> the methods the kube-apiserver routes there
API_PATHS = {
    "/api/v1/namespaces/default/configmaps": ("GET", "POST", "DELETE"),
    "/api/v1/namespaces/default/configmaps/c": ("GET", "PUT", "PATCH", "DELETE"),
    "/api/v1/configmaps": ("GET",),
    "/apis/apps/v1/namespaces/default/deployments/web/scale": ("GET", "PUT", "PATCH"),
    "/api/v1/namespaces/default/pods/p/status": ("GET", "PUT", "PATCH"),
    "/api/v1/namespaces/default/pods/p/log": ("GET",),
    "/api/v1/namespaces/default/pods/p/eviction": ("POST",),
    "/api/v1/namespaces": ("GET", "POST", "DELETE"),
    "/api": ("GET",),
    "/apis": ("GET",),
    "/api/v1": ("GET",),
    "/apis/apps/v1": ("GET",),
    "/version": ("GET",),
    "/openapi/v3": ("GET",),
}


@pytest.mark.parametrize("path", sorted(API_PATHS))
def test_api_wrong_methods_are_405_statuses_with_allow(client: Client, door: str, path: str):
    for method in PROBED:
        if method in API_PATHS[path]:
            continue
        response = client.generic(
            method, door + path, json.dumps(CM), content_type="application/json"
        )
        assert response.status_code == 405, (method, path, response.status_code)
        assert status(response) == {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": "the server does not allow this method on the requested resource",
            "reason": "MethodNotAllowed",
            "details": {},
            "code": 405,
        }
        assert set(response.headers["Allow"].split(", ")) == set(API_PATHS[path])


def test_api_is_csrf_exempt_a_bearer_secret_authenticates(door: str):
    strict = Client(enforce_csrf_checks=True)
    created = strict.post(
        door + "/api/v1/namespaces/default/configmaps",
        json.dumps(CM),
        content_type="application/json",
    )
    assert created.status_code == 201  # no cookie, no token: the secret is the credential
    anonymous = strict.post(
        "/k8s/api/v1/namespaces/default/configmaps", json.dumps(CM), content_type="application/json"
    )
    assert anonymous.status_code == 401 and status(anonymous)["reason"] == "Unauthorized"


def test_api_oversized_body_is_the_apiservers_413(client: Client, door: str):
    body = json.dumps({**CM, "data": {"blob": "x" * (3 * 1024 * 1024)}})
    response = client.post(
        door + "/api/v1/namespaces/default/configmaps", body, content_type="application/json"
    )
    assert response.status_code == 413
    assert status(response) == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": "Request entity too large: limit is 3145728",
        "reason": "RequestEntityTooLarge",
        "code": 413,
    }
    assert client.get(door + "/api/v1/namespaces/default/configmaps/c").status_code == 404


def test_api_body_over_the_sandbox_cap_is_413_with_its_limit(client: Client, door: str):
    from playground.sim.limits import DEFAULTS

    body = json.dumps({**CM, "data": {"blob": "x" * DEFAULTS.max_manifest_bytes}})
    response = client.post(
        door + "/api/v1/namespaces/default/configmaps", body, content_type="application/json"
    )
    assert response.status_code == 413
    assert status(response)["message"] == (
        f"Request entity too large: limit is {DEFAULTS.max_manifest_bytes}"
    )


@pytest.mark.parametrize(
    "method,path",
    [
        ("POST", "/api/v1/namespaces/default/configmaps"),
        ("PUT", "/api/v1/namespaces/default/configmaps/c"),
    ],
)
def test_api_create_or_update_in_a_foreign_type_is_415(client: Client, door: str, method, path):
    for ctype in ("text/plain", "application/x-www-form-urlencoded", "application/xml"):
        response = client.generic(method, door + path, json.dumps(CM), content_type=ctype)
        assert response.status_code == 415, (ctype, response.status_code)
        assert status(response) == {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": "the body of the request was in an unknown format - accepted media "
            "types include: application/json, application/yaml, "
            "application/vnd.kubernetes.protobuf",
            "reason": "UnsupportedMediaType",
            "code": 415,
        }


def test_api_accepts_json_yaml_and_no_content_type(client: Client, door: str):
    path = door + "/api/v1/namespaces/default/configmaps"
    for i, (ctype, body) in enumerate(
        [
            ("application/json", json.dumps({**CM, "metadata": {"name": "j"}})),
            ("application/yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\n"),
            ("application/json; charset=utf-8", json.dumps({**CM, "metadata": {"name": "u"}})),
            ("", json.dumps({**CM, "metadata": {"name": "e"}})),
        ]
    ):
        response = client.generic("POST", path, body, content_type=ctype)
        assert response.status_code == 201, (i, ctype, response.content)


def test_api_patch_in_a_foreign_type_is_415_before_reading(client: Client, door: str):
    client.post(
        door + "/api/v1/namespaces/default/configmaps",
        json.dumps(CM),
        content_type="application/json",
    )
    response = client.patch(
        door + "/api/v1/namespaces/default/configmaps/c",
        "not json",
        content_type="application/json",
    )
    assert response.status_code == 415
    body = status(response)
    assert body["reason"] == "UnsupportedMediaType"
    assert body["message"].startswith(
        "the body of the request was in an unknown format - "
        "accepted media types include: application/json-patch"
    )
