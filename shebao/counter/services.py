"""Writes of the counter: tickets, window shifts, calling, appointments, outlets and qualifications.

Every function is keyword-only, runs in one transaction, checks first and raises `ApplicationError`
with a translated message, then acts and writes an audit event in the same transaction.

Concurrency:
- Ticket numbers: the outlet row is locked (`select_for_update`) while the next number of the day is
  taken, so two kiosks never print the same number (the unique constraint is the backstop).
- "Call next": the window row is locked (one teller's double click calls once), then the oldest
  waiting ticket is taken with `select_for_update(skip_locked=True)` on PostgreSQL, so two windows
  calling at the same moment get two different tickets. On SQLite, IMMEDIATE transactions
  (settings) serialise writers, which gives the same guarantee.
- Appointments: the slot row is locked and `booked` moves with `F("booked") + 1`; the database check
  `booked <= capacity` is the backstop.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shebao.audit.services import audit_record
from shebao.catalogue.models import Zone
from shebao.core.access import can_see_region
from shebao.core.batch import insert_batch
from shebao.core.errors import ApplicationError, PermissionDeniedError
from shebao.core.models import Region
from shebao.core.permissions import Perm
from shebao.counter.models import (
    Appointment,
    AppointmentSlot,
    AppointmentStatus,
    Outlet,
    OutletKind,
    QueueTicket,
    TellerQualification,
    TicketKind,
    TicketStatus,
    Window,
    WindowKind,
    WindowSession,
)
from shebao.counter.selectors import window_of
from shebao.registry.identity import check_id_number

# Ticket letters: the zone's letter for general business, the letter three further for special.
ZONE_LETTERS = {Zone.ENROLMENT: "A", Zone.MEDICAL: "B", Zone.PENSION: "C"}
SPECIAL_LETTERS = {Zone.ENROLMENT: "D", Zone.MEDICAL: "E", Zone.PENSION: "F"}
PRIORITY_APPOINTMENT = 1  # an appointment checked in on time
PRIORITY_TRANSFERRED = 2  # a ticket transferred to another window has already waited its turn
CHECK_IN_EARLY = dt.timedelta(minutes=30)
# Booking codes: no 0/O, 1/I/L, so they can be read out over the phone.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
PHONE_RE = re.compile(r"^\+?[0-9][0-9 \-]{4,19}$")
OPEN = (TicketStatus.CALLED, TicketStatus.SERVING)


def _ticket_letter(zone: str, kind: str) -> str:
    return (SPECIAL_LETTERS if kind == TicketKind.SPECIAL else ZONE_LETTERS)[Zone(zone)]


def _zone(zone: str) -> str:
    if zone not in Zone.values:
        raise ApplicationError("zone_invalid", _("Choose a zone of the hall."))
    return zone


def _ticket_audit(ticket: QueueTicket, *, actor: Any, action: str, **new: Any) -> None:
    audit_record(
        actor=actor,
        action=action,
        subject=ticket,
        region_code=ticket.outlet.region.code,
        new={"number": ticket.number, "status": ticket.status, **new},
    )


def _person_for(id_number: str) -> Any:
    from shebao.registry.models import Person

    number = check_id_number(id_number).number
    return Person.objects.filter(id_number=number).first()


# --- tickets -------------------------------------------------------------------------------------


def _new_ticket(
    *, outlet: Outlet, zone: str, kind: str, person: Any = None, appointment: Any = None, priority: int = 0
) -> QueueTicket:
    """Take the outlet's next number of the day under the outlet row's lock."""
    Outlet.objects.select_for_update().filter(pk=outlet.pk).values_list("pk", flat=True).get()
    now = timezone.now()
    day = timezone.localdate(now)
    letter = _ticket_letter(zone, kind)
    last = QueueTicket.objects.filter(outlet=outlet, day=day, number__startswith=letter).aggregate(
        m=Max("seq")
    )["m"]
    seq = (last or 0) + 1
    if seq > 999:
        raise ApplicationError("tickets_exhausted", _("No more tickets can be issued today for this zone."))
    ticket = QueueTicket.objects.create(
        outlet=outlet,
        day=day,
        number=f"{letter}{seq:03d}",
        seq=seq,
        zone=zone,
        kind=kind,
        person=person,
        appointment=appointment,
        priority=priority,
        issued_at=now,
    )
    ticket.outlet = outlet
    _ticket_audit(
        ticket,
        actor=None,
        action="counter.ticket_issued",
        zone=zone,
        kind=kind,
        priority=priority,
        appointment=appointment.code if appointment else "",
        person=person.pk if person else None,
    )
    return ticket


@transaction.atomic
def ticket_issue(
    *, outlet: Outlet, zone: str, kind: str = "general", id_number: str = "", appointment_code: str = ""
) -> QueueTicket:
    """Kiosk: a ticket for a zone (or for a checked-in appointment: priority if on time)."""
    if not outlet.active:
        raise ApplicationError("outlet_closed", _("This outlet does not issue tickets now."))
    if appointment_code:
        return _check_in(code=appointment_code, outlet=outlet)
    zone = _zone(zone)
    if kind not in TicketKind.values:
        raise ApplicationError("kind_invalid", _("Choose general or special business."))
    person = _person_for(id_number) if id_number.strip() else None
    serving = [w for w in outlet.windows.filter(active=True) if zone in (w.zones or [])]
    if kind == TicketKind.SPECIAL:
        serving = [w for w in serving if w.kind == WindowKind.SPECIAL]
    if not serving:
        raise ApplicationError(
            "zone_not_served",
            _("No window of this outlet serves this business; ask at the information desk."),
        )
    return _new_ticket(outlet=outlet, zone=zone, kind=kind, person=person)


def _ticket_kinds(window: Window) -> list[str]:
    if window.kind == WindowKind.SPECIAL:
        return [TicketKind.GENERAL, TicketKind.SPECIAL]
    return [TicketKind.GENERAL]


def _my_window(teller: Any) -> Window:
    window = window_of(teller)
    if window is None:
        raise ApplicationError("not_signed_in", _("Sign in to a window first."))
    return window


def _close_current(window: Window, teller: Any, now: dt.datetime) -> None:
    """Pressing "call next" finishes the ticket the window was still serving."""
    for ticket in QueueTicket.objects.select_for_update().filter(
        window=window, day=timezone.localdate(now), status__in=OPEN
    ):
        ticket.status = TicketStatus.DONE
        ticket.finished_at = now
        ticket.save(update_fields=["status", "finished_at"])
        ticket.outlet = window.outlet
        _ticket_audit(ticket, actor=teller, action="counter.ticket_finished", window=window.number)


def ticket_call_next(*, teller: Any) -> QueueTicket | None:
    """The oldest waiting ticket of the window's zones (priority first), or None if nobody waits."""
    with transaction.atomic(), insert_batch():  # one INSERT for the finished and the called ticket's events
        return _call_next(teller)


