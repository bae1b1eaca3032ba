from django.urls import path

from exercises.consumers import AttemptConsumer, ClassroomConsumer, ObserveConsumer

websocket_urlpatterns = [
    path("ws/classroom/<int:classroom_id>/", ClassroomConsumer.as_asgi()),
    path("ws/attempt/<int:sandbox_id>/", AttemptConsumer.as_asgi()),
    path("ws/observe/<int:classroom_id>/<int:user_id>/<int:assignment_id>/",
         ObserveConsumer.as_asgi()),
]
