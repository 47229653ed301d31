"""Writes of the registry: persons, employers, enrolments, staff increase and decrease (增减员).

Every function is keyword-only and runs in one transaction; it checks first and raises
`ApplicationError` with a message naming the field and the reason, then acts. Each change is written
twice in the same transaction: an audit event (`audit_record`) and a `RecordChange` with who, when,
the case it came from, {field: [old, new]} and the whole record after the change — so a person or an
employer can be shown as they were on any past date. `by` is a staff user, or None for the system.

Concurrency: every service that touches a person's enrolments locks the person row first
(`select_for_update`), then the employer row; the database's one-open-enrolment constraint is the
backstop. Nothing is half-written: a refusal leaves every row and the audit log as they were.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shebao.audit.services import audit_record
from shebao.catalogue.models import InsuranceType
from shebao.core.errors import ApplicationError
from shebao.core.models import Region
from shebao.registry.identity import check_credit_code, check_id_number
from shebao.registry.models import (
    EMPLOYER_FIELDS,
    PERSON_FUND_FIELDS,
    PERSON_KEY_FIELDS,
    PERSON_OTHER_FIELDS,
    Employer,
    EmployerStatus,
    EmployerType,
    Enrolment,
    EnrolmentStatus,
    Gender,
    HouseholdType,
    Person,
    PersonStatus,
    PossibleDuplicate,
    RecordChange,
)

# 增员 without a list of types enrols the person in the five employee insurance types.
EMPLOYEE_TYPES = ("employee_pension", "employee_medical", "unemployment", "work_injury", "maternity")
# Residents' types are for people without an employer (城乡居民, 被征地农民): they take no employer.
# TODO: becomes a field of InsuranceType (like `employer_required`) when the catalogue app adds it.

PHONE_RE = re.compile(r"^\+?[0-9][0-9 ()\-]{4,19}$")
ACCOUNT_RE = re.compile(r"^[0-9]{6,32}$")


# --- helpers: values, labels, checks -------------------------------------------------------------


def _field_label(name: str, model: type[Any] = Person) -> str:
    """The field's verbose name in the active language, for messages that name the field."""
    return str(getattr(model._meta.get_field(name), "verbose_name", name))


def _max_length(name: str, model: type[Any]) -> int:
    return int(getattr(model._meta.get_field(name), "max_length", None) or 200)


def _as_date(value: Any, *, label: str) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value or "").strip()
    if not text:
        raise ApplicationError("date_required", _("%(field)s: enter a date.") % {"field": label})
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ApplicationError(
            "date_invalid",
            _("%(field)s: %(value)s is not a date (write it as YYYY-MM-DD).")
            % {"field": label, "value": text},
        ) from None


def _text(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    return "" if value is None else str(value).strip()


def _require_text(value: str, *, label: str, max_length: int) -> str:
    if not value:
        raise ApplicationError("field_required", _("%(field)s: this field is required.") % {"field": label})
    return _limit(value, label=label, max_length=max_length)


def _limit(value: str, *, label: str, max_length: int) -> str:
    if len(value) > max_length:
        raise ApplicationError(
            "field_too_long",
            _("%(field)s: at most %(max)s characters, this has %(length)s.")
            % {"field": label, "max": max_length, "length": len(value)},
        )
    return value


def _choice(value: str, *, label: str, choices: Iterable[tuple[str, Any]]) -> str:
    allowed = dict(choices)
    if value not in allowed:
        raise ApplicationError(
            "choice_invalid",
            _("%(field)s: %(value)s is not one of: %(allowed)s.")
            % {"field": label, "value": value or "—", "allowed": ", ".join(str(v) for v in allowed.values())},
        )
    return value


def _phone(value: str, *, label: str) -> str:
    if value and not PHONE_RE.match(value):
        raise ApplicationError(
            "phone_invalid",
            _("%(field)s: %(value)s is not a phone number.") % {"field": label, "value": value},
        )
    return value


def _account(value: str, *, label: str) -> str:
    value = value.replace(" ", "")
    if value and not ACCOUNT_RE.match(value):
        raise ApplicationError(
            "account_invalid",
            _("%(field)s: a bank account number is 6 to 32 digits.") % {"field": label},
        )
    return value


def _refuse_unknown(data: dict[str, Any], allowed: Iterable[str]) -> None:
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ApplicationError(
            "field_unknown",
            _("%(fields)s: not a field that can be set here.") % {"fields": ", ".join(unknown)},
        )


def _iso(value: Any) -> Any:
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [old.get(k), new.get(k)] for k in new if old.get(k) != new.get(k)}


def _type_name(insurance_type: InsuranceType) -> str:
    return insurance_type.name


def _resolve_type(insurance_type: InsuranceType | str) -> InsuranceType:
    if isinstance(insurance_type, InsuranceType):
        return insurance_type
    found = InsuranceType.objects.filter(code=str(insurance_type or "").strip()).first()
    if found is None:
        raise ApplicationError(
            "insurance_type_unknown",
            _("Insurance type: %(code)s is not an insurance type.") % {"code": insurance_type or "—"},
        )
    return found


# --- snapshots and history ----------------------------------------------------------------------


def _enrolment_snapshot(e: Enrolment) -> dict[str, Any]:
    return {
        "id": e.pk,
        "insurance_type": e.insurance_type.code,
        "employer": e.employer.credit_code if e.employer_id else None,  # type: ignore[union-attr]
        "employer_name": e.employer.name if e.employer_id else None,  # type: ignore[union-attr]
        "start_date": _iso(e.start_date),
        "end_date": _iso(e.end_date),
        "status": e.status,
        "status_date": _iso(e.status_date),
        "case_ref": e.case_ref,
    }


