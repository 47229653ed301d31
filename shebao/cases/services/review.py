"""交叉复核: a share of completed general cases drawn for a second look by another teller.

The share comes from the `CrossReviewPolicy` of the case's region or its nearest ancestor (default
10 %). The draw is deterministic per case number: SHA-256 of the number, mod 100, below the share —
so a case is drawn or not however often it is asked, and tests can pick numbers. An error found is
recorded, and the acceptor and the region's section leaders are notified; opening the correction
case is left to a person (`CrossReview.correction` stays empty until then).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from shebao.audit.services import audit_record
from shebao.cases.models import Case, CaseStatus, CrossReview, CrossReviewPolicy, CrossReviewStatus
from shebao.cases.notify import notify
from shebao.cases.services.clock import refuse, region_leaders
from shebao.catalogue.models import BusinessClass
from shebao.core.access import can_see_region, visible_regions
from shebao.core.errors import ApplicationError
from shebao.core.models import Region, User
from shebao.core.permissions import Perm

DEFAULT_SHARE_PERCENT = 10
CROSS_REVIEW = "cross_review"  # the attempt a refusal names (not a move: the status does not change)


def cross_review_share(region: Region) -> int:
    """The share (%) of the nearest region up the tree that has a policy; 10 % if none has."""
    codes = [code for code in region.path.split("/") if code]
    policies = {
        p.region.code: p.share_percent
        for p in CrossReviewPolicy.objects.filter(region__code__in=codes).select_related("region")
    }
    for code in reversed(codes):
        if code in policies:
            return int(policies[code])
    return DEFAULT_SHARE_PERCENT


def draw_bucket(number: str) -> int:
    """0–99, fixed for a case number."""
    return int(hashlib.sha256(number.encode("utf-8")).hexdigest(), 16) % 100


def cross_review_maybe_draw(*, case: Case) -> CrossReview | None:
    """Draw a completed general case for cross-review (or return the existing draw); None if not drawn."""
    if case.status != CaseStatus.COMPLETED or case.item.business_class != BusinessClass.GENERAL:
        return None
    share = cross_review_share(case.region)
    if draw_bucket(case.number) >= share:
        return None  # not drawn (the draw is fixed per number: it was not drawn before either)
    with transaction.atomic():
        review, created = CrossReview.objects.get_or_create(case=case)
        if created:
            audit_record(
                actor=None,
                action="cases.cross_review_drawn",
                subject=case,
                region_code=case.region.code,
                new={"share_percent": share},
            )
    return review


def cross_review_record(*, review: CrossReview, by: Any, ok: bool, finding: str = "") -> CrossReview:
    """Record the second look: by another teller (never the acceptor); an error notifies the acceptor and
    the section leaders."""
    finding = (finding or "").strip()
    case = Case.objects.select_related("region", "item", "accepted_by").get(pk=review.case_id)
    if by is None or not by.has_perm_code(Perm.CASE_CROSS_REVIEW):
        raise refuse(
            by=by,
            case=case,
            code="cross_review_not_allowed",
            message=_("You do not hold a post that may cross-review cases."),
            move=CROSS_REVIEW,
            status=403,
        )
    if by.pk == case.accepted_by_id:
        raise refuse(
            by=by,
            case=case,
            code="cross_review_own_case",
            message=_("A case is cross-reviewed by another teller, not by the one who accepted it."),
            move=CROSS_REVIEW,
            status=403,
        )
    if not can_see_region(by, case.region):
        raise refuse(
            by=by,
            case=case,
            code="cross_review_other_region",
            message=_("This case belongs to another region."),
            move=CROSS_REVIEW,
            status=403,
        )
    if not ok and not finding:
        raise ApplicationError("finding_required", _("Describe the error found."))
    with transaction.atomic():
        review = CrossReview.objects.select_for_update().get(pk=review.pk)
        if review.status != CrossReviewStatus.PENDING:
            raise ApplicationError(
                "cross_review_done", _("This cross-review has already been recorded."), status=409
            )
        review.status = CrossReviewStatus.CONFIRMED if ok else CrossReviewStatus.ERROR_FOUND
        review.reviewer = by
        review.reviewed_at = timezone.now()
        review.finding = finding
        review.save(update_fields=["status", "reviewer", "reviewed_at", "finding"])
        notified: list[int] = []
        if not ok:
            values = {"number": case.number, "item": case.item.name_zh, "finding": finding}
            subject = _("Cross-review found an error in case %(number)s") % values
            body = _("Case %(number)s (%(item)s) needs a correction: %(finding)s") % values
            recipients = [u for u in (case.accepted_by, *region_leaders(case.region)) if u is not None]
            for user in {u.pk: u for u in recipients}.values():
                notify(subject=subject, body=body, case=case, staff=user)
                notified.append(user.pk)
        audit_record(
            actor=by,
            action="cases.cross_reviewed",
            subject=case,
            region_code=case.region.code,
            old={"status": CrossReviewStatus.PENDING},
            new={"status": review.status, "finding": finding},
            extra={"notified": notified} if notified else None,
        )
    return review


def cross_review_queue(*, user: User) -> QuerySet[CrossReview]:
    """Pending cross-reviews a teller may take: in their regions, not of cases they accepted."""
    return (
        CrossReview.objects.filter(status=CrossReviewStatus.PENDING, case__region__in=visible_regions(user))
        .exclude(case__accepted_by=user)
        .select_related("case", "case__item", "case__accepted_by")
        .order_by("case__completed_at", "pk")
    )
