"""Effect handlers of the registry, keyed by effect code (see `shebao.core.effects`).

When a case of a catalogue item completes, the item's `effect_code` names one of these; the handler
finds the person (`data["id_number"]`) or employer (`data["credit_code"]`) and calls exactly one
service. Every handler takes `(*, data, by, case_ref, region=None)`.

Data keys per code (dates as `datetime.date` or ISO text):
- person_register: the person's fields (see `services.person_register`); `region` is required.
- person_change: id_number + any of phone, address, household_type, bank_name, bank_account.
- person_change_key: id_number (the current one) + any of name, new_id_number, birth_date, gender.
- person_status: id_number, status, on.
- employer_register: the employer's fields; `region` is required.
- employer_change: credit_code + fields to change.  employer_status: credit_code, status, on.
- enrolment_create: id_number, insurance_type, start_date (+ credit_code when through an employer).
- enrolment_suspend / enrolment_resume: id_number, insurance_type, on.
- enrolment_end: id_number, insurance_type, end_date.
- enrolment_transfer: id_number, credit_code (the new employer), on.
- staff_increase: credit_code, id_number, start_date (+ insurance_types, a list of codes).
- staff_decrease: credit_code, id_number, end_date.
"""

from __future__ import annotations

import datetime
from typing import Any, cast

from django.utils.translation import gettext as _

from shebao.core.effects import register_effect
from shebao.core.errors import ApplicationError
from shebao.core.models import Region
from shebao.registry import selectors, services
from shebao.registry.models import Employer, Enrolment, Person


def _person(data: dict[str, Any]) -> Person:
    number = str(data.get("id_number") or "").strip()
    if not number:
        raise ApplicationError("id_number_required", _("ID number: the case names no person."))
    person = selectors.person_by_id_number(number)
    if person is None:
        raise ApplicationError(
            "person_not_found",
            _("ID number: no insured person %(number)s is registered.") % {"number": number},
            status=404,
        )
    return person


def _employer(data: dict[str, Any]) -> Employer:
    code = str(data.get("credit_code") or "").strip()
    if not code:
        raise ApplicationError("credit_code_required", _("Credit code: the case names no employer."))
    employer = selectors.employer_by_credit_code(code)
    if employer is None:
        raise ApplicationError(
            "employer_not_found",
            _("Credit code: no employer %(code)s is registered.") % {"code": code},
            status=404,
        )
    return employer


def _open_enrolment(data: dict[str, Any]) -> Enrolment:
    person = _person(data)
    code = str(data.get("insurance_type") or "").strip()
    enrolment = (
        Enrolment.objects.filter(person=person, insurance_type__code=code, end_date__isnull=True)
        .select_related("insurance_type")
        .first()
    )
    if enrolment is None:
        raise ApplicationError(
            "enrolment_not_found",
            _("Insurance type: %(name)s has no open enrolment in %(type)s.")
            % {"name": person.name, "type": code or "—"},
            status=404,
        )
    return enrolment


def _required_region(region: Region | None) -> Region:
    if region is None:
        raise ApplicationError("region_required", _("Region: the case names no region for the new record."))
    return region


def _date(data: dict[str, Any], key: str) -> datetime.date:
    # A date or ISO text; the service checks it and names the field when it is missing or malformed.
    return cast(datetime.date, data.get(key))


def _without(data: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in keys}


@register_effect("registry.person_register", label_zh="人员参保登记", label_en="Register an insured person")
def person_register(*, data: dict[str, Any], by: Any, case_ref: str, region: Region | None = None) -> Person:
    return services.person_register(data=data, region=_required_region(region), by=by, case_ref=case_ref)


@register_effect("registry.person_change", label_zh="参保人员信息变更", label_en="Change a person's data")
def person_change(*, data: dict[str, Any], by: Any, case_ref: str, region: Region | None = None) -> Person:
    person = _person(data)
    return services.person_change(person=person, data=_without(data, "id_number"), by=by, case_ref=case_ref)


@register_effect(
    "registry.person_change_key", label_zh="参保人员关键信息变更", label_en="Change a person's key data"
)
def person_change_key(
    *, data: dict[str, Any], by: Any, case_ref: str, region: Region | None = None
) -> Person:
    person = _person(data)
    changes = _without(data, "id_number", "new_id_number")
    if data.get("new_id_number"):
        changes["id_number"] = data["new_id_number"]
    return services.person_change_key_data(person=person, data=changes, by=by, case_ref=case_ref)


