"""Page access: login, permission code and region bound, in one reusable place.

Every staff page is wrapped in `require_perm(code, ...)`: anonymous users go to the sign-in page,
a signed-in user whose posts lack every listed code gets a 403 page with a translated message (and the
refusal is audited as `access.refused`: `audit.middleware`).
The region bound (a staff member sees their own region and everything below it, unless a post is
province-wide) is `visible_regions` / `can_see_region`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib.auth.views import redirect_to_login
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from shebao.core.models import Region, RegionLevel, User

View = TypeVar("View", bound=Callable[..., HttpResponse])


def staff(request: HttpRequest) -> User:
    """The signed-in staff member (pages behind `require_perm` only)."""
    return cast(User, request.user)


def note_refusal(request: Any, *, perms: tuple[str, ...] = (), reason: str = "", message: Any = "") -> None:
    """Say why the request is refused; the audit's 403 middleware (`audit.middleware`) records it."""
    noted = getattr(request, "refusal", None) or {}
    noted.setdefault("perms", list(perms))
    noted.setdefault("reason", reason)
    if message and not noted.get("message"):
        noted["message"] = str(message)
    request.refusal = noted


def forbidden(request: HttpRequest, message: str | None = None) -> HttpResponse:
    """The one 403 page: says what is missing, in the user's language. Every 403 is audited
    (`access.refused`, by `audit.middleware.RefusalAuditMiddleware`)."""
    message = message or _("Your posts do not allow this page. Ask an administrator if you need it.")
    note_refusal(request, reason="forbidden", message=message)
    return render(request, "core/forbidden.html", {"message": message}, status=403)


def at_province_level(user: User) -> bool:
    """True for staff of a province-level office, or holding a province-wide post."""
    if user.is_province_wide():
        return True
    region = user.region
    return region is not None and region.level == RegionLevel.PROVINCE


def require_perm(*codes: str, province_level: bool = False) -> Callable[[View], View]:
    """Allow the view to users holding ANY of `codes`; sign-in page for anonymous users, else 403.

    `province_level=True` also requires a province-level office (the standard, the calendar and the
    register are the province's; cities and counties only fill in and report).
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not any(cast(User, user).has_perm_code(code) for code in codes):
                note_refusal(request, perms=codes, reason="perm")
                return forbidden(request)
            if province_level and not at_province_level(cast(User, user)):
                note_refusal(request, perms=codes, reason="province_level")
                return forbidden(request, _("This page is for the provincial office only."))
            return view(request, *args, **kwargs)

        return cast(View, wrapped)

    return decorator


def visible_regions(user: User) -> QuerySet[Region]:
    """The regions a staff member may see: the whole province, or their region's subtree."""
    if user.is_province_wide():
        return Region.objects.all()
    region = user.region
    if region is None:
        return Region.objects.none()
    return Region.objects.filter(path__startswith=region.path)


def can_see_region(user: User, region: Region) -> bool:
    if user.is_province_wide():
        return True
    own = user.region
    return own is not None and region.is_within(own)


def region_code_filter(user: User, field: str = "region_code") -> Q | None:
    """A filter on a region-code column limiting rows to the user's subtree (None: no limit).

    Rows without a region code are province-level: seen by province-level and province-wide staff.
    """
    if at_province_level(user):
        return None
    return Q(**{f"{field}__in": visible_regions(user).values("code")})
