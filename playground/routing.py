from django.urls import path

from exercises.routing import websocket_urlpatterns as exercise_websockets
from lessons.consumers import LessonConsumer
from playground import consumers

websocket_urlpatterns = [
    path("ws/site/", consumers.SiteConsumer.as_asgi()),
    path("ws/sandbox/<int:sandbox_id>/", consumers.SandboxConsumer.as_asgi()),
    path("ws/lesson/<int:sandbox_id>/", LessonConsumer.as_asgi()),
    *exercise_websockets,
]
