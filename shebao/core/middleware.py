"""Language choice: Simplified Chinese unless the person switched (统一形象: one default for all)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


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