def person_snapshot(person: Person) -> dict[str, Any]:
    """The whole person with their enrolments, as stored in `RecordChange.snapshot` (JSON-ready)."""
    enrolments = (
        Enrolment.objects.filter(person=person)
        .select_related("insurance_type", "employer")
        .order_by("insurance_type__order", "start_date", "id")
    )
    return {
        **{name: _iso(getattr(person, name)) for name in (*PERSON_KEY_FIELDS, *PERSON_OTHER_FIELDS)},
        "region": person.region.code,
        "status": person.status,
        "status_date": _iso(person.status_date),
        "birthplace_known": person.birthplace_known,
        "enrolments": [_enrolment_snapshot(e) for e in enrolments],
    }


def employer_snapshot(employer: Employer) -> dict[str, Any]:
    """The whole employer with its count of open enrolments per insurance type (JSON-ready)."""
    counts = (
        Enrolment.objects.filter(employer=employer, end_date__isnull=True)
        .values("insurance_type__code")
        .annotate(n=Count("id"))
        .order_by("insurance_type__code")
    )
    return {
        **{name: _iso(getattr(employer, name)) for name in EMPLOYER_FIELDS},
        "region": employer.region.code,
        "status": employer.status,
        "status_date": _iso(employer.status_date),
        "arrears": _iso(employer.arrears),
        "staff": {row["insurance_type__code"]: row["n"] for row in counts},
    }


def _record(
    *,
    subject: Person | Employer,
    kind: str,
    by: Any,
    case_ref: str,
    changes: dict[str, Any],
) -> RecordChange:
    if isinstance(subject, Person):
        return RecordChange.objects.create(
            person=subject,
            kind=kind,
            changed_at=timezone.now(),
            changed_by=by if getattr(by, "is_authenticated", False) else None,
            case_ref=case_ref,
            changes=changes,
            snapshot=person_snapshot(subject),
        )
    return RecordChange.objects.create(
        employer=subject,
        kind=kind,
        changed_at=timezone.now(),
        changed_by=by if getattr(by, "is_authenticated", False) else None,
        case_ref=case_ref,
        changes=changes,
        snapshot=employer_snapshot(subject),
    )


def _audit(
    *,
    by: Any,
    action: str,
    subject: Person | Employer,
    changes: dict[str, list[Any]],
    case_ref: str,
    extra: dict[str, Any] | None = None,
) -> None:
    audit_record(
        actor=by,
        action=action,
        subject=subject,
        region_code=subject.region.code,
        old={k: v[0] for k, v in changes.items()},
        new={k: v[1] for k, v in changes.items()},
        extra={"case_ref": case_ref, **(extra or {})},
    )


def _clean_case_ref(case_ref: str) -> str:
    case_ref = (case_ref or "").strip()
    return _limit(case_ref, label=_field_label("case_ref", RecordChange), max_length=40)


# --- persons -----------------------------------------------------------------------------------


@dataclass
class _PersonKey:
    id_number: str
    birth_date: datetime.date
    gender: str
    birthplace_known: bool
    warnings: list[str]


def _check_key(data: dict[str, Any], *, current: Person | None = None) -> _PersonKey:
    """The ID number (new or current) with the birth date and gender that must agree with it."""
    raw_id = data.get("id_number") if "id_number" in data else (current.id_number if current else "")
    check = check_id_number(raw_id or "")
    if "birth_date" in data and data["birth_date"] not in (None, ""):
        given = _as_date(data["birth_date"], label=_field_label("birth_date"))
        if given != check.birth_date:
            raise ApplicationError(
                "birth_date_mismatch",
                _("Birth date: %(given)s does not agree with the ID number, which says %(expected)s.")
                % {"given": given.isoformat(), "expected": check.birth_date.isoformat()},
            )
    if "gender" in data and data["gender"] not in (None, ""):
        given_gender = str(data["gender"]).strip().upper()
        if given_gender != check.gender:
            raise ApplicationError(
                "gender_mismatch",
                _("Gender: %(given)s does not agree with the ID number, which says %(expected)s.")
                % {
                    "given": Gender(given_gender).label if given_gender in Gender.values else given_gender,
                    "expected": Gender(check.gender).label,
                },
            )
    return _PersonKey(check.number, check.birth_date, check.gender, check.birthplace_known, check.warnings)


def _check_other_fields(data: dict[str, Any]) -> dict[str, Any]:
    """Clean the non-key fields present in `data`."""
    cleaned: dict[str, Any] = {}
    for name in PERSON_OTHER_FIELDS:
        if name not in data:
            continue
        value = _text(data, name)
        label = _field_label(name)
        if name == "phone":
            value = _phone(_limit(value, label=label, max_length=20), label=label)
        elif name == "household_type":
            value = _choice(value, label=label, choices=HouseholdType.choices)
        elif name == "bank_account":
            value = _account(value, label=label)
        else:
            value = _limit(value, label=label, max_length=_max_length(name, Person))
        cleaned[name] = value
    return cleaned


def _flag_duplicates(person: Person) -> list[Person]:
    """Flag other persons with the same name and birth date (never merged: a person looks)."""
    others = list(
        Person.objects.filter(name=person.name, birth_date=person.birth_date)
        .exclude(pk=person.pk)
        .order_by("id")
    )
    for other in others:
        exists = PossibleDuplicate.objects.filter(
            Q(person=person, other=other) | Q(person=other, other=person)
        ).exists()
        if not exists:
            PossibleDuplicate.objects.create(person=person, other=other)
    return others


def _lock_person(person: Person) -> Person:
    # of=self: lock the person, not their region (that would serialise a whole county's tellers).
    return Person.objects.select_for_update(of=("self",)).select_related("region").get(pk=person.pk)


def _copy_back(target: Any, source: Any, names: Iterable[str]) -> None:
    """Keep the caller's instance in step with the saved row."""
    if target is not source:
        for name in names:
            setattr(target, name, getattr(source, name))


