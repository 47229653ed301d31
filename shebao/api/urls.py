"""REST API v1 (mounted at /api/v1/): the read-only catalogue, its schema and its docs."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from shebao.api import views
from shebao.api.errors import not_found

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("catalogue/items/", views.ItemListView.as_view(), name="item-list"),
    path("catalogue/items/<str:code>/", views.ItemDetailView.as_view(), name="item-detail"),
    path("catalogue/editions/", views.EditionListView.as_view(), name="edition-list"),
    path("catalogue/editions/<int:number>/", views.EditionDetailView.as_view(), name="edition-detail"),
    path(
        "catalogue/editions/<int:old>/diff/<int:new>/",
        views.EditionDiffView.as_view(),
        name="edition-diff",
    ),
    path("catalogue/conformance/", views.ConformanceView.as_view(), name="conformance"),
    path("registry/", include("shebao.api.registry_urls")),
    path("", include("shebao.api.portal_urls")),
    # Anything else under /api/v1/ is a 404 in the API's error shape, not an HTML page. It matches
    # only paths ending in "/" so that APPEND_SLASH still redirects "items" to "items/".
    re_path(r"^.*/$", not_found, name="not-found"),
]
