"""Writes of the citizen self-service site: opening an account, resetting its password, one-time
codes, and the person's own appointments, ratings and messages.

Opening an account: `code_send(purpose="register", id_number=, name=)` checks the person against the
registry and sends a one-time code to the phone number ON RECORD (never one the visitor types);
`account_open(code_id=, code=, password=, evidence=)` checks the code (few tries, short life), the
real-name evidence (`portal.realname`), the password (Django's validators) and creates a `core.User`
without office or posts plus its `PortalAccount`. `password_reset` is the same code flow for an
existing account. A wrong code or wrong real-name evidence is counted in its own transaction, so the
count survives the refusal that follows.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from shebao.audit.services import audit_record
from shebao.cases.models import Case, Notification
from shebao.cases.notify import APPLICANT_LANGUAGE, notify
from shebao.core.errors import ApplicationError
from shebao.core.masking import mask_phone
from shebao.core.models import User
from shebao.counter.models import Appointment, AppointmentSlot
from shebao.portal.models import AccountKind, CodePurpose, PhoneCode, PortalAccount
from shebao.portal.realname import get_adapter
from shebao.registry.identity import check_id_number
from shebao.registry.models import Person, PersonStatus

CODE_LIFE = dt.timedelta(minutes=10)
CODE_MAX_TRIES = 5
CODE_RESEND_AFTER = dt.timedelta(seconds=60)
CODES_PER_HOUR = 5
_HASH_SALT = "shebao.portal.PhoneCode"


# --- one-time codes --------------------------------------------------------------------------------


def _code_hash(code: str, salt: str | None = None) -> str:
    salt = salt or secrets.token_hex(8)
    return f"{salt}${salted_hmac(_HASH_SALT, f'{salt}:{code}', algorithm='sha256').hexdigest()}"


def _code_matches(code: str, stored: str) -> bool:
    salt, _sep, _digest = stored.partition("$")
    return bool(salt) and constant_time_compare(_code_hash(code, salt), stored)


def _no_match() -> ApplicationError:
    # One message for an unknown ID number and a wrong name: the page must not tell which.
    return ApplicationError(
        "person_not_found",
        _(
            "No insured person of the province has this ID number and name. Check both against your "
            "identity card; if they are right, ask at a service hall (12333)."
        ),
    )


def person_for_account(*, id_number: str, name: str) -> Person:
    """The registry person with this ID number and exactly this name, or a refusal that names no one."""
    number = check_id_number(id_number).number  # malformed numbers get their own clear message
    person = Person.objects.select_related("region").filter(id_number=number).first()
    given = "".join((name or "").split())
    if person is None or not given or "".join(person.name.split()) != given:
        raise _no_match()
    if person.status != PersonStatus.ACTIVE:
        raise ApplicationError(
            "person_inactive",
            _("This record is closed (moved out or deceased); ask at a service hall (12333)."),
        )
    return person


def _purpose_text(purpose: str) -> str:
    return _("open your online account") if purpose == CodePurpose.REGISTER else _("reset your password")


@transaction.atomic
def code_send(*, purpose: str, id_number: str, name: str) -> PhoneCode:
    """Send a one-time code to the person's phone number on record (register or reset)."""
    if purpose not in CodePurpose.values:
        raise ApplicationError("purpose_unknown", _("Unknown purpose."))
    return _send(person=person_for_account(id_number=id_number, name=name), purpose=purpose)


@transaction.atomic
def code_resend(*, code_id: int) -> PhoneCode:
    """Send a new code for the same person and purpose as an earlier one (same throttles)."""
    row = PhoneCode.objects.select_related("person__region").filter(pk=code_id).first()
    if row is None or row.person is None or row.used_at is not None:
        raise ApplicationError("code_unknown", _("Start again: give your ID number and name."))
    return _send(person=row.person, purpose=row.purpose)