def _call_next(teller: Any) -> QueueTicket | None:
    # One window calls one ticket at a time (a double click, two tabs of the same teller): the shift's
    # window row is locked as it is read (what `window_of` reads, in one statement).
    session = (
        WindowSession.objects.select_for_update(of=("window",))
        .select_related("window__outlet__region")
        .filter(teller=teller, ended_at__isnull=True)
        .first()
        if getattr(teller, "is_authenticated", False)
        else None
    )
    if session is None:
        raise ApplicationError("not_signed_in", _("Sign in to a window first."))
    window = session.window
    now = timezone.now()
    _close_current(window, teller, now)
    waiting = (
        QueueTicket.objects.filter(
            outlet_id=window.outlet_id,
            day=timezone.localdate(now),
            status=TicketStatus.WAITING,
            zone__in=list(window.zones or []),
            kind__in=_ticket_kinds(window),
        )
        .filter(Q(window__isnull=True) | Q(window=window))
        .order_by("-priority", "issued_at", "id")
    )
    if connection.features.has_select_for_update_skip_locked:
        waiting = waiting.select_for_update(skip_locked=True)
    else:
        waiting = waiting.select_for_update()
    ticket = waiting.first()
    if ticket is None:
        return None
    ticket.status = TicketStatus.CALLED
    ticket.window = window
    ticket.called_by = teller
    ticket.called_at = now
    ticket.call_count = 1
    ticket.save(update_fields=["status", "window", "called_by", "called_at", "call_count"])
    ticket.outlet = window.outlet
    _ticket_audit(ticket, actor=teller, action="counter.ticket_called", window=window.number)
    return ticket


