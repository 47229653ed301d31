"""The one error type services raise.

A service checks first and raises `ApplicationError` with a stable code and a message the user can
read (translated lazily, so it renders in the language of the request). Views show `message`; the
API maps it to one response shape. `details` carries a list of specific problems, e.g. every bad row
of an import or every violation that blocks publication.
"""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    def __init__(self, code: str, message: Any, *, details: list[Any] | None = None, status: int = 400):
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.details = details or []
        self.status = status

    def __str__(self) -> str:
        return str(self.message)


class PermissionDeniedError(ApplicationError):
    def __init__(self, message: Any, *, code: str = "permission_denied"):
        super().__init__(code, message, status=403)
