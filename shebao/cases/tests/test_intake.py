"""Acceptance at the window: a general item completes at once; materials, notices, posts, windows."""

from __future__ import annotations

import re

import pytest

from shebao.audit.models import AuditEvent
from shebao.cases.models import ActionKind, Case, CaseStatus, ClockPeriod, Delivery, OneTimeNotice
from shebao.cases.services import case_accept, materials_check, notice_issue
from shebao.cases.tests import factories as f
from shebao.core.errors import ApplicationError
from shebao.core.permissions import PostCode
from shebao.core.tests.factories import make_staff
from shebao.counter.services import window_sign_in
from shebao.registry.models import Enrolment

pytestmark = pytest.mark.django_db


@pytest.fixture
def o():
    return f.office()


def test_general_item_completes_at_once_and_the_effect_runs(o):
    case = f.accept_general(o)
    assert re.fullmatch(r"SB\d{8}\d{5}", case.number)  # prefix of the day + a 5-digit sequence
    assert case.status == CaseStatus.COMPLETED and case.completed_at is not None
    assert case.item.edition.status == "published" and case.item_code == f.GENERAL
    assert case.region == o["county"] and case.window == o["windows"]["4"]
    assert case.delivery == Delivery.PICKUP
    assert case.deadline is not None  # the receipt shows it (an instant item: the day of acceptance)
    assert [m["name_zh"] for m in case.materials] == ["居民身份证", "劳动合同"]
    assert Enrolment.objects.filter(person=o["person"], employer=o["employer"], case_ref=case.number).exists()
    assert case.effect_result["effect"] == "registry.staff_increase"
    assert len(case.effect_result["pks"]) == 5 and "<Enrolment" not in case.result  # readable, no reprs
    assert "5 条记录（参保登记）" in case.result
    kinds = list(case.actions.values_list("kind", "post_code"))
    assert kinds[0] == (ActionKind.ACCEPT, PostCode.GENERAL_TELLER) and (ActionKind.COMPLETE, "") in kinds
    # completed before the clock's first counted day (the next working day): no period ending before it starts
    assert not ClockPeriod.objects.filter(case=case).exists()
    actions = set(AuditEvent.objects.filter(subject_id=str(case.pk)).values_list("action", flat=True))
    assert {"cases.accept", "cases.complete"} <= actions
    other = f.rf.person(at=o["county"])
    second = f.accept_general(o, person=other)
    assert second.number[:-5] == case.number[:-5] and int(second.number[-5:]) == int(case.number[-5:]) + 1


def test_a_failing_effect_rolls_the_whole_acceptance_back(o):
    before = (Case.objects.count(), AuditEvent.objects.count(), Enrolment.objects.count())
    with pytest.raises(ApplicationError) as err:
        f.accept_general(o, data={"credit_code": o["employer"].credit_code, "start_date": "not a date"})
    assert err.value.message
    assert (Case.objects.count(), AuditEvent.objects.count(), Enrolment.objects.count()) == before


def test_missing_materials_refused_and_the_notice_lists_all_once(o):
    item = f.item(f.GENERAL)
    assert materials_check(item=item, received=[2]) == ["居民身份证", "劳动合同"]
    with pytest.raises(ApplicationError) as err:
        f.accept_general(o, received=[0])
    assert err.value.code == "materials_missing" and err.value.details == ["劳动合同"]
    teller = o["general_teller"]
    notice = notice_issue(teller=teller, item=item, person=o["person"], applicant_name="", received=[])
    assert notice.missing == ["居民身份证", "劳动合同"] and notice.applicant_name == "王芳"
    assert notice.outlet == o["outlet"] and notice.number.startswith("GZ")
    assert AuditEvent.objects.filter(action="cases.notice_issue", subject_id=str(notice.pk)).exists()
    with pytest.raises(ApplicationError) as again:
        notice_issue(teller=teller, item=item, person=o["person"], applicant_name="王芳", received=[1])
    assert again.value.code == "notice_already_issued" and notice.number in str(again.value.message)
    assert OneTimeNotice.objects.count() == 1
    with pytest.raises(ApplicationError) as nothing:
        notice_issue(teller=teller, item=item, employer=o["employer"], applicant_name="x", received=[0, 1])
    assert nothing.value.code == "nothing_missing"
    case = f.accept_general(o)  # the person came back with everything
    notice.refresh_from_db()
    assert notice.case == case


