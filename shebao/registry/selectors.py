"""Reads of the registry shared by pages, the API and other apps.

Searches are bounded to the regions the user may see (`core.access.visible_regions`). The overviews
load everything one page shows in a fixed number of queries, whatever the number of enrolments.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from stdnum.cn import ric, uscc

from shebao.catalogue.models import InsuranceType
from shebao.core.access import visible_regions
from shebao.registry.models import (
    Employer,
    Enrolment,
    Person,
    PossibleDuplicate,
    RecordChange,
)

RECENT_CHANGES = 20


def _normalise_id(id_number: str) -> str:
    return ric.compact("".join(str(id_number or "").split()).replace("-", ""))


def person_by_id_number(id_number: str) -> Person | None:
    """The person with this ID number (spaces and lower-case x allowed), or None."""
    number = _normalise_id(id_number)
    if not number:
        return None
    return Person.objects.select_related("region").filter(id_number=number).first()


def employer_by_credit_code(code: str) -> Employer | None:
    """The employer with this credit code (spaces and lower case allowed), or None."""
    normalised = uscc.compact(str(code or ""))
    if not normalised:
        return None
    return Employer.objects.select_related("region").filter(credit_code=normalised).first()


def _bounded(qs: QuerySet[Any], user: Any) -> QuerySet[Any]:
    if user is None or not getattr(user, "is_authenticated", False):
        return qs.none()
    if user.is_province_wide():
        return qs
    return qs.filter(region__in=visible_regions(user))


def person_search(*, user: Any, q: str) -> QuerySet[Person]:
    """Persons the user may see, by full ID number or by name (contains)."""
    text = str(q or "").strip()
    qs = Person.objects.select_related("region").order_by("name", "id")
    if not text:
        return qs.none()
    number = _normalise_id(text)
    if len(number) == 18 and number[:17].isdigit():
        qs = qs.filter(id_number=number)
    else:
        qs = qs.filter(name__icontains=text)
    return _bounded(qs, user)


def employer_search(*, user: Any, q: str) -> QuerySet[Employer]:
    """Employers the user may see, by full credit code or by name (contains)."""
    text = str(q or "").strip()
    qs = Employer.objects.select_related("region").order_by("name", "id")
    if not text:
        return qs.none()
    code = uscc.compact(text)
    if len(code) == 18 and code.isalnum() and code.isascii():
        qs = qs.filter(Q(credit_code=code) | Q(name__icontains=text))
    else:
        qs = qs.filter(name__icontains=text)
    return _bounded(qs, user)


@dataclass
class TypeRow:
    """One insurance type on a person's page: the open enrolment (if any) and every period."""

    insurance_type: InsuranceType
    current: Enrolment | None
    periods: list[Enrolment] = field(default_factory=list)  # newest first


@dataclass
class PersonOverview:
    """Everything the one-screen person page shows (所有险种一屏展示)."""

    person: Person
    types: list[TypeRow]  # every insurance type, in catalogue order, enrolled or not
    enrolments: list[Enrolment]  # all periods, with insurance_type and employer loaded
    current_employers: list[Any]  # employers of the open enrolments
    recent_changes: list[RecordChange]
    possible_duplicates: list[PossibleDuplicate]  # unresolved; `.person` and `.other` loaded

    @property
    def enrolments_by_type(self) -> dict[str, list[Enrolment]]:
        return {row.insurance_type.code: row.periods for row in self.types}


