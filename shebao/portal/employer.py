"""Employer self-service (单位网上服务): agents' accounts, the employer's staff and cases, staff changes.

An employer's agent (单位经办人) opens an account with the employer's credit code, their own name and
ID number, and a one-time code sent to the employer's contact phone on record; several agents per
employer are allowed. Everything an agent reads is bounded by `account.employer`.

Staff changes are not a second workflow: a single increase or decrease is a case of the published
catalogue item whose effect is `registry.staff_increase` / `registry.staff_decrease`, and a file is
checked whole by the registry's bulk import (`registry.bulk`) and then sent as ONE case of the item
whose effect is `portal.staff_changes_bulk` (`portal.effects_employer`), which applies every row or
none when staff complete the case. Cases are created through the online channel's
`cases.services.online.online_submit`.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import hmac
import io
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shebao.audit.services import audit_record
from shebao.cases.lifecycle import AWAITING_ACCEPTANCE, OPEN
from shebao.cases.models import Case, CaseStatus
from shebao.cases.notify import notify
from shebao.catalogue.models import InsuranceType, ServiceItem
from shebao.catalogue.selectors import published_edition
from shebao.core.errors import ApplicationError
from shebao.core.masking import mask_id_number, mask_phone
from shebao.portal.models import AccountKind, CodePurpose, PhoneCode, PortalAccount
from shebao.registry import bulk, identity, selectors
from shebao.registry.models import Employer, EmployerStatus, Enrolment, Person
from shebao.registry.services import EMPLOYEE_TYPES

CODE_LIFE = datetime.timedelta(minutes=10)
CODE_TRIES = 5
CODE_RESEND_AFTER = datetime.timedelta(seconds=60)
CODES_PER_HOUR = 5
STAFF_PAGE_SIZE = 50
CASES_PAGE_SIZE = 30

# The effects an online staff change runs, and the catalogue items preferred for them (the demo
# catalogue's 职工增员申报 / 职工减员申报); any other published online item with the effect also serves.
INCREASE_EFFECT = "registry.staff_increase"
DECREASE_EFFECT = "registry.staff_decrease"
BULK_EFFECT = "portal.staff_changes_bulk"
PREFERRED_ITEMS = {INCREASE_EFFECT: "SB-CJ-005", DECREASE_EFFECT: "SB-CJ-006"}
ONLINE = "online"
INCREASE = bulk.INCREASE
DECREASE = bulk.DECREASE


# ---------------------------------------------------------------------------------------------
# Agent accounts


def agent_username(*, employer: Employer, id_number: str) -> str:
    """The agent's opaque user name: a keyed hash of employer and ID number (no personal data in it)."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"employer-agent:{employer.pk}:{id_number}".encode(), hashlib.sha256
    ).hexdigest()
    return f"ea_{digest[:28]}"


def _check_name(name: str) -> str:
    name = " ".join(str(name or "").split())
    if not name:
        raise ApplicationError("name_required", _("Name: enter the agent's name as on the identity card."))
    if len(name) > 60:
        raise ApplicationError("name_too_long", _("Name: at most 60 characters."))
    return name


def _active_employer(credit_code: str) -> Employer:
    code = identity.check_credit_code(credit_code)
    employer = selectors.employer_by_credit_code(code)
    if employer is None:
        raise ApplicationError(
            "employer_not_found",
            _(
                "Credit code: no employer with this code is registered. Register the employer at a "
                "service counter first."
            ),
        )
    if employer.status != EmployerStatus.ACTIVE:
        raise ApplicationError(
            "employer_inactive",
            _("The employer is not active (status: %(status)s); ask at a service counter.")
            % {"status": employer.get_status_display()},
        )
    return employer


@dataclass(frozen=True)
class SentCode:
    """A code sent to the employer's phone on record: the row, the masked phone, and the code itself
    (shown on the page only in the demo)."""

    phone_code: PhoneCode
    employer: Employer
    id_number: str
    name: str
    masked_phone: str
    code: str


