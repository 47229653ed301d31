"""The registry read API for other departments (税务, 医保, 民政 …), under /api/v1/registry/.

A department's system authenticates with its key (`Authorization: Bearer <key>`) — never with a
staff session — and says why it reads (`X-Purpose` header or `purpose` query parameter). The views
are thin: `shebao.registry.department` checks the scope, reads, writes the one access-log row and
returns only the fields the client's scope allows.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed, NotAuthenticated
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shebao.api.errors import error_body
from shebao.api.serializers import ErrorSerializer
from shebao.registry.department import (
    PURPOSE_MAX,
    PURPOSE_MIN,
    DepartmentAuthError,
    DepartmentReadRefused,
    department_authenticate,
    department_read_employer,
    department_read_person,
)
from shebao.registry.models import (
    DepartmentClient,
    EmployerStatus,
    EmployerType,
    EnrolmentStatus,
    Gender,
    HouseholdType,
    PersonStatus,
)

# --- authentication ----------------------------------------------------------------------------------


class DepartmentKeyAuthentication(BaseAuthentication):
    """`Authorization: Bearer <key>` → the department client (as `request.auth`); no user."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, DepartmentClient] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(DepartmentAuthError().message)
        try:
            client = department_authenticate(parts[1].decode("ascii", errors="replace"))
        except DepartmentAuthError as exc:
            raise AuthenticationFailed(exc.message) from None
        return (None, client)

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="department"'


