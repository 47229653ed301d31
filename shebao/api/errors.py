"""One error shape for the whole API: {"error": {"code", "message", "details"}}."""

from __future__ import annotations

from typing import Any

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from shebao.core.errors import ApplicationError


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApplicationError):
        return Response(
            {
                "error": {
                    "code": exc.code,
                    "message": str(exc.message),
                    "details": [str(d) for d in exc.details],
                }
            },
            status=exc.status,
        )
    response = drf_exception_handler(exc, context)
    if response is not None:
        detail = response.data.get("detail") if isinstance(response.data, dict) else None
        code = getattr(detail, "code", None) or "invalid"
        message = str(detail) if detail is not None else str(response.data)
        response.data = {
            "error": {"code": code, "message": message, "details": [] if detail else response.data}
        }
    return response
