"""The self-service site (/my/): one URL list, each part's views in its own module."""

from django.urls import include, path

from shebao.portal import views_account, views_apply, views_employer

app_name = "portal"

urlpatterns = [
    # accounts, one-click query, appointments, messages, ratings
    *views_account.urlpatterns,
    # online applications, uploads, supplements
    *views_apply.urlpatterns,
    # employer self-service
    path("employer/", include(views_employer.urlpatterns)),
]
