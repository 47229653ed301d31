"""One view, `GET /floor/`: answers "ok" after `SELECT 1` (see `settings_floor.py`)."""

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path


def floor(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("floor/", floor)]
