"""Reads of the counter: a teller's window, the hall's queue, wait estimates, qualifications, slots."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from shebao.catalogue.models import Zone
from shebao.counter.models import (
    AppointmentSlot,
    Outlet,
    QueueTicket,
    TellerQualification,
    TicketKind,
    TicketStatus,
    Window,
    WindowKind,
    WindowSession,
)

DEFAULT_SERVICE_MINUTES = 6  # until the day has finished tickets to measure
RECENT_CALLS = 8


def window_of(teller: Any) -> Window | None:
    """The window of the teller's open shift, or None."""
    if teller is None or not getattr(teller, "is_authenticated", False):
        return None
    session = (
        WindowSession.objects.select_related("window__outlet__region")
        .filter(teller=teller, ended_at__isnull=True)
        .first()
    )
    return session.window if session else None


def queue_state(*, outlet: Outlet) -> tuple[list[QueueTicket], dict[str, int]]:
    """(tickets called or being served today, newest call first; waiting tickets per zone). 2 queries."""
    today = timezone.localdate()
    calling = list(
        QueueTicket.objects.filter(
            outlet=outlet, day=today, status__in=(TicketStatus.CALLED, TicketStatus.SERVING)
        )
        .select_related("window")
        .order_by("-called_at", "-id")[:RECENT_CALLS]
    )
    counts = {zone: 0 for zone in Zone.values}
    for row in (
        QueueTicket.objects.filter(outlet=outlet, day=today, status=TicketStatus.WAITING)
        .values("zone")
        .annotate(n=Count("id"))
        .order_by()
    ):
        counts[row["zone"]] = row["n"]
    return calling, counts


def recent_calls(*, outlet: Outlet, limit: int = RECENT_CALLS) -> list[QueueTicket]:
    """The last tickets called today, whatever became of them (the display's history)."""
    return list(
        QueueTicket.objects.filter(outlet=outlet, day=timezone.localdate(), called_at__isnull=False)
        .select_related("window")
        .order_by("-called_at", "-id")[:limit]
    )


def _service_minutes(outlet_id: int, day: dt.date) -> float:
    rows = list(
        QueueTicket.objects.filter(
            outlet_id=outlet_id,
            day=day,
            status=TicketStatus.DONE,
            called_at__isnull=False,
            finished_at__isnull=False,
        )
        .order_by("-finished_at")
        .values_list("called_at", "finished_at")[:20]
    )
    if not rows:
        return DEFAULT_SERVICE_MINUTES
    total = sum((end - start).total_seconds() for start, end in rows if start is not None and end is not None)
    return max(1.0, total / len(rows) / 60)


def ticket_wait_estimate(*, ticket: QueueTicket) -> tuple[int, int]:
    """(people ahead of the ticket, estimated minutes): ahead / windows serving its zone × service time."""
    if ticket.status != TicketStatus.WAITING:
        return 0, 0
    ahead = (
        QueueTicket.objects.filter(
            outlet_id=ticket.outlet_id, day=ticket.day, zone=ticket.zone, status=TicketStatus.WAITING
        )
        .filter(
            Q(priority__gt=ticket.priority)
            | Q(priority=ticket.priority, issued_at__lt=ticket.issued_at)
            | Q(priority=ticket.priority, issued_at=ticket.issued_at, id__lt=ticket.id)
        )
        .count()
    )
    kinds = [WindowKind.SPECIAL] if ticket.kind == TicketKind.SPECIAL else list(WindowKind.values)
    windows = sum(
        1
        for zones in Window.objects.filter(
            outlet_id=ticket.outlet_id, active=True, kind__in=kinds
        ).values_list("zones", flat=True)
        if ticket.zone in (zones or [])
    )
    minutes = math.ceil((ahead + 1) * _service_minutes(ticket.outlet_id, ticket.day) / max(1, windows))
    return ahead, minutes


def teller_qualified(*, teller: Any, item: Any) -> bool:
    """一岗多能: the teller holds a qualification for the item's zone or for the item itself."""
    return TellerQualification.objects.filter(
        Q(zone=item.zone, zone__gt="") | Q(item_code=item.code, item_code__gt=""), teller=teller
    ).exists()


def window_current_ticket(*, window: Window) -> QueueTicket | None:
    return (
        QueueTicket.objects.filter(
            window=window, day=timezone.localdate(), status__in=(TicketStatus.CALLED, TicketStatus.SERVING)
        )
        .select_related("person")
        .order_by("-called_at")
        .first()
    )


def held_tickets(*, window: Window) -> list[QueueTicket]:
    """Today's tickets on hold at the window (挂起), the longest held first. One query."""
    return list(
        QueueTicket.objects.filter(
            window=window, day=timezone.localdate(), status=TicketStatus.HELD
        ).order_by("held_at", "id")
    )


def free_slots(*, outlet: Outlet, zone: str | None = None, days: int = 14) -> QuerySet[AppointmentSlot]:
    """Slots not yet over with a free place, in the next `days` days."""
    now = timezone.now()
    qs = AppointmentSlot.objects.filter(
        outlet=outlet, ends_at__gt=now, starts_at__lt=now + dt.timedelta(days=days)
    ).filter(booked__lt=F("capacity"))
    if zone:
        qs = qs.filter(zone=zone)
    return qs.order_by("starts_at", "zone")
