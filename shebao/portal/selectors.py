"""Reads of the citizen self-service site, always bounded by the signed-in account.

Nothing here takes a person, an ID number or a case from the request alone: every function starts
from the `PortalAccount`, and a case or appointment that is not the account's is simply not found
(the pages answer 404 with no hint whether it exists).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from shebao.cases.lifecycle import FINISHED, awaits_supplement
from shebao.cases.models import ActionKind, Case, Notification
from shebao.cases.selectors import cases_of_account
from shebao.cases.services.flow import standing_step
from shebao.cases.services.routing import StepState, case_progress
from shebao.catalogue.models import InsuranceType, ItemStep, StepKind
from shebao.core.models import Region, RegionLevel
from shebao.counter.models import Appointment, AppointmentSlot, Outlet
from shebao.portal.models import AccountKind, PortalAccount
from shebao.registry.models import Enrolment, Person

# Actions an applicant sees with their comment (what is missing, why refused, why extended).
PUBLIC_COMMENT_KINDS = {ActionKind.RETURN, ActionKind.SUPPLEMENT, ActionKind.REJECT, ActionKind.EXTEND}
# Actions kept from the applicant's timeline: refused attempts are internal.
HIDDEN_ACTION_KINDS = {ActionKind.REFUSED}
# Code texts sent by SMS are not inbox messages.
INBOX_EXCLUDED_CHANNELS = ("sms",)


def account_by_id_number(id_number: str) -> PortalAccount | None:
    """The person account of this (normalised) ID number, with its user."""
    return (
        PortalAccount.objects.select_related("user", "person")
        .filter(kind=AccountKind.PERSON, person__id_number=id_number)
        .first()
    )


# --- one-click query -------------------------------------------------------------------------------


@dataclass
class TypeRow:
    """One insurance type the person was ever enrolled in: the current period (if any) and all periods."""

    insurance_type: InsuranceType
    current: Enrolment | None
    periods: list[Enrolment] = field(default_factory=list)

    @property
    def latest(self) -> Enrolment:
        return self.current or self.periods[0]


@dataclass
class EmployerRow:
    employer: Any
    since: Any
    until: Any
    types: list[str]


def my_enrolments(*, person: Person) -> list[TypeRow]:
    """The person's enrolments by insurance type, in catalogue order (one query)."""
    enrolments = list(
        Enrolment.objects.filter(person=person)
        .select_related("insurance_type", "employer")
        .order_by("insurance_type__order", "insurance_type_id", "-start_date", "-id")
    )
    rows: dict[int, TypeRow] = {}
    for e in enrolments:
        row = rows.setdefault(e.insurance_type_id, TypeRow(insurance_type=e.insurance_type, current=None))
        row.periods.append(e)
        if e.end_date is None and row.current is None:
            row.current = e
    return list(rows.values())


def my_employers(*, rows: list[TypeRow]) -> list[EmployerRow]:
    """Employers of the person's enrolments, current first, from the rows already read."""
    found: dict[int, EmployerRow] = {}
    for row in rows:
        for e in row.periods:
            if e.employer is None:
                continue
            er = found.setdefault(
                e.employer.pk,
                EmployerRow(employer=e.employer, since=e.start_date, until=e.end_date, types=[]),
            )
            er.since = min(er.since, e.start_date)
            if er.until is not None:
                er.until = None if e.end_date is None else max(er.until, e.end_date)
            name = e.insurance_type.name
            if name not in er.types:
                er.types.append(name)
    return sorted(found.values(), key=lambda r: (r.until is not None, r.employer.name))


@dataclass
class CaseRow:
    case: Case
    step: ItemStep | None
    rated: bool

    @property
    def finished(self) -> bool:
        return self.case.status in FINISHED


def my_cases(*, account: PortalAccount) -> list[CaseRow]:
    """The account's cases, newest first, with the current step and whether rated (three queries)."""
    from shebao.evaluation.models import Rating

    cases = list(
        cases_of_account(account=account)
        .select_related("item", "region")
        .prefetch_related("item__steps")
        .order_by("-id")[:200]
    )
    rated = set(Rating.objects.filter(case__in=[c.pk for c in cases]).values_list("case_id", flat=True))
    return [CaseRow(case=c, step=standing_step(c), rated=c.pk in rated) for c in cases]


def my_case(*, account: PortalAccount, number: str) -> Case | None:
    """One of the account's cases by number; None for anyone else's (or no such case)."""
    return (
        cases_of_account(account=account)
        .select_related("item", "region", "outlet", "window__outlet")
        .filter(number=str(number)[:24])
        .first()
    )


@dataclass
class StepView:
    """A step of the case as the applicant sees it: what, who handles it (office or region), state."""

    name: str
    kind: str
    handled_by: str
    state: str  # "done", "current" or "todo" (`routing.StepState`: not reached, or never reached)


@dataclass
class ActionView:
    at: Any
    label: str
    step_name: str
    comment: str


@dataclass
class CaseDetail:
    case: Case
    steps: list[StepView]
    actions: list[ActionView]
    uploads: list[Any]
    messages: list[Notification]
    rating: Any
    returned: bool
    rateable: bool