@transaction.atomic
def person_register(*, data: dict[str, Any], region: Region, by: Any, case_ref: str = "") -> Person:
    """Register a new insured person (人员参保登记). Birth date and gender come from the ID number.

    Flags, never merges, other persons with the same name and birth date (`PossibleDuplicate`). The
    returned person carries `registration_warnings` (list of messages) and `possible_duplicates`.
    """
    case_ref = _clean_case_ref(case_ref)
    _refuse_unknown(data, (*PERSON_KEY_FIELDS, *PERSON_OTHER_FIELDS))
    key = _check_key(data)
    name = _require_text(_text(data, "name"), label=_field_label("name"), max_length=60)
    if "household_type" not in data or not _text(data, "household_type"):
        raise ApplicationError(
            "field_required",
            _("%(field)s: this field is required.") % {"field": _field_label("household_type")},
        )
    other = _check_other_fields(data)
    if region is None:
        raise ApplicationError("region_required", _("Region: say which region the person belongs to."))
    existing = Person.objects.filter(id_number=key.id_number).first()
    if existing is not None:
        raise ApplicationError(
            "person_exists",
            _("ID number: %(number)s is already registered (%(name)s); change that record instead.")
            % {"number": key.id_number, "name": existing.name},
        )
    try:
        with transaction.atomic():
            person = Person.objects.create(
                id_number=key.id_number,
                name=name,
                gender=key.gender,
                birth_date=key.birth_date,
                birthplace_known=key.birthplace_known,
                region=region,
                **other,
            )
    except IntegrityError:
        # Registered by someone else at the same moment.
        raise ApplicationError(
            "person_exists",
            _("ID number: %(number)s is already registered; change that record instead.")
            % {"number": key.id_number},
        ) from None
    duplicates = _flag_duplicates(person)
    snapshot_fields = {n: _iso(getattr(person, n)) for n in (*PERSON_KEY_FIELDS, *PERSON_OTHER_FIELDS)}
    changes = {k: [None, v] for k, v in snapshot_fields.items() if v not in ("", None)}
    changes["region"] = [None, region.code]
    _record(subject=person, kind="registered", by=by, case_ref=case_ref, changes=changes)
    _audit(
        by=by,
        action="registry.person_registered",
        subject=person,
        changes=changes,
        case_ref=case_ref,
        extra={
            "warnings": [str(w) for w in key.warnings],
            "possible_duplicates": [d.id_number for d in duplicates],
        },
    )
    person.registration_warnings = key.warnings  # type: ignore[attr-defined]
    person.possible_duplicates = duplicates  # type: ignore[attr-defined]
    return person


def _refuse_no_change(changes: dict[str, Any]) -> None:
    if not changes:
        raise ApplicationError("no_change", _("Nothing to change: the values given are the current ones."))


@transaction.atomic
def person_change(*, person: Person, data: dict[str, Any], by: Any, case_ref: str = "") -> Person:
    """Change a person's ordinary data (phone, address, household type): neither key nor fund data."""
    case_ref = _clean_case_ref(case_ref)
    locked = _lock_person(person)
    for name in PERSON_FUND_FIELDS:
        if name in data and str(data[name] or "").strip() != getattr(locked, name):
            raise ApplicationError(
                "fund_data",
                _(
                    "%(field)s is fund data: it changes only through the special item "
                    "待遇发放账户变更 (change of the payout bank account)."
                )
                % {"field": _field_label(name)},
            )
    for name in PERSON_KEY_FIELDS:
        if name in data and not _same_key_value(locked, name, data[name]):
            raise ApplicationError(
                "key_data",
                _(
                    "%(field)s is key data: it changes only through the special item "
                    "参保人员关键信息变更 (change of an insured person's key data)."
                )
                % {"field": _field_label(name)},
            )
    _refuse_unknown(data, (*PERSON_KEY_FIELDS, *PERSON_OTHER_FIELDS))
    cleaned = _check_other_fields(data)
    old = {n: getattr(locked, n) for n in cleaned}
    changes = _diff(old, cleaned)
    _refuse_no_change(changes)
    for name, (_old, new) in changes.items():
        setattr(locked, name, new)
    locked.save(update_fields=[*changes, "updated_at"])
    _record(subject=locked, kind="changed", by=by, case_ref=case_ref, changes=changes)
    _audit(by=by, action="registry.person_changed", subject=locked, changes=changes, case_ref=case_ref)
    _copy_back(person, locked, [*changes, "updated_at"])
    return locked


@transaction.atomic
def person_change_payout(*, person: Person, data: dict[str, Any], by: Any, case_ref: str) -> Person:
    """Change the payout bank and account (fund data): only as the effect of a special item with
    review and sign-off, so `case_ref` is required."""
    case_ref = _clean_case_ref(case_ref)
    if not case_ref:
        raise ApplicationError(
            "case_required",
            _("Payout account change: give the case number of the special item that changes it."),
        )
    locked = _lock_person(person)
    _refuse_unknown(data, PERSON_FUND_FIELDS)
    for name in PERSON_FUND_FIELDS:
        if not _text(data, name):
            raise ApplicationError(
                "field_required", _("%(field)s: this field is required.") % {"field": _field_label(name)}
            )
    cleaned = _check_other_fields(data)
    changes = _diff({n: getattr(locked, n) for n in cleaned}, cleaned)
    _refuse_no_change(changes)
    for name, (_old, new) in changes.items():
        setattr(locked, name, new)
    locked.save(update_fields=[*changes, "updated_at"])
    _record(subject=locked, kind="payout_changed", by=by, case_ref=case_ref, changes=changes)
    _audit(by=by, action="registry.person_payout_changed", subject=locked, changes=changes, case_ref=case_ref)
    _copy_back(person, locked, [*changes, "updated_at"])
    return locked


def _same_key_value(person: Person, name: str, value: Any) -> bool:
    """True if `value` is the person's current value of key field `name` (a form may send it back)."""
    current = getattr(person, name)
    if value is None:
        return False
    if name == "birth_date":
        try:
            return _as_date(value, label="") == current
        except ApplicationError:
            return False
    text = str(value).strip()
    if name in ("id_number", "gender"):
        text = text.upper()
    return bool(text == current)


