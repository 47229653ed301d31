from django.urls import path

from shebao.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.event_list, name="events"),
    path("<int:pk>/", views.event_detail, name="event"),
    path("verify/", views.verify, name="verify"),
]
