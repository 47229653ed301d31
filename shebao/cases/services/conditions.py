"""Acceptance conditions (受理条件) checked against the registry, for every channel and the last step.

The vocabulary and its checks are catalogue data (`shebao/catalogue/conditions.py`); this module reads
the facts they need from the applicant's record — the person's status, birth date, sex and (only
when a condition needs them) enrolments, or the employer's status — and turns failed conditions into
one message; `flow.refuse_unmet_conditions` raises it as a refusal with code `condition`, recorded
as `cases.refused`, from `intake.case_accept` (desk and bank outlets), `online.online_submit` and
`online.online_accept` (portal site and phone API), and `flow.case_approve_step` before the last step
completes the case.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from shebao.catalogue import conditions as acceptance
from shebao.catalogue.models import ServiceItem
from shebao.registry.models import Employer, EmployerStatus, Enrolment, Person, PersonStatus

CONDITION = "condition"  # the refusal's reason code in `cases.refused`


def applicant_facts(
    *, person: Person | None, employer: Employer | None, on: datetime.date, enrolments: bool
) -> acceptance.Facts:
    """The facts the conditions read, as of `on`. Enrolments are read (one query) only if asked."""
    if person is not None:
        open_types: set[str] = set()
        ever_types: set[str] = set()
        employers: list[str] = []
        if enrolments:
            rows = (
                Enrolment.objects.filter(person=person, start_date__lte=on)
                .select_related("insurance_type", "employer")
                .order_by("start_date", "pk")
            )
            for e in rows:
                ever_types.add(e.insurance_type.code)
                if e.end_date is None:
                    open_types.add(e.insurance_type.code)
                    if e.employer is not None and e.employer.name not in employers:
                        employers.append(e.employer.name)
        return acceptance.Facts(
            on=on,
            kind=acceptance.PERSON,
            name=person.name,
            deceased=person.status == PersonStatus.DECEASED,
            died_on=person.status_date if person.status == PersonStatus.DECEASED else None,
            moved_out=person.status == PersonStatus.MOVED_OUT,
            moved_on=person.status_date if person.status == PersonStatus.MOVED_OUT else None,
            birth_date=person.birth_date,
            sex=person.gender,
            open_types=frozenset(open_types),
            ever_types=frozenset(ever_types),
            employers=tuple(employers),
        )
    if employer is not None:
        return acceptance.Facts(
            on=on,
            kind=acceptance.EMPLOYER,
            name=employer.name,
            employer_active=employer.status == EmployerStatus.ACTIVE,
            employer_status=str(EmployerStatus(employer.status).label),
            employer_status_date=employer.status_date,
        )
    return acceptance.Facts(on=on)


def conditions_evaluate(
    *,
    item: ServiceItem,
    person: Person | None = None,
    employer: Employer | None = None,
    on: datetime.date | None = None,
) -> list[acceptance.Result]:
    """Every condition of the item checked for this applicant (the desk shows them before accepting)."""
    conditions = list(item.conditions or [])
    if not conditions:
        return []
    facts = applicant_facts(
        person=person,
        employer=employer,
        on=on or timezone.localdate(),
        enrolments=acceptance.needs_enrolments(conditions),
    )
    return acceptance.evaluate(conditions, facts, item_name=item.name)


def conditions_unmet(
    *, item: ServiceItem, person: Any, employer: Any, on: datetime.date | None = None
) -> str:
    """Every failed condition's reason in one message ("" when all hold or the item has none)."""
    return " ".join(
        acceptance.failures(conditions_evaluate(item=item, person=person, employer=employer, on=on))
    )
