"""Template context: the signed-in portal account, looked up only when a template asks for it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from shebao.portal.access import account_of


def portal(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {"portal_account": SimpleLazyObject(lambda: account_of(user))}
