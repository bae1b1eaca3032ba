from django.urls import path

from lessons import views

urlpatterns = [
    path("", views.lesson_list, name="lesson_list"),
    path("<slug:slug>/", views.lesson_page, name="lesson_page"),
    *[
        path(f"<slug:slug>/{action}", view, name=f"lesson_{action}")
        for action, view in [
            ("start", views.lesson_start),
            ("restart", views.lesson_restart),
            ("go", views.lesson_go),
            ("check", views.lesson_check),
            ("console", views.lesson_console),
            ("apply", views.lesson_apply),
        ]
    ],
]
