from django.urls import path, re_path

from k8sapi import views, views_kubeconfig

urlpatterns = [
    re_path(r"^k8s/(?P<rest_path>.*)$", views.door, name="k8sapi_door"),
    path(
        "sandboxes/<int:sandbox_id>/kubeconfig", views_kubeconfig.download, name="k8sapi_kubeconfig"
    ),
    path(
        "sandboxes/<int:sandbox_id>/kubeconfig/regenerate",
        views_kubeconfig.regenerate,
        name="k8sapi_regenerate",
    ),
    path(
        "sandboxes/<int:sandbox_id>/kubeconfig/revoke",
        views_kubeconfig.revoke,
        name="k8sapi_revoke",
    ),
]
