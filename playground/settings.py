"""Settings for the Kubernetes Playground: one module, every knob from the environment.

Defaults are safe for production (DEBUG off, secure cookies, HTTPS redirect) and
the local commands opt out explicitly: `make run` sets DEBUG=1, the test suite sets
its own values in tests/conftest.py. Without DATABASE_URL the site runs on a SQLite
file; without REDIS_URL it expects Redis on the loopback default port.
"""

import os
import tempfile
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

# A fixed key is handy on a laptop and fatal in production: refuse it there, and the
# placeholder of envs/django.env.example ("change-me-...") too.
DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY", "") or (DEV_SECRET_KEY if DEBUG else "")
if not DEBUG and (SECRET_KEY in ("", DEV_SECRET_KEY) or SECRET_KEY.startswith("change-me")):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a secret value when DEBUG=0 "
        "(for local development set DEBUG=1; `make run` does)."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "daphne",  # first, so `runserver` serves ASGI (websockets) too
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "django_htmx",
    "template_partials",
    "playground",
    "accounts",
    "lessons",
    "k8sapi",
    "exercises",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # a database outage answers 503, not 500 (outside the session and auth middleware)
    "playground.unavailable.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # 413 / 415 / admin 405 before a view or the CSRF check reads the body
    "playground.request_hygiene.RequestHygieneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "playground.urls"
ASGI_APPLICATION = "playground.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "playground.context_processors.notice",
            ],
        },
    },
]


# Database: PostgreSQL (or anything dj-database-url knows) from DATABASE_URL,
# else a SQLite file that a web process and a worker process can share.
def sqlite_options() -> dict:
    # WAL lets readers run beside one writer; IMMEDIATE takes the write lock at
    # BEGIN so two processes never deadlock upgrading a read lock; the timeout
    # makes a busy writer wait instead of failing with "database is locked".
    return {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }


DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = sqlite_options()
    # A test database in a file, not in memory, so that the ASGI server and
    # Celery worker subprocesses of the integration tests can open it too;
    # per process so that two test runs on one machine do not collide.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"playground-test-{os.getpid()}.sqlite3")
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that drops packets must give a 503 page within seconds, not a request
    # that hangs (playground/unavailable.py); a connect_timeout in DATABASE_URL wins.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5"))
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis carries the Channels layer and the Celery broker. REDIS_PREFIX keeps
# several deployments (or test runs) on one Redis from hearing each other.
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
REDIS_PREFIX = os.environ.get("REDIS_PREFIX", "playground")

CHANNEL_LAYERS = {
    "default": {
        # channels-redis's layer, blocking less than redis-py 8's 5 s read timeout
        # (playground/channel_layer.py)
        "BACKEND": "playground.channel_layer.RedisChannelLayer",
        "CONFIG": {"hosts": [REDIS_URL], "prefix": f"{REDIS_PREFIX}:asgi"},
    }
}

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_BROKER_TRANSPORT_OPTIONS = {"global_keyprefix": f"{REDIS_PREFIX}:"}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"global_keyprefix": f"{REDIS_PREFIX}:"}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ko", "한국어")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed names in production; plain names while developing so
    # that a new file under static/ works without running collectstatic.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Security: strict unless DEBUG. SECURE_SSL_REDIRECT and SECURE_COOKIES can be
# turned off for a plain-http deployment (docker compose on a laptop).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # probes speak plain http inside the network
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Preloading is hard to undo, so it is the operator's explicit choice.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Our JS never reads the CSRF cookie: htmx and sandbox.js send the token from the
# page (hx-headers on <body>), so the cookie can be hidden from scripts.
CSRF_COOKIE_HTTPONLY = True
# security.W021 asks for HSTS preloading, which is hard to undo and so the operator's
# explicit choice (SECURE_HSTS_PRELOAD=1), not a default: its warning is no news.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Content-Security-Policy (django-csp's middleware): scripts, styles, fonts and
# sockets from our own origin only ('self' covers ws:/wss: of the same host), no
# inline script or style="" attribute anywhere, no framing. The one exception is a
# per-response nonce for <style> elements that scripts create: xterm.js builds its
# terminal styles that way and takes no nonce option, so static/js/csp-nonce.js
# stamps the nonce on each <style> a script creates (parser-inserted ones, i.e.
# injected HTML, stay blocked).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "object-src": [NONE],
    }
}

