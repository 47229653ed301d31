"""Tickets, calling, transfer, appointments and qualifications."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from shebao.audit.models import AuditEvent
from shebao.core.errors import ApplicationError
from shebao.counter import selectors, services
from shebao.counter.models import (
    AppointmentSlot,
    AppointmentStatus,
    QueueTicket,
    TellerQualification,
    TicketStatus,
)
from shebao.counter.tests.factories import world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w() -> dict[str, Any]:
    return world()


def _at(w: dict[str, Any], number: str, teller_index: int = 0) -> Any:
    teller = w["tellers"][teller_index]
    services.window_sign_in(teller=teller, window=w["windows"][number])
    return teller


def test_numbers_per_zone_letter_and_day(w):
    o = w["outlet"]
    a1 = services.ticket_issue(outlet=o, zone="enrolment")
    a2 = services.ticket_issue(outlet=o, zone="enrolment")
    b1 = services.ticket_issue(outlet=o, zone="medical")
    c1 = services.ticket_issue(outlet=o, zone="pension")
    d1 = services.ticket_issue(outlet=o, zone="enrolment", kind="special")
    f1 = services.ticket_issue(outlet=o, zone="pension", kind="special")
    assert [t.number for t in (a1, a2, b1, c1, d1, f1)] == ["A001", "A002", "B001", "C001", "D001", "F001"]
    other = services.ticket_issue(outlet=w["other"], zone="enrolment")
    assert other.number == "A001"
    assert AuditEvent.objects.filter(action="counter.ticket_issued").count() == 7


def test_bad_zone_and_bad_id_number_write_nothing(w):
    with pytest.raises(ApplicationError):
        services.ticket_issue(outlet=w["outlet"], zone="nope")
    with pytest.raises(ApplicationError) as err:
        services.ticket_issue(outlet=w["outlet"], zone="medical", id_number="123")
    assert "18" in str(err.value)
    assert QueueTicket.objects.count() == 0


def test_call_next_priority_then_oldest_and_zones(w):
    o = w["outlet"]
    b1 = services.ticket_issue(outlet=o, zone="medical")
    a1 = services.ticket_issue(outlet=o, zone="enrolment")
    a2 = services.ticket_issue(outlet=o, zone="enrolment")
    QueueTicket.objects.filter(pk=a2.pk).update(priority=1)
    teller = _at(w, "1")  # enrolment only
    assert services.ticket_call_next(teller=teller).pk == a2.pk
    assert services.ticket_call_next(teller=teller).pk == a1.pk
    assert QueueTicket.objects.get(pk=a2.pk).status == TicketStatus.DONE  # next finishes the previous
    assert services.ticket_call_next(teller=teller) is None  # B001 is not this window's zone
    assert QueueTicket.objects.get(pk=b1.pk).status == TicketStatus.WAITING


def test_special_tickets_only_to_special_windows(w):
    o = w["outlet"]
    special = services.ticket_issue(outlet=o, zone="medical", kind="special")
    general_teller = _at(w, "4", 0)
    assert services.ticket_call_next(teller=general_teller) is None
    special_teller = _at(w, "8", 1)
    called = services.ticket_call_next(teller=special_teller)
    assert called.pk == special.pk and called.window.number == "8"


def test_a_ticket_is_not_called_twice(w):
    ticket = services.ticket_issue(outlet=w["outlet"], zone="medical")
    first = _at(w, "2", 0)
    second = _at(w, "4", 1)
    assert services.ticket_call_next(teller=first).pk == ticket.pk
    assert services.ticket_call_next(teller=second) is None
    with pytest.raises(ApplicationError):
        services.ticket_start(teller=second, ticket=ticket)


def test_recall_no_show_start_finish(w):
    o = w["outlet"]
    t1 = services.ticket_issue(outlet=o, zone="pension")
    t2 = services.ticket_issue(outlet=o, zone="pension")
    teller = _at(w, "3")
    services.ticket_call_next(teller=teller)
    again = services.ticket_recall(teller=teller, ticket=t1)
    assert again.call_count == 2
    services.ticket_no_show(teller=teller, ticket=t1)
    assert QueueTicket.objects.get(pk=t1.pk).status == TicketStatus.NO_SHOW
    with pytest.raises(ApplicationError):
        services.ticket_recall(teller=teller, ticket=t1)
    services.ticket_call_next(teller=teller)
    services.ticket_start(teller=teller, ticket=t2)
    done = services.ticket_finish(teller=teller, ticket=t2)
    assert done.status == TicketStatus.DONE and done.finished_at
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"counter.ticket_recalled", "counter.ticket_no_show", "counter.ticket_finished"} <= actions


def test_transfer_to_a_window_serving_the_zone(w):
    o = w["outlet"]
    waiting = services.ticket_issue(outlet=o, zone="medical")
    moved = services.ticket_issue(outlet=o, zone="medical")
    teller = _at(w, "4", 0)
    QueueTicket.objects.filter(pk=waiting.pk).update(issued_at=timezone.now() + dt.timedelta(seconds=1))
    assert services.ticket_call_next(teller=teller).pk == moved.pk
    with pytest.raises(ApplicationError):
        services.ticket_transfer(teller=teller, ticket=moved, to_window=w["windows"]["1"])  # enrolment only
    with pytest.raises(ApplicationError):
        services.ticket_transfer(teller=teller, ticket=moved, to_window=w["other"].windows.first())
    services.ticket_transfer(teller=teller, ticket=moved, to_window=w["windows"]["2"])
    other = _at(w, "2", 1)
    assert services.ticket_call_next(teller=other).pk == moved.pk  # transferred tickets go first
    assert services.ticket_call_next(teller=teller).pk == waiting.pk


def test_sign_in_outside_region_refused(w):
    with pytest.raises(ApplicationError) as err:
        services.window_sign_in(teller=w["outsider"], window=w["windows"]["1"])
    assert err.value.status == 403
    with pytest.raises(ApplicationError):
        services.window_sign_in(teller=w["reviewer"], window=w["windows"]["1"])
    _at(w, "1", 0)
    with pytest.raises(ApplicationError):
        services.window_sign_in(teller=w["tellers"][1], window=w["windows"]["1"])
    services.window_sign_out(teller=w["tellers"][0])
    assert selectors.window_of(w["tellers"][0]) is None
    services.window_sign_in(teller=w["tellers"][1], window=w["windows"]["1"])


def test_wait_estimate_counts_people_ahead(w):
    o = w["outlet"]
    tickets = [services.ticket_issue(outlet=o, zone="enrolment") for _ in range(3)]
    ahead, minutes = selectors.ticket_wait_estimate(ticket=tickets[2])
    assert ahead == 2 and minutes > 0
    calling, counts = selectors.queue_state(outlet=o)
    assert counts["enrolment"] == 3 and calling == []


def _slot(w, *, capacity=1, starts_in=dt.timedelta(minutes=10), zone="medical"):
    start = timezone.now() + starts_in
    return AppointmentSlot.objects.create(
        outlet=w["outlet"],
        zone=zone,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=30),
        capacity=capacity,
    )


def test_appointment_last_place_taken_once(w):
    slot = _slot(w, capacity=2)
    services.appointment_book(slot=slot, name="张三", phone="13800000000")
    services.appointment_book(slot=slot, name="李四", phone="13900000000")
    with pytest.raises(ApplicationError) as err:
        services.appointment_book(slot=slot, name="王五", phone="13700000000")
    assert err.value.code == "slot_full"
    slot.refresh_from_db()
    assert slot.booked == 2 and slot.appointments.count() == 2


def test_cancel_frees_the_place(w):
    slot = _slot(w)
    a = services.appointment_book(slot=slot, name="张三", phone="13800000000")
    services.appointment_cancel(appointment=a)
    slot.refresh_from_db()
    assert slot.booked == 0
    with pytest.raises(ApplicationError):
        services.appointment_check_in(code=a.code)


def test_check_in_on_time_is_called_first(w):
    o = w["outlet"]
    walk_in = services.ticket_issue(outlet=o, zone="medical")
    a = services.appointment_book(slot=_slot(w), name="张三", phone="13800000000")
    ticket = services.appointment_check_in(code=a.code.lower())
    assert ticket.priority == 1 and ticket.number == "B002"
    a.refresh_from_db()
    assert a.status == AppointmentStatus.CHECKED_IN
    teller = _at(w, "2")
    assert services.ticket_call_next(teller=teller).pk == ticket.pk
    assert services.ticket_call_next(teller=teller).pk == walk_in.pk
    with pytest.raises(ApplicationError):
        services.appointment_check_in(code=a.code)


def test_check_in_late_gets_a_normal_ticket_and_early_is_refused(w):
    late = services.appointment_book(slot=_slot(w), name="张三", phone="13800000000")
    early = services.appointment_book(
        slot=_slot(w, starts_in=dt.timedelta(hours=2)), name="李四", phone="13800000001"
    )
    AppointmentSlot.objects.filter(pk=late.slot_id).update(
        starts_at=timezone.now() - dt.timedelta(minutes=50), ends_at=timezone.now() - dt.timedelta(minutes=20)
    )
    if timezone.localdate(timezone.now() - dt.timedelta(minutes=50)) == timezone.localdate():
        assert services.appointment_check_in(code=late.code).priority == 0
    if timezone.localdate(timezone.now() + dt.timedelta(hours=2)) == timezone.localdate():
        with pytest.raises(ApplicationError) as err:
            services.ticket_issue(outlet=w["outlet"], zone="medical", appointment_code=early.code)
        assert err.value.code == "appointment_early"
    with pytest.raises(ApplicationError):
        services.ticket_issue(outlet=w["other"], zone="medical", appointment_code=early.code)


def test_appointments_of_earlier_days_are_marked_missed_once(w):
    yesterday = services.appointment_book(slot=_slot(w), name="张三", phone="13800000000")
    today = services.appointment_book(slot=_slot(w), name="李四", phone="13800000001")
    now = timezone.now()
    AppointmentSlot.objects.filter(pk=yesterday.slot_id).update(
        starts_at=now - dt.timedelta(days=1, hours=1), ends_at=now - dt.timedelta(days=1)
    )
    assert services.appointments_mark_missed(now=now) == 1
    yesterday.refresh_from_db()
    today.refresh_from_db()
    assert yesterday.status == AppointmentStatus.MISSED and today.status == AppointmentStatus.BOOKED
    assert (
        AuditEvent.objects.filter(action="counter.appointment_missed", subject_id=str(yesterday.pk)).count()
        == 1
    )
    assert services.appointments_mark_missed(now=now) == 0
    with pytest.raises(ApplicationError):
        services.appointment_check_in(code=yesterday.code)


def test_qualification_by_zone_or_item(w):
    teller = w["tellers"][0]
    item = SimpleNamespace(zone="medical", code="X-1")
    assert not selectors.teller_qualified(teller=teller, item=item)
    services.qualification_grant(by=w["admin"], teller=teller, item_code="X-1")
    assert selectors.teller_qualified(teller=teller, item=item)
    assert not selectors.teller_qualified(teller=teller, item=SimpleNamespace(zone="medical", code="X-2"))
    services.qualification_grant(by=w["admin"], teller=teller, zone="medical")
    assert selectors.teller_qualified(teller=teller, item=SimpleNamespace(zone="medical", code="X-2"))
    with pytest.raises(ApplicationError):
        services.qualification_grant(by=w["outsider"], teller=teller, zone="pension")
    assert TellerQualification.objects.count() == 2


# --- hold and resume (挂起/恢复) --------------------------------------------------------------------


def test_hold_skips_the_ticket_and_the_same_window_resumes_it(w):
    o = w["outlet"]
    a1 = services.ticket_issue(outlet=o, zone="enrolment")
    a2 = services.ticket_issue(outlet=o, zone="enrolment")
    teller = _at(w, "1")
    services.ticket_call_next(teller=teller)
    services.ticket_start(teller=teller, ticket=a1)
    held = services.ticket_hold(teller=teller, ticket=a1)
    assert held.status == TicketStatus.HELD and held.held_at is not None
    assert [t.pk for t in selectors.held_tickets(window=w["windows"]["1"])] == [a1.pk]
    assert selectors.window_current_ticket(window=w["windows"]["1"]) is None
    # Call next skips the held ticket, and does not close it as done.
    assert services.ticket_call_next(teller=teller).pk == a2.pk
    assert QueueTicket.objects.get(pk=a1.pk).status == TicketStatus.HELD
    # Resuming while A002 is at the window is refused, with the ticket to deal with first.
    with pytest.raises(ApplicationError) as err:
        services.ticket_resume(teller=teller, ticket=a1)
    assert err.value.code == "window_busy" and "A002" in str(err.value)
    services.ticket_hold(teller=teller, ticket=a2)
    resumed = services.ticket_resume(teller=teller, ticket=a1)
    assert resumed.status == TicketStatus.CALLED and resumed.call_count == 2 and resumed.held_at is None
    assert [t.pk for t in selectors.held_tickets(window=w["windows"]["1"])] == [a2.pk]
    assert services.ticket_call_next(teller=teller) is None  # A002 is held, nobody else waits
    actions = list(AuditEvent.objects.filter(subject_id=str(a1.pk)).values_list("action", flat=True))
    assert "counter.ticket_held" in actions and "counter.ticket_resumed" in actions
    refused = AuditEvent.objects.get(action="counter.refused")
    assert refused.subject_id == str(a1.pk) and '"window_busy"' in refused.payload


def test_hold_and_resume_refuse_wrong_teller_and_wrong_state(w):
    o = w["outlet"]
    a1 = services.ticket_issue(outlet=o, zone="enrolment")
    waiting = services.ticket_issue(outlet=o, zone="enrolment")
    teller = _at(w, "1", 0)
    other = _at(w, "4", 1)
    services.ticket_call_next(teller=teller)
    with pytest.raises(ApplicationError) as err:  # not called at the other teller's window
        services.ticket_hold(teller=other, ticket=a1)
    assert err.value.code == "ticket_not_yours" and "A001" in str(err.value)
    with pytest.raises(ApplicationError) as err:  # a waiting ticket cannot be held
        services.ticket_hold(teller=teller, ticket=waiting)
    assert err.value.code == "ticket_not_yours"
    with pytest.raises(ApplicationError) as err:  # nor resumed: it is not on hold
        services.ticket_resume(teller=teller, ticket=waiting)
    assert err.value.code == "ticket_not_held"
    services.ticket_hold(teller=teller, ticket=a1)
    with pytest.raises(ApplicationError) as err:  # held at window 1: window 4 cannot take it
        services.ticket_resume(teller=other, ticket=a1)
    assert err.value.code == "ticket_not_yours" and "其他窗口" in str(err.value)
    assert QueueTicket.objects.get(pk=a1.pk).status == TicketStatus.HELD
    assert QueueTicket.objects.get(pk=waiting.pk).status == TicketStatus.WAITING
    assert AuditEvent.objects.filter(action="counter.refused").count() == 4
    assert set(AuditEvent.objects.filter(action="counter.refused").values_list("region_code", flat=True)) == {
        o.region.code
    }
