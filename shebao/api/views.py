"""Read-only catalogue endpoints. Thin: parse the query, check access, call a selector, serialize.

The published catalogue (and earlier published editions) is public information: anyone may read
it. Drafts need a signed-in staff member whose posts may edit the catalogue; the conformance report
needs the conformance permission and is bounded to the staff member's region subtree.
"""

from __future__ import annotations

from typing import Any, cast

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotAuthenticated
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shebao.api.pagination import ApiPagination
from shebao.api.serializers import (
    ConformanceReportSerializer,
    EditionDiffSerializer,
    EditionSerializer,
    ErrorSerializer,
    ItemSerializer,
)
from shebao.catalogue.models import BusinessClass, Channel, Edition, EditionStatus, InsuranceType, Zone
from shebao.catalogue.selectors import (
    conformance_report,
    edition_by_number,
    edition_diff,
    item_get,
    item_list,
    published_edition,
)
from shebao.core.errors import ApplicationError, PermissionDeniedError
from shebao.core.models import Region, User
from shebao.core.permissions import Perm

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Bad query parameter."),
    403: OpenApiResponse(ErrorSerializer, description="Not signed in, or no post that allows this."),
    404: OpenApiResponse(ErrorSerializer, description="No such edition, item or region."),
}

EDITION_PARAM = OpenApiParameter(
    "edition",
    OpenApiTypes.INT,
    description="Edition number (default: the published edition). Drafts need the catalogue edit permission.",
)


def _staff_with(request: Request, perm: str, message: str) -> User:
    """The signed-in user holding `perm`, or a 403 in the API's error shape."""
    user = request.user
    if not user.is_authenticated:
        raise NotAuthenticated(message)
    staff = cast(User, user)
    if not staff.has_perm_code(perm):
        raise PermissionDeniedError(message)
    return staff


def _readable(request: Request, edition: Edition) -> Edition:
    if edition.status == EditionStatus.DRAFT:
        _staff_with(
            request,
            Perm.CATALOGUE_EDIT,
            _("Draft editions are visible only to staff who may edit the catalogue."),
        )
    return edition


def _number(value: Any, name: str) -> int:
    try:
        number = int(str(value))
        if number < 0:
            raise ValueError
    except (TypeError, ValueError):
        raise ApplicationError(
            "invalid_parameter",
            _("'%(name)s' must be an edition number, not '%(value)s'.") % {"name": name, "value": value},
        ) from None
    return number


def _edition(request: Request, number: Any = None) -> Edition:
    """The edition named by `number` or the `edition` query parameter, else the published one."""
    if number is None:
        number = request.query_params.get("edition") or None
    if number is None:
        edition = published_edition()
        if edition is None:
            raise ApplicationError("not_found", _("No catalogue edition is published yet."), status=404)
        return edition
    return _readable(request, edition_by_number(_number(number, "edition")))


def _choice(request: Request, name: str, allowed: list[str]) -> str:
    value = (request.query_params.get(name) or "").strip()
    if value and value not in allowed:
        raise ApplicationError(
            "invalid_parameter",
            _("'%(value)s' is not a valid %(name)s (one of %(allowed)s).")
            % {"value": value, "name": name, "allowed": ", ".join(allowed)},
        )
    return value


@extend_schema(
    tags=["catalogue"],
    summary="List the items of an edition",
    description="Items of the published edition (or `edition`), with every element. Public.",
    parameters=[
        EDITION_PARAM,
        OpenApiParameter(
            "q", OpenApiTypes.STR, description="Text in the code or the Chinese or English name."
        ),
        OpenApiParameter("insurance_type", OpenApiTypes.STR, description="Insurance type code."),
        OpenApiParameter("zone", OpenApiTypes.STR, enum=Zone.values, description="Teller zone."),
        OpenApiParameter("channel", OpenApiTypes.STR, description="Channel code."),
        OpenApiParameter("business_class", OpenApiTypes.STR, enum=BusinessClass.values),
    ],
    responses={200: ItemSerializer(many=True), **ERRORS},
)
class ItemListView(ListAPIView):
    serializer_class = ItemSerializer
    pagination_class = ApiPagination
    permission_classes: list[Any] = []

    def get_queryset(self) -> QuerySet[Any]:
        request = self.request
        edition = _edition(request)
        zone = _choice(request, "zone", list(Zone.values))
        business_class = _choice(request, "business_class", list(BusinessClass.values))
        insurance_type = (
            _choice(request, "insurance_type", list(InsuranceType.objects.values_list("code", flat=True)))
            if request.query_params.get("insurance_type")
            else ""
        )
        channel = (
            _choice(request, "channel", list(Channel.objects.values_list("code", flat=True)))
            if request.query_params.get("channel")
            else ""
        )
        return item_list(
            edition=edition,
            q=request.query_params.get("q", ""),
            insurance_type=insurance_type,
            zone=zone,
            channel=channel,
            business_class=business_class,
        ).select_related("edition")