def _locked_own(teller: Any, ticket: QueueTicket, statuses: tuple[str, ...]) -> tuple[Window, QueueTicket]:
    window = _my_window(teller)
    locked = QueueTicket.objects.select_for_update().select_related("outlet__region").get(pk=ticket.pk)
    if locked.window_id != window.pk or locked.status not in statuses:
        raise ApplicationError(
            "ticket_not_yours",
            _("Ticket %(number)s is not the one being called or served at your window.")
            % {"number": locked.number},
        )
    return window, locked


@transaction.atomic
def ticket_recall(*, teller: Any, ticket: QueueTicket) -> QueueTicket:
    """Call the same ticket again (the display shows and sounds it again)."""
    window, ticket = _locked_own(teller, ticket, (TicketStatus.CALLED,))
    ticket.call_count += 1
    ticket.called_at = timezone.now()
    ticket.save(update_fields=["call_count", "called_at"])
    _ticket_audit(
        ticket, actor=teller, action="counter.ticket_recalled", window=window.number, calls=ticket.call_count
    )
    return ticket


@transaction.atomic
def ticket_no_show(*, teller: Any, ticket: QueueTicket) -> QueueTicket:
    """过号: the person did not come to the window."""
    window, ticket = _locked_own(teller, ticket, (TicketStatus.CALLED,))
    ticket.status = TicketStatus.NO_SHOW
    ticket.finished_at = timezone.now()
    ticket.save(update_fields=["status", "finished_at"])
    _ticket_audit(ticket, actor=teller, action="counter.ticket_no_show", window=window.number)
    return ticket


@transaction.atomic
def ticket_start(*, teller: Any, ticket: QueueTicket) -> QueueTicket:
    """The person is at the window: serving starts."""
    window, ticket = _locked_own(teller, ticket, (TicketStatus.CALLED,))
    ticket.status = TicketStatus.SERVING
    ticket.save(update_fields=["status"])
    _ticket_audit(ticket, actor=teller, action="counter.ticket_serving", window=window.number)
    return ticket


@transaction.atomic
def ticket_finish(*, teller: Any, ticket: QueueTicket) -> QueueTicket:
    window, ticket = _locked_own(teller, ticket, OPEN)
    ticket.status = TicketStatus.DONE
    ticket.finished_at = timezone.now()
    ticket.save(update_fields=["status", "finished_at"])
    _ticket_audit(ticket, actor=teller, action="counter.ticket_finished", window=window.number)
    return ticket


@transaction.atomic
def ticket_transfer(*, teller: Any, ticket: QueueTicket, to_window: Window) -> QueueTicket:
    """Send the ticket to another window of the same outlet that serves its zone; it waits there first."""
    window, ticket = _locked_own(teller, ticket, OPEN)
    if to_window.pk == window.pk:
        raise ApplicationError("transfer_same_window", _("Choose another window."))
    if to_window.outlet_id != window.outlet_id or not to_window.active:
        raise ApplicationError("transfer_other_outlet", _("Choose an open window of this outlet."))
    if ticket.zone not in (to_window.zones or []) or ticket.kind not in _ticket_kinds(to_window):
        raise ApplicationError(
            "transfer_zone",
            _("Window %(window)s does not serve this business.") % {"window": to_window.number},
        )
    ticket.status = TicketStatus.WAITING
    ticket.window = to_window
    ticket.priority = PRIORITY_TRANSFERRED
    ticket.called_at = None
    ticket.called_by = None
    ticket.call_count = 0
    ticket.save(update_fields=["status", "window", "priority", "called_at", "called_by", "call_count"])
    _ticket_audit(
        ticket, actor=teller, action="counter.ticket_transferred", window=window.number, to=to_window.number
    )
    return ticket


def _refusable(fn: Any, *, teller: Any, ticket: QueueTicket, move: str) -> QueueTicket:
    """Run a ticket move in a transaction; a refusal rolls it back, is audited in a transaction of
    its own (`counter.refused`, so it survives the raise), then raised."""
    try:
        with transaction.atomic():
            result: QueueTicket = fn()
            return result
    except ApplicationError as err:
        fresh = QueueTicket.objects.select_related("outlet__region").filter(pk=ticket.pk).first()
        with transaction.atomic():
            audit_record(
                actor=teller,
                action="counter.refused",
                subject=fresh or ticket,
                region_code=fresh.outlet.region.code if fresh else "",
                extra={"move": move, "code": err.code, "message": str(err.message)},
            )
        raise