def _send(*, person: Person, purpose: str) -> PhoneCode:
    # Lock the person so two quick clicks cannot both pass the resend throttle.
    Person.objects.select_for_update().filter(pk=person.pk).first()
    has_account = PortalAccount.objects.filter(person=person, kind=AccountKind.PERSON).exists()
    if purpose == CodePurpose.REGISTER and has_account:
        raise ApplicationError(
            "account_exists",
            _(
                "This person already has an online account: one account per person. Sign in, or reset "
                "the password if you forgot it."
            ),
            status=409,
        )
    if purpose == CodePurpose.RESET and not has_account:
        raise ApplicationError(
            "no_account", _("This person has no online account yet: open one first."), status=404
        )
    phone = (person.phone or "").strip()
    if not phone:
        raise ApplicationError(
            "no_phone_on_record",
            _(
                "There is no phone number on record to send the code to. Ask at a service hall to "
                "record your phone number, then try again."
            ),
        )
    now = timezone.now()
    recent = list(
        PhoneCode.objects.filter(person=person, purpose=purpose, created_at__gte=now - dt.timedelta(hours=1))
        .order_by("-created_at")
        .values_list("created_at", flat=True)
    )
    if recent and now - recent[0] < CODE_RESEND_AFTER:
        wait = int((CODE_RESEND_AFTER - (now - recent[0])).total_seconds()) + 1
        raise ApplicationError(
            "code_throttled",
            _("A code was sent less than a minute ago. Wait %(seconds)s seconds before asking for another.")
            % {"seconds": wait},
            status=429,
        )
    if len(recent) >= CODES_PER_HOUR:
        raise ApplicationError(
            "code_too_many",
            _("Too many codes were sent in the last hour. Try again in an hour."),
            status=429,
        )
    # Earlier unused codes of the same purpose stop working: only the newest counts.
    PhoneCode.objects.filter(person=person, purpose=purpose, used_at__isnull=True).update(expires_at=now)
    code = f"{secrets.randbelow(10**6):06d}"
    row = PhoneCode.objects.create(
        purpose=purpose, person=person, phone=phone, code_hash=_code_hash(code), expires_at=now + CODE_LIFE
    )
    with translation.override(APPLICANT_LANGUAGE):
        subject = _("Your verification code")
        body = _(
            "Your code to %(purpose)s is %(code)s. It is valid for 10 minutes. Never tell it to anyone, "
            "not even our staff."
        ) % {"purpose": _purpose_text(purpose), "code": code}
    notify(subject=subject, body=body, person=person, channel="sms")
    audit_record(
        actor=None,
        action="portal.code_sent",
        subject=person,
        region_code=person.region.code,
        new={"purpose": purpose, "phone": mask_phone(phone), "code_id": row.pk},
    )
    return row


def _code_refusal(row: PhoneCode | None, now: dt.datetime) -> ApplicationError | None:
    if row is None or row.used_at is not None:
        return ApplicationError("code_unknown", _("This code is no longer valid; ask for a new one."))
    if row.attempts >= CODE_MAX_TRIES:
        return ApplicationError(
            "code_too_many_tries", _("Too many wrong tries with this code; ask for a new one."), status=429
        )
    if row.expires_at <= now:
        return ApplicationError("code_expired", _("This code has expired (10 minutes); ask for a new one."))
    return None


@transaction.atomic
def _count_failure(*, code_id: int, reason: str) -> int:
    # Lock only the code row: PostgreSQL refuses FOR UPDATE on the nullable side of a join.
    row = PhoneCode.objects.select_for_update(of=("self",)).select_related("person__region").get(pk=code_id)
    row.attempts += 1
    row.save(update_fields=["attempts"])
    audit_record(
        actor=None,
        action="portal.code_failed",
        subject=row.person,
        region_code=row.person.region.code if row.person else "",
        new={"purpose": row.purpose, "code_id": row.pk, "attempts": row.attempts, "reason": reason},
    )
    return row.attempts


