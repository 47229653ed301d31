from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-admin/", admin.site.urls),
    path("api/v1/", include("shebao.api.urls")),
    path("", include("shebao.core.urls")),
    path("audit/", include("shebao.audit.urls")),
    path("departments/", include("shebao.registry.urls_department")),
    path("registry/", include("shebao.registry.urls")),
    path("counter/", include("shebao.counter.urls")),
    path("cases/", include("shebao.cases.urls")),
    path("rating/", include("shebao.evaluation.urls")),
    path("my/", include("shebao.portal.urls")),
    path("", include("shebao.catalogue.urls")),
]