@transaction.atomic
def agent_code_send(*, credit_code: str, id_number: str, name: str) -> SentCode:
    """Check the employer and the agent, then send a one-time code to the employer's contact phone on record."""
    employer = _active_employer(credit_code)
    number = identity.check_id_number(id_number).number
    name = _check_name(name)
    person = selectors.person_by_id_number(number)
    if person is not None and person.name != name:
        raise ApplicationError(
            "name_mismatch", _("Name: it does not match the registered name for this ID number.")
        )
    if PortalAccount.objects.filter(
        user__username=agent_username(employer=employer, id_number=number)
    ).exists():
        raise ApplicationError(
            "agent_exists",
            _("You already have an agent account for this employer; sign in instead."),
        )
    phone = employer.contact_phone.strip()
    if not phone:
        raise ApplicationError(
            "no_phone",
            _(
                "The employer has no contact phone on record; update the employer's data at a service "
                "counter first."
            ),
        )
    # Lock the employer row so two requests cannot both pass the sending limits.
    Employer.objects.select_for_update().filter(pk=employer.pk).first()
    now = timezone.now()
    recent = PhoneCode.objects.filter(
        employer=employer, purpose=CodePurpose.REGISTER, created_at__gte=now - datetime.timedelta(hours=1)
    ).order_by("-created_at")
    last = recent.first()
    if last is not None and last.created_at > now - CODE_RESEND_AFTER:
        raise ApplicationError(
            "code_too_soon", _("A code was sent less than a minute ago; wait a minute and try again.")
        )
    if recent.count() >= CODES_PER_HOUR:
        raise ApplicationError(
            "code_too_many", _("Too many codes were sent to this employer's phone; try again in an hour.")
        )
    code = f"{secrets.randbelow(1_000_000):06d}"
    phone_code = PhoneCode.objects.create(
        purpose=CodePurpose.REGISTER,
        employer=employer,
        phone=phone,
        code_hash=make_password(code),
        expires_at=now + CODE_LIFE,
    )
    with translation.override("zh-hans"):
        notify(
            subject=_("Verification code"),
            body=_(
                "%(code)s is the code to open an agent account for %(employer)s. It is valid for 10 "
                "minutes. Do not tell anyone."
            )
            % {"code": code, "employer": employer.name},
            channel="sms",
        )
    audit_record(
        actor=None,
        action="portal.employer_code_sent",
        subject=phone_code,
        region_code=employer.region.code,
        extra={"employer": employer.credit_code, "phone": mask_phone(phone)},
    )
    return SentCode(
        phone_code=phone_code,
        employer=employer,
        id_number=number,
        name=name,
        masked_phone=mask_phone(phone),
        code=code,
    )


def _code_wrong() -> ApplicationError:
    return ApplicationError("code_wrong", _("The code is not right. Check the message and try again."))


def _code_dead() -> ApplicationError:
    return ApplicationError(
        "code_expired", _("The code has expired, was used or was tried too often; ask for a new code.")
    )


def _code_check(*, code_id: int, employer: Employer, code: str) -> None:
    """Count one try of the code; the count is kept (committed) even when the code is wrong."""
    ok = False
    with transaction.atomic():
        phone_code = (
            PhoneCode.objects.select_for_update()
            .filter(pk=code_id, employer=employer, purpose=CodePurpose.REGISTER)
            .first()
        )
        if (
            phone_code is None
            or phone_code.used_at is not None
            or phone_code.expires_at <= timezone.now()
            or phone_code.attempts >= CODE_TRIES
        ):
            raise _code_dead()
        ok = check_password(str(code or "").strip(), phone_code.code_hash)
        if not ok:
            phone_code.attempts += 1
            phone_code.save(update_fields=["attempts"])
    if not ok:
        raise _code_wrong()


def agent_account_open(
    *, code_id: int, employer_id: int, id_number: str, name: str, code: str, password: str
) -> PortalAccount:
    """Open an agent account after the code sent to the employer's phone is confirmed."""
    employer = Employer.objects.select_related("region").filter(pk=employer_id).first()
    if employer is None:
        raise _code_dead()
    number = identity.check_id_number(id_number).number
    name = _check_name(name)
    username = agent_username(employer=employer, id_number=number)
    user_model = get_user_model()
    try:
        validate_password(password, user_model(username=username, full_name=name))
    except ValidationError as exc:
        raise ApplicationError(
            "password_weak", _("Password: choose a stronger one."), details=list(exc.messages)
        ) from exc
    _code_check(code_id=code_id, employer=employer, code=code)
    return _account_create(code_id=code_id, employer=employer, number=number, name=name, password=password)