@transaction.atomic
def person_change_key_data(*, person: Person, data: dict[str, Any], by: Any, case_ref: str) -> Person:
    """Change key data (name, ID number, birth date, gender): only as the effect of the special item
    参保人员关键信息变更, so `case_ref` is required. Birth date and gender follow the (new) ID number."""
    case_ref = _clean_case_ref(case_ref)
    if not case_ref:
        raise ApplicationError(
            "case_required",
            _(
                "Key data change: give the case number of the special item 参保人员关键信息变更 "
                "(change of an insured person's key data)."
            ),
        )
    locked = _lock_person(person)
    not_key = sorted(set(data) - set(PERSON_KEY_FIELDS))
    if not_key:
        raise ApplicationError(
            "not_key_data",
            _("%(fields)s: not key data; change it with the ordinary change of personal data.")
            % {"fields": ", ".join(not_key)},
        )
    key = _check_key(data, current=locked)
    new: dict[str, Any] = {
        "id_number": key.id_number,
        "birth_date": key.birth_date,
        "gender": key.gender,
        "birthplace_known": key.birthplace_known,
    }
    if "name" in data:
        new["name"] = _require_text(_text(data, "name"), label=_field_label("name"), max_length=60)
    if key.id_number != locked.id_number:
        holder = Person.objects.filter(id_number=key.id_number).exclude(pk=locked.pk).first()
        if holder is not None:
            raise ApplicationError(
                "person_exists",
                _("ID number: %(number)s already belongs to another person (%(name)s).")
                % {"number": key.id_number, "name": holder.name},
            )
    old = {n: getattr(locked, n) for n in new}
    changes = {k: [_iso(v[0]), _iso(v[1])] for k, v in _diff(old, new).items()}
    _refuse_no_change(changes)
    for name in changes:
        setattr(locked, name, new[name])
    try:
        with transaction.atomic():
            locked.save(update_fields=[*changes, "updated_at"])
    except IntegrityError:
        raise ApplicationError(
            "person_exists",
            _("ID number: %(number)s already belongs to another person.") % {"number": key.id_number},
        ) from None
    duplicates = _flag_duplicates(locked) if {"name", "birth_date"} & set(changes) else []
    _record(subject=locked, kind="key_data_changed", by=by, case_ref=case_ref, changes=changes)
    _audit(
        by=by,
        action="registry.person_key_data_changed",
        subject=locked,
        changes=changes,
        case_ref=case_ref,
        extra={
            "warnings": [str(w) for w in key.warnings],
            "possible_duplicates": [d.id_number for d in duplicates],
        },
    )
    _copy_back(person, locked, [*changes, "updated_at"])
    return locked


def _end_open_enrolments(
    *, enrolments: Iterable[Enrolment], end_date: datetime.date
) -> list[tuple[Enrolment, dict[str, Any]]]:
    """End each enrolment on `end_date`; refuse if one starts after that day. Returns (enrolment, old)."""
    ended: list[tuple[Enrolment, dict[str, Any]]] = []
    for e in enrolments:
        if end_date < e.start_date:
            raise ApplicationError(
                "end_before_start",
                _("End date: %(end)s is before the start of the %(type)s enrolment (%(start)s).")
                % {"end": end_date.isoformat(), "type": _type_name(e.insurance_type), "start": e.start_date},
            )
        old = _enrolment_snapshot(e)
        e.end_date = end_date
        e.status = EnrolmentStatus.ENDED
        e.status_date = end_date
        e.save(update_fields=["end_date", "status", "status_date", "updated_at"])
        ended.append((e, old))
    return ended


def _enrolment_key(e: Enrolment) -> str:
    return f"enrolments.{e.insurance_type.code}"


@transaction.atomic
def person_set_status(
    *, person: Person, status: str, on: datetime.date, by: Any, case_ref: str = ""
) -> Person:
    """Record a death (with its date) or a move out of the province, or make the person active again.

    Death and moving out end every open enrolment on that date.
    """
    case_ref = _clean_case_ref(case_ref)
    status_label = _field_label("status")
    status = _choice(str(status or "").strip(), label=status_label, choices=PersonStatus.choices)
    on = _as_date(on, label=_field_label("status_date"))
    locked = _lock_person(person)
    if on > timezone.localdate():
        raise ApplicationError(
            "date_in_future",
            _("%(field)s: %(date)s is in the future.")
            % {"field": _field_label("status_date"), "date": on.isoformat()},
        )
    if on < locked.birth_date:
        raise ApplicationError(
            "date_before_birth",
            _("%(field)s: %(date)s is before the person's birth date.")
            % {"field": _field_label("status_date"), "date": on.isoformat()},
        )
    if status == locked.status:
        raise ApplicationError(
            "status_unchanged",
            _("Status: the person is already %(status)s.") % {"status": PersonStatus(status).label},
        )
    ended: list[tuple[Enrolment, dict[str, Any]]] = []
    if status in (PersonStatus.DECEASED, PersonStatus.MOVED_OUT):
        open_enrolments = (
            Enrolment.objects.select_for_update(of=("self",))
            .filter(person=locked, end_date__isnull=True)
            .select_related("insurance_type", "employer")
        )
        ended = _end_open_enrolments(enrolments=open_enrolments, end_date=on)
    new_status_date = None if status == PersonStatus.ACTIVE else on
    changes: dict[str, Any] = {
        "status": [locked.status, status],
        "status_date": [_iso(locked.status_date), _iso(new_status_date)],
    }
    for e, old in ended:
        changes[_enrolment_key(e)] = [old, _enrolment_snapshot(e)]
    locked.status = status
    locked.status_date = new_status_date
    locked.save(update_fields=["status", "status_date", "updated_at"])
    _record(subject=locked, kind="status_changed", by=by, case_ref=case_ref, changes=changes)
    _audit(
        by=by,
        action="registry.person_status_changed",
        subject=locked,
        changes=changes,
        case_ref=case_ref,
    )
    for employer in {e.employer for e, _old in ended if e.employer is not None}:
        _record_employer_staff(employer=employer, by=by, case_ref=case_ref, kind="staff_ended", person=locked)
    _copy_back(person, locked, ["status", "status_date", "updated_at"])
    return locked


