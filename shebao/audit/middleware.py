"""Every refusal is audited, whichever layer refuses.

A service that refuses writes its own refusal event (`cases.refused`, …) in its own transaction. A
refusal by a page's permission check (`core.access.require_perm`, `portal_required`, `forbidden`), a
DRF permission class, a raised `PermissionDenied` or the CSRF check answers 403 and left no trace:
this middleware writes `access.refused` for every 403 answered to a signed-in user — with the path,
the method, the permission codes the page asked for and the reason — unless a refusal event was
already written while the request ran. In a transaction of its own, after the view has finished.
Anonymous users are sent to the sign-in page (or get 401 from the API) and are not audited here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse

from shebao.audit.services import audit_record, request_refusals

ACCESS_REFUSED = "access.refused"


class RefusalAuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        seen: list[str] = []
        token = request_refusals.set(seen)
        try:
            response = self.get_response(request)
        finally:
            request_refusals.reset(token)
        if response.status_code == 403 and not seen:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                access_refused_record(request=request, user=user)
        return response


def access_refused_record(*, request: HttpRequest, user: Any) -> None:
    """Write `access.refused` for a 403 answered to `user` (in its own transaction)."""
    noted: dict[str, Any] = getattr(request, "refusal", None) or {}
    region = getattr(user, "region", None)
    with transaction.atomic():
        audit_record(
            actor=user,
            action=ACCESS_REFUSED,
            region_code=region.code if region is not None else "",
            extra={
                "path": request.path[:300],
                "method": request.method,
                "perms": list(noted.get("perms", [])),
                "reason": str(noted.get("reason", "") or ""),
                "message": str(noted.get("message", "") or ""),
            },
        )