def test_unqualified_teller_refused_and_audited(o):
    teller = make_staff("new", region=o["county"], posts=[PostCode.GENERAL_TELLER])
    window_sign_in(teller=teller, window=o["windows"]["1"])
    with pytest.raises(ApplicationError) as err:
        f.accept_general(o, teller=teller)
    assert err.value.status == 403 and err.value.code == "not_qualified"
    [event] = f.refusals()
    assert event["actor_id"] == teller.pk and event["reason"] == "not_qualified"
    assert not Case.objects.exists()


def test_general_window_refuses_a_special_item(o):
    f.qualify(o["general_teller"], item_code=f.SPECIAL)
    with pytest.raises(ApplicationError) as err:
        f.accept_special(o, teller=o["general_teller"])
    assert err.value.status == 403  # a general teller has no special post
    special_at_general = f.teller_at("st2", window=o["windows"]["1"], posts=[PostCode.SPECIAL_TELLER])
    with pytest.raises(ApplicationError) as err:
        f.accept_special(o, teller=special_at_general)
    assert err.value.code == "general_window"
    assert AuditEvent.objects.filter(action="cases.refused").count() == 2


def test_window_must_serve_the_zone_and_a_teller_needs_a_window(o):
    medical = f.teller_at(
        "gm", window=o["windows"]["2"], posts=[PostCode.GENERAL_TELLER], zones=["enrolment"]
    )
    with pytest.raises(ApplicationError) as err:
        f.accept_general(o, teller=medical)
    assert err.value.code == "zone"
    away = make_staff("away", region=o["county"], posts=[PostCode.GENERAL_TELLER])
    with pytest.raises(ApplicationError) as err:
        f.accept_general(o, teller=away)
    assert err.value.code == "no_window"


def test_bank_channel_needs_the_bank_post_and_a_bank_item(o):
    agent = make_staff("bank", region=o["county"], posts=[PostCode.BANK_AGENT])
    f.qualify(agent, zone="enrolment")
    with pytest.raises(ApplicationError) as err:
        f.accept_general(o, teller=agent, channel="bank")  # the general item has no bank channel
    assert err.value.code == "channel"
    with pytest.raises(ApplicationError) as err:
        f.accept_general(o, channel="bank")  # a general teller holds no bank post
    assert err.value.code == "post"
    assert AuditEvent.objects.filter(action="cases.refused").count() == 2


def test_a_new_person_is_registered_by_the_case(o):
    from shebao.registry.models import Person
    from shebao.registry.tests.factories import make_id_number, person_data

    register = f.item_data(code="SB-G-102", name_zh="个人参保登记", effect_code="registry.person_register")
    f.edition([register])
    number = make_id_number()
    case = case_accept(
        teller=o["general_teller"],
        item=f.item("SB-G-102"),
        data=person_data(id_number=number, name="李娜"),
        received=[0],
    )
    assert case.status == CaseStatus.COMPLETED and case.region == o["county"]
    assert Person.objects.get(id_number=number).name == "李娜"
    with pytest.raises(ApplicationError) as err:
        case_accept(teller=o["general_teller"], item=f.item(f.GENERAL), data={}, received=[0, 1])
    assert err.value.code == "no_applicant"


def test_special_item_is_accepted_and_waits_for_review(o):
    case = f.accept_special(o)
    assert case.status == CaseStatus.ACCEPTED and case.step_index == 1
    assert case.deadline is not None and case.data["id_number"] == o["person"].id_number
    o["person"].refresh_from_db()
    assert o["person"].phone != "13911112222"  # the effect waits for the final approval
