"""Access to self-service pages and API: the signed-in user's portal account, and nothing else.

Every portal page is wrapped in `portal_required(kind)`: anonymous visitors go to the portal sign-in
page; a signed-in user without a portal account (staff) or of the other kind gets a 403 page. What a
page reads is then bounded by `account.person` or `account.employer` — never by a number or ID in
the URL or the form alone (see the selectors in `portal.selectors`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from shebao.core.access import forbidden
from shebao.portal.models import AccountKind, PortalAccount

View = TypeVar("View", bound=Callable[..., HttpResponse])


def account_of(user: Any) -> PortalAccount | None:
    """The user's portal account, or None for anonymous users and staff."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    try:
        return user.portal_account  # type: ignore[no-any-return]
    except PortalAccount.DoesNotExist:
        return None


def portal_account(request: HttpRequest) -> PortalAccount:
    """The signed-in portal account (pages behind `portal_required` only)."""
    account = account_of(request.user)
    assert account is not None  # noqa: S101 - guaranteed by portal_required
    return account


def portal_required(*kinds: str) -> Callable[[View], View]:
    """Allow the view to portal accounts of any of `kinds` (all kinds when none given)."""
    allowed = set(kinds) or set(AccountKind.values)

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("portal:login"))
            account = account_of(request.user)
            if account is None:
                return forbidden(
                    request, _("This page is for self-service accounts; staff use the staff desk.")
                )
            if account.kind not in allowed:
                return forbidden(request, _("This page is not for your kind of account."))
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator
