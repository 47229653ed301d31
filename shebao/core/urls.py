from django.contrib.auth import views as auth_views
from django.urls import path

from shebao.core import views
from shebao.core.forms import StaffAuthenticationForm

app_name = "core"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="core/login.html",
            redirect_authenticated_user=True,
            authentication_form=StaffAuthenticationForm,
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("desk/", views.home, name="home"),
    path("desk/calendar/", views.calendar, name="calendar"),
    path("desk/calendar/workdays/", views.workday_calculator, name="workdays"),
]
