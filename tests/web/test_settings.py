"""Settings come from the environment, with defaults that are safe in production."""

import json
import re
import secrets

import pytest
from django.db import connection

from tests.support.commands import manage, python

REAL_SECRETS = {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50)}
SETTINGS_AS_JSON = (
    "import json, django; from django.conf import settings as s; django.setup();"
    "db = s.DATABASES['default'];"
    "print(json.dumps({'engine': db['ENGINE'], 'name': str(db['NAME']),"
    " 'options': db.get('OPTIONS', {}),"
    " 'debug': s.DEBUG, 'hosts': s.ALLOWED_HOSTS, 'csrf': s.CSRF_TRUSTED_ORIGINS,"
    " 'redis': s.REDIS_URL, 'layer': s.CHANNEL_LAYERS['default']['CONFIG']['hosts'],"
    " 'broker': s.CELERY_BROKER_URL, 'ssl_redirect': s.SECURE_SSL_REDIRECT,"
    " 'secure_cookies': s.SESSION_COOKIE_SECURE}))"
)


def settings_with(**env: str) -> dict:
    result = python(SETTINGS_AS_JSON, DJANGO_SETTINGS_MODULE="playground.settings", **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_check_deploy_reports_nothing_serious_with_real_secrets():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **REAL_SECRETS)
    reported = set(re.findall(r"\((\w+\.[EW]\d+)\)", result.stdout + result.stderr))
    # W021 asks for HSTS preloading, which is the operator's call (SECURE_HSTS_PRELOAD=1).
    assert reported <= {"security.W021"}, result.stdout + result.stderr


def test_check_deploy_is_clean_once_preload_is_chosen():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", SECURE_HSTS_PRELOAD="1", **REAL_SECRETS
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = manage("check", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_it_refuses_the_development_key_when_debug_is_off():
    from playground.settings import DEV_SECRET_KEY

    result = manage("check", DEBUG="0", SECRET_KEY=DEV_SECRET_KEY)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_mode_runs_with_no_configuration_at_all():
    values = settings_with(DEBUG="1")
    assert values["debug"] is True
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"].endswith("db.sqlite3")
    assert values["ssl_redirect"] is False
    assert values["secure_cookies"] is False


def test_production_defaults_are_strict():
    values = settings_with(**REAL_SECRETS)
    assert values["debug"] is False
    assert values["ssl_redirect"] is True
    assert values["secure_cookies"] is True


def test_sqlite_default_uses_wal_and_a_busy_timeout():
    options = settings_with(DEBUG="1")["options"]
    assert "journal_mode=WAL" in options["init_command"]
    assert options["timeout"] >= 5


def test_everything_is_read_from_the_environment():
    values = settings_with(
        **REAL_SECRETS,
        DATABASE_URL="postgres://u:p@db.example:5432/playground",
        REDIS_URL="redis://cache.example:6380/2",
        ALLOWED_HOSTS="play.example, www.play.example",
        CSRF_TRUSTED_ORIGINS="https://play.example",
        SECURE_SSL_REDIRECT="0",
    )
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["name"] == "playground"
    assert values["redis"] == values["broker"] == "redis://cache.example:6380/2"
    assert values["layer"] == ["redis://cache.example:6380/2"]
    assert values["hosts"] == ["play.example", "www.play.example"]
    assert values["csrf"] == ["https://play.example"]
    assert values["ssl_redirect"] is False


@pytest.mark.django_db
def test_the_live_sqlite_database_is_in_wal_mode():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000