def _record_employer_staff(*, employer: Employer, by: Any, case_ref: str, kind: str, person: Person) -> None:
    """An employer's history also shows who joined and left its staff (its snapshot counts staff)."""
    _record(
        subject=employer, kind=kind, by=by, case_ref=case_ref, changes={"person": [None, person.id_number]}
    )


# --- employers ---------------------------------------------------------------------------------


def _check_employer_fields(data: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    required = ("name", "employer_type", "industry", "injury_risk_class", "legal_representative")
    for name in EMPLOYER_FIELDS:
        if name == "credit_code" or (name not in data and not creating):
            continue
        label = _field_label(name, Employer)
        if name == "injury_risk_class":
            raw = data.get(name)
            if raw in (None, ""):
                raise ApplicationError(
                    "field_required", _("%(field)s: this field is required.") % {"field": label}
                )
            try:
                risk = int(str(raw).strip())
            except ValueError:
                risk = 0
            if not 1 <= risk <= 8:
                raise ApplicationError(
                    "injury_risk_class_invalid",
                    _("%(field)s: %(value)s is not a class from 1 to 8.") % {"field": label, "value": raw},
                )
            cleaned[name] = risk
            continue
        value = _text(data, name)
        max_length = _max_length(name, Employer)
        if name in required:
            value = _require_text(value, label=label, max_length=max_length)
        else:
            value = _limit(value, label=label, max_length=max_length)
        if name == "employer_type":
            value = _choice(value, label=label, choices=EmployerType.choices)
        elif name == "contact_phone":
            value = _phone(value, label=label)
        elif name == "bank_account":
            value = _account(value, label=label)
        cleaned[name] = value
    return cleaned


@transaction.atomic
def employer_register(*, data: dict[str, Any], region: Region, by: Any, case_ref: str = "") -> Employer:
    """Register a new employer (单位参保登记), keyed by its 统一社会信用代码."""
    case_ref = _clean_case_ref(case_ref)
    _refuse_unknown(data, EMPLOYER_FIELDS)
    code = check_credit_code(data.get("credit_code") or "")
    cleaned = _check_employer_fields(data, creating=True)
    if region is None:
        raise ApplicationError("region_required", _("Region: say which region the employer belongs to."))
    existing = Employer.objects.filter(credit_code=code).first()
    if existing is not None:
        raise ApplicationError(
            "employer_exists",
            _("Credit code: %(code)s is already registered (%(name)s); change that record instead.")
            % {"code": code, "name": existing.name},
        )
    try:
        with transaction.atomic():
            employer = Employer.objects.create(credit_code=code, region=region, **cleaned)
    except IntegrityError:
        raise ApplicationError(
            "employer_exists",
            _("Credit code: %(code)s is already registered; change that record instead.") % {"code": code},
        ) from None
    changes: dict[str, Any] = {"credit_code": [None, code], "region": [None, region.code]}
    changes.update({k: [None, v] for k, v in cleaned.items() if v not in ("", None)})
    _record(subject=employer, kind="registered", by=by, case_ref=case_ref, changes=changes)
    _audit(by=by, action="registry.employer_registered", subject=employer, changes=changes, case_ref=case_ref)
    return employer


def _lock_employer(employer: Employer) -> Employer:
    return Employer.objects.select_for_update(of=("self",)).select_related("region").get(pk=employer.pk)


@transaction.atomic
def employer_change(*, employer: Employer, data: dict[str, Any], by: Any, case_ref: str = "") -> Employer:
    """Change an employer's data; the credit code cannot change here."""
    case_ref = _clean_case_ref(case_ref)
    locked = _lock_employer(employer)
    if "credit_code" in data and str(data["credit_code"] or "").strip().upper() != locked.credit_code:
        raise ApplicationError(
            "credit_code_fixed",
            _(
                "Credit code: it identifies the employer and cannot be changed; register the new code instead."
            ),
        )
    _refuse_unknown(data, EMPLOYER_FIELDS)
    cleaned = _check_employer_fields(data, creating=False)
    old = {n: getattr(locked, n) for n in cleaned}
    changes = _diff(old, cleaned)
    _refuse_no_change(changes)
    for name, (_old, new) in changes.items():
        setattr(locked, name, new)
    locked.save(update_fields=[*changes, "updated_at"])
    _record(subject=locked, kind="changed", by=by, case_ref=case_ref, changes=changes)
    _audit(by=by, action="registry.employer_changed", subject=locked, changes=changes, case_ref=case_ref)
    _copy_back(employer, locked, [*changes, "updated_at"])
    return locked


@transaction.atomic
def employer_set_status(
    *, employer: Employer, status: str, on: datetime.date, by: Any, case_ref: str = ""
) -> Employer:
    """Suspend, deregister (注销) or reactivate an employer.

    Deregistration is refused while contributions are owed or any employee is still enrolled.
    """
    case_ref = _clean_case_ref(case_ref)
    status_label = _field_label("status", Employer)
    status = _choice(str(status or "").strip(), label=status_label, choices=EmployerStatus.choices)
    on = _as_date(on, label=_field_label("status_date", Employer))
    locked = _lock_employer(employer)
    if status == locked.status:
        raise ApplicationError(
            "status_unchanged",
            _("Status: the employer is already %(status)s.") % {"status": EmployerStatus(status).label},
        )
    if status == EmployerStatus.DEREGISTERED:
        if locked.arrears > 0:
            raise ApplicationError(
                "arrears_owed",
                _(
                    "Status: %(name)s still owes %(amount)s yuan of contributions; "
                    "it can be deregistered only after paying them."
                )
                % {"name": locked.name, "amount": f"{locked.arrears:,.2f}"},
            )
        enrolled = (
            Enrolment.objects.filter(employer=locked, end_date__isnull=True)
            .values("person")
            .distinct()
            .count()
        )
        if enrolled:
            raise ApplicationError(
                "staff_enrolled",
                _(
                    "Status: %(count)s employees of %(name)s are still enrolled; "
                    "decrease the staff (减员) before deregistering."
                )
                % {"count": enrolled, "name": locked.name},
            )
    changes: dict[str, Any] = {
        "status": [locked.status, status],
        "status_date": [_iso(locked.status_date), _iso(on)],
    }
    locked.status = status
    locked.status_date = on
    locked.save(update_fields=["status", "status_date", "updated_at"])
    _record(subject=locked, kind="status_changed", by=by, case_ref=case_ref, changes=changes)
    _audit(
        by=by, action="registry.employer_status_changed", subject=locked, changes=changes, case_ref=case_ref
    )
    _copy_back(employer, locked, ["status", "status_date", "updated_at"])
    return locked


# --- enrolments --------------------------------------------------------------------------------


def _describe(e: Enrolment) -> str:
    if e.employer_id:
        return _("%(type)s since %(start)s with %(employer)s") % {
            "type": _type_name(e.insurance_type),
            "start": e.start_date.isoformat(),
            "employer": e.employer.name,  # type: ignore[union-attr]
        }
    return _("%(type)s since %(start)s") % {
        "type": _type_name(e.insurance_type),
        "start": e.start_date.isoformat(),
    }


def _check_person_can_enrol(person: Person) -> None:
    if person.status == PersonStatus.DECEASED:
        raise ApplicationError(
            "person_deceased",
            _("Person: %(name)s is recorded as deceased (%(date)s) and cannot be enrolled.")
            % {"name": person.name, "date": _iso(person.status_date) or "—"},
        )
    if person.status == PersonStatus.MOVED_OUT:
        raise ApplicationError(
            "person_moved_out",
            _("Person: %(name)s has moved out of the province (%(date)s) and cannot be enrolled here.")
            % {"name": person.name, "date": _iso(person.status_date) or "—"},
        )


def _check_employer_can_enrol(employer: Employer) -> None:
    if employer.status == EmployerStatus.DEREGISTERED:
        raise ApplicationError(
            "employer_deregistered",
            _("Employer: %(name)s is deregistered; nobody can be enrolled with it.")
            % {"name": employer.name},
        )
    if employer.status == EmployerStatus.SUSPENDED:
        raise ApplicationError(
            "employer_suspended",
            _("Employer: %(name)s is suspended; nobody can be enrolled with it until it is active again.")
            % {"name": employer.name},
        )


def _enrol(
    *,
    person: Person,
    insurance_type: InsuranceType,
    start_date: datetime.date,
    employer: Employer | None,
    case_ref: str,
) -> Enrolment:
    """Check every enrolment rule, then create. The person (and employer) rows are locked already."""
    type_name = _type_name(insurance_type)
    _check_person_can_enrol(person)
    if start_date < person.birth_date:
        raise ApplicationError(
            "start_before_birth",
            _("Start date: %(date)s is before the person's birth date.") % {"date": start_date.isoformat()},
        )
    if insurance_type.employer_required and employer is None:
        raise ApplicationError(
            "employer_required",
            _("Employer: %(type)s is only through an employer; name the employer.") % {"type": type_name},
        )
    if insurance_type.employer_forbidden and employer is not None:
        raise ApplicationError(
            "employer_not_allowed",
            _("Employer: %(type)s is for residents without an employer; do not name an employer.")
            % {"type": type_name},
        )
    if employer is not None:
        _check_employer_can_enrol(employer)
    mine = list(
        Enrolment.objects.filter(person=person)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start_date))
        .select_related("insurance_type", "employer")
        .order_by("start_date", "id")
    )
    for e in mine:
        if e.insurance_type_id == insurance_type.pk and e.end_date is None:
            raise ApplicationError(
                "already_enrolled",
                _("Insurance type: the person is already enrolled in %(current)s; end that first.")
                % {"current": _describe(e)},
            )
    for e in mine:
        if e.insurance_type_id == insurance_type.pk:
            raise ApplicationError(
                "period_overlap",
                _(
                    "Start date: %(start)s overlaps the earlier %(type)s period %(from)s–%(to)s; "
                    "a new period must start after %(to)s."
                )
                % {
                    "start": start_date.isoformat(),
                    "type": type_name,
                    "from": e.start_date.isoformat(),
                    "to": _iso(e.end_date),
                },
            )
    group = insurance_type.exclusive_group
    if group:
        for e in mine:
            if e.insurance_type.exclusive_group == group and e.insurance_type_id != insurance_type.pk:
                if e.end_date is None:
                    raise ApplicationError(
                        "exclusive_type",
                        _(
                            "Insurance type: %(type)s and %(other)s cannot be held at the same time; "
                            "the person is enrolled in %(current)s."
                        )
                        % {"type": type_name, "other": _type_name(e.insurance_type), "current": _describe(e)},
                    )
                raise ApplicationError(
                    "exclusive_type",
                    _(
                        "Start date: %(type)s from %(start)s would overlap the %(other)s period "
                        "%(from)s–%(to)s; they cannot be held at the same time."
                    )
                    % {
                        "type": type_name,
                        "start": start_date.isoformat(),
                        "other": _type_name(e.insurance_type),
                        "from": e.start_date.isoformat(),
                        "to": _iso(e.end_date),
                    },
                )
    try:
        with transaction.atomic():
            return Enrolment.objects.create(
                person=person,
                insurance_type=insurance_type,
                employer=employer,
                start_date=start_date,
                status=EnrolmentStatus.CONTRIBUTING,
                status_date=start_date,
                case_ref=case_ref,
            )
    except IntegrityError:
        # The database's one-open-enrolment constraint: another request enrolled them just now.
        raise ApplicationError(
            "already_enrolled",
            _("Insurance type: the person is already enrolled in %(type)s.") % {"type": type_name},
            status=409,
        ) from None