class ItemDetailView(APIView):
    permission_classes: list[Any] = []

    @extend_schema(
        tags=["catalogue"],
        summary="One item of an edition",
        parameters=[EDITION_PARAM],
        responses={200: ItemSerializer, **ERRORS},
    )
    def get(self, request: Request, code: str) -> Response:
        item = item_get(edition=_edition(request), code=code)
        return Response(ItemSerializer(item, context={"request": request}).data)


@extend_schema(
    tags=["catalogue"],
    summary="List catalogue editions",
    description="Published and superseded editions for everyone; drafts too for catalogue editors.",
    responses={200: EditionSerializer(many=True), **ERRORS},
)
class EditionListView(ListAPIView):
    serializer_class = EditionSerializer
    pagination_class = ApiPagination
    permission_classes: list[Any] = []

    def get_queryset(self) -> QuerySet[Any]:
        editions = Edition.objects.select_related("based_on").annotate(item_count=Count("items"))
        user = self.request.user
        if not (user.is_authenticated and cast(User, user).has_perm_code(Perm.CATALOGUE_EDIT)):
            editions = editions.exclude(status=EditionStatus.DRAFT)
        return editions.order_by("-number")


class EditionDetailView(APIView):
    permission_classes: list[Any] = []

    @extend_schema(
        tags=["catalogue"], summary="One catalogue edition", responses={200: EditionSerializer, **ERRORS}
    )
    def get(self, request: Request, number: int) -> Response:
        edition = _edition(request, number)
        edition.item_count = edition.items.count()  # type: ignore[attr-defined]
        return Response(EditionSerializer(edition, context={"request": request}).data)


class EditionDiffView(APIView):
    permission_classes: list[Any] = []

    @extend_schema(
        tags=["catalogue"],
        summary="What changed between two editions",
        description="Items added, removed, and every changed element with its old and new value.",
        responses={200: EditionDiffSerializer, **ERRORS},
    )
    def get(self, request: Request, old: int, new: int) -> Response:
        old_edition = _edition(request, old)
        new_edition = _edition(request, new)
        diff = edition_diff(old=old_edition, new=new_edition)
        data = {
            "old": old_edition.number,
            "new": new_edition.number,
            "added": diff.added,
            "removed": diff.removed,
            "changed": diff.changed,
        }
        return Response(EditionDiffSerializer(data).data)


class ConformanceView(APIView):
    permission_classes: list[Any] = []

    @extend_schema(
        tags=["catalogue"],
        summary="Four-level conformance report (四级四同)",
        description=(
            "How far every city, county and township keeps to the published standard. Needs the "
            "conformance permission; bounded to the staff member's region subtree unless a post is "
            "province-wide."
        ),
        parameters=[OpenApiParameter("region", OpenApiTypes.STR, description="Region code to narrow to.")],
        responses={200: ConformanceReportSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        staff = _staff_with(
            request,
            Perm.CONFORMANCE_VIEW,
            _("The conformance report is visible only to staff whose posts allow it."),
        )
        within = _conformance_scope(staff, (request.query_params.get("region") or "").strip())
        report = conformance_report(within=within)
        return Response(ConformanceReportSerializer(report).data)


def _conformance_scope(staff: User, code: str) -> Region | None:
    """The region the report covers: the one asked for (if the user may see it), else the user's own."""
    province_wide = staff.is_province_wide()
    own = staff.region
    if not province_wide and own is None:
        raise PermissionDeniedError(_("Your account belongs to no region, so no region can be shown."))
    if not code:
        return None if province_wide else own
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise ApplicationError("not_found", _("There is no region %(code)s.") % {"code": code}, status=404)
    if not province_wide and own is not None and not region.is_within(own):
        raise PermissionDeniedError(
            _("Region %(code)s is outside your region; you may see only %(own)s and below.")
            % {"code": code, "own": own.name}
        )
    return region
