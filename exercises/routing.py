from django.urls import path

from exercises.consumers import AttemptConsumer, ClassroomConsumer

websocket_urlpatterns = [
    path("ws/classroom/<int:classroom_id>/", ClassroomConsumer.as_asgi()),
    path("ws/attempt/<int:sandbox_id>/", AttemptConsumer.as_asgi()),
]