def _enrolment_changes(
    created: Iterable[Enrolment] = (), ended: Iterable[tuple[Enrolment, dict[str, Any]]] = ()
) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for e, old in ended:
        changes[_enrolment_key(e)] = [old, _enrolment_snapshot(e)]
    for e in created:
        key = _enrolment_key(e)
        before = changes.get(key, [None, None])[0]
        changes[key] = [before, _enrolment_snapshot(e)]
    return changes


def _write_enrolment_history(
    *,
    person: Person,
    employers: Iterable[Employer | None],
    kind: str,
    action: str,
    by: Any,
    case_ref: str,
    changes: dict[str, Any],
) -> None:
    _record(subject=person, kind=kind, by=by, case_ref=case_ref, changes=changes)
    _audit(by=by, action=action, subject=person, changes=changes, case_ref=case_ref)
    seen: set[int] = set()
    for employer in employers:
        if employer is not None and employer.pk not in seen:
            seen.add(employer.pk)
            _record_employer_staff(employer=employer, by=by, case_ref=case_ref, kind=kind, person=person)


@transaction.atomic
def enrolment_create(
    *,
    person: Person,
    insurance_type: InsuranceType | str,
    start_date: datetime.date,
    by: Any,
    employer: Employer | None = None,
    case_ref: str = "",
) -> Enrolment:
    """Enrol a person in one insurance type (参保登记), with an employer or (residents, flexible
    workers) without. Two simultaneous requests leave exactly one enrolment."""
    case_ref = _clean_case_ref(case_ref)
    itype = _resolve_type(insurance_type)
    start = _as_date(start_date, label=_field_label("start_date", Enrolment))
    locked = _lock_person(person)
    locked_employer = _lock_employer(employer) if employer is not None else None
    enrolment = _enrol(
        person=locked, insurance_type=itype, start_date=start, employer=locked_employer, case_ref=case_ref
    )
    _write_enrolment_history(
        person=locked,
        employers=[locked_employer],
        kind="enrolled",
        action="registry.enrolment_created",
        by=by,
        case_ref=case_ref,
        changes=_enrolment_changes(created=[enrolment]),
    )
    return enrolment