class IsDepartmentClient(BasePermission):
    """Only a request carrying a valid department key; a staff session alone does not count."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not isinstance(request.auth, DepartmentClient):
            raise NotAuthenticated(DepartmentAuthError().message)
        return True


class DepartmentKeyScheme(OpenApiAuthenticationExtension):
    target_class = DepartmentKeyAuthentication
    name = "departmentKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "The key issued to a department client (shown once, when it is issued). "
                "Send it as `Authorization: Bearer <key>`."
            ),
        }


# --- response shapes (every field optional: a client sees only what its scope lists) -----------------


class DepartmentEnrolmentSerializer(serializers.Serializer):
    insurance_type = serializers.CharField(required=False, help_text="Insurance type code.")
    employer = serializers.CharField(
        required=False, allow_null=True, help_text="The employer's credit code; null for residents."
    )
    start_date = serializers.DateField(required=False)
    end_date = serializers.DateField(required=False, allow_null=True, help_text="Null while open.")
    status = serializers.ChoiceField(choices=EnrolmentStatus.choices, required=False)
    status_date = serializers.DateField(
        required=False, allow_null=True, help_text="The day the current status took effect."
    )


class DepartmentPersonSerializer(serializers.Serializer):
    id_number = serializers.CharField(
        help_text="公民身份号码; masked (e.g. `110105********002X`) unless the scope lists `id_number`."
    )
    name = serializers.CharField(required=False)
    gender = serializers.ChoiceField(choices=Gender.choices, required=False)
    birth_date = serializers.DateField(required=False)
    household_type = serializers.ChoiceField(choices=HouseholdType.choices, required=False)
    status = serializers.ChoiceField(choices=PersonStatus.choices, required=False)
    status_date = serializers.DateField(
        required=False, allow_null=True, help_text="Date of death or of moving out."
    )
    region = serializers.CharField(required=False, help_text="Code of the region responsible.")
    phone = serializers.CharField(required=False, allow_blank=True)
    address = serializers.CharField(required=False, allow_blank=True)
    bank_name = serializers.CharField(required=False, allow_blank=True)
    bank_account = serializers.CharField(required=False, allow_blank=True)
    enrolments = DepartmentEnrolmentSerializer(
        many=True, required=False, help_text="Only with `include=enrolments` and an `enrolment` scope."
    )


class DepartmentEmployerSerializer(serializers.Serializer):
    credit_code = serializers.CharField(help_text="统一社会信用代码 (always returned).")
    name = serializers.CharField(required=False)
    employer_type = serializers.ChoiceField(choices=EmployerType.choices, required=False)
    industry = serializers.CharField(required=False)
    injury_risk_class = serializers.IntegerField(required=False, min_value=1, max_value=8)
    status = serializers.ChoiceField(choices=EmployerStatus.choices, required=False)
    status_date = serializers.DateField(
        required=False, allow_null=True, help_text="The day the current status took effect."
    )
    region = serializers.CharField(required=False, help_text="Region code.")
    legal_representative = serializers.CharField(required=False)
    contact_name = serializers.CharField(required=False, allow_blank=True)
    contact_phone = serializers.CharField(required=False, allow_blank=True)
    address = serializers.CharField(required=False, allow_blank=True)
    bank_name = serializers.CharField(required=False, allow_blank=True)
    bank_account = serializers.CharField(required=False, allow_blank=True)


# --- views -------------------------------------------------------------------------------------------

PURPOSE_PARAMS = [
    OpenApiParameter(
        "X-Purpose",
        OpenApiTypes.STR,
        location=OpenApiParameter.HEADER,
        description=(
            f"Why the record is read ({PURPOSE_MIN}–{PURPOSE_MAX} characters), kept in the access log. "
            "Non-ASCII text percent-encoded (UTF-8). Either this header or the `purpose` query "
            "parameter is required."
        ),
    ),
    OpenApiParameter(
        "purpose",
        OpenApiTypes.STR,
        location=OpenApiParameter.QUERY,
        description="Why the record is read, when the X-Purpose header is not sent.",
    ),
]

ERRORS = {
    400: OpenApiResponse(
        ErrorSerializer,
        description=(
            "No purpose given, a bad parameter, or a malformed ID number or credit code (the message "
            "says why: length, characters, birth date or check digit)."
        ),
    ),
    401: OpenApiResponse(ErrorSerializer, description="No key, or an unknown, wrong or revoked key."),
    403: OpenApiResponse(ErrorSerializer, description="The record type is outside the client's scope."),
    404: OpenApiResponse(ErrorSerializer, description="No such record."),
}


def _purpose(request: Request) -> str:
    header = request.headers.get("X-Purpose")
    if header:
        return unquote(header)
    if request.method == "POST":
        return str(_body(request).get("purpose", "") or "")
    return request.query_params.get("purpose", "")


def _body(request: Request) -> dict[str, Any]:
    """The request body as a mapping (a JSON array or scalar body counts as empty)."""
    return request.data if isinstance(request.data, dict) else {}


class PersonLookupSerializer(serializers.Serializer):
    """The body of a person lookup: the ID number travels in the body, never in the address."""

    id_number = serializers.CharField(max_length=40, help_text="公民身份号码 (18 characters).")
    purpose = serializers.CharField(
        required=False, help_text="Why the record is read, when the X-Purpose header is not sent."
    )
    include = serializers.CharField(
        required=False, help_text="`enrolments` to add the person's enrolments (enrolment scope needed)."
    )


def _refused(exc: DepartmentReadRefused) -> Response:
    # Answered here, not raised to DRF: the access-log row must stay even under ATOMIC_REQUESTS.
    return Response(error_body(exc.code, exc.message, exc.details), status=exc.status)


class DepartmentView(APIView):
    authentication_classes = [DepartmentKeyAuthentication]
    permission_classes = [IsDepartmentClient]

    def client(self) -> DepartmentClient:
        client = self.request.auth
        assert isinstance(client, DepartmentClient)  # noqa: S101 — guaranteed by IsDepartmentClient
        return client


class DepartmentPersonView(DepartmentView):
    @extend_schema(
        tags=["registry (departments)"],
        operation_id="registry_department_person",
        summary="One insured person, as the department's scope allows",
        description=(
            "The ID number is sent in the request body (POST), never in the address, so that it does not "
            "reach proxy or server access logs. "
            "Returns only the fields of the client's `person` scope; `id_number` always, masked unless "
            "the scope lists it. `include=enrolments` adds the person's enrolments with the fields of "
            "the `enrolment` scope (refused with 403 if the client has none). Every request, allowed "
            "or refused, is written to the access log with the client, the record, the purpose and "
            "the fields returned."
        ),
        parameters=[PURPOSE_PARAMS[0]],
        request=PersonLookupSerializer,
        responses={200: DepartmentPersonSerializer, **ERRORS},
        examples=[
            OpenApiExample(
                "Tax bureau (scope: name, status, household_type)",
                value={
                    "id_number": "110105********002X",
                    "name": "张三",
                    "status": "active",
                    "household_type": "urban",
                },
                response_only=True,
            )
        ],
    )
    def post(self, request: Request) -> Response:
        body = _body(request)
        id_number = str(body.get("id_number", "") or "")
        include = [i for i in str(body.get("include", "") or "").split(",") if i.strip()]
        try:
            data = department_read_person(
                client=self.client(), id_number=id_number, purpose=_purpose(request), include=include
            )
        except DepartmentReadRefused as exc:
            return _refused(exc)
        return Response(data)


class DepartmentEmployerView(DepartmentView):
    @extend_schema(
        tags=["registry (departments)"],
        operation_id="registry_department_employer",
        summary="One employer, as the department's scope allows",
        description=(
            "Returns the credit code and only the fields of the client's `employer` scope. Every "
            "request, allowed or refused, is written to the access log."
        ),
        parameters=[
            OpenApiParameter(
                "credit_code",
                OpenApiTypes.STR,
                location=OpenApiParameter.PATH,
                description="统一社会信用代码 (18 characters).",
            ),
            *PURPOSE_PARAMS,
        ],
        responses={200: DepartmentEmployerSerializer, **ERRORS},
    )
    def get(self, request: Request, credit_code: str) -> Response:
        try:
            data = department_read_employer(
                client=self.client(), credit_code=credit_code, purpose=_purpose(request)
            )
        except DepartmentReadRefused as exc:
            return _refused(exc)
        return Response(data)
