"""Effect handlers of the registry, keyed by effect code, each with its declaration (see `shebao.core.effects`).

When a case of a catalogue item completes, the item's `effect_code` names one of these; the handler
finds the person (`data["id_number"]`) or employer (`data["credit_code"]`) and calls exactly one
service. Every handler takes `(*, data, by, case_ref, region=None)`. The data each takes, which
registry fields it writes and how its change is previewed are declared in the `register_effect`
call beside it (`fields=`, `writes=`, `preview=`); forms, the API schema and the review page read
them from there. Dates travel as ISO text.

Key data (name, ID number, birth date, gender) change only through `person_change_key`, the payout
bank and account only through `person_change_payout`; `person_change` writes neither.
"""

from __future__ import annotations

import datetime
from typing import Any, cast

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from shebao.catalogue.models import InsuranceType
from shebao.core.effects import (
    EMPLOYER,
    PERSON,
    ChangeRow,
    Effect,
    EffectField,
    FieldKind,
    Link,
    Outcome,
    Preview,
    choices_of,
    register_effect,
)
from shebao.core.errors import ApplicationError
from shebao.core.masking import mask_account, mask_id_number
from shebao.core.models import Region
from shebao.registry import selectors, services
from shebao.registry.models import (
    Employer,
    EmployerStatus,
    EmployerType,
    Enrolment,
    EnrolmentStatus,
    Gender,
    HouseholdType,
    Person,
    PersonStatus,
)

# --- the fields effects take (declared once; labels in both languages) -----------------------------


def _f(name: str, kind: str, zh: str, en: str, **kw: Any) -> EffectField:
    return EffectField(name=name, kind=kind, label_zh=zh, label_en=en, **kw)


T, D = FieldKind.TEXT, FieldKind.DATE
HOUSEHOLD = choices_of(HouseholdType)


def _person_fields(*, new_applicant: bool) -> tuple[EffectField, ...]:
    """What registering a person asks for (birth date and gender come from the ID number)."""
    return (
        _f("name", T, "姓名", "Name", required=True, max_length=60, new_applicant=new_applicant),
        _f(
            "household_type",
            FieldKind.CHOICE,
            "户籍性质",
            "Household type",
            required=True,
            choices=HOUSEHOLD,
            new_applicant=new_applicant,
        ),
        _f("phone", FieldKind.PHONE, "联系电话", "Phone", max_length=20, new_applicant=new_applicant),
        _f("address", T, "通讯地址", "Address", max_length=200, new_applicant=new_applicant),
    )


def _on(required: bool = True) -> EffectField:
    return _f("on", D, "生效日期", "Effective date", required=required)


INSURANCE_TYPE = _f("insurance_type", FieldKind.INSURANCE_TYPE, "险种", "Insurance type", required=True)
CREDIT_CODE = _f(
    "credit_code", FieldKind.CREDIT_CODE, "统一社会信用代码", "Employer's credit code", required=True
)
STAFF_ID = _f("id_number", FieldKind.ID_NUMBER, "职工公民身份号码", "Staff member's ID number", required=True)

# --- showing values and changes --------------------------------------------------------------------


def _type_names(codes: list[str]) -> dict[str, str]:
    return {t.code: t.name for t in InsuranceType.objects.filter(code__in=codes)}


def shown(field: EffectField, value: Any) -> str:
    """A value as a page shows it: names for codes, masked ID numbers, ISO dates."""
    if value in (None, "", []):
        return "—"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if field.kind == FieldKind.CHOICE:
        return field.choice_label(value)
    if field.kind in (FieldKind.INSURANCE_TYPE, FieldKind.INSURANCE_TYPES):
        codes = [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]
        names = _type_names(codes)
        return "、".join(names.get(c, c) for c in codes)
    if field.kind == FieldKind.ID_NUMBER:
        return mask_id_number(str(value))
    return str(value)


def _record(effect: Effect, data: dict[str, Any]) -> Person | Employer | None:
    key = str(data.get(effect.applicant_key) or "")
    if effect.applicant == EMPLOYER:
        return selectors.employer_by_credit_code(key)
    return selectors.person_by_id_number(key)


def _record_value(record: Any, field: EffectField) -> Any:
    attr = field.writes.split(".", 1)[1]
    value = getattr(record, attr)
    if field.kind == FieldKind.ACCOUNT:
        # The account now is masked; the new one is shown in full, to be checked against the card.
        return mask_account(str(value or "")) or None
    return value


