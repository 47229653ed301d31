"""Reads for the leader's deadline dashboard: cases due soon and overdue, per office and per teller.

`region` bounds every query to that region and everything below it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from shebao.cases.lifecycle import AT_BACK_OFFICE
from shebao.cases.models import Case
from shebao.core.models import Region
from shebao.core.workdays import add_working_days


def _in_region(region: Region) -> QuerySet[Case]:
    return Case.objects.filter(region__path__startswith=region.path)


def due_limit(*, today: dt.date, within_days: int) -> dt.date:
    return add_working_days(today, within_days).date


def cases_due(*, region: Region, within_days: int, today: dt.date | None = None) -> QuerySet[Case]:
    """Open cases due from `today` to `within_days` working days on, soonest first."""
    today = today or timezone.localdate()
    return (
        _in_region(region)
        .filter(
            status__in=AT_BACK_OFFICE,
            deadline__gte=today,
            deadline__lte=due_limit(today=today, within_days=within_days),
        )
        .select_related("item", "outlet", "accepted_by")
        .order_by("deadline", "pk")
    )


def cases_overdue(*, region: Region, today: dt.date | None = None) -> QuerySet[Case]:
    """Open cases marked overdue or past their deadline, longest overdue first."""
    today = today or timezone.localdate()
    return (
        _in_region(region)
        .filter(status__in=AT_BACK_OFFICE)
        .filter(Q(overdue=True) | Q(deadline__lt=today))
        .select_related("item", "outlet", "accepted_by")
        .order_by("deadline", "pk")
    )


def _counts(
    *, region: Region, within_days: int, today: dt.date | None, group: tuple[str, ...]
) -> list[dict[str, Any]]:
    today = today or timezone.localdate()
    limit = due_limit(today=today, within_days=within_days)
    return list(
        _in_region(region)
        .filter(status__in=AT_BACK_OFFICE)
        .values(*group)
        .annotate(
            open=Count("pk"),
            due=Count("pk", filter=Q(deadline__gte=today, deadline__lte=limit, overdue=False)),
            overdue=Count("pk", filter=Q(overdue=True) | Q(deadline__lt=today)),
        )
        .order_by(*group)
    )


def deadline_counts_by_outlet(
    *, region: Region, within_days: int = 3, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """Per office (outlet): open, due within `within_days` working days, overdue."""
    return _counts(
        region=region, within_days=within_days, today=today, group=("outlet_id", "outlet__name_zh")
    )


def deadline_counts_by_teller(
    *, region: Region, within_days: int = 3, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """Per accepting teller: open, due within `within_days` working days, overdue."""
    return _counts(
        region=region,
        within_days=within_days,
        today=today,
        group=("accepted_by_id", "accepted_by__username", "accepted_by__full_name"),
    )
