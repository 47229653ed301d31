"""The steps of a special item: review, sign-off, return and supplement, reject; the effect only at the end."""

from __future__ import annotations

import pytest

from shebao.cases.models import ActionKind, CaseStatus, ClockPeriod, Notification
from shebao.cases.selectors import case_for_user, review_queue
from shebao.cases.services import case_approve_step, case_reject, case_return, case_supplement
from shebao.cases.tests import factories as f
from shebao.core.errors import ApplicationError

pytestmark = pytest.mark.django_db


@pytest.fixture
def o():
    return f.office()


def test_reviewer_approves_leader_signs_off_effect_at_the_end(o):
    case = f.accept_special(o)
    assert review_queue(user=o["reviewer"]) == [case]
    assert review_queue(user=o["leader"]) == []  # not at the leader's step yet
    case = case_approve_step(case=case, by=o["reviewer"], version=case.version, comment="材料齐全")
    assert case.status == CaseStatus.IN_REVIEW and case.step_index == 2
    o["person"].refresh_from_db()
    assert o["person"].phone != "13911112222"
    assert review_queue(user=o["reviewer2"]) == [] and review_queue(user=o["leader"]) == [case]
    case = case_approve_step(case=case, by=o["leader"], version=case.version)
    assert case.status == CaseStatus.COMPLETED
    o["person"].refresh_from_db()
    assert o["person"].phone == "13911112222"
    assert list(case.actions.exclude(kind=ActionKind.DELIVER).values_list("kind", "post_code")) == [
        (ActionKind.ACCEPT, "special_teller"),
        (ActionKind.APPROVE_STEP, "reviewer"),
        (ActionKind.APPROVE_STEP, "section_leader"),
        (ActionKind.COMPLETE, ""),
    ]
    assert case_for_user(user=o["leader"], number=case.number) == case


def test_stale_version_refused(o):
    case = f.accept_special(o)
    stale = case.version
    case_approve_step(case=case, by=o["reviewer"], version=stale)
    with pytest.raises(ApplicationError) as err:
        case_approve_step(case=case, by=o["leader"], version=stale)
    assert err.value.code == "stale" and err.value.status == 409
    case.refresh_from_db()
    assert case.step_index == 2 and case.version == stale + 1


def test_return_stops_the_clock_supplement_restarts_it_then_approve(o):
    case = f.accept_special(o)
    case = case_return(
        case=case, by=o["reviewer"], version=case.version, missing=["解除劳动合同证明"], comment="原件"
    )
    assert case.status == CaseStatus.RETURNED and case.deadline is None
    assert not ClockPeriod.objects.filter(case=case, end__isnull=True).exists()
    told = Notification.objects.filter(case=case).first()
    assert told is not None and "解除劳动合同证明" in told.body
    assert review_queue(user=o["reviewer2"]) == []
    with pytest.raises(ApplicationError):
        case_approve_step(case=case, by=o["reviewer2"], version=case.version)
    case = case_supplement(case=case, by=o["special_teller"], received=[1], comment="原件已核")
    assert case.status == CaseStatus.IN_REVIEW and case.deadline is not None
    assert ClockPeriod.objects.filter(case=case, end__isnull=True).count() == 1
    # the reviewer who returned it did not perform the step: may approve now
    case = case_approve_step(case=case, by=o["reviewer"], version=case.version)
    case = case_approve_step(case=case, by=o["leader"], version=case.version)
    assert case.status == CaseStatus.COMPLETED


def test_reject_with_a_reason_ends_the_case(o):
    case = f.accept_special(o)
    with pytest.raises(ApplicationError):
        case_reject(case=case, by=o["reviewer"], version=case.version, reason=" ")
    case = case_reject(case=case, by=o["reviewer"], version=case.version, reason="不符合条件")
    assert case.status == CaseStatus.REJECTED and case.result == "不符合条件"
    assert Notification.objects.filter(case=case, body__contains="不符合条件").exists()
    with pytest.raises(ApplicationError) as err:
        case_approve_step(case=case, by=o["leader"], version=case.version)
    assert err.value.status == 409
    o["person"].refresh_from_db()
    assert o["person"].phone != "13911112222"