@transaction.atomic
def _account_create(
    *, code_id: int, employer: Employer, number: str, name: str, password: str
) -> PortalAccount:
    phone_code = PhoneCode.objects.select_for_update().get(pk=code_id)
    if phone_code.used_at is not None:
        raise _code_dead()
    username = agent_username(employer=employer, id_number=number)
    user_model = get_user_model()
    if user_model.objects.filter(username=username).exists():
        raise ApplicationError(
            "agent_exists", _("You already have an agent account for this employer; sign in instead.")
        )
    phone_code.used_at = timezone.now()
    phone_code.save(update_fields=["used_at"])
    user = user_model(username=username, full_name=name)
    user.set_password(password)
    user.save()
    account = PortalAccount.objects.create(
        user=user,
        kind=AccountKind.EMPLOYER_AGENT,
        employer=employer,
        person=selectors.person_by_id_number(number),
        phone=phone_code.phone,
    )
    audit_record(
        actor=user,
        action="portal.employer_agent_opened",
        subject=account,
        region_code=employer.region.code,
        new={"employer": employer.credit_code, "agent": mask_id_number(number), "person": account.person_id},
    )
    return account


def agent_login_username(*, credit_code: str, id_number: str) -> str:
    """The user name to authenticate for a credit code and an agent's ID number ("" when malformed).

    Malformed input gives "" rather than an error, so every failed sign-in reads the same.
    """
    try:
        code = identity.check_credit_code(credit_code)
        number = identity.check_id_number(id_number).number
    except ApplicationError:
        return ""
    employer = Employer.objects.filter(credit_code=code).only("pk").first()
    if employer is None:
        # A stable opaque stand-in, so unknown employers fail (and lock) exactly like known ones.
        digest = hmac.new(
            settings.SECRET_KEY.encode(), f"employer-agent-unknown:{code}:{number}".encode(), hashlib.sha256
        ).hexdigest()
        return f"ea_{digest[:28]}"
    return agent_username(employer=employer, id_number=number)


# ---------------------------------------------------------------------------------------------
# Reads, bounded by the agent's employer


def agent_name(account: PortalAccount) -> str:
    return str(getattr(account.user, "full_name", "") or (account.person.name if account.person else ""))


@dataclass
class StaffLine:
    """One current employee on the agent's staff list."""

    person_id: int
    name: str
    masked_id: str
    since: datetime.date | None
    types: list[InsuranceType] = field(default_factory=list)


def staff_page(*, employer: Employer, q: str = "", page: Any = 1) -> tuple[Page[Any], list[StaffLine]]:
    """The employer's current staff (open enrolments), by name, one page, in three queries."""
    persons = (
        Person.objects.filter(enrolments__employer=employer, enrolments__end_date__isnull=True)
        .distinct()
        .order_by("name", "id")
        .only("id", "name", "id_number")
    )
    text = str(q or "").strip()
    if text:
        persons = persons.filter(name__icontains=text)
    paginated = Paginator(persons, STAFF_PAGE_SIZE).get_page(page)
    on_page = list(paginated.object_list)
    enrolments = (
        Enrolment.objects.filter(person__in=on_page, employer=employer, end_date__isnull=True)
        .select_related("insurance_type")
        .order_by("insurance_type__order", "id")
    )
    by_person: dict[int, list[Enrolment]] = {}
    for e in enrolments:
        by_person.setdefault(e.person_id, []).append(e)
    lines = [
        StaffLine(
            person_id=p.pk,
            name=p.name,
            masked_id=mask_id_number(p.id_number),
            since=min((e.start_date for e in by_person.get(p.pk, [])), default=None),
            types=[e.insurance_type for e in by_person.get(p.pk, [])],
        )
        for p in on_page
    ]
    return paginated, lines


def staff_count(*, employer: Employer) -> int:
    return (
        Person.objects.filter(enrolments__employer=employer, enrolments__end_date__isnull=True)
        .distinct()
        .count()
    )


def employer_cases(*, employer: Employer, status: str = "", page: Any = 1) -> Page[Any]:
    """The employer's cases, newest first (submitted online or accepted at a window)."""
    qs = Case.objects.filter(employer=employer).select_related("item", "person").order_by("-id")
    if status == "open":
        qs = qs.filter(status__in=OPEN)
    elif status in CaseStatus.values:
        qs = qs.filter(status=status)
    return Paginator(qs, CASES_PAGE_SIZE).get_page(page)


