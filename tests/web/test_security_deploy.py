"""`manage.py check --deploy` on the production settings, and secrets only from the
environment. Each check runs in a subprocess with a clean production-like environment
(DEBUG=0, a real SECRET_KEY, every security setting at its default)."""

import json
import secrets

from tests.support.commands import REPO, manage, python

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "play.example",
    "CSRF_TRUSTED_ORIGINS": "https://play.example",
}
# The one check we silence, on purpose: security.W021 asks for HSTS preloading, which
# is hard to undo and so the operator's opt-in (SECURE_HSTS_PRELOAD=1).
SILENCED = ["security.W021"]


def test_check_deploy_reports_no_issue_in_production():
    result = manage("check", "--deploy", "--fail-level", "DEBUG", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    # W021 fires and is silenced; nothing else fires at all
    assert result.stdout.strip() == "System check identified no issues (1 silenced).", (
        result.stdout + result.stderr
    )


def test_only_hsts_preload_is_silenced_and_choosing_it_silences_nothing():
    read = "import django; from django.conf import settings as s; django.setup();"
    result = python(
        read + "import json; print(json.dumps(s.SILENCED_SYSTEM_CHECKS))",
        DJANGO_SETTINGS_MODULE="playground.settings",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == SILENCED

    preload = manage(
        "check", "--deploy", "--fail-level", "DEBUG", SECURE_HSTS_PRELOAD="1", **PRODUCTION
    )
    assert preload.returncode == 0, preload.stdout + preload.stderr
    assert preload.stdout.strip() == "System check identified no issues (0 silenced)."


def test_a_weakened_setting_is_reported():
    # the check can fail: plain-http cookies in production are flagged
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", SECURE_COOKIES="0", **PRODUCTION
    )
    assert result.returncode != 0
    assert "security.W012" in result.stderr + result.stdout  # SESSION_COOKIE_SECURE
    assert "security.W016" in result.stderr + result.stdout  # CSRF_COOKIE_SECURE


def test_production_refuses_a_missing_dev_or_placeholder_secret_key():
    example = (REPO / "envs" / "django.env.example").read_text()
    placeholder = next(
        line.split("=", 1)[1] for line in example.splitlines() if line.startswith("SECRET_KEY=")
    )
    from playground.settings import DEV_SECRET_KEY

    for key in (None, "", DEV_SECRET_KEY, placeholder):
        env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
        if key is not None:
            env["SECRET_KEY"] = key
        result = manage("check", **env)
        assert result.returncode != 0, key
        assert "SECRET_KEY must be set" in result.stderr, key