def record_preview(effect: Effect, data: dict[str, Any]) -> Preview:
    """Each field given: the record's value now (for a field the effect writes) and the value after."""
    record = _record(effect, data)
    preview = Preview()
    if record is None and effect.registers_applicant:
        key = str(data.get(effect.applicant_key) or "")
        preview.notes.append(
            _("A new record is registered: %(key)s.")
            % {"key": mask_id_number(key) if effect.applicant == PERSON else key}
        )
    for field in effect.fields:
        if field.name == effect.applicant_key:
            continue
        value = data.get(field.name)
        if value in (None, "", []):
            continue
        before = shown(field, _record_value(record, field)) if field.writes and record is not None else "—"
        after = shown(field, value)
        if field.kind == FieldKind.ID_NUMBER and not field.writes:
            # Another person named by the data (a staff member): the reviewer reads their name too.
            other = selectors.person_by_id_number(str(value))
            after = (
                f"{other.name} {after}" if other is not None else _("%(id)s (not registered)") % {"id": after}
            )
        preview.rows.append(ChangeRow(field.label, before, after))
    return preview


def _status_preview(effect: Effect, data: dict[str, Any]) -> Preview:
    """A person's or employer's status now → after (and the date it takes effect)."""
    preview = record_preview(effect, data)
    record = _record(effect, data)
    if record is not None and preview.rows:
        status = next(f for f in effect.fields if f.name == "status")
        first = preview.rows[0]
        preview.rows[0] = ChangeRow(first.label, shown(status, record.status), first.after)
    return preview


def _enrolment_preview(after: Any) -> Any:
    def preview(effect: Effect, data: dict[str, Any]) -> Preview:
        rows = record_preview(effect, data)
        person = selectors.person_by_id_number(str(data.get("id_number") or ""))
        code = str(data.get("insurance_type") or "")
        enrolment = (
            Enrolment.objects.filter(person=person, insurance_type__code=code, end_date__isnull=True).first()
            if person is not None
            else None
        )
        now = enrolment.get_status_display() if enrolment is not None else _("No open enrolment")
        rows.rows.append(ChangeRow(_("Enrolment status"), str(now), str(after)))
        return rows

    return preview


def _records_link(model: str, pks: list[int]) -> list[Link]:
    if model == "registry.person":
        return [
            Link(p.name, reverse("registry:person", args=[p.pk])) for p in Person.objects.filter(pk__in=pks)
        ]
    if model == "registry.employer":
        return [
            Link(e.name, reverse("registry:employer", args=[e.pk]))
            for e in Employer.objects.filter(pk__in=pks)
        ]
    if model == "registry.enrolment":
        persons = Person.objects.filter(enrolments__pk__in=pks).distinct()
        return [Link(p.name, reverse("registry:person", args=[p.pk])) for p in persons]
    return []


def record_outcome(effect: Effect, result: dict[str, Any]) -> Outcome:
    """What the case wrote ("5 条参保登记"), with links to the records."""
    model = str(result.get("model") or "")
    pks = [int(p) for p in result.get("pks") or ([result["pk"]] if result.get("pk") else [])]
    if model == "registry.enrolment":
        text = ngettext("%(count)s enrolment", "%(count)s enrolments", len(pks)) % {"count": len(pks)}
    elif model == "registry.person":
        text = _("Person record: %(name)s") % {"name": result.get("text", "")}
    elif model == "registry.employer":
        text = _("Employer record: %(name)s") % {"name": result.get("text", "")}
    else:
        text = str(result.get("text") or "")
    return Outcome(text=text, links=_records_link(model, pks))


def _declare(code: str, zh: str, en: str, **kw: Any) -> Any:
    kw.setdefault("preview", record_preview)
    kw.setdefault("outcome", record_outcome)
    return register_effect(code, label_zh=zh, label_en=en, **kw)


# --- lookups used by the handlers ------------------------------------------------------------------


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


@_declare(
    "registry.person_register",
    "人员参保登记",
    "Register an insured person",
    registers_only=True,
    fields=_person_fields(new_applicant=False),
)
def person_register(*, data: dict[str, Any], by: Any, case_ref: str, region: Region | None = None) -> Person:
    return services.person_register(data=data, region=_required_region(region), by=by, case_ref=case_ref)


@_declare(
    "registry.person_change",
    "参保人员信息变更",
    "Change a person's data",
    fields=(
        _f("phone", FieldKind.PHONE, "联系电话", "Phone", max_length=20, writes="person.phone"),
        _f("address", T, "通讯地址", "Address", max_length=200, writes="person.address"),
        _f(
            "household_type",
            FieldKind.CHOICE,
            "户籍性质",
            "Household type",
            choices=HOUSEHOLD,
            writes="person.household_type",
        ),
    ),
)
def person_change(*, data: dict[str, Any], by: Any, case_ref: str, region: Region | None = None) -> Person:
    person = _person(data)
    return services.person_change(person=person, data=_without(data, "id_number"), by=by, case_ref=case_ref)


