"""Token authentication of the public API for the phone app (portal accounts only).

`POST /api/v1/auth/token/` trades an ID number (or, for an employer's agent, the employer's credit
code and the agent's ID number) and the account's password for a random token; the client sends it
as `Authorization: Token <key>`. Only `sha256(key)` is stored (`portal.ApiToken`), with the first
characters as a prefix to tell tokens apart, a device label and an expiry. Sign-in goes through
`django.contrib.auth.authenticate`, so django-axes counts failures and locks the account as it does
on the sign-in pages. Staff never get a token: they have no portal account.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed, NotAuthenticated, PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from shebao.audit.services import audit_record
from shebao.core.errors import ApplicationError
from shebao.portal.access import account_of
from shebao.portal.employer import agent_login_username
from shebao.portal.models import AccountKind, ApiToken, PortalAccount
from shebao.portal.selectors import account_by_id_number
from shebao.registry.identity import check_id_number

TOKEN_LIFETIME = dt.timedelta(days=30)
# Refresh `last_used_at` at most this often: a read should not write on every request.
LAST_USED_GRANULARITY = dt.timedelta(minutes=5)
KEYWORD = "Token"


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _sign_in_failed() -> ApplicationError:
    # One message for an unknown ID number, a wrong password and a staff account: no hint which.
    return ApplicationError(
        "sign_in_failed",
        _(
            "The ID number or the password is wrong. Check both and try again; after 5 failed tries "
            "the account is locked for an hour."
        ),
        status=400,
    )


def _locked_out() -> ApplicationError:
    return ApplicationError(
        "locked_out",
        _("Too many failed sign-ins: this account is locked for an hour. Try again later."),
        status=429,
    )


def _login_name(*, id_number: str, credit_code: str) -> tuple[str, PortalAccount | None]:
    """The user name to authenticate and its portal account (None when there is no such account).

    An unknown or malformed ID number still gets a stable name no user has, so `authenticate` counts
    the try and the answer reads like a wrong password; it is a hash, so no ID number reaches the
    attempt log.
    """
    account: PortalAccount | None = None
    username = ""
    if credit_code.strip():
        username = agent_login_username(credit_code=credit_code, id_number=id_number)
        if username:
            account = (
                PortalAccount.objects.select_related("user", "person", "employer")
                .filter(kind=AccountKind.EMPLOYER_AGENT, user__username=username)
                .first()
            )
    else:
        try:
            number = check_id_number(id_number).number
        except ApplicationError:
            number = ""
        if number:
            account = account_by_id_number(number)
    if account is not None:
        return account.user.get_username(), account
    if not username:
        username = "api-unknown-" + _hash(f"{credit_code.strip().upper()}|{id_number.strip().upper()}")[:24]
    return username, None


def _is_staff(user: Any) -> bool:
    return bool(user.is_staff or user.is_superuser or user.office_id or user.posts.exists())


def token_sign_in(
    *, request: HttpRequest, id_number: str, password: str, credit_code: str = "", label: str = ""
) -> tuple[ApiToken, str]:
    """Check the credentials (through django-axes) and issue a token; returns (token, key)."""
    username, account = _login_name(id_number=id_number, credit_code=credit_code)
    user = authenticate(request, username=username, password=password)
    if getattr(request, "axes_locked_out", False):
        # Answer in the API's error shape; AxesMiddleware would otherwise swap in the HTML page.
        request.axes_locked_out = False  # type: ignore[attr-defined]
        raise _locked_out()
    if user is None or account is None or user.pk != account.user_id or _is_staff(user):
        raise _sign_in_failed()
    return token_issue(account=account, label=label)


@transaction.atomic
def token_issue(*, account: PortalAccount, label: str = "") -> tuple[ApiToken, str]:
    """A new token for the account; the key is returned once and never stored."""
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        account=account,
        key_hash=_hash(key),
        prefix=key[:8],
        label=(label or "").strip()[:60],
        expires_at=timezone.now() + TOKEN_LIFETIME,
    )
    audit_record(
        actor=account.user,
        action="portal.api_token_issued",
        subject=token,
        new={"prefix": token.prefix, "label": token.label, "expires_at": token.expires_at},
    )
    return token, key


@transaction.atomic
def token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke a token (sign out of the app); a revoked token never authenticates again."""
    token = ApiToken.objects.select_for_update().select_related("account__user").get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=token.account.user,
            action="portal.api_token_revoked",
            subject=token,
            new={"prefix": token.prefix, "revoked_at": token.revoked_at},
        )
    return token


def token_authenticate(key: str) -> ApiToken:
    """The live token with this key, or `AuthenticationFailed` (unknown, expired or revoked alike)."""
    token = (
        ApiToken.objects.select_related("account__user", "account__person", "account__employer")
        .filter(key_hash=_hash(key))
        .first()
    )
    now = timezone.now()
    if (
        token is None
        or token.revoked_at is not None
        or token.expires_at <= now
        or not token.account.user.is_active
    ):
        raise AuthenticationFailed(
            _("The token is unknown, expired or revoked. Sign in again to get a new one.")
        )
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_GRANULARITY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


class PortalTokenAuthentication(BaseAuthentication):
    """`Authorization: Token <key>` → (the account's user, the `ApiToken`). No CSRF needed: no cookie."""

    keyword = KEYWORD

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(_("Send the token as 'Authorization: Token <key>'."))
        token = token_authenticate(parts[1].decode("ascii", errors="replace"))
        return (token.account.user, token)

    def authenticate_header(self, request: Request) -> str:
        # Makes DRF answer 401 (not 403) to requests without valid credentials.
        return f'{self.keyword} realm="api"'


class PortalTokenScheme(OpenApiAuthenticationExtension):
    target_class = PortalTokenAuthentication
    name = "portalToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "A token from `POST /api/v1/auth/token/`, sent as `Authorization: Token <key>`. "
                "Valid for 30 days unless revoked with `DELETE /api/v1/auth/token/`."
            ),
        }


def request_account(request: Request) -> PortalAccount:
    """The portal account behind the request (views behind `PortalAccountRequired` only)."""
    token = request.auth
    if isinstance(token, ApiToken):
        return token.account
    account = account_of(request.user)
    if account is None:
        raise NotAuthenticated()
    return account


class PortalAccountRequired(BasePermission):
    """A signed-in portal account of the view's `portal_kinds` (default: any kind); never staff."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not request.user or not request.user.is_authenticated:
            raise NotAuthenticated(_("Sign in first: send 'Authorization: Token <key>'."))
        account = request.auth.account if isinstance(request.auth, ApiToken) else account_of(request.user)
        if account is None:
            raise PermissionDenied(_("This API is for self-service accounts; staff use the staff desk."))
        kinds = getattr(view, "portal_kinds", None) or AccountKind.values
        if account.kind not in kinds:
            raise PermissionDenied(_("This endpoint is not for your kind of account."))
        return True
