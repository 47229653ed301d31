"""Department read API (mounted at /api/v1/registry/)."""

from django.urls import path

from shebao.registry import api

urlpatterns = [
    path("persons/<str:id_number>/", api.DepartmentPersonView.as_view(), name="registry-department-person"),
    path(
        "employers/<str:credit_code>/",
        api.DepartmentEmployerView.as_view(),
        name="registry-department-employer",
    ),
]
