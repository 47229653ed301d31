"""One error shape for the whole API: {"error": {"code", "message", "details"}}.

`ApplicationError` (what services and selectors raise) keeps its code and status; DRF's own errors
(403 not signed in or not allowed, 404, 405, validation) and Django's `Http404`/`PermissionDenied`
are reshaped the same way. Messages are rendered in the language of the request.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from shebao.core.access import note_refusal
from shebao.core.errors import ApplicationError


def error_body(code: str, message: Any, details: list[Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": str(message), "details": [str(d) for d in details or []]}}


def _flatten(data: Any, prefix: str = "") -> list[str]:
    """Validation errors as "field: message" lines."""
    if isinstance(data, dict):
        lines: list[str] = []
        for key, value in data.items():
            name = key if key != "non_field_errors" else ""
            lines.extend(_flatten(value, f"{prefix}.{name}" if prefix and name else (name or prefix)))
        return lines
    if isinstance(data, list):
        return [line for value in data for line in _flatten(value, prefix)]
    return [f"{prefix}: {data}" if prefix else str(data)]


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApplicationError):
        if exc.status == status.HTTP_403_FORBIDDEN and context.get("request") is not None:
            note_refusal(context["request"]._request, reason=exc.code, message=exc.message)
        return Response(error_body(exc.code, exc.message, exc.details), status=exc.status)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # an unexpected error: Django's 500 handling and logging
    if isinstance(exc, ValidationError):
        response.data = error_body("invalid", _("The request has errors."), _flatten(exc.detail))
        return response
    detail = response.data.get("detail") if isinstance(response.data, dict) else None
    code = str(getattr(detail, "code", None) or getattr(exc, "default_code", None) or "error")
    message = str(detail) if detail is not None else str(exc)
    response.data = error_body(code, message)
    if response.status_code == status.HTTP_403_FORBIDDEN and context.get("request") is not None:
        # Audited by `audit.middleware` with the refusing permission class and its message.
        view = context.get("view")
        perms = tuple(
            getattr(p, "__name__", type(p).__name__) for p in getattr(view, "permission_classes", [])
        )
        note_refusal(context["request"]._request, perms=perms, reason=code, message=message)
    return response


@csrf_exempt  # a POST to an unknown path is a 404 in the API's shape, not the CSRF failure page
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Unknown paths under the API answer in the API's error shape."""
    return JsonResponse(
        error_body("not_found", _("There is no API endpoint %(path)s.") % {"path": request.path}),
        status=status.HTTP_404_NOT_FOUND,
        json_dumps_params={"ensure_ascii": False},
    )