def employer_case(*, employer: Employer, number: str) -> Case | None:
    """One of the employer's cases by number, or None (also for another employer's case)."""
    return (
        Case.objects.filter(employer=employer, number=str(number or "").strip())
        .select_related("item", "person", "region")
        .prefetch_related("actions")
        .first()
    )


def employee_types() -> list[InsuranceType]:
    """The insurance types an employer enrols its staff in, in catalogue order."""
    return list(InsuranceType.objects.filter(code__in=EMPLOYEE_TYPES).order_by("order", "id"))


def online_item(effect_code: str) -> ServiceItem | None:
    """The published item offered online whose effect is `effect_code` (the preferred code first)."""
    edition = published_edition()
    if edition is None:
        return None
    items = list(
        ServiceItem.objects.filter(edition=edition, effect_code=effect_code, channels__code=ONLINE)
        .distinct()
        .order_by("order", "id")
    )
    preferred = PREFERRED_ITEMS.get(effect_code)
    for item in items:
        if item.code == preferred:
            return item
    return items[0] if items else None


def _item_or_refuse(effect_code: str) -> ServiceItem:
    item = online_item(effect_code)
    if item is None:
        raise ApplicationError(
            "not_online",
            _(
                "This staff change is not offered online in the catalogue in force; apply at a "
                "service counter."
            ),
            status=409,
        )
    return item


# ---------------------------------------------------------------------------------------------
# Staff changes: cases through the online channel


def _submit(*, account: PortalAccount, item: ServiceItem, data: dict[str, Any]) -> Case:
    """Create the case through the online channel (the one call into `cases.services.online`)."""
    from shebao.cases.services.online import online_submit

    return online_submit(
        user=account.user,
        item=item,
        data=data,
        employer=account.employer,
        own_page=item.effect_code == BULK_EFFECT,
    )


def _rows_csv(rows: list[dict[str, Any]]) -> bytes:
    """Rows in the registry's bulk file format (CSV), so the registry's checker reads them."""
    out = io.StringIO()
    writer = csv.writer(out)
    columns = ("action", "id_number", "name", "date", "insurance_types", "phone", "household_type", "address")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(
            [
                row.get("action", ""),
                row.get("id_number", ""),
                row.get("name", ""),
                row.get("date", ""),
                ";".join(row.get("insurance_types") or []),
                row.get("phone", ""),
                row.get("household_type", ""),
                row.get("address", ""),
            ]
        )
    return out.getvalue().encode("utf-8")


def rows_check(*, employer: Employer, rows: list[dict[str, Any]]) -> int:
    """Check rows with the registry's bulk rules (all problems at once, `bulk_invalid`)."""
    return bulk.staff_changes_check(employer=employer, file=_rows_csv(rows), filename="rows.csv")


def _waiting(*, employer: Employer, item: ServiceItem, id_number: str) -> bool:
    """Whether a change of this item for this person already waits for acceptance."""
    waiting = Case.objects.filter(
        employer=employer,
        item_code=item.code,
        accepted_by__isnull=True,
        status__in=AWAITING_ACCEPTANCE,
    ).only("data")
    return any((c.data or {}).get("id_number") == id_number for c in waiting)


def _without_row(text: str) -> str:
    """Drop the "row N: " prefix of a registry message: a single change has no rows."""
    head = _("row %(row)s: %(reason)s") % {"row": "\x00", "reason": ""}
    match = re.match(re.escape(head).replace("\x00", r"\d+"), text)
    return text[match.end() :] if match else text


