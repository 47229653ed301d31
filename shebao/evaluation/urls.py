from django.urls import path

from shebao.evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("window/<int:window_id>/", views.tablet, name="tablet"),
    path("window/<int:window_id>/panel/", views.tablet_panel, name="tablet_panel"),
]
