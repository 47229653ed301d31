"""Portal pages: accounts, one-click query, appointments, messages, ratings (filled in by its owner)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path


def _todo(request: HttpRequest) -> HttpResponse:
    raise Http404


urlpatterns: list[URLPattern] = [
    path("", _todo, name="home"),
    path("login/", _todo, name="login"),
    path("logout/", _todo, name="logout"),
    path("register/", _todo, name="register"),
]
