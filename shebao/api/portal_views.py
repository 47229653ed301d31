"""The self-service API for the phone app: the citizen site (`me/…`) and the employer site (`employer/…`).

Thin: authenticate the token (or the site's session, which then needs its CSRF token), parse the body
with a serializer (shapes only), call the portal's selector or service, serialize. Everything is
bounded by the token's account: another person's case number or appointment is a 404 exactly like a
missing one. No personal data in URLs: case numbers and internal ids only; ID numbers go in bodies.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import NotAuthenticated
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from shebao.api import portal_serializers as s
from shebao.api.pagination import ApiPagination
from shebao.api.portal_auth import (
    PortalAccountRequired,
    PortalTokenAuthentication,
    request_account,
    token_issue,
    token_revoke,
    token_sign_in,
)
from shebao.api.serializers import ErrorSerializer
from shebao.cases.services import online
from shebao.cases.services.idempotency import (
    KEY_PATTERN,
    SCOPE_API_APPLICATION,
    SCOPE_API_STAFF_CHANGE,
    SCOPE_API_STAFF_FILE,
    idempotent_case,
    request_fingerprint,
)
from shebao.catalogue.models import ServiceItem, Zone
from shebao.catalogue.selectors import published_edition
from shebao.core.errors import ApplicationError
from shebao.core.masking import mask_id_number
from shebao.counter.selectors import free_slots
from shebao.portal import employer as portal_employer
from shebao.portal import selectors as portal_selectors
from shebao.portal import services as portal_services
from shebao.portal.models import AccountKind, ApiToken, PortalAccount
from shebao.portal.realname import get_adapter
from shebao.registry import selectors as registry_selectors
from shebao.registry.models import Enrolment


def _err(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


E400 = {400: _err("The request has errors, or the service refused it (see `code` and `message`).")}
E401 = {401: _err("No token, or the token is unknown, expired or revoked.")}
E403 = {403: _err("Not a self-service account of this kind, or a session request without its CSRF token.")}
E404 = {404: _err("No such object among the account's own (another person's counts as missing).")}
E409 = {409: _err("The object is not in a state that allows this.")}
E422 = {
    422: _err("The Idempotency-Key was already used for a different request (code `idempotency_key_reused`).")
}
E429 = {429: _err("Too many requests, or too many failed sign-ins.")}
AUTH_ERRORS = {**E401, **E403}
# Internal ids in paths are positive integers (the `<int:pk>` converter takes digits only).
PK_PARAM = OpenApiParameter("id", {"type": "integer", "minimum": 1}, OpenApiParameter.PATH)  # type: ignore[arg-type]

TOKEN_AUTH = [PortalTokenAuthentication, SessionAuthentication]

IDEMPOTENCY_PARAM = OpenApiParameter(
    "Idempotency-Key",
    {"type": "string", "minLength": 1, "maxLength": 100, "pattern": KEY_PATTERN},  # type: ignore[arg-type]
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "A key the app makes for this request (e.g. a UUID) and sends again when it retries it. The "
        "same key with the same body makes one case: a repeated request answers with the first "
        "result (same status and body, header `Idempotent-Replayed: true`). The same key with "
        "another body is refused with 422. Keys are per account."
    ),
)


def _created(
    request: Request, *, scope: str, create: Callable[[], Any], serialize: Callable[[Any], Any]
) -> Response:
    """201 with the new case; with an `Idempotency-Key` header, once per key (`cases.services.idempotency`)."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return Response(serialize(create()), status=status.HTTP_201_CREATED)
    result = idempotent_case(
        user=request.user,
        key=key,
        scope=scope,
        fingerprint=request_fingerprint(scope=scope, fields=_fields(request)),
        create=create,
        respond=lambda case: (status.HTTP_201_CREATED, serialize(case)),
    )
    response = Response(result.body, status=result.status)
    if result.replayed:
        response["Idempotent-Replayed"] = "true"
    return response


def _fields(request: Request) -> list[tuple[str, Any]]:
    """The body as (name, value) pairs: form fields and files, or a JSON body's keys."""
    data = request.data
    if hasattr(data, "lists"):
        return [(k, v) for k, values in data.lists() for v in values]
    if isinstance(data, dict):
        return list(data.items())
    return [("", data)]


