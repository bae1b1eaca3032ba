"""Websockets of the REST door (exec / attach): kubectl sends no Origin header and no
cookies (the secret in the path is its credential), so these bypass the site's origin
check; every other websocket goes to the site's own stack."""

from django.urls import re_path

from k8sapi.streams import StreamConsumer

websocket_urlpatterns = [
    re_path(r"^k8s/", StreamConsumer.as_asgi()),
]


def with_k8s(site_app):
    k8s_app = StreamConsumer.as_asgi()

    async def app(scope, receive, send):
        if scope["path"].startswith("/k8s/"):
            return await k8s_app(scope, receive, send)
        return await site_app(scope, receive, send)

    return app