def ticket_hold(*, teller: Any, ticket: QueueTicket) -> QueueTicket:
    """挂起: put the ticket being called or served at the teller's window on hold (the applicant
    stepped away). It stays with the window, "call next" skips it, and the window resumes it."""

    def hold() -> QueueTicket:
        window, locked = _locked_own(teller, ticket, OPEN)
        locked.status = TicketStatus.HELD
        locked.held_at = timezone.now()
        locked.save(update_fields=["status", "held_at"])
        _ticket_audit(locked, actor=teller, action="counter.ticket_held", window=window.number)
        return locked

    return _refusable(hold, teller=teller, ticket=ticket, move="hold")


def ticket_resume(*, teller: Any, ticket: QueueTicket) -> QueueTicket:
    """恢复: call a ticket held at the teller's window again (the display shows and sounds it).

    Refused while the window still has a ticket called or being served: finish or hold it first.
    """

    def resume() -> QueueTicket:
        window = _my_window(teller)
        Window.objects.select_for_update().filter(pk=window.pk).values_list("pk", flat=True).get()
        locked = QueueTicket.objects.select_for_update().select_related("outlet__region").get(pk=ticket.pk)
        if locked.status != TicketStatus.HELD:
            raise ApplicationError(
                "ticket_not_held",
                _("Ticket %(number)s is not on hold.") % {"number": locked.number},
                status=409,
            )
        if locked.window_id != window.pk:
            raise ApplicationError(
                "ticket_not_yours",
                _("Ticket %(number)s is on hold at another window; only that window resumes it.")
                % {"number": locked.number},
                status=403,
            )
        busy = (
            QueueTicket.objects.filter(window=window, day=locked.day, status__in=OPEN)
            .exclude(pk=locked.pk)
            .values_list("number", flat=True)
            .first()
        )
        if busy:
            raise ApplicationError(
                "window_busy",
                _("Finish or put ticket %(number)s on hold before resuming another.") % {"number": busy},
                status=409,
            )
        locked.status = TicketStatus.CALLED
        locked.held_at = None
        locked.called_at = timezone.now()
        locked.called_by = teller
        locked.call_count += 1
        locked.save(update_fields=["status", "held_at", "called_at", "called_by", "call_count"])
        _ticket_audit(locked, actor=teller, action="counter.ticket_resumed", window=window.number)
        return locked

    return _refusable(resume, teller=teller, ticket=ticket, move="resume")


# --- window shifts -------------------------------------------------------------------------------


@transaction.atomic
def window_sign_in(*, teller: Any, window: Window) -> WindowSession:
    """Open the teller's shift at a window of their region (closing a shift at another window)."""
    if not teller.has_perm_code(Perm.COUNTER_SERVE):
        raise PermissionDeniedError(_("Your posts do not allow serving at a window."))
    window = Window.objects.select_for_update().select_related("outlet__region").get(pk=window.pk)
    if not can_see_region(teller, window.outlet.region):
        raise PermissionDeniedError(_("This window is outside your region."))
    if not window.active or not window.outlet.active:
        raise ApplicationError("window_closed", _("This window is closed."))
    now = timezone.now()
    current = WindowSession.objects.select_for_update().filter(teller=teller, ended_at__isnull=True).first()
    if current is not None and current.window_id == window.pk:
        return current
    taken = (
        WindowSession.objects.filter(window=window, ended_at__isnull=True).select_related("teller").first()
    )
    if taken is not None:
        raise ApplicationError(
            "window_taken",
            _("Window %(window)s is taken by %(name)s; they must sign out first.")
            % {"window": window.number, "name": taken.teller.full_name or taken.teller.username},
        )
    if current is not None:
        _end(current, teller, now)
    try:
        with transaction.atomic():
            session = WindowSession.objects.create(window=window, teller=teller, started_at=now)
    except IntegrityError:
        raise ApplicationError(
            "window_taken", _("Window %(window)s was just taken by someone else.") % {"window": window.number}
        ) from None
    audit_record(
        actor=teller,
        action="counter.window_signed_in",
        subject=session,
        region_code=window.outlet.region.code,
        new={"outlet": window.outlet.code, "window": window.number},
    )
    return session


def _end(session: WindowSession, teller: Any, now: dt.datetime) -> None:
    session.ended_at = now
    session.save(update_fields=["ended_at"])
    audit_record(
        actor=teller,
        action="counter.window_signed_out",
        subject=session,
        region_code=session.window.outlet.region.code,
        new={"outlet": session.window.outlet.code, "window": session.window.number},
    )


