from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.decorators.http import require_http_methods

from accounts import views

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    # LoginView (a FormView) would treat PUT as POST
    path(
        "login/",
        require_http_methods(["GET", "POST"])(auth_views.LoginView.as_view()),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
