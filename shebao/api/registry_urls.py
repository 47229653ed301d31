"""Department read API (mounted at /api/v1/registry/)."""

from django.urls import path

from shebao.api import registry as api

urlpatterns = [
    # The ID number goes in the POST body: personal data never in an address.
    path("persons/lookup/", api.DepartmentPersonView.as_view(), name="registry-department-person"),
    path(
        "employers/<str:credit_code>/",
        api.DepartmentEmployerView.as_view(),
        name="registry-department-employer",
    ),
]