def _lock_enrolment(enrolment: Enrolment) -> tuple[Person, Enrolment]:
    person = (
        Person.objects.select_for_update(of=("self",)).select_related("region").get(pk=enrolment.person_id)
    )
    locked = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("insurance_type", "employer")
        .get(pk=enrolment.pk)
    )
    return person, locked


def _refuse_ended(e: Enrolment) -> None:
    if e.end_date is not None:
        raise ApplicationError(
            "enrolment_ended",
            _("Enrolment: the %(type)s enrolment already ended on %(date)s.")
            % {"type": _type_name(e.insurance_type), "date": e.end_date.isoformat()},
        )


def _enrolment_status_change(
    *,
    enrolment: Enrolment,
    on: Any,
    by: Any,
    case_ref: str,
    to_status: str,
) -> Enrolment:
    case_ref = _clean_case_ref(case_ref)
    on_date = _as_date(on, label=_field_label("status_date", Enrolment))
    person, e = _lock_enrolment(enrolment)
    _refuse_ended(e)
    type_name = _type_name(e.insurance_type)
    if to_status == EnrolmentStatus.SUSPENDED:
        if e.status == EnrolmentStatus.SUSPENDED:
            raise ApplicationError(
                "enrolment_suspended",
                _("Enrolment: the %(type)s enrolment is already suspended since %(date)s.")
                % {"type": type_name, "date": _iso(e.status_date) or "—"},
            )
        kind, action = "enrolment_suspended", "registry.enrolment_suspended"
    else:
        if e.status != EnrolmentStatus.SUSPENDED:
            raise ApplicationError(
                "enrolment_not_suspended",
                _("Enrolment: the %(type)s enrolment is not suspended, so it cannot be resumed.")
                % {"type": type_name},
            )
        _check_person_can_enrol(person)
        if e.employer is not None:
            _check_employer_can_enrol(e.employer)
        kind, action = "enrolment_resumed", "registry.enrolment_resumed"
    since = e.status_date or e.start_date
    if on_date < since:
        raise ApplicationError(
            "date_too_early",
            _("%(field)s: %(date)s is before %(since)s, when the %(type)s enrolment took its current status.")
            % {
                "field": _field_label("status_date", Enrolment),
                "date": on_date.isoformat(),
                "since": since.isoformat(),
                "type": type_name,
            },
        )
    old = _enrolment_snapshot(e)
    e.status = to_status
    e.status_date = on_date
    e.save(update_fields=["status", "status_date", "updated_at"])
    changes = {_enrolment_key(e): [old, _enrolment_snapshot(e)]}
    _write_enrolment_history(
        person=person,
        employers=[e.employer],
        kind=kind,
        action=action,
        by=by,
        case_ref=case_ref,
        changes=changes,
    )
    _copy_back(enrolment, e, ["status", "status_date", "updated_at"])
    return e


@transaction.atomic
def enrolment_suspend(*, enrolment: Enrolment, on: datetime.date, by: Any, case_ref: str = "") -> Enrolment:
    """Suspend contributions (暂停缴费 / 停保) from `on`; the enrolment stays open."""
    return _enrolment_status_change(
        enrolment=enrolment, on=on, by=by, case_ref=case_ref, to_status=EnrolmentStatus.SUSPENDED
    )