@_declare(
    "registry.person_change_key",
    "参保人员关键信息变更",
    "Change a person's key data",
    fields=(
        _f("name", T, "姓名", "Name", max_length=60, writes="person.name"),
        _f(
            "new_id_number", FieldKind.ID_NUMBER, "新公民身份号码", "New ID number", writes="person.id_number"
        ),
        _f("birth_date", D, "出生日期", "Birth date", writes="person.birth_date"),
        _f("gender", FieldKind.CHOICE, "性别", "Gender", choices=choices_of(Gender), writes="person.gender"),
    ),
)
def person_change_key(
    *, data: dict[str, Any], by: Any, case_ref: str, region: Region | None = None
) -> Person:
    person = _person(data)
    changes = _without(data, "id_number", "new_id_number")
    if data.get("new_id_number"):
        changes["id_number"] = data["new_id_number"]
    return services.person_change_key_data(person=person, data=changes, by=by, case_ref=case_ref)


@_declare(
    "registry.person_change_payout",
    "待遇发放账户变更",
    "Change the payout bank account",
    fields=(
        _f(
            "bank_name",
            T,
            "待遇发放银行",
            "Bank for payouts",
            required=True,
            max_length=60,
            writes="person.bank_name",
        ),
        _f(
            "bank_account",
            FieldKind.ACCOUNT,
            "待遇发放账号",
            "Bank account for payouts",
            required=True,
            max_length=32,
            writes="person.bank_account",
        ),
    ),
)
def person_change_payout(
    *, data: dict[str, Any], by: Any, case_ref: str, region: Region | None = None
) -> Person:
    return services.person_change_payout(
        person=_person(data), data=_without(data, "id_number"), by=by, case_ref=case_ref
    )


@_declare(
    "registry.person_status",
    "参保人员状态变更",
    "Change a person's status",
    fields=(
        _f(
            "status",
            FieldKind.CHOICE,
            "新状态",
            "New status",
            required=True,
            choices=choices_of(PersonStatus),
            writes="person.status",
        ),
        _on(),
    ),
    preview=_status_preview,
)
def person_status(*, data: dict[str, Any], by: Any, case_ref: str, region: Region | None = None) -> Person:
    return services.person_set_status(
        person=_person(data), status=data.get("status", ""), on=_date(data, "on"), by=by, case_ref=case_ref
    )


@_declare(
    "registry.employer_register",
    "单位参保登记",
    "Register an employer",
    applicant=EMPLOYER,
    registers_only=True,
    fields=(
        _f("name", T, "单位名称", "Name", required=True),
        _f(
            "employer_type",
            FieldKind.CHOICE,
            "单位类型",
            "Employer type",
            required=True,
            choices=choices_of(EmployerType),
        ),
        _f("industry", T, "所属行业", "Industry", required=True, max_length=60),
        _f(
            "injury_risk_class",
            FieldKind.INTEGER,
            "工伤风险类别（1–8）",
            "Work-injury risk class (1–8)",
            required=True,
            min_value=1,
            max_value=8,
        ),
        _f("legal_representative", T, "法定代表人", "Legal representative", required=True, max_length=60),
        _f("contact_name", T, "联系人", "Contact person", max_length=60),
        _f("contact_phone", FieldKind.PHONE, "联系电话", "Contact phone", max_length=20),
        _f("address", T, "地址", "Address", max_length=200),
        _f("bank_name", T, "开户银行", "Bank", max_length=60),
        _f("bank_account", FieldKind.ACCOUNT, "银行账号", "Bank account", max_length=32),
    ),
)
def employer_register(
    *, data: dict[str, Any], by: Any, case_ref: str, region: Region | None = None
) -> Employer:
    return services.employer_register(data=data, region=_required_region(region), by=by, case_ref=case_ref)


@_declare(
    "registry.employer_change",
    "单位信息变更",
    "Change an employer's data",
    applicant=EMPLOYER,
    fields=(
        _f("name", T, "单位名称", "Name", writes="employer.name"),
        _f(
            "legal_representative",
            T,
            "法定代表人",
            "Legal representative",
            max_length=60,
            writes="employer.legal_representative",
        ),
        _f("industry", T, "所属行业", "Industry", max_length=60, writes="employer.industry"),
        _f("contact_name", T, "联系人", "Contact person", max_length=60, writes="employer.contact_name"),
        _f(
            "contact_phone",
            FieldKind.PHONE,
            "联系电话",
            "Contact phone",
            max_length=20,
            writes="employer.contact_phone",
        ),
        _f("address", T, "地址", "Address", max_length=200, writes="employer.address"),
        _f("bank_name", T, "开户银行", "Bank", max_length=60, writes="employer.bank_name"),
        _f(
            "bank_account",
            FieldKind.ACCOUNT,
            "银行账号",
            "Bank account",
            max_length=32,
            writes="employer.bank_account",
        ),
    ),
)
def employer_change(
    *, data: dict[str, Any], by: Any, case_ref: str, region: Region | None = None
) -> Employer:
    employer = _employer(data)
    return services.employer_change(
        employer=employer, data=_without(data, "credit_code"), by=by, case_ref=case_ref
    )