@transaction.atomic
def window_sign_out(*, teller: Any) -> None:
    session = (
        WindowSession.objects.select_for_update()
        .select_related("window__outlet__region")
        .filter(teller=teller, ended_at__isnull=True)
        .first()
    )
    if session is not None:
        _end(session, teller, timezone.now())


# --- appointments --------------------------------------------------------------------------------


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        if not Appointment.objects.filter(code=code).exists():
            return code


@transaction.atomic
def appointment_book(
    *, slot: AppointmentSlot, name: str, phone: str, id_number: str = "", item_code: str = ""
) -> Appointment:
    """Book a place in a slot; the booking code is what the person shows at the kiosk."""
    name = (name or "").strip()
    phone = (phone or "").strip()
    if not name or len(name) > 60:
        raise ApplicationError("name_required", _("Name: enter the name (at most 60 characters)."))
    if not PHONE_RE.match(phone):
        raise ApplicationError("phone_invalid", _("Phone: enter a phone number to reach you."))
    person = _person_for(id_number) if (id_number or "").strip() else None
    slot = AppointmentSlot.objects.select_for_update().select_related("outlet__region").get(pk=slot.pk)
    if slot.ends_at <= timezone.now():
        raise ApplicationError("slot_past", _("This time has passed; choose a later one."))
    if slot.booked >= slot.capacity:
        raise ApplicationError("slot_full", _("This time is fully booked; choose another one."))
    AppointmentSlot.objects.filter(pk=slot.pk).update(booked=F("booked") + 1)
    appointment = Appointment.objects.create(
        slot=slot, code=_new_code(), person=person, name=name, phone=phone, item_code=item_code[:32]
    )
    audit_record(
        actor=None,
        action="counter.appointment_booked",
        subject=appointment,
        region_code=slot.outlet.region.code,
        new={"code": appointment.code, "slot": slot.pk, "zone": slot.zone, "starts_at": slot.starts_at},
    )
    return appointment


@transaction.atomic
def appointment_cancel(*, appointment: Appointment) -> Appointment:
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.status != AppointmentStatus.BOOKED:
        raise ApplicationError("appointment_not_booked", _("This appointment was already cancelled or used."))
    slot = (
        AppointmentSlot.objects.select_for_update()
        .select_related("outlet__region")
        .get(pk=appointment.slot_id)
    )
    AppointmentSlot.objects.filter(pk=slot.pk, booked__gt=0).update(booked=F("booked") - 1)
    appointment.status = AppointmentStatus.CANCELLED
    appointment.save(update_fields=["status"])
    audit_record(
        actor=None,
        action="counter.appointment_cancelled",
        subject=appointment,
        region_code=slot.outlet.region.code,
        new={"code": appointment.code, "status": appointment.status},
    )
    return appointment


def _check_in(*, code: str, outlet: Outlet | None) -> QueueTicket:
    code = (code or "").strip().upper()
    appointment = (
        Appointment.objects.select_for_update()
        .select_related("slot__outlet__region")
        .filter(code=code)
        .first()
    )
    if appointment is None or (outlet is not None and appointment.slot.outlet_id != outlet.pk):
        raise ApplicationError(
            "appointment_unknown", _("No appointment with this booking code at this outlet.")
        )
    if appointment.status != AppointmentStatus.BOOKED:
        raise ApplicationError("appointment_not_booked", _("This appointment was already cancelled or used."))
    slot = appointment.slot
    now = timezone.now()
    if timezone.localdate(now) != timezone.localdate(slot.starts_at):
        raise ApplicationError(
            "appointment_other_day",
            _("This appointment is for %(day)s.") % {"day": timezone.localtime(slot.starts_at).date()},
        )
    if now < slot.starts_at - CHECK_IN_EARLY:
        raise ApplicationError(
            "appointment_early",
            _("Check-in opens at %(time)s.")
            % {"time": timezone.localtime(slot.starts_at - CHECK_IN_EARLY).strftime("%H:%M")},
        )
    on_time = now <= slot.ends_at
    appointment.status = AppointmentStatus.CHECKED_IN
    appointment.checked_in_at = now
    appointment.save(update_fields=["status", "checked_in_at"])
    return _new_ticket(
        outlet=slot.outlet,
        zone=slot.zone,
        kind=TicketKind.GENERAL,
        person=appointment.person,
        appointment=appointment,
        priority=PRIORITY_APPOINTMENT if on_time else 0,
    )


