from django.contrib import admin
from django.urls import include, path
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from exercises.urls import class_patterns, exercise_patterns
from playground import views, views_sandbox

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    # Django's set_language changes the language only on POST and redirects anything else
    path("i18n/setlang/", require_POST(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("exercises/", include(exercise_patterns)),
    path("classes/", include(class_patterns)),
    path("", include("k8sapi.urls")),
    path("lessons/", include("lessons.urls")),
    path("sandboxes/", views_sandbox.sandbox_list, name="sandbox_list"),
    path("sandboxes/open", views_sandbox.sandbox_open, name="sandbox_open"),
    path("sandboxes/<int:sandbox_id>/", views_sandbox.sandbox_page, name="sandbox_page"),
    *[
        path(f"sandboxes/<int:sandbox_id>/{action}", view, name=f"sandbox_{action}")
        for action, view in [
            ("object", views_sandbox.sandbox_object),
            ("console", views_sandbox.sandbox_console),
            ("apply", views_sandbox.sandbox_apply),
            ("clock", views_sandbox.sandbox_clock),
            ("fault", views_sandbox.sandbox_fault),
            ("reset", views_sandbox.sandbox_reset),
            ("rename", views_sandbox.sandbox_rename),
            ("delete", views_sandbox.sandbox_delete),
        ]
    ],
]
