"""Kiosk, ticket, display, console and booking pages, in Chinese and English."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shebao.counter import services
from shebao.counter.models import Appointment, AppointmentSlot, QueueTicket
from shebao.counter.tests.factories import world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return world()


def _en(client):
    client.cookies["django_language"] = "en"


def test_kiosk_issues_a_ticket_and_shows_it(client, w):
    o = w["outlet"]
    page = client.get(f"/counter/{o.code}/kiosk/")
    assert page.status_code == 200 and "取号" in page.content.decode()
    resp = client.post(f"/counter/{o.code}/kiosk/", {"pick": "medical|general", "id_number": ""})
    ticket = QueueTicket.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/counter/tickets/{ticket.pk}/"
    body = client.get(resp["Location"]).content.decode()
    assert "B001" in body and "/print/" in body
    printed = client.get(f"/counter/tickets/{ticket.pk}/print/").content.decode()
    assert "80mm" in client.get("/static/counter/ticket_print.css").getvalue().decode() or "B001" in printed
    _en(client)
    assert "Take a ticket" in client.get(f"/counter/{o.code}/kiosk/").content.decode()


def test_kiosk_bad_id_number_is_explained(client, w):
    resp = client.post(
        f"/counter/{w['outlet'].code}/kiosk/", {"pick": "medical|general", "id_number": "12345"}
    )
    assert resp.status_code == 200 and "18" in resp.content.decode()
    assert QueueTicket.objects.count() == 0


def test_display_fragment_shows_the_latest_call_in_bounded_queries(client, w):
    o = w["outlet"]
    for _ in range(5):
        services.ticket_issue(outlet=o, zone="medical")
    services.ticket_issue(outlet=o, zone="pension")
    teller = w["tellers"][0]
    services.window_sign_in(teller=teller, window=w["windows"]["2"])
    services.ticket_call_next(teller=teller)
    other = w["tellers"][1]
    services.window_sign_in(teller=other, window=w["windows"]["3"])
    services.ticket_call_next(teller=other)
    page = client.get(f"/counter/{o.code}/display/").content.decode()
    assert 'hx-trigger="every 2s"' in page and "display.js" in page
    assert "brand-bar" not in page and "main-nav" not in page  # a wall screen: no site header
    with CaptureQueriesContext(connection) as ctx:
        frag = client.get(f"/counter/{o.code}/display/now/").content.decode()
    assert "C001" in frag and 'data-number="C001"' in frag and "B001" in frag
    assert 'data-say="请 B001 号到 2 号窗口办理"' in frag  # what the screen says on that call
    assert len(ctx.captured_queries) <= 4, [q["sql"] for q in ctx.captured_queries]
    _en(client)
    assert "Now calling" in client.get(f"/counter/{o.code}/display/").content.decode()


def test_console_needs_the_post_and_the_region(client, w):
    client.force_login(w["reviewer"])
    assert client.get("/counter/window/").status_code == 403
    client.force_login(w["outsider"])
    page = client.get("/counter/window/").content.decode()
    assert w["outlet"].name not in page
    resp = client.post("/counter/window/sign-in/", {"window": w["windows"]["1"].pk})
    assert resp.status_code == 403


def test_console_calls_serves_and_links_the_case_desk(client, w):
    ticket = services.ticket_issue(outlet=w["outlet"], zone="enrolment")
    teller = w["tellers"][0]
    client.force_login(teller)
    before = client.get("/counter/window/").content.decode()
    assert "窗口签到" in before and f'value="{w["windows"]["1"].pk}"' in before  # not signed in yet
    client.post("/counter/window/sign-in/", {"window": w["windows"]["1"].pk})
    client.post("/counter/window/next/")
    client.post("/counter/window/start/", {"ticket": ticket.pk})
    page = client.get("/counter/window/").content.decode()
    assert "A001" in page and f"/cases/desk/?ticket={ticket.pk}" in page
    _en(client)
    assert "Call next" in client.get("/counter/window/").content.decode()
    client.post("/counter/window/finish/", {"ticket": ticket.pk})
    client.post("/counter/window/sign-out/")
    assert QueueTicket.objects.get().status == "done"


def test_booking_and_cancelling(client, w):
    o = w["outlet"]
    start = timezone.now() + dt.timedelta(days=1)
    slot = AppointmentSlot.objects.create(
        outlet=o, zone="pension", starts_at=start, ends_at=start + dt.timedelta(minutes=30), capacity=2
    )
    page = client.get(f"/counter/{o.code}/book/?zone=pension").content.decode()
    assert f'value="{slot.pk}"' in page
    resp = client.post(
        f"/counter/{o.code}/book/",
        {"zone": "pension", "slot": slot.pk, "name": "张三", "phone": "13800000000"},
    )
    a = Appointment.objects.get()
    assert a.code in resp.content.decode()
    resp = client.post(f"/counter/{o.code}/book/", {"do": "cancel", "code": a.code, "phone": "13900000000"})
    assert Appointment.objects.get().status == "booked"
    client.post(f"/counter/{o.code}/book/", {"do": "cancel", "code": a.code, "phone": "13800000000"})
    assert Appointment.objects.get().status == "cancelled"


def test_manage_is_region_bounded(client, w):
    client.force_login(w["tellers"][0])
    assert client.get("/counter/manage/").status_code == 403
    client.force_login(w["admin"])
    page = client.get("/counter/manage/").content.decode()
    assert "hall-a1" in page and "hall-b1" in page
    resp = client.post(
        f"/counter/manage/outlets/{w['outlet'].pk}/",
        {
            "do": "slots",
            "zone": "medical",
            "day": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
            "start": "09:00",
            "end": "11:00",
            "minutes": 30,
            "capacity": 3,
        },
    )
    assert resp.status_code == 302
    assert AppointmentSlot.objects.filter(outlet=w["outlet"]).count() == 4


def test_console_puts_a_ticket_on_hold_and_resumes_it(client, w):
    ticket = services.ticket_issue(outlet=w["outlet"], zone="enrolment")
    teller = w["tellers"][0]
    client.force_login(teller)
    client.post("/counter/window/sign-in/", {"window": w["windows"]["1"].pk})
    client.post("/counter/window/next/")
    page = client.get("/counter/window/").content.decode()
    assert "挂起" in page and "没有挂起的号" in page
    resp = client.post("/counter/window/hold/", {"ticket": ticket.pk}, follow=True)
    page = resp.content.decode()
    assert QueueTicket.objects.get().status == "held"
    assert 'class="held-list"' in page and "A001" in page and "恢复" in page
    client.force_login(w["tellers"][1])  # another teller at another window cannot resume it
    client.post("/counter/window/sign-in/", {"window": w["windows"]["4"].pk})
    page = client.post("/counter/window/resume/", {"ticket": ticket.pk}, follow=True).content.decode()
    assert "只有该窗口可以恢复" in page and QueueTicket.objects.get().status == "held"
    client.force_login(teller)
    client.post("/counter/window/resume/", {"ticket": ticket.pk})
    assert QueueTicket.objects.get().status == "called"
    _en(client)
    page = client.get("/counter/window/").content.decode()
    assert "Put on hold" in page and "No ticket on hold." in page
