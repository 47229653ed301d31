"""Reads of the evaluation app: the case a window's tablet asks about, and the ratings overview.

Every overview read is one aggregate query per grouping (teller, window, outlet) plus one for the
bad ratings, bounded to the reader's regions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from shebao.cases.lifecycle import FINISHED
from shebao.cases.models import Case
from shebao.core.access import visible_regions
from shebao.core.models import User
from shebao.counter.models import Window
from shebao.evaluation.models import Rating

# How long after the case finished the tablet still offers it for rating.
RATING_WINDOW = dt.timedelta(minutes=30)
BAD_LIST_LIMIT = 100


def rating_case_for_window(*, window: Window, now: dt.datetime | None = None) -> Case | None:
    """The case just finished at `window`: the latest finished in the last 30 minutes, not yet rated."""
    since = (now or timezone.now()) - RATING_WINDOW
    return (
        Case.objects.filter(window=window, status__in=FINISHED, completed_at__gte=since, rating__isnull=True)
        .select_related("item")
        .order_by("-completed_at", "-id")
        .first()
    )


def case_rateable_at_window(*, window: Window, case_id: int, now: dt.datetime | None = None) -> Case | None:
    """The case `case_id` if it was finished at `window` in the last 30 minutes (rated or not)."""
    since = (now or timezone.now()) - RATING_WINDOW
    return (
        Case.objects.filter(pk=case_id, window=window, status__in=FINISHED, completed_at__gte=since)
        .select_related("item")
        .first()
    )


def ratings_visible(*, user: User) -> QuerySet[Rating]:
    """Ratings of cases in the user's regions (the whole province for province-wide posts)."""
    qs = Rating.objects.all()
    if not user.is_province_wide():
        qs = qs.filter(case__region__in=visible_regions(user))
    return qs


@dataclass(frozen=True)
class RatingRow:
    key: int | None
    label: str
    count: int
    average: float
    satisfied_share: float  # share of ratings that are not bad (好评率), 0–100
    bad: int


def _rows(qs: QuerySet[Rating], key: str, label_fields: tuple[str, ...]) -> list[RatingRow]:
    rows = (
        qs.values(key, *label_fields)
        .annotate(n=Count("id"), avg=Avg("level__value"), bad=Count("id", filter=Q(level__is_bad=True)))
        .order_by(*label_fields, key)
    )
    result = []
    for row in rows:
        n = row["n"]
        parts: list[str] = []
        for f in label_fields:  # e.g. a teller's full name, or the user name when it is the same or empty
            if row[f] and str(row[f]) not in parts:
                parts.append(str(row[f]))
        label = " ".join(parts[:1] if key == "teller_id" else parts)
        result.append(
            RatingRow(
                key=row[key],
                label=label or "—",
                count=n,
                average=round(float(row["avg"] or 0), 2),
                satisfied_share=round(100.0 * (n - row["bad"]) / n, 1) if n else 0.0,
                bad=row["bad"],
            )
        )
    return result


@dataclass(frozen=True)
class RatingOverview:
    total: RatingRow
    per_teller: list[RatingRow]
    per_window: list[RatingRow]
    per_outlet: list[RatingRow]
    bad_ratings: list[Rating]


def rating_overview(*, user: User, since: dt.datetime, until: dt.datetime | None = None) -> RatingOverview:
    """Count, average and share satisfied per teller, window and outlet, and the bad ratings listed."""
    qs = ratings_visible(user=user).filter(created_at__gte=since)
    if until is not None:
        qs = qs.filter(created_at__lt=until)
    totals = qs.aggregate(
        n=Count("id"), avg=Avg("level__value"), bad=Count("id", filter=Q(level__is_bad=True))
    )
    n = totals["n"] or 0
    total = RatingRow(
        key=None,
        label="",
        count=n,
        average=round(float(totals["avg"] or 0), 2),
        satisfied_share=round(100.0 * (n - totals["bad"]) / n, 1) if n else 0.0,
        bad=totals["bad"] or 0,
    )
    bad = list(
        qs.filter(level__is_bad=True)
        .select_related("level", "case__item", "teller", "window__outlet", "outlet")
        .order_by("-created_at", "-id")[:BAD_LIST_LIMIT]
    )
    return RatingOverview(
        total=total,
        per_teller=_rows(qs, "teller_id", ("teller__full_name", "teller__username")),
        per_window=_rows(qs, "window_id", ("window__outlet__name_zh", "window__number")),
        per_outlet=_rows(qs, "outlet_id", ("outlet__name_zh",)),
        bad_ratings=bad,
    )