class PortalView(GenericAPIView):
    """Base: token (or session + CSRF) authentication, portal accounts of `portal_kinds` only."""

    authentication_classes = TOKEN_AUTH
    permission_classes = [PortalAccountRequired]
    portal_kinds: tuple[str, ...] = (AccountKind.PERSON,)
    pagination_class = ApiPagination
    serializer_class: Any = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        # PostgreSQL cannot store or compare text holding NUL: refuse it before any query does.
        texts = [request.path, *(v for values in request.query_params.lists() for v in values[1])]
        if any("\x00" in text for text in texts):
            raise ApplicationError(
                "invalid",
                _("The request has errors."),
                details=[_("Remove the NUL character from the address.")],
            )

    def account(self) -> PortalAccount:
        return request_account(self.request)

    def list_response(self, queryset: Any, serializer_class: Any) -> Response:
        page = self.paginate_queryset(queryset)
        data = serializer_class(page, many=True, context={"request": self.request}).data
        return self.get_paginated_response(data)


# --- calls into the portal's selectors and services (the rules live there) ---------------------------


def _not_found(what: str) -> ApplicationError:
    return ApplicationError("not_found", what, status=404)


def _my_enrolments(*, account: PortalAccount) -> list[Any]:
    rows = portal_selectors.my_enrolments(person=account.person)  # type: ignore[arg-type]
    portal_services.query_record(account=account, page="api:enrolments")
    return [e for row in rows for e in row.periods]


def _my_employers(*, account: PortalAccount) -> list[dict[str, Any]]:
    rows = portal_selectors.my_employers(rows=portal_selectors.my_enrolments(person=account.person))  # type: ignore[arg-type]
    portal_services.query_record(account=account, page="api:employers")
    return [
        {
            "credit_code": row.employer.credit_code,
            "name": row.employer.name,
            "insurance_types": row.types,
            "start_date": row.since,
            "end_date": row.until,
            "current": row.until is None,
        }
        for row in rows
    ]


def _my_cases(*, account: PortalAccount) -> list[Any]:
    rows = portal_selectors.my_cases(account=account)
    portal_services.query_record(account=account, page="api:cases")
    return [row.case for row in rows]


def _my_case(*, account: PortalAccount, number: str, audit: bool = True) -> Any:
    case = portal_selectors.my_case(account=account, number=number)
    if case is None:
        raise _not_found(_("There is no case %(number)s.") % {"number": number})
    if audit:
        portal_services.query_record(account=account, page="api:case", case=case)
    return case


def _case_progress(case: Any, account: PortalAccount) -> Any:
    return portal_selectors.case_detail(account=account, case=case)


def _rate(*, account: PortalAccount, number: str, level: int, comment: str) -> Any:
    case = _my_case(account=account, number=number, audit=False)
    return portal_services.my_case_rate(account=account, case=case, level_value=level, comment=comment)


def _supplement(
    *, account: PortalAccount, number: str, files: list[Any], materials: list[int], comment: str
) -> Any:
    case = online.case_for_account(account=account, number=number)
    return online.online_supplement(
        case=case, account=account, uploads=_uploads(files, materials), comment=comment
    )


def _uploads(files: list[Any], materials: list[int]) -> dict[int, list[Any]]:
    if len(files) != len(materials):
        raise ApplicationError(
            "materials_mismatch",
            _(
                "Send one material index in 'materials' for each file in 'files' (%(files)d files, %(indexes)d indexes)."
            )
            % {"files": len(files), "indexes": len(materials)},
        )
    uploads: dict[int, list[Any]] = {}
    for index, file in zip(materials, files, strict=True):
        uploads.setdefault(index, []).append(file)
    return uploads


def _my_messages(*, account: PortalAccount) -> Any:
    return portal_selectors.my_messages(account=account)


def _message_read(*, account: PortalAccount, pk: int) -> Any:
    message = portal_selectors.my_message(account=account, pk=pk)
    if message is None:
        raise _not_found(_("No such message."))
    return portal_services.message_open(account=account, notification=message)


def _my_appointments(*, account: PortalAccount) -> list[Any]:
    return portal_selectors.my_appointments(account=account)


