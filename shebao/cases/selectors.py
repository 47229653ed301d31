"""Reads of cases shared by pages, APIs and dashboards. Every staff read is bounded by the user's region."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from shebao.cases.lifecycle import AT_BACK_OFFICE
from shebao.cases.models import ActionKind, Case, CaseAction
from shebao.core.access import visible_regions
from shebao.core.errors import ApplicationError
from shebao.core.permissions import Perm


def _cases() -> QuerySet[Case]:
    return Case.objects.select_related("item", "region", "person", "employer", "accepted_by", "window")


def review_queue(*, user: Any) -> list[Case]:
    """Cases waiting at a step whose posts include one of the user's, in the user's region, oldest first.

    Leaves out cases the user accepted or already performed a step of (受理审核分离).
    """
    # The services package imports the online services, which read these selectors: import when called.
    from shebao.cases.services.flow import current_step

    posts = user.post_codes()
    if not posts:
        return []
    acted = CaseAction.objects.filter(by=user, kind__in=[ActionKind.ACCEPT, ActionKind.APPROVE_STEP]).values(
        "case_id"
    )
    candidates = (
        _cases()
        .filter(status__in=AT_BACK_OFFICE, region__in=visible_regions(user))
        .exclude(accepted_by=user)
        .exclude(pk__in=acted)
        .prefetch_related("item__steps")
        .order_by("accepted_at", "id")
    )
    queue = []
    for case in candidates:
        step = current_step(case)
        if step is not None and posts & set(step.posts):
            queue.append(case)
    return queue


# Kinds of self-service account (the portal's `AccountKind`; the portal imports cases, not the reverse).
PERSON = "person"
EMPLOYER = "employer_agent"


def cases_of_account(*, account: Any) -> QuerySet[Case]:
    """The cases a self-service account owns — one rule for the site, the phone API and the online
    services: a person's account the person's cases, an employer agent's the employer's, and either
    the cases it sent itself. Nothing for no account."""
    if account is None:
        return Case.objects.none()
    owned = Q(submitted_by_id=account.user_id)
    if account.kind == PERSON and account.person_id:
        owned |= Q(person_id=account.person_id)
    elif account.kind == EMPLOYER and account.employer_id:
        owned |= Q(employer_id=account.employer_id)
    return Case.objects.filter(owned)


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
        .filter(number=(number or "").strip())
        .filter(readable)
        .prefetch_related("item__steps", "item__materials", "actions__by")
        .first()
    )
    if case is None:
        raise ApplicationError(
            "not_found", _("There is no case %(number)s.") % {"number": number}, status=404
        )
    return case