@_declare(
    "registry.employer_status",
    "单位状态变更（暂停、注销）",
    "Suspend or deregister an employer",
    applicant=EMPLOYER,
    fields=(
        _f(
            "status",
            FieldKind.CHOICE,
            "新状态",
            "New status",
            required=True,
            choices=choices_of(EmployerStatus),
            writes="employer.status",
        ),
        _on(),
    ),
    preview=_status_preview,
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


@_declare(
    "registry.enrolment_create",
    "个人参保登记（城乡居民、灵活就业）",
    "Enrol a person (residents, flexible workers)",
    registers_applicant=True,
    fields=(
        INSURANCE_TYPE,
        _f("start_date", D, "参保日期", "Start date", required=True),
        _f(
            "credit_code",
            FieldKind.CREDIT_CODE,
            "单位统一社会信用代码（经单位参保时）",
            "Employer's credit code (when through an employer)",
        ),
        *_person_fields(new_applicant=True),
    ),
)
def enrolment_create(
    *, data: dict[str, Any], by: Any, case_ref: str, region: Region | None = None
) -> Enrolment:
    """Enrols the person; one not yet registered is registered first (个人参保登记 at the counter)."""
    person = selectors.person_by_id_number(str(data.get("id_number") or ""))
    if person is None and data.get("name"):
        person_data: dict[str, Any] = {
            k: data[k] for k in ("id_number", "name", "household_type", "phone", "address") if k in data
        }
        person = services.person_register(
            data=person_data, region=_required_region(region), by=by, case_ref=case_ref
        )
    if person is None:
        person = _person(data)  # names what is missing
    employer = _employer(data) if data.get("credit_code") else None
    return services.enrolment_create(
        person=person,
        insurance_type=str(data.get("insurance_type") or ""),
        start_date=_date(data, "start_date"),
        employer=employer,
        by=by,
        case_ref=case_ref,
    )


ENROLMENT_ON = (INSURANCE_TYPE, _on())


@_declare(
    "registry.enrolment_suspend",
    "暂停参保（停保）",
    "Suspend an enrolment",
    fields=ENROLMENT_ON,
    preview=_enrolment_preview(EnrolmentStatus.SUSPENDED.label),
)
def enrolment_suspend(
    *, data: dict[str, Any], by: Any, case_ref: str, region: Region | None = None
) -> Enrolment:
    return services.enrolment_suspend(
        enrolment=_open_enrolment(data), on=_date(data, "on"), by=by, case_ref=case_ref
    )


@_declare(
    "registry.enrolment_resume",
    "恢复参保（续保）",
    "Resume an enrolment",
    fields=ENROLMENT_ON,
    preview=_enrolment_preview(EnrolmentStatus.CONTRIBUTING.label),
)
def enrolment_resume(
    *, data: dict[str, Any], by: Any, case_ref: str, region: Region | None = None
) -> Enrolment:
    return services.enrolment_resume(
        enrolment=_open_enrolment(data), on=_date(data, "on"), by=by, case_ref=case_ref
    )


@_declare(
    "registry.enrolment_end",
    "终止参保",
    "End an enrolment",
    fields=(INSURANCE_TYPE, _f("end_date", D, "终止日期", "End date", required=True)),
    preview=_enrolment_preview(EnrolmentStatus.ENDED.label),
)
def enrolment_end(*, data: dict[str, Any], by: Any, case_ref: str, region: Region | None = None) -> Enrolment:
    return services.enrolment_end(
        enrolment=_open_enrolment(data),
        end_date=_date(data, "end_date"),
        by=by,
        case_ref=case_ref,
    )


@_declare(
    "registry.enrolment_transfer",
    "参保关系转移（换单位）",
    "Transfer to another employer",
    fields=(CREDIT_CODE, _on()),
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


@_declare(
    "registry.staff_increase",
    "单位人员增员",
    "Staff increase",
    applicant=EMPLOYER,
    fields=(
        CREDIT_CODE,
        STAFF_ID,
        _f("start_date", D, "参保日期", "Start date", required=True),
        _f("insurance_types", FieldKind.INSURANCE_TYPES, "险种", "Insurance types"),
    ),
)
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


@_declare(
    "registry.staff_decrease",
    "单位人员减员",
    "Staff decrease",
    applicant=EMPLOYER,
    fields=(CREDIT_CODE, STAFF_ID, _f("end_date", D, "终止日期", "End date", required=True)),
)
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