def code_check(*, code_id: int, purpose: str, code: str) -> PhoneCode:
    """The code row if `code` is right; a wrong code counts a try (committed) and is refused."""
    row = PhoneCode.objects.select_related("person__region").filter(pk=code_id, purpose=purpose).first()
    refusal = _code_refusal(row, timezone.now())
    if refusal is not None:
        raise refusal
    assert row is not None  # noqa: S101 - _code_refusal returned None
    given = "".join((code or "").split())
    if not (len(given) == 6 and given.isdigit() and _code_matches(given, row.code_hash)):
        tries = _count_failure(code_id=row.pk, reason="wrong_code")
        left = CODE_MAX_TRIES - tries
        if left <= 0:
            raise ApplicationError(
                "code_too_many_tries",
                _("Too many wrong tries with this code; ask for a new one."),
                status=429,
            )
        raise ApplicationError(
            "code_wrong",
            _("The code is wrong. Check the text message; %(left)s tries left.") % {"left": left},
        )
    return row


def _lock_unused(code_id: int) -> PhoneCode:
    row = PhoneCode.objects.select_for_update().get(pk=code_id)
    refusal = _code_refusal(row, timezone.now())
    if refusal is not None:
        raise refusal
    return row


def _password_errors(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ApplicationError(
            "password_weak", _("Choose another password."), details=[str(m) for m in exc.messages]
        ) from None


def account_open(*, code_id: int, code: str, password: str, evidence: dict[str, str]) -> PortalAccount:
    """Open the person's account after the phone code, real-name check and password are all right."""
    row = code_check(code_id=code_id, purpose=CodePurpose.REGISTER, code=code)
    person = row.person
    assert person is not None  # noqa: S101 - register codes always name a person
    result = get_adapter().verify(person, evidence)
    if not result.ok:
        _count_failure(code_id=row.pk, reason="realname")
        raise ApplicationError("realname_failed", result.message or _("Real-name verification failed."))
    _password_errors(password)
    try:
        with transaction.atomic():
            locked = _lock_unused(row.pk)
            if PortalAccount.objects.filter(person=person, kind=AccountKind.PERSON).exists():
                raise IntegrityError("one_person_account")
            now = timezone.now()
            # The generated user name is never shown: pages name the account by its holder.
            user = User.objects.create_user(
                username=f"p-{secrets.token_hex(8)}", password=password, full_name=person.name
            )
            account = PortalAccount.objects.create(
                user=user,
                kind=AccountKind.PERSON,
                person=person,
                phone=locked.phone,
                realname_method=result.method,
                realname_verified_at=now,
            )
            locked.used_at = now
            locked.save(update_fields=["used_at"])
            audit_record(
                actor=user,
                action="portal.account_opened",
                subject=account,
                region_code=person.region.code,
                new={
                    "person": person.pk,
                    "phone": mask_phone(locked.phone),
                    "realname_method": result.method,
                    "realname_reference": result.reference,
                },
            )
    except IntegrityError:
        raise ApplicationError(
            "account_exists",
            _("This person already has an online account: sign in, or reset the password."),
            status=409,
        ) from None
    return account


def password_reset(*, code_id: int, code: str, password: str) -> PortalAccount:
    """Set a new password for the person's account after the phone code; unlocks a locked sign-in."""
    row = code_check(code_id=code_id, purpose=CodePurpose.RESET, code=code)
    account = (
        PortalAccount.objects.select_related("user", "person__region")
        .filter(person=row.person, kind=AccountKind.PERSON)
        .first()
    )
    if account is None:
        raise ApplicationError("no_account", _("This person has no online account yet: open one first."))
    _password_errors(password, account.user)
    with transaction.atomic():
        locked = _lock_unused(row.pk)
        account.user.set_password(password)
        account.user.save(update_fields=["password"])
        locked.used_at = timezone.now()
        locked.save(update_fields=["used_at"])
        audit_record(
            actor=account.user,
            action="portal.password_reset",
            subject=account,
            region_code=account.person.region.code if account.person else "",
            new={"code_id": locked.pk},
        )
    from axes.utils import reset as axes_reset

    axes_reset(username=account.user.get_username())
    return account


# --- queries, appointments, ratings, messages ------------------------------------------------------


def _person(account: PortalAccount) -> Person:
    if account.kind != AccountKind.PERSON or account.person is None:
        raise ApplicationError(
            "not_a_person_account", _("This is for insured persons' accounts."), status=403
        )
    return account.person


def _holder(account: PortalAccount) -> Any:
    """Whose data the account reads: the person, or the agent's employer."""
    if account.kind == AccountKind.EMPLOYER_AGENT and account.employer is not None:
        return account.employer
    return _person(account)


@transaction.atomic
def query_record(*, account: PortalAccount, page: str, case: Case | None = None) -> None:
    """Audit one query of the person's (or the agent's employer's) own data (free of charge and
    recorded: 经办条例 Art. 32)."""
    holder = _holder(account)
    extra: dict[str, Any] = {"page": page}
    if case is not None:
        extra["case"] = case.number
    audit_record(
        actor=account.user,
        action="portal.query",
        subject=holder,
        region_code=holder.region.code,
        extra=extra,
    )


def message_open(*, account: PortalAccount, notification: Notification) -> Notification:
    """Open one of the account's messages: marked read the first time, the reading audited."""
    from shebao.portal.selectors import my_message

    if my_message(account=account, pk=notification.pk) is None:
        raise ApplicationError("not_found", _("No such message."), status=404)
    holder = _holder(account)
    with transaction.atomic():
        if notification.read_at is None:
            notification.read_at = timezone.now()
            Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
                read_at=notification.read_at
            )
        audit_record(
            actor=account.user,
            action="portal.query",
            subject=holder,
            region_code=holder.region.code,
            extra={"page": "message", "message": notification.pk},
        )
    return notification


