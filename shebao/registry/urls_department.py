"""Pages for other departments' API access (mounted at /departments/)."""

from django.urls import path

from shebao.registry import views_department as views

app_name = "departments"

urlpatterns = [
    path("", views.client_list, name="clients"),
    path("new/", views.client_issue, name="issue"),
    path("<int:pk>/scope/", views.client_scope, name="scope"),
    path("<int:pk>/revoke/", views.client_revoke, name="revoke"),
    path("log/", views.access_log, name="log"),
]