@transaction.atomic
def appointment_check_in(*, code: str) -> QueueTicket:
    """Turn a booking into a ticket: priority if on time (30 min before the slot to its end)."""
    return _check_in(code=code, outlet=None)


# --- management: outlets, windows, slots, qualifications -----------------------------------------


def _require_manage(by: Any, region: Region) -> None:
    if by is not None and (not by.has_perm_code(Perm.COUNTER_MANAGE) or not can_see_region(by, region)):
        raise PermissionDeniedError(_("You may not manage outlets of this region."))


def _decimal_or_none(value: Any, *, low: int, high: int, label: str) -> Any:
    from decimal import Decimal, InvalidOperation

    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ApplicationError(
            "coordinate_invalid", _("%(field)s: not a number.") % {"field": label}
        ) from None
    if not low <= number <= high:
        raise ApplicationError(
            "coordinate_invalid",
            _("%(field)s: must be between %(low)s and %(high)s.")
            % {"field": label, "low": low, "high": high},
        )
    return number.quantize(Decimal("0.000001"))


OUTLET_FIELDS = ("name_zh", "name_en", "kind", "address", "latitude", "longitude", "opening_hours", "phone")


@transaction.atomic
def outlet_save(*, by: Any, data: dict[str, Any], region: Region, outlet: Outlet | None = None) -> Outlet:
    """Create an outlet, or change one (its code and region stay)."""
    _require_manage(by, region if outlet is None else outlet.region)
    clean: dict[str, Any] = {k: (str(data.get(k) or "").strip()) for k in OUTLET_FIELDS}
    if not clean["name_zh"]:
        raise ApplicationError("field_required", _("Name (Chinese): this field is required."))
    if clean["kind"] not in OutletKind.values:
        raise ApplicationError("kind_invalid", _("Kind: choose a kind of outlet."))
    if not clean["address"] or not clean["opening_hours"]:
        raise ApplicationError("field_required", _("Address and opening hours are required."))
    clean["latitude"] = _decimal_or_none(data.get("latitude"), low=-90, high=90, label=_("latitude"))
    clean["longitude"] = _decimal_or_none(data.get("longitude"), low=-180, high=180, label=_("longitude"))
    old: dict[str, Any] | None = None
    if outlet is None:
        code = str(data.get("code") or "").strip()
        if not re.fullmatch(r"[-a-zA-Z0-9_]{2,30}", code):
            raise ApplicationError("code_invalid", _("Code: 2 to 30 letters, digits, - or _."))
        if Outlet.objects.filter(code=code).exists():
            raise ApplicationError("code_taken", _("Code: %(code)s is already used.") % {"code": code})
        outlet = Outlet.objects.create(code=code, region=region, **clean)
        action = "counter.outlet_created"
    else:
        old = {k: getattr(outlet, k) for k in OUTLET_FIELDS}
        for key, value in clean.items():
            setattr(outlet, key, value)
        outlet.save()
        action = "counter.outlet_changed"
    audit_record(
        actor=by,
        action=action,
        subject=outlet,
        region_code=outlet.region.code,
        old=old,
        new={"code": outlet.code, **{k: getattr(outlet, k) for k in OUTLET_FIELDS}},
    )
    return outlet


@transaction.atomic
def window_save(
    *, by: Any, outlet: Outlet, number: str, kind: str, zones: list[str], active: bool = True
) -> Window:
    """Create or change the window `number` of an outlet."""
    _require_manage(by, outlet.region)
    number = (number or "").strip()
    if not number or len(number) > 10:
        raise ApplicationError("number_required", _("Window number: 1 to 10 characters."))
    if kind not in WindowKind.values:
        raise ApplicationError("kind_invalid", _("Kind: choose a kind of window."))
    zones = [_zone(z) for z in dict.fromkeys(zones)]
    if not zones:
        raise ApplicationError("zones_required", _("Zones: choose at least one zone."))
    window = Window.objects.filter(outlet=outlet, number=number).first()
    old = None
    if window is None:
        window = Window.objects.create(outlet=outlet, number=number, kind=kind, zones=zones, active=active)
    else:
        old = {"kind": window.kind, "zones": window.zones, "active": window.active}
        window.kind, window.zones, window.active = kind, zones, active
        window.save(update_fields=["kind", "zones", "active"])
    audit_record(
        actor=by,
        action="counter.window_saved",
        subject=window,
        region_code=outlet.region.code,
        old=old,
        new={"outlet": outlet.code, "number": number, "kind": kind, "zones": zones, "active": active},
    )
    return window


