"""Language choice: Simplified Chinese unless the person switched (统一形象: one default for all)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext as _


class LanguageMiddleware(LocaleMiddleware):
    """Pages follow the language switch's cookie, else the default (zh-hans), never the browser's
    Accept-Language: a teller's English-locale browser must not turn the hall's pages English.
    The API (`/api/`) also honours Accept-Language, as phone apps and other systems send it.
    """

    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith("/api/"):
            super().process_request(request)
            return
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class RefuseNulMiddleware:
    """Refuse a request whose address, query or form holds a NUL character, before any view runs.

    PostgreSQL cannot store or compare text holding NUL and answers with a server error; no real
    input contains one. The API gets its error shape, pages a plain 400.
    """

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _holds_nul(request):
            message = _("The request holds a NUL character, which no field accepts. Remove it and try again.")
            if request.path_info.startswith("/api/"):
                body = {"error": {"code": "invalid", "message": str(message), "details": []}}
                return JsonResponse(body, status=400, json_dumps_params={"ensure_ascii": False})
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _holds_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path_info or "%00" in request.META.get("QUERY_STRING", ""):
        return True
    if any("\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()):
        return True
    if request.method == "POST" and request.content_type in FORM_TYPES:
        return any("\x00" in key or any("\x00" in v for v in values) for key, values in request.POST.lists())
    return False