@register_effect("registry.person_status", label_zh="参保人员状态变更", label_en="Change a person's status")
def person_status(*, data: dict[str, Any], by: Any, case_ref: str, region: Region | None = None) -> Person:
    return services.person_set_status(
        person=_person(data), status=data.get("status", ""), on=_date(data, "on"), by=by, case_ref=case_ref
    )


@register_effect("registry.employer_register", label_zh="单位参保登记", label_en="Register an employer")
def employer_register(
    *, data: dict[str, Any], by: Any, case_ref: str, region: Region | None = None
) -> Employer:
    return services.employer_register(data=data, region=_required_region(region), by=by, case_ref=case_ref)


@register_effect("registry.employer_change", label_zh="单位信息变更", label_en="Change an employer's data")
def employer_change(
    *, data: dict[str, Any], by: Any, case_ref: str, region: Region | None = None
) -> Employer:
    employer = _employer(data)
    return services.employer_change(
        employer=employer, data=_without(data, "credit_code"), by=by, case_ref=case_ref
    )


@register_effect(
    "registry.employer_status",
    label_zh="单位状态变更（暂停、注销）",
    label_en="Suspend or deregister an employer",
)
def employer_status(
    *, data: dict[str, Any], by: Any, case_ref: str, region: Region | None = None
) -> Employer:
    return services.employer_set_status(
        employer=_employer(data),
        status=data.get("status", ""),
        on=_date(data, "on"),
        by=by,
        case_ref=case_ref,
    )


@register_effect(
    "registry.enrolment_create",
    label_zh="个人参保登记（城乡居民、灵活就业）",
    label_en="Enrol a person (residents, flexible workers)",
)
def enrolment_create(
    *, data: dict[str, Any], by: Any, case_ref: str, region: Region | None = None
) -> Enrolment:
    person = _person(data)
    employer = _employer(data) if data.get("credit_code") else None
    return services.enrolment_create(
        person=person,
        insurance_type=str(data.get("insurance_type") or ""),
        start_date=_date(data, "start_date"),
        employer=employer,
        by=by,
        case_ref=case_ref,
    )


@register_effect("registry.enrolment_suspend", label_zh="暂停参保（停保）", label_en="Suspend an enrolment")
def enrolment_suspend(
    *, data: dict[str, Any], by: Any, case_ref: str, region: Region | None = None
) -> Enrolment:
    return services.enrolment_suspend(
        enrolment=_open_enrolment(data), on=_date(data, "on"), by=by, case_ref=case_ref
    )


@register_effect("registry.enrolment_resume", label_zh="恢复参保（续保）", label_en="Resume an enrolment")
def enrolment_resume(
    *, data: dict[str, Any], by: Any, case_ref: str, region: Region | None = None
) -> Enrolment:
    return services.enrolment_resume(
        enrolment=_open_enrolment(data), on=_date(data, "on"), by=by, case_ref=case_ref
    )


@register_effect("registry.enrolment_end", label_zh="终止参保", label_en="End an enrolment")
def enrolment_end(*, data: dict[str, Any], by: Any, case_ref: str, region: Region | None = None) -> Enrolment:
    return services.enrolment_end(
        enrolment=_open_enrolment(data),
        end_date=_date(data, "end_date"),
        by=by,
        case_ref=case_ref,
    )


@register_effect(
    "registry.enrolment_transfer", label_zh="参保关系转移（换单位）", label_en="Transfer to another employer"
)
def enrolment_transfer(
    *, data: dict[str, Any], by: Any, case_ref: str, region: Region | None = None
) -> list[Enrolment]:
    return services.enrolment_transfer(
        person=_person(data),
        to_employer=_employer(data),
        on=_date(data, "on"),
        by=by,
        case_ref=case_ref,
    )


@register_effect("registry.staff_increase", label_zh="单位人员增员", label_en="Staff increase")
def staff_increase(
    *, data: dict[str, Any], by: Any, case_ref: str, region: Region | None = None
) -> list[Enrolment]:
    types = data.get("insurance_types") or None
    return services.staff_increase(
        employer=_employer(data),
        person=_person(data),
        start_date=_date(data, "start_date"),
        insurance_types=list(types) if types else None,
        by=by,
        case_ref=case_ref,
    )


@register_effect("registry.staff_decrease", label_zh="单位人员减员", label_en="Staff decrease")
def staff_decrease(
    *, data: dict[str, Any], by: Any, case_ref: str, region: Region | None = None
) -> list[Enrolment]:
    return services.staff_decrease(
        employer=_employer(data),
        person=_person(data),
        end_date=_date(data, "end_date"),
        by=by,
        case_ref=case_ref,
    )
