"""Reads of cases shared by pages, APIs and dashboards. Every staff read is bounded by the user's region."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from shebao.cases.lifecycle import AT_BACK_OFFICE
from shebao.cases.models import ActionKind, Case, CaseAction, Channel
from shebao.catalogue.selectors import item_with_details
from shebao.core.access import visible_regions
from shebao.core.errors import ApplicationError
from shebao.core.permissions import Perm
from shebao.counter.models import OutletKind
from shebao.counter.selectors import window_of


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
        .filter(status__in=sorted(AT_BACK_OFFICE), region__in=visible_regions(user))
        .exclude(waiting_posts="")
        .filter(at_my_step)
        .exclude(accepted_by=user)
        .exclude(pk__in=acted)
        .order_by("accepted_at", "id")
    )
    return list(queue if limit is None else queue[:limit])


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


# Posts that read the cases of a region (the office's work), not only those of one outlet.
OFFICE_READ_PERMS = (
    Perm.CASE_ACCEPT_GENERAL,
    Perm.CASE_ACCEPT_SPECIAL,
    Perm.CASE_REVIEW,
    Perm.CASE_APPROVE,
    Perm.CASE_CROSS_REVIEW,
    Perm.CASE_MONITOR,
    Perm.CASE_EXTEND,
)


def bank_agent_only(user: Any) -> bool:
    """A bank-outlet agent (社银合作): accepts at a bank outlet and holds no post of the agency's offices."""
    return user.has_perm_code(Perm.CASE_ACCEPT_BANK) and not any(
        user.has_perm_code(p) for p in OFFICE_READ_PERMS
    )


def bank_agent_readable(user: Any) -> Q:
    """What a bank-outlet agent reads: the cases they accepted and those accepted at the bank outlet where
    they are signed in to a window — never online applications, their uploads, or another outlet's cases."""
    readable = Q(accepted_by=user)
    window = window_of(user)
    if window is not None and window.outlet.kind == OutletKind.BANK:
        readable |= Q(outlet_id=window.outlet_id, channel=Channel.BANK)
    return readable


def case_for_user(*, user: Any, number: str) -> Case:
    """The case with this number if it lies in the user's region or the user accepted it; otherwise not
    found (no hint it exists).

    A case routed to the applicant's region (无差别受理) stays readable at the hall that accepted it: by
    its acceptor, and by the hall's window staff, who hand out the result and take a supplement there.
    Reviewers and leaders of the accepting region do not see it (its steps are not theirs). A bank-outlet
    agent reads only the cases of their own outlet (`bank_agent_readable`).
    """
    if bank_agent_only(user):
        readable = bank_agent_readable(user)
    else:
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