# Request bodies (playground/request_hygiene.py answers 413 above the cap). 3 MiB is the
# kube-apiserver's own --max-request-body-bytes, so the REST door refuses exactly where a
# real cluster does; it also holds the biggest manifest the sandbox accepts (Limits.
# max_manifest_bytes, 512 KiB) even form-encoded, where every byte may become three.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", "3145728"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Live sandboxes (playground/sandboxes.py). A sandbox nobody has looked at for
# SANDBOX_IDLE_SECONDS schedules no more timers; opened again, it catches up at most
# SANDBOX_MAX_CATCHUP simulated seconds. A worker's claim on a sandbox lasts
# SANDBOX_LEASE_SECONDS (a killed worker's claim simply expires).
SANDBOX_IDLE_SECONDS = float(os.environ.get("SANDBOX_IDLE_SECONDS", "900"))
SANDBOX_MAX_CATCHUP = float(os.environ.get("SANDBOX_MAX_CATCHUP", "3600"))
SANDBOX_LEASE_SECONDS = float(os.environ.get("SANDBOX_LEASE_SECONDS", "30"))
# Test hook only: seconds a reconcile waits inside its transaction (to kill a worker there).
SANDBOX_RECONCILE_PAUSE = float(os.environ.get("SANDBOX_RECONCILE_PAUSE", "0"))
# Reconcile tasks are acked late: a message a killed worker held goes back to the queue
# after this many seconds (kombu's Redis transport; its default is one hour).
CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = int(
    os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600")
)
# How often a worker sweeps for such messages: every interval x throttle seconds.
CELERY_BROKER_TRANSPORT_OPTIONS["unacked_restore_interval"] = int(
    os.environ.get("CELERY_UNACKED_RESTORE_INTERVAL", "10")
)
CELERY_BROKER_TRANSPORT_OPTIONS["unacked_restore_throttle"] = int(
    os.environ.get("CELERY_UNACKED_RESTORE_THROTTLE", "10")
)

# A worker holds a mutex while it sweeps; one killed mid-sweep leaves it set this long
# (kombu's default, 300 s), and no worker restores anything until it expires.
CELERY_BROKER_TRANSPORT_OPTIONS["unacked_mutex_expire"] = int(
    os.environ.get("CELERY_UNACKED_MUTEX_EXPIRE", "300")
)

# ---- Limits (README "Limits") ----------------------------------------------------------------
# Site-wide caps of every sandbox (playground/sim/limits.py), one env var per cap:
# LIMIT_MAX_OBJECTS=500 sets "max_objects". Only the caps given are set; the rest keep the
# simulation's defaults. They reach each sandbox every time it is loaded (sitelimits.py), so a
# change applies to existing sandboxes at their next request.
_LIMIT_NUMBERS = {
    "max_objects": int,
    "max_namespaces": int,
    "max_nodes": int,
    "max_events": int,
    "max_manifest_bytes": int,
    "max_console_line": int,
    "max_advance_seconds": float,
    "max_yaml_depth": int,
    "max_yaml_documents": int,
    "max_yaml_nodes": int,
}


def _default_quota(value: str) -> dict | bool:
    """LIMIT_DEFAULT_QUOTA: `off` (no default ResourceQuota) or `pods=20,services=10`."""
    if value.strip().lower() in {"0", "off", "false", "no", "none"}:
        return False
    hard = dict(item.split("=", 1) for item in value.split(",") if "=" in item)
    if not hard:
        raise ImproperlyConfigured(f"LIMIT_DEFAULT_QUOTA: expected off or k=v,..., not {value!r}")
    return {k.strip(): v.strip() for k, v in hard.items()}


def site_limits() -> dict:
    limits: dict = {}
    for key, kind in _LIMIT_NUMBERS.items():
        raw = os.environ.get(f"LIMIT_{key.upper()}", "").strip()
        if raw:
            limits[key] = kind(raw)
    if os.environ.get("LIMIT_DEFAULT_QUOTA", "").strip():
        limits["default_quota"] = _default_quota(os.environ["LIMIT_DEFAULT_QUOTA"])
    if os.environ.get("LIMIT_QUOTA_COMPUTE", "").strip():
        limits["quota_compute"] = env_bool("LIMIT_QUOTA_COMPUTE", False)
    return limits


PLAYGROUND_LIMITS = site_limits()
# Sandboxes one learner may open from "Open a sandbox" (lesson and exercise sandboxes, one
# per lesson or exercise, are not counted).
SANDBOX_MAX_PER_USER = int(os.environ.get("SANDBOX_MAX_PER_USER", "5"))
SANDBOX_MAX_PER_VISITOR = int(os.environ.get("SANDBOX_MAX_PER_VISITOR", "1"))

# Rate limits (playground/ratelimit.py), counted in Redis per fixed window of
# RATE_LIMIT_WINDOW seconds; 0 turns one off. Writes: console lines, YAML applies, clock,
# faults, reset/rename/delete/open on the site, and POST/PUT/PATCH/DELETE on the REST API.
RATE_LIMIT_WINDOW = int(os.environ.get("RATE_LIMIT_WINDOW", "10"))
RATE_LIMIT_SANDBOX_WRITES = int(os.environ.get("RATE_LIMIT_SANDBOX_WRITES", "60"))
RATE_LIMIT_USER_WRITES = int(os.environ.get("RATE_LIMIT_USER_WRITES", "120"))
# Sandboxes opened without an account, per client address (a browser that keeps no cookie
# gets a new visitor token each time; a classroom shares one address, hence generous).
RATE_LIMIT_ANONYMOUS_OPENS = int(os.environ.get("RATE_LIMIT_ANONYMOUS_OPENS", "60"))
# Every REST API request of one sandbox (kubectl reads discovery and lists a lot).
RATE_LIMIT_SANDBOX_REQUESTS = int(os.environ.get("RATE_LIMIT_SANDBOX_REQUESTS", "300"))