@transaction.atomic
def my_appointment_book(*, account: PortalAccount, slot: AppointmentSlot, item_code: str = "") -> Appointment:
    """Book a slot for the signed-in person: name, phone and ID number come from the account."""
    from shebao.counter.services import appointment_book

    person = _person(account)
    if Appointment.objects.filter(person=person, slot=slot, status="booked").exists():
        raise ApplicationError(
            "already_booked", _("You already have an appointment at this time."), status=409
        )
    appointment = appointment_book(
        slot=slot,
        name=person.name,
        phone=account.phone or person.phone,
        id_number=person.id_number,
        item_code=item_code,
    )
    audit_record(
        actor=account.user,
        action="portal.appointment_booked",
        subject=appointment,
        region_code=person.region.code,
        new={"code": appointment.code, "slot": slot.pk},
    )
    return appointment


@transaction.atomic
def my_appointment_cancel(*, account: PortalAccount, appointment: Appointment) -> Appointment:
    """Cancel one of the person's own appointments."""
    from shebao.counter.services import appointment_cancel

    person = _person(account)
    if appointment.person_id != person.pk:
        raise ApplicationError("not_found", _("No such appointment."), status=404)
    appointment = appointment_cancel(appointment=appointment)
    audit_record(
        actor=account.user,
        action="portal.appointment_cancelled",
        subject=appointment,
        region_code=person.region.code,
        new={"code": appointment.code},
    )
    return appointment


@transaction.atomic
def my_case_rate(*, account: PortalAccount, case: Case, level_value: Any, comment: str = "") -> Any:
    """Rate one of the person's finished cases online, once (`evaluation.services.rating_submit`)."""
    from shebao.evaluation.services import rating_submit

    person = _person(account)
    if case.person_id != person.pk and case.submitted_by_id != account.user_id:
        raise ApplicationError("not_found", _("No such case."), status=404)
    rating = rating_submit(case=case, level_value=level_value, comment=comment)
    audit_record(
        actor=account.user,
        action="portal.rated",
        subject=case,
        region_code=case.region.code,
        new={"rating": rating.pk, "level": rating.level.value},
    )
    return rating