def _book(*, account: PortalAccount, slot_id: int, item_code: str) -> Any:
    # The site's rule: only the slots of the account's own outlets (`booking_slot`).
    slot = portal_selectors.booking_slot(account=account, slot_id=slot_id)
    if slot is None:
        raise _not_found(_("There is no such appointment time; choose one from the free slots."))
    return portal_services.my_appointment_book(account=account, slot=slot, item_code=item_code)


def _cancel(*, account: PortalAccount, pk: int) -> Any:
    appointment = next((a for a in portal_selectors.my_appointments(account=account) if a.pk == pk), None)
    if appointment is None:
        raise _not_found(_("No such appointment."))
    return portal_services.my_appointment_cancel(account=account, appointment=appointment)


def _slots(*, account: PortalAccount, outlet_code: str, zone: str) -> Any:
    outlet_code = (outlet_code or "").strip()
    if not outlet_code:
        raise ApplicationError("outlet_required", _("Name the outlet: add '?outlet=<outlet code>'."))
    outlet = portal_selectors.booking_outlet(account=account, code=outlet_code[:30])
    if outlet is None:
        raise _not_found(_("There is no outlet %(code)s.") % {"code": outlet_code})
    zone = (zone or "").strip()
    if zone and zone not in Zone.values:
        raise ApplicationError(
            "invalid_parameter",
            _("'%(value)s' is not a valid zone (one of %(allowed)s).")
            % {"value": zone, "allowed": ", ".join(Zone.values)},
        )
    return free_slots(outlet=outlet, zone=zone or None).select_related("outlet")


def _apply(
    *, account: PortalAccount, item_code: str, data: Any, files: list[Any], materials: list[int]
) -> Any:
    edition = published_edition()
    item = ServiceItem.objects.filter(edition=edition, code=item_code.strip()).first() if edition else None
    if item is None:
        raise _not_found(_("There is no item %(code)s in the catalogue in force.") % {"code": item_code})
    if not isinstance(data, dict):
        raise ApplicationError(
            "invalid", _("The request has errors."), details=["data: " + _("Send a JSON object.")]
        )
    is_person = account.kind == AccountKind.PERSON
    return online.online_submit(
        user=account.user,
        item=item,
        data=data,
        uploads=_uploads(files, materials),
        person=account.person if is_person else None,
        employer=None if is_person else account.employer,
    )


def _employer_data(*, account: PortalAccount) -> Any:
    employer = account.employer
    assert employer is not None  # kind employer_agent always has one (database constraint)
    employer.staff_count = portal_employer.staff_count(employer=employer)  # type: ignore[attr-defined]
    return employer


def _employer_staff(*, account: PortalAccount, q: str) -> Any:
    paginated, _lines = portal_employer.staff_page(employer=account.employer, q=q)  # type: ignore[arg-type]
    return paginated.paginator.object_list


def _staff_lines(*, account: PortalAccount, persons: list[Any]) -> list[Any]:
    employer = account.employer
    by_person: dict[int, list[Any]] = {}
    for e in (
        Enrolment.objects.filter(person__in=persons, employer=employer, end_date__isnull=True)
        .select_related("insurance_type")
        .order_by("insurance_type__order", "id")
    ):
        by_person.setdefault(e.person_id, []).append(e)
    return [
        portal_employer.StaffLine(
            person_id=p.pk,
            name=p.name,
            masked_id=mask_id_number(p.id_number),
            since=min((e.start_date for e in by_person.get(p.pk, [])), default=None),
            types=[e.insurance_type for e in by_person.get(p.pk, [])],
        )
        for p in persons
    ]


def _employer_cases(*, account: PortalAccount) -> Any:
    page = portal_employer.employer_cases(employer=account.employer)  # type: ignore[arg-type]
    return page.paginator.object_list


def _employer_case(*, account: PortalAccount, number: str) -> Any:
    case = portal_employer.employer_case(employer=account.employer, number=number)  # type: ignore[arg-type]
    if case is None:
        raise _not_found(_("There is no case %(number)s.") % {"number": number})
    return case


def _staff_change(**kwargs: Any) -> Any:
    return portal_employer.staff_change_submit(**kwargs)


