"""One-click appointment (一键预约): outlets near me first, book from the account, check in, cancel my own only."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from shebao.audit.models import AuditEvent
from shebao.counter.models import Appointment, AppointmentSlot, AppointmentStatus
from shebao.counter.services import appointment_check_in
from shebao.portal.tests.test_accounts_world import client_for, world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w() -> dict[str, Any]:
    return world()


def _book(w: dict[str, Any], account_key: str = "account") -> Any:
    client = client_for(w[account_key])
    url = reverse("portal:appointments") + f"?outlet={w['outlet'].code}&zone=enrolment"
    return client, client.post(url, {"slot": w["slot"].pk, "item_code": ""})


def test_my_county_outlets_come_first(w: dict[str, Any]) -> None:
    body = client_for(w["other_account"]).get(reverse("portal:appointments")).content.decode()
    assert body.index(w["far"].name) < body.index(w["outlet"].name)  # the other person lives in county B1
    body = client_for(w["account"]).get(reverse("portal:appointments")).content.decode()
    assert body.index(w["outlet"].name) < body.index(w["far"].name)


def test_choosing_outlet_and_zone_lists_free_slots(w: dict[str, Any]) -> None:
    client = client_for(w["account"])
    url = reverse("portal:appointments") + f"?outlet={w['outlet'].code}&zone=enrolment"
    body = client.get(url).content.decode()
    assert f'name="slot" value="{w["slot"].pk}"' in body
    # No typing of name, phone or ID number: the form has no such fields.
    assert 'name="phone"' not in body and 'name="id_number"' not in body


def test_booking_uses_the_account_data_and_the_kiosk_gives_the_ticket(w: dict[str, Any]) -> None:
    client, response = _book(w)
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.person == w["me"] and appointment.name == "王芳" and appointment.phone == "13812345678"
    assert AppointmentSlot.objects.get(pk=w["slot"].pk).booked == 1
    assert AuditEvent.objects.filter(action="portal.appointment_booked", actor=w["account"].user).exists()
    page = client.get(reverse("portal:appointments")).content.decode()
    assert appointment.code in page
    ticket = appointment_check_in(code=appointment.code)
    assert ticket.appointment_id == appointment.pk and ticket.person_id == w["me"].pk and ticket.priority > 0


def test_the_same_slot_twice_is_refused(w: dict[str, Any]) -> None:
    client, _ = _book(w)
    url = reverse("portal:appointments") + f"?outlet={w['outlet'].code}&zone=enrolment"
    again = client.post(url, {"slot": w["slot"].pk})
    assert again.status_code == 409 and Appointment.objects.count() == 1


def test_a_full_slot_is_refused(w: dict[str, Any]) -> None:
    AppointmentSlot.objects.filter(pk=w["slot"].pk).update(booked=2)
    _client, response = _book(w)
    assert response.status_code == 400 and not Appointment.objects.exists()


def test_i_cancel_my_own_appointment(w: dict[str, Any]) -> None:
    client, _ = _book(w)
    appointment = Appointment.objects.get()
    response = client.post(reverse("portal:appointment_cancel", args=[appointment.pk]))
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert AppointmentSlot.objects.get(pk=w["slot"].pk).booked == 0


def test_another_persons_appointment_cannot_be_cancelled(w: dict[str, Any]) -> None:
    _book(w)
    appointment = Appointment.objects.get()
    other = client_for(w["other_account"])
    assert appointment.code not in other.get(reverse("portal:appointments")).content.decode()
    response = other.post(reverse("portal:appointment_cancel", args=[appointment.pk]))
    assert response.status_code == 404
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED


def test_cancel_needs_post(w: dict[str, Any]) -> None:
    _book(w)
    appointment = Appointment.objects.get()
    assert (
        client_for(w["account"]).get(reverse("portal:appointment_cancel", args=[appointment.pk])).status_code
        == 405
    )


def test_outside_my_county_halls_come_before_bank_outlets_and_nearer_before_farther(
    w: dict[str, Any],
) -> None:
    from shebao.counter.models import Outlet, OutletKind
    from shebao.portal.selectors import outlets_near

    Outlet.objects.filter(pk=w["outlet"].pk).update(latitude="31.000000", longitude="117.000000")
    a2 = w["regions"]["county_a2"]

    def outlet(code: str, kind: str, lat: str) -> Outlet:
        return Outlet.objects.create(
            code=code,
            name_zh=code,
            kind=kind,
            region=a2,
            address="路1号",
            opening_hours="9-17",
            latitude=lat,
            longitude="117.000000",
        )

    bank = outlet("a2-bank", OutletKind.BANK, "31.010000")
    far = outlet("a2-far", OutletKind.COUNTY_HALL, "32.000000")
    near = outlet("a2-near", OutletKind.COUNTY_HALL, "31.200000")
    codes = [o.code for o in outlets_near(person=w["me"])]
    assert codes[0] == w["outlet"].code  # my county first
    assert (
        codes.index(near.code) < codes.index(far.code) < codes.index(bank.code) < codes.index(w["far"].code)
    )
