"""Registry pages for staff, under /registry/. ID numbers never appear in these URLs."""

from django.urls import path

from shebao.registry import views

app_name = "registry"

urlpatterns = [
    path("", views.search, name="search"),
    path("persons/<int:pk>/", views.person_detail, name="person"),
    path("persons/<int:pk>/full-id/", views.person_reveal_id, name="person_full_id"),
    path("employers/<int:pk>/", views.employer_detail, name="employer"),
    path("employers/<int:pk>/staff-changes/", views.employer_staff_changes, name="employer_staff_changes"),
    path("employers/<int:pk>/staff-changes/<int:job>/", views.staff_changes_job, name="staff_changes_job"),
]
