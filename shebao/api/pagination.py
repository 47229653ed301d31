"""Pagination of every API list: `?limit=&offset=` with bounds."""

from __future__ import annotations

from typing import Any

from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request


class ApiPagination(LimitOffsetPagination):
    """`?limit=&offset=` with bounds: an enormous number must not reach the database (PostgreSQL
    refuses a LIMIT or OFFSET beyond bigint with a server error). Found by the schemathesis run."""

    max_limit = 200
    max_offset = 2**31 - 1

    def get_offset(self, request: Request) -> int:
        return min(super().get_offset(request), self.max_offset)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 0
            parameter["schema"]["maximum"] = (
                self.max_limit if parameter["name"] == "limit" else self.max_offset
            )
        return parameters