@transaction.atomic
def enrolment_resume(*, enrolment: Enrolment, on: datetime.date, by: Any, case_ref: str = "") -> Enrolment:
    """Resume contributions (续保) of a suspended enrolment from `on`."""
    return _enrolment_status_change(
        enrolment=enrolment, on=on, by=by, case_ref=case_ref, to_status=EnrolmentStatus.CONTRIBUTING
    )


@transaction.atomic
def enrolment_end(*, enrolment: Enrolment, end_date: datetime.date, by: Any, case_ref: str = "") -> Enrolment:
    """End an enrolment (终止参保) on `end_date`, its last day."""
    case_ref = _clean_case_ref(case_ref)
    end = _as_date(end_date, label=_field_label("end_date", Enrolment))
    person, e = _lock_enrolment(enrolment)
    _refuse_ended(e)
    ended = _end_open_enrolments(enrolments=[e], end_date=end)
    _write_enrolment_history(
        person=person,
        employers=[e.employer],
        kind="enrolment_ended",
        action="registry.enrolment_ended",
        by=by,
        case_ref=case_ref,
        changes=_enrolment_changes(ended=ended),
    )
    _copy_back(enrolment, e, ["end_date", "status", "status_date", "updated_at"])
    return e


@transaction.atomic
def enrolment_transfer(
    *, person: Person, to_employer: Employer, on: datetime.date, by: Any, case_ref: str = ""
) -> list[Enrolment]:
    """Move a person's employer enrolments to a new employer (转移): each open one ends the day
    before `on` and the same type opens with `to_employer` on `on`."""
    case_ref = _clean_case_ref(case_ref)
    on_date = _as_date(on, label=_field_label("start_date", Enrolment))
    locked = _lock_person(person)
    _check_person_can_enrol(locked)
    new_employer = _lock_employer(to_employer)
    _check_employer_can_enrol(new_employer)
    current = list(
        Enrolment.objects.select_for_update(of=("self",))
        .filter(person=locked, end_date__isnull=True, employer__isnull=False)
        .select_related("insurance_type", "employer")
        .order_by("insurance_type__order")
    )
    moving = [e for e in current if e.employer_id != new_employer.pk]
    if not moving:
        if current:
            raise ApplicationError(
                "same_employer",
                _("Employer: the person is already enrolled with %(name)s.") % {"name": new_employer.name},
            )
        raise ApplicationError(
            "nothing_to_transfer",
            _("Person: %(name)s has no open enrolment with an employer to transfer.") % {"name": locked.name},
        )
    day_before = on_date - datetime.timedelta(days=1)
    old_employers = [e.employer for e in moving]
    ended = _end_open_enrolments(enrolments=moving, end_date=day_before)
    created = [
        _enrol(
            person=locked,
            insurance_type=e.insurance_type,
            start_date=on_date,
            employer=new_employer,
            case_ref=case_ref,
        )
        for e, _old in ended
    ]
    _write_enrolment_history(
        person=locked,
        employers=[*old_employers, new_employer],
        kind="transferred",
        action="registry.enrolment_transferred",
        by=by,
        case_ref=case_ref,
        changes=_enrolment_changes(created=created, ended=ended),
    )
    return created


@transaction.atomic
def staff_increase(
    *,
    employer: Employer,
    person: Person,
    start_date: datetime.date,
    by: Any,
    insurance_types: list[str] | None = None,
    case_ref: str = "",
) -> list[Enrolment]:
    """增员: enrol a person with an employer in the given types (default: the five employee types)."""
    case_ref = _clean_case_ref(case_ref)
    start = _as_date(start_date, label=_field_label("start_date", Enrolment))
    codes = list(dict.fromkeys(insurance_types or EMPLOYEE_TYPES))
    types = [_resolve_type(code) for code in codes]
    locked = _lock_person(person)
    locked_employer = _lock_employer(employer)
    _check_person_can_enrol(locked)
    _check_employer_can_enrol(locked_employer)
    wanted = {t.pk for t in types}
    open_here = (
        Enrolment.objects.filter(person=locked, employer=locked_employer, end_date__isnull=True)
        .select_related("insurance_type", "employer")
        .order_by("insurance_type__order")
    )
    for e in open_here:
        if e.insurance_type_id in wanted:
            raise ApplicationError(
                "already_staff",
                _("Insurance type: the person is already enrolled in %(current)s.")
                % {"current": _describe(e)},
            )
    created = [
        _enrol(person=locked, insurance_type=t, start_date=start, employer=locked_employer, case_ref=case_ref)
        for t in types
    ]
    _write_enrolment_history(
        person=locked,
        employers=[locked_employer],
        kind="staff_increase",
        action="registry.staff_increase",
        by=by,
        case_ref=case_ref,
        changes=_enrolment_changes(created=created),
    )
    return created


@transaction.atomic
def staff_decrease(
    *, employer: Employer, person: Person, end_date: datetime.date, by: Any, case_ref: str = ""
) -> list[Enrolment]:
    """减员: end every open enrolment of the person with this employer on `end_date`."""
    case_ref = _clean_case_ref(case_ref)
    end = _as_date(end_date, label=_field_label("end_date", Enrolment))
    locked = _lock_person(person)
    locked_employer = _lock_employer(employer)
    open_here = list(
        Enrolment.objects.select_for_update(of=("self",))
        .filter(person=locked, employer=locked_employer, end_date__isnull=True)
        .select_related("insurance_type", "employer")
        .order_by("insurance_type__order")
    )
    if not open_here:
        raise ApplicationError(
            "not_staff",
            _("Person: %(person)s has no open enrolment with %(employer)s.")
            % {"person": locked.name, "employer": locked_employer.name},
        )
    ended = _end_open_enrolments(enrolments=open_here, end_date=end)
    _write_enrolment_history(
        person=locked,
        employers=[locked_employer],
        kind="staff_decrease",
        action="registry.staff_decrease",
        by=by,
        case_ref=case_ref,
        changes=_enrolment_changes(ended=ended),
    )
    return [e for e, _old in ended]