@transaction.atomic
def slots_create_day(
    *,
    by: Any,
    outlet: Outlet,
    zone: str,
    day: dt.date,
    start: dt.time = dt.time(9, 0),
    end: dt.time = dt.time(17, 0),
    minutes: int = 30,
    capacity: int = 4,
) -> list[AppointmentSlot]:
    """A day's slots of `minutes` for a zone (skipping times that already have a slot)."""
    _require_manage(by, outlet.region)
    zone = _zone(zone)
    if not 5 <= minutes <= 240 or not 1 <= capacity <= 100:
        raise ApplicationError("slot_invalid", _("Slots last 5 to 240 minutes and take 1 to 100 people."))
    if start >= end:
        raise ApplicationError("slot_invalid", _("The first slot must start before the last ends."))
    tz = timezone.get_current_timezone()
    at = dt.datetime.combine(day, start, tzinfo=tz)
    stop = dt.datetime.combine(day, end, tzinfo=tz)
    existing = set(
        AppointmentSlot.objects.filter(outlet=outlet, zone=zone, starts_at__range=(at, stop)).values_list(
            "starts_at", flat=True
        )
    )
    made = []
    step = dt.timedelta(minutes=minutes)
    while at + step <= stop:
        if at not in existing:
            made.append(
                AppointmentSlot(outlet=outlet, zone=zone, starts_at=at, ends_at=at + step, capacity=capacity)
            )
        at += step
    AppointmentSlot.objects.bulk_create(made)
    if made:
        audit_record(
            actor=by,
            action="counter.slots_created",
            subject=outlet,
            region_code=outlet.region.code,
            new={"zone": zone, "day": day, "slots": len(made), "capacity": capacity, "minutes": minutes},
        )
    return made


@transaction.atomic
def qualification_grant(*, by: Any, teller: Any, zone: str = "", item_code: str = "") -> TellerQualification:
    """一岗多能: qualify a teller for a whole zone or for one item."""
    region = teller.region
    if region is None:
        raise ApplicationError("teller_no_office", _("This staff member has no office."))
    _require_manage(by, region)
    zone = _zone(zone) if zone else ""
    item_code = (item_code or "").strip()
    if not zone and not item_code:
        raise ApplicationError("qualification_empty", _("Choose a zone or give an item code."))
    existing = TellerQualification.objects.filter(teller=teller, zone=zone, item_code=item_code).first()
    if existing is not None:
        return existing
    qualification = TellerQualification.objects.create(
        teller=teller, zone=zone, item_code=item_code, granted_by=by
    )
    audit_record(
        actor=by,
        action="counter.qualification_granted",
        subject=qualification,
        region_code=region.code,
        new={"teller": teller.username, "zone": zone, "item_code": item_code},
    )
    return qualification


@transaction.atomic
def qualification_revoke(*, by: Any, qualification: TellerQualification) -> None:
    teller = qualification.teller
    region = teller.region
    if region is None:
        raise ApplicationError("teller_no_office", _("This staff member has no office."))
    _require_manage(by, region)
    audit_record(
        actor=by,
        action="counter.qualification_revoked",
        subject=qualification,
        region_code=region.code,
        old={"teller": teller.username, "zone": qualification.zone, "item_code": qualification.item_code},
    )
    qualification.delete()


def appointments_mark_missed(*, now: dt.datetime | None = None) -> int:
    """Appointments of earlier days still booked were missed: mark them, one audit event each.

    Appointments of today stay booked even after their slot: a late arrival still checks in and gets
    an ordinary ticket (see `_check_in`).
    """
    now = now or timezone.now()
    start_of_today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    marked = 0
    with transaction.atomic():
        late = list(
            Appointment.objects.select_for_update(skip_locked=True)
            .filter(status=AppointmentStatus.BOOKED, slot__ends_at__lt=start_of_today)
            .select_related("slot__outlet__region")
        )
        for appointment in late:
            appointment.status = AppointmentStatus.MISSED
            appointment.save(update_fields=["status"])
            audit_record(
                actor=None,
                action="counter.appointment_missed",
                subject=appointment,
                region_code=appointment.slot.outlet.region.code,
                old={"status": AppointmentStatus.BOOKED},
                new={"status": AppointmentStatus.MISSED},
            )
            marked += 1
    return marked
