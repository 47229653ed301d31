"""Parallel "call next" at several windows: every ticket goes to exactly one window."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from shebao.core.permissions import PostCode
from shebao.core.tests.factories import make_region_tree
from shebao.counter import services
from shebao.counter.models import AppointmentSlot, QueueTicket, TicketStatus
from shebao.counter.tests.factories import hall, make_staff

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def _race(works: list[Callable[[], Any]]) -> list[Any]:
    barrier = threading.Barrier(len(works))
    outcomes: list[Any] = []
    lock = threading.Lock()

    def run(work: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=20)
            result: Any = work()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test checks
            result = exc
        finally:
            connection.close()  # each thread has its own connection
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(work,)) for work in works]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


@pytest.mark.skipif(not ON_POSTGRES, reason="SQLite serialises writers (IMMEDIATE); runs on PostgreSQL in CI")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_eight_calls_at_four_windows_share_six_tickets():
    regions = make_region_tree()
    outlet = hall(regions["county_a1"])
    windows = list(outlet.windows.filter(number__in=["4", "8", "9"])) + [outlet.windows.get(number="2")]
    tellers = []
    for i, window in enumerate(windows):
        teller = make_staff(f"c{i}", region=regions["county_a1"], posts=[PostCode.SPECIAL_TELLER])
        services.window_sign_in(teller=teller, window=window)
        tellers.append(teller)
    tickets = [services.ticket_issue(outlet=outlet, zone="medical") for _ in range(6)]
    # Two threads per window: each teller presses "call next" twice at the same moment as everyone.
    works = [lambda t=t: services.ticket_call_next(teller=t) for t in tellers for _ in range(2)]
    outcomes = _race(works)
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    called = [o for o in outcomes if o is not None]
    assert sorted(o.pk for o in called) == sorted(t.pk for t in tickets)  # each ticket exactly once
    assert outcomes.count(None) == 2
    assert QueueTicket.objects.filter(status=TicketStatus.WAITING).count() == 0
    assert all(t.window_id is not None for t in QueueTicket.objects.all())


@pytest.mark.skipif(not ON_POSTGRES, reason="SQLite serialises writers (IMMEDIATE); runs on PostgreSQL in CI")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_bookings_for_the_last_place():
    regions = make_region_tree()
    outlet = hall(regions["county_a1"])
    start = timezone.now() + dt.timedelta(hours=1)
    slot = AppointmentSlot.objects.create(
        outlet=outlet, zone="medical", starts_at=start, ends_at=start + dt.timedelta(minutes=30), capacity=1
    )
    outcomes = _race(
        [
            lambda n=n: services.appointment_book(slot=slot, name=f"人{n}", phone="13800000000")
            for n in range(2)
        ]
    )
    booked = [o for o in outcomes if not isinstance(o, Exception)]
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert len(booked) == 1 and len(refused) == 1 and refused[0].code == "slot_full", outcomes
    slot.refresh_from_db()
    assert slot.booked == 1


@pytest.mark.django_db
def test_calls_in_turn_share_tickets_on_any_database():
    """The same rule as the race, one call after another (runs on SQLite too)."""
    regions = make_region_tree()
    outlet = hall(regions["county_a1"])
    tellers = []
    for i, number in enumerate(["2", "4", "8", "9"]):
        teller = make_staff(f"s{i}", region=regions["county_a1"], posts=[PostCode.SPECIAL_TELLER])
        services.window_sign_in(teller=teller, window=outlet.windows.get(number=number))
        tellers.append(teller)
    tickets = [services.ticket_issue(outlet=outlet, zone="medical") for _ in range(3)]
    called = [services.ticket_call_next(teller=t) for t in tellers]
    assert [c.pk for c in called[:3]] == [t.pk for t in tickets] and called[3] is None