def staff_change_submit(
    *,
    account: PortalAccount,
    action: str,
    id_number: str,
    name: str,
    on: datetime.date | None,
    insurance_types: list[str] | None = None,
    reason: str = "",
) -> Case:
    """Send one staff increase or decrease as a case of the published online item for it."""
    employer = account.employer
    if account.kind != AccountKind.EMPLOYER_AGENT or employer is None:
        raise ApplicationError(
            "not_agent", _("Only an employer's agent can report staff changes."), status=403
        )
    if action not in (INCREASE, DECREASE):
        raise ApplicationError("bad_action", _("Choose an increase or a decrease."))
    effect = INCREASE_EFFECT if action == INCREASE else DECREASE_EFFECT
    item = _item_or_refuse(effect)
    number = identity.check_id_number(id_number).number
    name = _check_name(name)
    if on is None:
        raise ApplicationError("date_required", _("Date: enter the date of the change."))
    reason = str(reason or "").strip()[:200]
    types = [t for t in dict.fromkeys(insurance_types or []) if t in EMPLOYEE_TYPES]
    person = selectors.person_by_id_number(number)
    if person is None:
        raise ApplicationError(
            "person_not_registered",
            _(
                "The person with this ID number is not registered yet. Add them with a staff changes "
                "file, which registers new persons (household type, phone and address), or at a counter."
            ),
        )
    row = {
        "action": action,
        "id_number": number,
        "name": name,
        "date": on.isoformat(),
        "insurance_types": types,
    }
    try:  # the registry's rules: name, already staff, still enrolled elsewhere, dates
        rows_check(employer=employer, rows=[row])
    except ApplicationError as exc:
        if exc.code != "bulk_invalid":
            raise
        raise ApplicationError(
            "staff_change_invalid",
            _("The staff change cannot be sent; correct it and try again."),
            details=[_without_row(str(d)) for d in exc.details],
        ) from None
    if _waiting(employer=employer, item=item, id_number=number):
        raise ApplicationError(
            "already_submitted",
            _(
                "A %(item)s for this person already waits for acceptance; follow it under the employer's cases."
            )
            % {"item": item.name_zh},
            status=409,
        )
    data: dict[str, Any] = {"id_number": number}
    if action == INCREASE:
        data["start_date"] = on.isoformat()
        if types:
            data["insurance_types"] = types
    else:
        data["end_date"] = on.isoformat()
    with transaction.atomic():
        case = _submit(account=account, item=item, data=data)
        if action == DECREASE and reason:
            # The effect needs no reason; it is kept with the case for the staff who accept it.
            case.data = {**case.data, "reason": reason}
            case.save(update_fields=["data"])
            audit_record(
                actor=account.user,
                action="portal.staff_decrease_reason",
                subject=case,
                region_code=employer.region.code,
                extra={"number": case.number, "reason": reason},
            )
    return case


def upload_limit() -> int:
    """The largest staff file accepted online: the smaller of the upload and the bulk-import limits."""
    return min(int(getattr(settings, "SHEBAO_UPLOAD_MAX_BYTES", bulk.MAX_BYTES)), bulk.MAX_BYTES)


def staff_file_submit(*, account: PortalAccount, file: Any, filename: str) -> Case:
    """Check a staff changes file whole (dry run of the registry's bulk import), then send ONE case.

    The case's data carry every parsed row; completing it applies them all or none
    (`portal.staff_changes_bulk`). Raises `bulk_invalid` with every bad row; then nothing is sent.
    """
    employer = account.employer
    if account.kind != AccountKind.EMPLOYER_AGENT or employer is None:
        raise ApplicationError(
            "not_agent", _("Only an employer's agent can report staff changes."), status=403
        )
    item = _item_or_refuse(BULK_EFFECT)
    size = getattr(file, "size", None)
    if isinstance(size, int) and size > upload_limit():
        raise ApplicationError(
            "bulk_too_large",
            _("The file is larger than %(size)s MB.") % {"size": round(upload_limit() / (1024 * 1024), 1)},
        )
    bulk.staff_changes_check(employer=employer, file=file, filename=filename)
    rows = bulk.staff_change_rows(file=file, filename=filename)
    increases = sum(1 for r in rows if r["action"] == INCREASE)
    data = {
        "credit_code": employer.credit_code,
        "filename": str(filename)[:120],
        "increase": increases,
        "decrease": len(rows) - increases,
        "rows": rows,
    }
    with transaction.atomic():
        case = _submit(account=account, item=item, data={})
        # The online form carries no rows (they are not form fields): the checked rows are the case's data.
        case.data = {**case.data, **data}
        case.save(update_fields=["data"])
        audit_record(
            actor=account.user,
            action="portal.staff_file_submitted",
            subject=case,
            region_code=employer.region.code,
            extra={
                "number": case.number,
                "filename": data["filename"],
                "rows": len(rows),
                "increase": increases,
                "decrease": len(rows) - increases,
            },
        )
    return case