def case_detail(*, account: PortalAccount, case: Case) -> CaseDetail:
    """Everything the person's case page shows; staff appear as their office, never by name."""
    from shebao.evaluation.models import Rating

    # The progress is the cases app's (`routing.case_progress`): the same for the staff's case page.
    progress = case_progress(case)
    views = [
        StepView(
            name=p.name,
            kind=str(StepKind(p.kind).label),
            handled_by=p.office_name,
            state=p.state if p.state in (StepState.DONE, StepState.CURRENT) else "todo",
        )
        for p in progress
    ]
    finished = case.status in FINISHED
    actions = []
    for a in case.actions.exclude(kind__in=HIDDEN_ACTION_KINDS).order_by("at", "id"):
        step_name = (
            progress[a.step_index].name if a.step_index is not None and a.step_index < len(progress) else ""
        )
        actions.append(
            ActionView(
                at=a.at,
                label=a.get_kind_display(),
                step_name=step_name,
                comment=a.comment if a.kind in PUBLIC_COMMENT_KINDS else "",
            )
        )
    messages = list(
        Notification.objects.filter(case=case, staff__isnull=True, person=account.person)
        .exclude(channel__in=INBOX_EXCLUDED_CHANNELS)
        .order_by("-created_at", "-id")
    )
    rating = Rating.objects.select_related("level").filter(case=case).first()
    return CaseDetail(
        case=case,
        steps=views,
        actions=actions,
        uploads=list(case.uploads.all()),
        messages=messages,
        rating=rating,
        returned=awaits_supplement(case),
        rateable=finished and rating is None,
    )


# --- messages -------------------------------------------------------------------------------------


def my_messages(*, account: PortalAccount) -> QuerySet[Notification]:
    """The account's messages (results, returns, notices), newest first; code texts are not messages.

    A person reads their own; an employer's agent reads those about the employer's cases (sent to no
    person: an employer's case has none).
    """
    if account.kind == AccountKind.EMPLOYER_AGENT and account.employer_id:
        mine = Notification.objects.filter(
            case__employer_id=account.employer_id, person__isnull=True, staff__isnull=True
        )
    elif account.kind == AccountKind.PERSON and account.person_id:
        mine = Notification.objects.filter(person_id=account.person_id, staff__isnull=True)
    else:
        return Notification.objects.none()
    return (
        mine.exclude(channel__in=INBOX_EXCLUDED_CHANNELS)
        .select_related("case")
        .order_by("-created_at", "-id")
    )


def unread_count(*, account: PortalAccount) -> int:
    return my_messages(account=account).filter(read_at__isnull=True).count()


def my_message(*, account: PortalAccount, pk: int) -> Notification | None:
    return my_messages(account=account).filter(pk=pk).first()


# --- appointments ---------------------------------------------------------------------------------


def _ancestor_at(region: Region, level: str) -> Region | None:
    current: Region | None = region
    while current is not None and current.level != level:
        current = current.parent
    return current


# Halls first, then community windows, then bank outlets (which take only low-risk items).
KIND_ORDER = {"county_hall": 0, "city_hall": 1, "province_hall": 2, "community": 3, "bank": 4}


def _km(a: Outlet, b: Outlet) -> float:
    """Great-circle distance between two outlets with coordinates (km)."""
    lat1, lon1, lat2, lon2 = (
        math.radians(float(v or 0)) for v in (a.latitude, a.longitude, b.latitude, b.longitude)
    )
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(h)))


def outlets_near(*, person: Person) -> list[Outlet]:
    """Active outlets of the province: the person's county first, then their city, then the rest;
    within each, halls before community windows and bank outlets, nearer (to the county's hall) first
    when the outlets have coordinates."""
    return _outlets_near(person.region)


def _outlets_near(region: Region) -> list[Outlet]:
    county = _ancestor_at(region, RegionLevel.COUNTY)
    city = _ancestor_at(region, RegionLevel.CITY)
    province = _ancestor_at(region, RegionLevel.PROVINCE)
    qs = Outlet.objects.filter(active=True).select_related("region")
    if province is not None:
        qs = qs.filter(region__path__startswith=province.path)
    outlets = list(qs)

    def tier(o: Outlet) -> int:
        if county is not None and o.region.path.startswith(county.path):
            return 0
        if city is not None and o.region.path.startswith(city.path):
            return 1
        return 2

    located = [o for o in outlets if o.latitude is not None and o.longitude is not None]
    home = min((o for o in located if tier(o) == 0), key=lambda o: KIND_ORDER.get(o.kind, 9), default=None)

    def rank(o: Outlet) -> tuple[int, int, float, str]:
        distance = _km(home, o) if home is not None and o in located else 0.0
        return (tier(o), KIND_ORDER.get(o.kind, 9), distance, o.code)

    return sorted(outlets, key=rank)


# --- booking rules (the site and the phone API call these, so they offer and accept the same) ---------


def booking_outlets(*, account: PortalAccount) -> list[Outlet]:
    """The outlets an account may book at: those of its own province, nearest first (`outlets_near`);
    an employer's agent books near the employer."""
    if account.person_id:
        return _outlets_near(account.person.region)  # type: ignore[union-attr]
    if account.employer_id:
        return _outlets_near(account.employer.region)  # type: ignore[union-attr]
    return []


def booking_outlet(*, account: PortalAccount, code: str) -> Outlet | None:
    """One of the account's bookable outlets by code; None for any other (or no such outlet)."""
    code = (code or "").strip()
    return next((o for o in booking_outlets(account=account) if o.code == code), None)


def booking_slot(*, account: PortalAccount, slot_id: int) -> AppointmentSlot | None:
    """A slot the account may book: at one of its bookable outlets; None for any other slot."""
    outlets = [o.pk for o in booking_outlets(account=account)]
    return AppointmentSlot.objects.select_related("outlet").filter(pk=slot_id, outlet__in=outlets).first()


def my_appointments(*, account: PortalAccount) -> list[Appointment]:
    if not account.person_id:
        return []
    return list(
        Appointment.objects.filter(person_id=account.person_id)
        .select_related("slot__outlet")
        .order_by("-slot__starts_at", "-id")[:50]
    )
