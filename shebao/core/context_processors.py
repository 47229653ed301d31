from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from shebao.core.models import pick_language


def shell(request: HttpRequest) -> dict[str, Any]:
    """Brand (统一形象标识) and the signed-in staff member's permission codes, for every page."""
    brand = settings.SHEBAO_BRAND
    user = getattr(request, "user", None)
    perms = (
        user.perm_codes()
        if user is not None and user.is_authenticated and hasattr(user, "perm_codes")
        else set()
    )
    return {
        "brand_name": pick_language(brand["name_zh"], brand["name_en"]),
        "brand_agency": pick_language(brand["agency_zh"], brand["agency_en"]),
        "perm_codes": perms,
    }
