from django.urls import path

from playground import consumers

websocket_urlpatterns = [
    path("ws/site/", consumers.SiteConsumer.as_asgi()),
    path("ws/sandbox/<int:sandbox_id>/", consumers.SandboxConsumer.as_asgi()),
]
