"""ASGI entry point: HTTP through Django, websockets through Channels (served by daphne)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "playground.settings")

# Django must be set up before the consumers (and the models they import) load.
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from k8sapi.accesslog import redact_daphne_access_log  # noqa: E402
from k8sapi.routing import with_k8s  # noqa: E402
from playground.routing import websocket_urlpatterns  # noqa: E402

# The REST door's URLs carry API secrets: daphne's access log shows them redacted.
redact_daphne_access_log()

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # kubectl's exec/attach websockets (/k8s/...) carry no Origin: see k8sapi/routing.py
        "websocket": with_k8s(
            AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))
        ),
    }
)