def _agent_account_open(*, credit_code: str, **kwargs: Any) -> PortalAccount:
    employer = registry_selectors.employer_by_credit_code("".join(credit_code.split()).upper())
    if employer is None:  # the code was sent for an employer: a wrong credit code cannot match it
        raise ApplicationError(
            "code_expired", _("The code has expired, was used or was tried too often; ask for a new code.")
        )
    return portal_employer.agent_account_open(employer_id=employer.pk, **kwargs)


def _staff_file(*, account: PortalAccount, file: Any) -> Any:
    return portal_employer.staff_file_submit(account=account, file=file, filename=file.name or "staff")


# --- tokens ------------------------------------------------------------------------------------------


class SignInThrottle(AnonRateThrottle):
    """Per client address, on top of django-axes' per-account lockout."""

    scope = "api_sign_in"
    rate = "10/min"


class TokenView(APIView):
    """Sign in (POST: a new token) and sign out (DELETE: revoke the token sent)."""

    permission_classes: list[Any] = []
    parser_classes = [JSONParser, FormParser]

    def get_authenticators(self) -> list[Any]:
        # Signing in ignores any (stale) token the app still sends; signing out needs the token itself.
        if self.request is not None and self.request.method == "POST":
            return []
        return [PortalTokenAuthentication()]

    def get_throttles(self) -> list[Any]:
        return [SignInThrottle()] if self.request.method == "POST" else []

    @extend_schema(
        tags=["auth"],
        summary="Sign in: get a token",
        description=(
            "A person signs in with their ID number and password; an employer's agent adds the "
            "employer's credit code. Unknown ID number and wrong password give the same error; after 5 "
            "failures the account is locked for an hour. The key is shown once; it lasts 30 days."
        ),
        request=s.TokenRequestSerializer,
        responses={201: s.TokenSerializer, **E400, **E429},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        body = s.TokenRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        token, key = token_sign_in(
            request=request._request,
            id_number=body.validated_data["id_number"],
            password=body.validated_data["password"],
            credit_code=body.validated_data["credit_code"],
            label=body.validated_data["label"],
        )
        return _token_created(token, key)

    @extend_schema(
        tags=["auth"],
        summary="Sign out: revoke the token sent",
        request=None,
        responses={204: OpenApiResponse(description="Revoked."), **E401},
    )
    def delete(self, request: Request) -> Response:
        if not isinstance(request.auth, ApiToken):
            raise NotAuthenticated(_("Send the token to revoke as 'Authorization: Token <key>'."))
        token_revoke(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CodeThrottle(AnonRateThrottle):
    """Per client address, on top of the per-person limits of the code service (1/min, 5/hour)."""

    scope = "api_codes"
    rate = "10/min"


def _token_created(token: ApiToken, key: str) -> Response:
    data = {
        "token": key,
        "prefix": token.prefix,
        "label": token.label,
        "expires_at": token.expires_at,
        "account_kind": token.account.kind,
    }
    return Response(s.TokenSerializer(data).data, status=status.HTTP_201_CREATED)


def _token_response(account: PortalAccount, label: str) -> Response:
    """A new account (or password) signs the app in at once."""
    return _token_created(*token_issue(account=account, label=label))


def _code_sent(row: Any) -> Response:
    context = {"evidence_fields": list(get_adapter().evidence_fields)}
    return Response(s.CodeSentSerializer(row, context=context).data, status=status.HTTP_201_CREATED)


class AnonymousView(APIView):
    """Before an account exists: no authentication (a stale token is ignored), throttled per address."""

    permission_classes: list[Any] = []
    authentication_classes: list[Any] = []
    parser_classes = [JSONParser, FormParser]
    throttle_classes = [CodeThrottle]


class CodesView(AnonymousView):
    @extend_schema(
        tags=["auth"],
        summary="Send a one-time code to the phone number on record",
        description=(
            "Step 1 of opening an account (`register`) or resetting its password (`reset`). The code "
            "goes by text message to the phone number in the registry, never to a number given here; "
            "it lasts 10 minutes. One code a minute and five an hour per person. An unknown ID number "
            "and a wrong name give the same error."
        ),
        request=s.CodeRequestSerializer,
        responses={201: s.CodeSentSerializer, **E400, **E404, **E409, **E429},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        body = s.CodeRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        row = portal_services.code_send(
            purpose=body.validated_data["purpose"],
            id_number=body.validated_data["id_number"],
            name=body.validated_data["name"],
        )
        return _code_sent(row)


class CodeResendView(AnonymousView):
    @extend_schema(
        tags=["auth"],
        summary="Send a new code for the same person and purpose",
        description="The earlier code stops working. Same limits as the first code.",
        parameters=[PK_PARAM],
        request=None,
        responses={201: s.CodeSentSerializer, **E400, **E429},
        auth=[],
    )
    def post(self, request: Request, pk: int) -> Response:
        return _code_sent(portal_services.code_resend(code_id=pk))


class AccountOpenView(AnonymousView):
    @extend_schema(
        tags=["auth"],
        summary="Open a person's account (and get a token)",
        description=(
            "Step 2: the code of step 1, the real-name evidence its answer listed, and a password "
            "(at least 10 characters, not common, not all digits). Five wrong codes end the code. "
            "Answers with a token as `auth/token/` does."
        ),
        request=s.AccountOpenSerializer,
        responses={201: s.TokenSerializer, **E400, **E409, **E429},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        body = s.AccountOpenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        account = portal_services.account_open(
            code_id=data["code_id"], code=data["code"], password=data["password"], evidence=data["evidence"]
        )
        return _token_response(account, data["label"])


class PasswordResetView(AnonymousView):
    @extend_schema(
        tags=["auth"],
        summary="Set a new password (and get a token)",
        description=(
            "Step 2 of a reset: the code of step 1 (purpose `reset`) and the new password. Unlocks a "
            "sign-in locked by failures."
        ),
        request=s.CodePasswordSerializer,
        responses={201: s.TokenSerializer, **E400, **E404, **E429},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        body = s.CodePasswordSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        account = portal_services.password_reset(
            code_id=data["code_id"], code=data["code"], password=data["password"]
        )
        return _token_response(account, data["label"])


class AgentCodesView(AnonymousView):
    @extend_schema(
        tags=["auth"],
        summary="An employer's agent: send a one-time code to the employer's phone on record",
        description=(
            "Step 1 of opening an agent account: the employer's credit code and the agent's ID number "
            "and name. The code goes to the employer's contact phone in the registry; one a minute, "
            "five an hour per employer."
        ),
        request=s.AgentCodeRequestSerializer,
        responses={201: s.AgentCodeSentSerializer, **E400, **E429},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        body = s.AgentCodeRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        sent = portal_employer.agent_code_send(**body.validated_data)
        return Response(s.AgentCodeSentSerializer(sent).data, status=status.HTTP_201_CREATED)


class AgentAccountOpenView(AnonymousView):
    @extend_schema(
        tags=["auth"],
        summary="An employer's agent: open the account (and get a token)",
        description="Step 2: the same credit code, ID number and name, the code and a password.",
        request=s.AgentAccountOpenSerializer,
        responses={201: s.TokenSerializer, **E400, **E429},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        body = s.AgentAccountOpenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        v = body.validated_data
        account = _agent_account_open(
            credit_code=v["credit_code"],
            code_id=v["code_id"],
            id_number=v["id_number"],
            name=v["name"],
            code=v["code"],
            password=v["password"],
        )
        return _token_response(account, v["label"])


# --- the person's own data ---------------------------------------------------------------------------


class MeView(PortalView):
    portal_kinds = (AccountKind.PERSON, AccountKind.EMPLOYER_AGENT)

    @extend_schema(
        tags=["me"],
        summary="The signed-in account",
        responses={200: s.ProfileSerializer, **AUTH_ERRORS},
    )
    def get(self, request: Request) -> Response:
        return Response(s.ProfileSerializer(self.account()).data)


class MyEnrolmentsView(PortalView):
    @extend_schema(
        tags=["me"],
        summary="My enrolments, by insurance type (one-click query)",
        responses={200: s.EnrolmentSerializer(many=True), **AUTH_ERRORS},
    )
    def get(self, request: Request) -> Response:
        return self.list_response(_my_enrolments(account=self.account()), s.EnrolmentSerializer)


class MyEmployersView(PortalView):
    pagination_class = None  # type: ignore[assignment]

    @extend_schema(
        tags=["me"],
        summary="My employers, current and past",
        responses={200: s.PersonEmployerSerializer(many=True), **AUTH_ERRORS},
    )
    def get(self, request: Request) -> Response:
        rows = _my_employers(account=self.account())
        return Response(s.PersonEmployerSerializer(rows, many=True).data)


class MyCasesView(PortalView):
    @extend_schema(
        tags=["me"],
        summary="My cases with their progress",
        responses={200: s.CaseSerializer(many=True), **AUTH_ERRORS},
    )
    def get(self, request: Request) -> Response:
        return self.list_response(_my_cases(account=self.account()), s.CaseSerializer)


class MyCaseView(PortalView):
    @extend_schema(
        tags=["me"],
        summary="One of my cases: steps, deadline, result",
        responses={200: s.CaseDetailSerializer, **AUTH_ERRORS, **E404},
    )
    def get(self, request: Request, number: str) -> Response:
        case = _my_case(account=self.account(), number=number)
        return Response(s.CaseDetailSerializer(_case_progress(case, self.account())).data)


class MyCaseRatingView(PortalView):
    parser_classes = [JSONParser, FormParser]

    @extend_schema(
        tags=["me"],
        summary="Rate a finished case (once)",
        request=s.RatingRequestSerializer,
        responses={201: s.RatingSerializer, **E400, **AUTH_ERRORS, **E404, **E409},
    )
    def post(self, request: Request, number: str) -> Response:
        body = s.RatingRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rating = _rate(
            account=self.account(),
            number=number,
            level=body.validated_data["level"],
            comment=body.validated_data["comment"],
        )
        return Response(s.RatingSerializer(rating).data, status=status.HTTP_201_CREATED)


class MySupplementView(PortalView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        tags=["applications"],
        summary="Answer a return for correction (补正) with the missing materials",
        request={"multipart/form-data": s.SupplementRequestSerializer},
        responses={200: s.CaseDetailSerializer, **E400, **AUTH_ERRORS, **E404, **E409},
    )
    def post(self, request: Request, number: str) -> Response:
        body = s.SupplementRequestSerializer(data=_multipart(request))
        body.is_valid(raise_exception=True)
        case = _supplement(
            account=self.account(),
            number=number,
            files=body.validated_data["files"],
            materials=body.validated_data["materials"],
            comment=body.validated_data["comment"],
        )
        return Response(s.CaseDetailSerializer(_case_progress(case, self.account())).data)


class MyMessagesView(PortalView):
    portal_kinds = (AccountKind.PERSON, AccountKind.EMPLOYER_AGENT)

    @extend_schema(
        tags=["me"],
        summary="My messages (results, notices, returns for correction; an agent's: the employer's cases')",
        responses={200: s.MessageSerializer(many=True), **AUTH_ERRORS},
    )
    def get(self, request: Request) -> Response:
        return self.list_response(_my_messages(account=self.account()), s.MessageSerializer)


class MyMessageReadView(PortalView):
    portal_kinds = (AccountKind.PERSON, AccountKind.EMPLOYER_AGENT)

    @extend_schema(
        tags=["me"],
        summary="Mark a message read",
        parameters=[PK_PARAM],
        request=None,
        responses={200: s.MessageSerializer, **AUTH_ERRORS, **E404},
    )
    def post(self, request: Request, pk: int) -> Response:
        message = _message_read(account=self.account(), pk=pk)
        return Response(s.MessageSerializer(message).data)


class MyAppointmentsView(PortalView):
    parser_classes = [JSONParser, FormParser]

    @extend_schema(
        tags=["appointments"],
        summary="My appointments",
        responses={200: s.AppointmentSerializer(many=True), **AUTH_ERRORS},
    )
    def get(self, request: Request) -> Response:
        return self.list_response(_my_appointments(account=self.account()), s.AppointmentSerializer)

    @extend_schema(
        tags=["appointments"],
        summary="Book a free slot (one-click appointment)",
        request=s.AppointmentBookSerializer,
        responses={201: s.AppointmentSerializer, **E400, **AUTH_ERRORS, **E404, **E409},
    )
    def post(self, request: Request) -> Response:
        body = s.AppointmentBookSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        appointment = _book(
            account=self.account(),
            slot_id=body.validated_data["slot"],
            item_code=body.validated_data["item_code"],
        )
        return Response(s.AppointmentSerializer(appointment).data, status=status.HTTP_201_CREATED)


class MyAppointmentView(PortalView):
    @extend_schema(
        tags=["appointments"],
        summary="Cancel one of my appointments",
        parameters=[PK_PARAM],
        request=None,
        responses={200: s.AppointmentSerializer, **E400, **AUTH_ERRORS, **E404},
    )
    def delete(self, request: Request, pk: int) -> Response:
        appointment = _cancel(account=self.account(), pk=pk)
        return Response(s.AppointmentSerializer(appointment).data)


class SlotsView(PortalView):
    portal_kinds = (AccountKind.PERSON, AccountKind.EMPLOYER_AGENT)

    @extend_schema(
        tags=["appointments"],
        summary="Free appointment slots of an outlet in the next 14 days",
        parameters=[
            OpenApiParameter("outlet", OpenApiTypes.STR, required=True, description="Outlet code."),
            OpenApiParameter("zone", OpenApiTypes.STR, description="Zone (enrolment, medical, pension)."),
        ],
        responses={200: s.SlotSerializer(many=True), **E400, **AUTH_ERRORS, **E404},
    )
    def get(self, request: Request) -> Response:
        slots = _slots(
            account=self.account(),
            outlet_code=request.query_params.get("outlet", ""),
            zone=request.query_params.get("zone", ""),
        )
        return self.list_response(slots, s.SlotSerializer)


# --- online applications -----------------------------------------------------------------------------


def _multipart(request: Request) -> dict[str, Any]:
    """Form fields and files as one dict, with the repeated fields as lists."""
    data: dict[str, Any] = {}
    for key in request.data:
        values = request.data.getlist(key) if hasattr(request.data, "getlist") else [request.data[key]]  # type: ignore[index]
        data[key] = values if key in ("materials", "files") else values[-1]
    files = request.FILES.getlist("files") if hasattr(request.FILES, "getlist") else []
    if files:
        data["files"] = files
    return data


class ApplyItemsView(PortalView):
    portal_kinds = (AccountKind.PERSON, AccountKind.EMPLOYER_AGENT)

    @extend_schema(
        tags=["applications"],
        summary="Items I may apply for online",
        description=(
            "The published items whose channels include online that this account may apply for: a "
            "person is offered no employer's item and an employer's agent no person's (the same list "
            "as the portal's). `q` searches names and codes."
        ),
        parameters=[OpenApiParameter("q", OpenApiTypes.STR, required=False)],
        responses={200: s.ApplyItemSerializer(many=True), **AUTH_ERRORS},
    )
    def get(self, request: Request) -> Response:
        items = online.online_items(kind=self.account().kind, q=request.query_params.get("q", ""))
        return self.list_response(items, s.ApplyItemSerializer)


class ApplicationsView(PortalView):
    parser_classes = [MultiPartParser]
    portal_kinds = (AccountKind.PERSON, AccountKind.EMPLOYER_AGENT)

    @extend_schema(
        tags=["applications"],
        summary="Apply online for an item whose channels include online",
        description=(
            "Multipart form: `item_code`, `data` (a JSON object with the fields the item's form asks "
            "for), and one `files` part per uploaded material with its material index in `materials`. "
            "PDF, JPEG or PNG only, checked by content."
        ),
        parameters=[IDEMPOTENCY_PARAM],
        request={"multipart/form-data": s.ApplicationRequestSerializer},
        responses={201: s.CaseDetailSerializer, **E400, **AUTH_ERRORS, **E404, **E409, **E422},
    )
    def post(self, request: Request) -> Response:
        body = s.ApplicationRequestSerializer(data=_multipart(request))
        body.is_valid(raise_exception=True)
        account = self.account()
        return _created(
            request,
            scope=SCOPE_API_APPLICATION,
            create=lambda: _apply(
                account=account,
                item_code=body.validated_data["item_code"],
                data=body.validated_data["data"],
                files=body.validated_data["files"],
                materials=body.validated_data["materials"],
            ),
            serialize=lambda case: s.CaseDetailSerializer(_case_progress(case, account)).data,
        )


# --- employer ----------------------------------------------------------------------------------------


class EmployerView(PortalView):
    portal_kinds = (AccountKind.EMPLOYER_AGENT,)

    @extend_schema(
        tags=["employer"],
        summary="The agent's employer",
        responses={200: s.EmployerSerializer, **AUTH_ERRORS},
    )
    def get(self, request: Request) -> Response:
        return Response(s.EmployerSerializer(_employer_data(account=self.account())).data)


class EmployerStaffView(PortalView):
    portal_kinds = (AccountKind.EMPLOYER_AGENT,)

    @extend_schema(
        tags=["employer"],
        summary="The employer's current staff",
        parameters=[OpenApiParameter("q", OpenApiTypes.STR, description="Part of a name.")],
        responses={200: s.StaffSerializer(many=True), **AUTH_ERRORS},
    )
    def get(self, request: Request) -> Response:
        persons = _employer_staff(account=self.account(), q=request.query_params.get("q", ""))
        page = self.paginate_queryset(persons)
        lines = _staff_lines(account=self.account(), persons=page or [])
        return self.get_paginated_response(s.StaffSerializer(lines, many=True).data)


class EmployerCasesView(PortalView):
    portal_kinds = (AccountKind.EMPLOYER_AGENT,)

    @extend_schema(
        tags=["employer"],
        summary="The employer's cases",
        responses={200: s.CaseSerializer(many=True), **AUTH_ERRORS},
    )
    def get(self, request: Request) -> Response:
        return self.list_response(_employer_cases(account=self.account()), s.CaseSerializer)


class EmployerCaseView(PortalView):
    portal_kinds = (AccountKind.EMPLOYER_AGENT,)

    @extend_schema(
        tags=["employer"],
        summary="One of the employer's cases",
        responses={200: s.CaseDetailSerializer, **AUTH_ERRORS, **E404},
    )
    def get(self, request: Request, number: str) -> Response:
        case = _employer_case(account=self.account(), number=number)
        return Response(s.CaseDetailSerializer(_case_progress(case, self.account())).data)


class EmployerStaffFileView(PortalView):
    portal_kinds = (AccountKind.EMPLOYER_AGENT,)
    parser_classes = [MultiPartParser]

    @extend_schema(
        tags=["employer"],
        summary="Send a staff changes file: one case for all its rows",
        description=(
            "The whole file is checked first (as the registry's bulk import does); a file with any bad "
            "row is refused with every bad row in `details` and nothing is sent. Completing the case "
            "applies all rows or none."
        ),
        parameters=[IDEMPOTENCY_PARAM],
        request={"multipart/form-data": s.StaffFileRequestSerializer},
        responses={201: s.StaffChangeSerializer, **E400, **AUTH_ERRORS, **E422},
    )
    def post(self, request: Request) -> Response:
        body = s.StaffFileRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        account = self.account()
        return _created(
            request,
            scope=SCOPE_API_STAFF_FILE,
            create=lambda: _staff_file(account=account, file=body.validated_data["file"]),
            serialize=lambda case: s.StaffChangeSerializer(case).data,
        )


class EmployerStaffChangesView(PortalView):
    portal_kinds = (AccountKind.EMPLOYER_AGENT,)
    parser_classes = [JSONParser, FormParser]

    @extend_schema(
        tags=["employer"],
        summary="Report one staff increase or decrease (becomes a case)",
        parameters=[IDEMPOTENCY_PARAM],
        request=s.StaffChangeRequestSerializer,
        responses={201: s.StaffChangeSerializer, **E400, **AUTH_ERRORS, **E409, **E422},
    )
    def post(self, request: Request) -> Response:
        body = s.StaffChangeRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        v = body.validated_data
        account = self.account()
        return _created(
            request,
            scope=SCOPE_API_STAFF_CHANGE,
            create=lambda: _staff_change(
                account=account,
                action=v["action"],
                id_number=v["id_number"],
                name=v["name"],
                on=v["date"],
                insurance_types=v["insurance_types"],
                reason=v["reason"],
            ),
            serialize=lambda case: s.StaffChangeSerializer(case).data,
        )
