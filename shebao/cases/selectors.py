"""Reads of cases shared by pages, APIs and dashboards. Every staff read is bounded by the user's region."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from shebao.cases.models import ActionKind, Case, CaseAction, CaseStatus
from shebao.catalogue.selectors import item_with_details
from shebao.core.access import visible_regions
from shebao.core.errors import ApplicationError
from shebao.core.permissions import Perm

OPEN_STATUSES = (CaseStatus.ACCEPTED, CaseStatus.IN_REVIEW, CaseStatus.RETURNED, CaseStatus.SUSPENDED)


def _cases() -> QuerySet[Case]:
    return Case.objects.select_related("item", "region", "person", "employer", "accepted_by", "window")


def review_queue(*, user: Any, limit: int | None = None) -> list[Case]:
    """Cases waiting at a step whose posts include one of the user's, in the user's region, oldest first
    (`limit`: the first so many). One query whatever the number of open cases: the step's posts are on
    the case (`Case.waiting_posts`).

    Leaves out cases the user accepted or already performed a step of (受理审核分离).
    """
    posts = user.post_codes()
    if not posts:
        return []
    acted = CaseAction.objects.filter(by=user, kind__in=[ActionKind.ACCEPT, ActionKind.APPROVE_STEP]).values(
        "case_id"
    )
    at_my_step = Q()
    for post in sorted(posts):
        at_my_step |= Q(waiting_posts__contains=f"|{post}|")
    queue = (
        _cases()
        .filter(status__in=[CaseStatus.ACCEPTED, CaseStatus.IN_REVIEW], region__in=visible_regions(user))
        .exclude(waiting_posts="")
        .filter(at_my_step)
        .exclude(accepted_by=user)
        .exclude(pk__in=acted)
        .order_by("accepted_at", "id")
    )
    return list(queue if limit is None else queue[:limit])


# Posts that work at a window: they also read cases accepted at their region's outlets.
WINDOW_PERMS = (Perm.CASE_ACCEPT_GENERAL, Perm.CASE_ACCEPT_SPECIAL, Perm.CASE_ACCEPT_BANK)


def case_for_user(*, user: Any, number: str) -> Case:
    """The case with this number if it lies in the user's region or the user accepted it; otherwise not
    found (no hint it exists).

    A case routed to the applicant's region (无差别受理) stays readable at the hall that accepted it: by
    its acceptor, and by the hall's window staff, who hand out the result and take a supplement there.
    Reviewers and leaders of the accepting region do not see it (its steps are not theirs).
    """
    regions = visible_regions(user)
    readable = Q(region__in=regions) | Q(accepted_by=user)
    if any(user.has_perm_code(p) for p in WINDOW_PERMS):
        readable |= Q(outlet__region__in=regions)
    case = (
        _cases()
        .select_related("item__edition")
        .filter(number=(number or "").strip())
        .filter(readable)
        .prefetch_related("actions__by")
        .first()
    )
    if case is None:
        raise ApplicationError(
            "not_found", _("There is no case %(number)s.") % {"number": number}, status=404
        )
    case.item = item_with_details(case.item)  # steps and materials, read once per process
    return case


def cases_accepted_by(*, user: Any, day: datetime.date | None = None) -> QuerySet[Case]:
    """The cases a teller accepted on `day` (default today), newest first."""
    day = day or timezone.localdate()
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    end = start + datetime.timedelta(days=1)
    return (
        _cases()
        .filter(accepted_by=user, accepted_at__gte=start, accepted_at__lt=end)
        .order_by("-accepted_at")
    )


def case_list_for_window(*, window: Any, day: datetime.date | None = None) -> QuerySet[Case]:
    """The cases accepted at a window on `day` (default today), newest first."""
    day = day or timezone.localdate()
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    end = start + datetime.timedelta(days=1)
    return (
        _cases().filter(window=window, accepted_at__gte=start, accepted_at__lt=end).order_by("-accepted_at")
    )


def cases_due(*, user: Any, within_days: int = 3) -> QuerySet[Case]:
    """Open cases in the user's region due within `within_days` calendar days or already overdue."""
    limit = timezone.localdate() + datetime.timedelta(days=within_days)
    return (
        _cases()
        .filter(status__in=OPEN_STATUSES, region__in=visible_regions(user), deadline__isnull=False)
        .filter(deadline__lte=limit)
        .order_by("deadline", "accepted_at")
    )
