"""Cross-review (交叉复核): a deterministic draw honouring the region's share, recorded by another teller."""

from __future__ import annotations

from typing import Any

import pytest

from shebao.audit.models import AuditEvent
from shebao.cases.models import CaseStatus, CrossReview, CrossReviewPolicy, CrossReviewStatus, Notification
from shebao.cases.services.review import (
    cross_review_maybe_draw,
    cross_review_queue,
    cross_review_record,
    cross_review_share,
    draw_bucket,
)
from shebao.cases.tests.test_clock import make_case
from shebao.core.errors import ApplicationError, PermissionDeniedError
from shebao.core.tests.factories import make_region_tree, make_staff

pytestmark = pytest.mark.django_db


def numbers(
    *, below: int | None = None, at_least: int | None = None, count: int = 1, prefix: str = "R"
) -> list[str]:
    """Case numbers whose draw bucket is below / at least a share."""
    found = []
    for i in range(10000):
        number = f"{prefix}{i:08d}"
        bucket = draw_bucket(number)
        if (below is None or bucket < below) and (at_least is None or bucket >= at_least):
            found.append(number)
            if len(found) == count:
                return found
    raise AssertionError("no such number")


@pytest.fixture
def world() -> dict[str, Any]:
    regions = make_region_tree()
    county = regions["county_a1"]
    return {
        **regions,
        "teller": make_staff("teller", region=county, posts=["general_teller"]),
        "teller2": make_staff("teller2", region=county, posts=["general_teller"]),
        "far_teller": make_staff("far_teller", region=regions["county_b1"], posts=["general_teller"]),
        "leader": make_staff("leader", region=county, posts=["section_leader"]),
        "auditor": make_staff("auditor", region=county, posts=["auditor"]),
    }


def general(world: dict[str, Any], number: str, **kw: Any) -> Any:
    kw.setdefault("status", CaseStatus.COMPLETED)
    return make_case(
        region=world["county_a1"], acceptor=world["teller"], code="SB-G-001", number=number, **kw
    )


def test_draw_is_deterministic_and_uses_the_default_share(world: dict[str, Any]) -> None:
    assert cross_review_share(world["county_a1"]) == 10
    drawn = general(world, numbers(below=10)[0])
    kept = general(world, numbers(at_least=10)[0])
    review = cross_review_maybe_draw(case=drawn)
    assert review is not None and review.status == CrossReviewStatus.PENDING
    assert cross_review_maybe_draw(case=drawn) == review
    assert cross_review_maybe_draw(case=kept) is None
    assert cross_review_maybe_draw(case=kept) is None
    assert CrossReview.objects.count() == 1
    assert AuditEvent.objects.filter(action="cases.cross_review_drawn").count() == 1


def test_share_from_the_nearest_region_with_a_policy(world: dict[str, Any]) -> None:
    CrossReviewPolicy.objects.create(region=world["province"], share_percent=0)
    for number in numbers(count=20):
        assert cross_review_maybe_draw(case=general(world, number)) is None
    CrossReviewPolicy.objects.create(region=world["city_a"], share_percent=100)
    assert cross_review_share(world["town_a1"]) == 100
    assert cross_review_share(world["county_b1"]) == 0
    for number in numbers(at_least=90, count=5, prefix="S"):
        assert cross_review_maybe_draw(case=general(world, number)) is not None


def test_only_completed_general_cases_are_drawn(world: dict[str, Any]) -> None:
    CrossReviewPolicy.objects.create(region=world["province"], share_percent=100)
    open_case = general(world, "R-OPEN", status=CaseStatus.ACCEPTED)
    special = make_case(
        region=world["county_a1"], acceptor=world["teller"], number="R-SPECIAL", status=CaseStatus.COMPLETED
    )
    assert cross_review_maybe_draw(case=open_case) is None
    assert cross_review_maybe_draw(case=special) is None


def drawn_review(world: dict[str, Any]) -> CrossReview:
    CrossReviewPolicy.objects.create(region=world["province"], share_percent=100)
    review = cross_review_maybe_draw(case=general(world, "R-1"))
    assert review is not None
    return review


def test_the_acceptor_may_not_cross_review(world: dict[str, Any]) -> None:
    review = drawn_review(world)
    assert list(cross_review_queue(user=world["teller"])) == []
    assert list(cross_review_queue(user=world["teller2"])) == [review]
    assert list(cross_review_queue(user=world["far_teller"])) == []
    for who in ("teller", "far_teller", "auditor"):
        with pytest.raises(PermissionDeniedError):
            cross_review_record(review=review, by=world[who], ok=True)
    review.refresh_from_db()
    assert review.status == CrossReviewStatus.PENDING
    assert AuditEvent.objects.filter(action="cases.refused").count() == 3


def test_confirmed(world: dict[str, Any]) -> None:
    review = cross_review_record(review=drawn_review(world), by=world["teller2"], ok=True)
    assert review.status == CrossReviewStatus.CONFIRMED and review.reviewer == world["teller2"]
    assert not Notification.objects.exists()
    with pytest.raises(ApplicationError):
        cross_review_record(review=review, by=world["teller2"], ok=False, finding="再看一次")


def test_error_found_notifies_the_acceptor_and_the_leader(world: dict[str, Any]) -> None:
    review = drawn_review(world)
    with pytest.raises(ApplicationError):
        cross_review_record(review=review, by=world["teller2"], ok=False)
    review = cross_review_record(review=review, by=world["teller2"], ok=False, finding="参保日期录入错误")
    assert review.status == CrossReviewStatus.ERROR_FOUND
    assert review.correction is None
    notes = Notification.objects.filter(case=review.case)
    assert sorted(n.staff.username for n in notes if n.staff) == ["leader", "teller"]
    assert all("参保日期录入错误" in n.body for n in notes)
    assert AuditEvent.objects.filter(action="cases.cross_reviewed").count() == 1