def person_overview(*, person: Person) -> PersonOverview:
    """A person's page in five queries: types, enrolments, changes, duplicates (+ the person's region
    when not loaded)."""
    types = list(InsuranceType.objects.order_by("order", "id"))
    enrolments = list(
        Enrolment.objects.filter(person=person)
        .select_related("insurance_type", "employer")
        .order_by("insurance_type__order", "-start_date", "-id")
    )
    rows = []
    for itype in types:
        periods = [e for e in enrolments if e.insurance_type_id == itype.pk]
        current = next((e for e in periods if e.end_date is None), None)
        rows.append(TypeRow(insurance_type=itype, current=current, periods=periods))
    employers: dict[int, Any] = {}
    for e in enrolments:
        if e.end_date is None and e.employer is not None:
            employers.setdefault(e.employer.pk, e.employer)
    changes = list(
        RecordChange.objects.filter(person=person)
        .select_related("changed_by")
        .order_by("-changed_at", "-id")[:RECENT_CHANGES]
    )
    duplicates = list(
        PossibleDuplicate.objects.filter(Q(person=person) | Q(other=person), resolved=False)
        .select_related("person", "other")
        .order_by("-found_at", "-id")
    )
    return PersonOverview(
        person=person,
        types=rows,
        enrolments=enrolments,
        current_employers=list(employers.values()),
        recent_changes=changes,
        possible_duplicates=duplicates,
    )


@dataclass
class StaffRow:
    """One current employee of an employer with their open enrolments there."""

    person: Person
    enrolments: list[Enrolment]

    @property
    def insurance_types(self) -> list[InsuranceType]:
        return [e.insurance_type for e in self.enrolments]


@dataclass
class EmployerOverview:
    """An employer's page: its current staff and how many are enrolled in each type."""

    employer: Employer
    staff: list[StaffRow]  # by name
    counts: list[tuple[InsuranceType, int]]  # every insurance type in catalogue order
    recent_changes: list[RecordChange]

    @property
    def staff_count(self) -> int:
        return len(self.staff)


def employer_overview(*, employer: Employer) -> EmployerOverview:
    """An employer's page in three queries: types, open enrolments with their persons, changes."""
    types = list(InsuranceType.objects.order_by("order", "id"))
    open_enrolments = list(
        Enrolment.objects.filter(employer=employer, end_date__isnull=True)
        .select_related("person", "insurance_type")
        .order_by("person__name", "person_id", "insurance_type__order")
    )
    staff: dict[int, StaffRow] = {}
    per_type: dict[int, int] = {}
    for e in open_enrolments:
        staff.setdefault(e.person_id, StaffRow(person=e.person, enrolments=[])).enrolments.append(e)
        per_type[e.insurance_type_id] = per_type.get(e.insurance_type_id, 0) + 1
    changes = list(
        RecordChange.objects.filter(employer=employer)
        .select_related("changed_by")
        .order_by("-changed_at", "-id")[:RECENT_CHANGES]
    )
    return EmployerOverview(
        employer=employer,
        staff=list(staff.values()),
        counts=[(t, per_type.get(t.pk, 0)) for t in types],
        recent_changes=changes,
    )


def _end_of_day(on: datetime.date) -> datetime.datetime:
    """The first instant after `on` in the platform's time zone."""
    next_day = on + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(next_day, datetime.time.min))


def person_as_of(*, person: Person, on: datetime.date) -> dict[str, Any] | None:
    """The person (with their enrolments) as recorded at the end of `on`; None before they existed."""
    change = (
        RecordChange.objects.filter(person=person, changed_at__lt=_end_of_day(on))
        .order_by("-changed_at", "-id")
        .only("snapshot")
        .first()
    )
    return change.snapshot if change is not None else None


def employer_as_of(*, employer: Employer, on: datetime.date) -> dict[str, Any] | None:
    """The employer (with its staff counts per type) as recorded at the end of `on`; None before."""
    change = (
        RecordChange.objects.filter(employer=employer, changed_at__lt=_end_of_day(on))
        .order_by("-changed_at", "-id")
        .only("snapshot")
        .first()
    )
    return change.snapshot if change is not None else None


def person_history(*, person: Person) -> QuerySet[RecordChange]:
    """Every change to a person, newest first."""
    return (
        RecordChange.objects.filter(person=person).select_related("changed_by").order_by("-changed_at", "-id")
    )


def employer_history(*, employer: Employer) -> QuerySet[RecordChange]:
    """Every change to an employer, newest first."""
    return (
        RecordChange.objects.filter(employer=employer)
        .select_related("changed_by")
        .order_by("-changed_at", "-id")
    )
