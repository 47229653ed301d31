"""受理条件: a pension claim for a person recorded as deceased is refused, with the reason, at the desk
(service and page), online (service and portal page), through the phone API, and again at the final
approval when the death was recorded after acceptance. Every refusal is audited as `cases.refused`
with the reason `condition`, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shebao.cases.models import Case, CaseStatus
from shebao.cases.services import case_accept, case_approve_step, online_submit
from shebao.cases.services.online import online_accept
from shebao.cases.tests import factories as cf
from shebao.catalogue.tests.factories import item_data, make_published_edition, special_item_data
from shebao.core.errors import ApplicationError
from shebao.registry import services as registry

pytestmark = pytest.mark.django_db

PENSION = "SB-T-301"  # 职工基本养老保险待遇申领: special, fund payout, counter and online
CERTIFICATION = "SB-T-312"  # 社会保险待遇领取资格认证: low-risk general, also at bank outlets
DIED_ON = dt.date(2025, 3, 1)


def pension_item() -> dict[str, Any]:
    return special_item_data(
        code=PENSION,
        order=3,
        name_zh="职工基本养老保险待遇申领",
        name_en="Basic pension claim",
        zone="pension",
        insurance_types=["employee_pension"],
        channels=["counter", "online", "mobile"],
        conditions=[{"code": "person", "params": {}}, {"code": "alive", "params": {}}],
    )


def certification_item() -> dict[str, Any]:
    posts = ["general_teller", "bank_agent"]
    return item_data(
        code=CERTIFICATION,
        order=4,
        name_zh="社会保险待遇领取资格认证",
        name_en="Benefit entitlement certification",
        zone="pension",
        channels=["counter", "bank"],
        conditions=[{"code": "person", "params": {}}, {"code": "alive", "params": {}}],
        steps=[
            {"kind": "accept", "name_zh": "受理", "name_en": "Accept", "posts": posts},
            {"kind": "complete", "name_zh": "办结", "name_en": "Complete", "posts": posts},
        ],
    )


@pytest.fixture
def o() -> dict[str, Any]:
    o = cf.office()
    make_published_edition([cf.general_item(), cf.special_item(), pension_item(), certification_item()])
    return o


def record_death(o: dict[str, Any], on: dt.date = DIED_ON) -> None:
    registry.person_set_status(person=o["person"], status="deceased", on=on, by=o["leader"])


def accept_pension(o: dict[str, Any]) -> Case:
    return case_accept(
        teller=o["special_teller"], item=cf.item(PENSION), person=o["person"], data={}, received=[0, 1]
    )


def condition_refusals() -> list[dict[str, Any]]:
    """The `cases.refused` events of failed acceptance conditions, oldest first."""
    return [r for r in cf.refusals() if r["reason"] == "condition"]


# --- at the desk -------------------------------------------------------------------------------------


def test_desk_accepts_the_claim_of_a_living_person(o: dict[str, Any]) -> None:
    case = accept_pension(o)
    assert case.status == CaseStatus.ACCEPTED
    assert not condition_refusals()


def test_desk_refuses_the_claim_of_a_deceased_person_with_the_reason(o: dict[str, Any]) -> None:
    record_death(o)
    with pytest.raises(ApplicationError) as err:
        accept_pension(o)
    assert err.value.code == "condition" and err.value.status == 422
    assert "王芳" in str(err.value.message) and "2025-03-01" in str(err.value.message)
    assert not Case.objects.filter(item_code=PENSION).exists()
    [refused] = condition_refusals()
    assert refused["move"] == "accept" and refused["item_code"] == PENSION
    assert "2025-03-01" in refused["message"]


def test_desk_page_shows_the_failed_condition_before_accept_and_refuses_accept(o: dict[str, Any]) -> None:
    record_death(o)
    client = Client()
    client.force_login(o["special_teller"])
    chosen = client.post(
        reverse("cases:desk"), {"person": o["person"].pk, "action": "choose", "item": PENSION}
    )
    page = chosen.content.decode()
    assert chosen.status_code == 200
    assert "申请人须在世" in page and "已登记死亡" in page and "2025-03-01" in page
    accepted = client.post(
        reverse("cases:desk"),
        {
            "person": o["person"].pk,
            "action": "accept",
            "item": PENSION,
            "received": ["0", "1"],
            "delivery": "pickup",
        },
    )
    assert accepted.status_code == 400  # the desk shows every refusal of the form with its message
    assert "已登记死亡" in accepted.content.decode()
    assert not Case.objects.filter(item_code=PENSION).exists()
    assert len(condition_refusals()) == 1


def test_bank_outlet_refuses_a_deceased_person_through_the_same_intake(o: dict[str, Any]) -> None:
    from shebao.core.permissions import PostCode
    from shebao.counter.models import Outlet, OutletKind, Window, WindowKind

    outlet = Outlet.objects.create(
        code="bank-a1",
        name_zh="示范农商银行甲一支行",
        kind=OutletKind.BANK,
        region=o["county"],
        address="人民路8号",
    )
    window = Window.objects.create(outlet=outlet, number="1", kind=WindowKind.BANK, zones=["pension"])
    agent = cf.teller_at("bank-agent", window=window, posts=[PostCode.BANK_AGENT])
    record_death(o)
    with pytest.raises(ApplicationError) as err:
        case_accept(
            teller=agent,
            item=cf.item(CERTIFICATION),
            person=o["person"],
            data={},
            received=[0],
            channel="bank",
        )
    assert err.value.code == "condition" and "已登记死亡" in str(err.value.message)
    assert not Case.objects.filter(item_code=CERTIFICATION).exists()
    [refused] = condition_refusals()
    assert refused["channel"] == "bank" and refused["move"] == "accept"


# --- at the final approval ---------------------------------------------------------------------------


def test_final_approval_refused_when_the_death_was_recorded_after_acceptance(o: dict[str, Any]) -> None:
    case = accept_pension(o)
    case = case_approve_step(case=case, by=o["reviewer"], version=case.version)
    record_death(o, on=timezone.localdate())
    with pytest.raises(ApplicationError) as err:
        case_approve_step(case=case, by=o["leader"], version=case.version)
    assert err.value.code == "condition" and "已登记死亡" in str(err.value.message)
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW and case.completed_at is None  # nothing half-written
    [refused] = condition_refusals()
    assert refused["move"] == "approve_step" and refused["item_code"] == PENSION
    assert case.actions.filter(kind="refused").count() == 1


# --- online: the portal service and page, the phone API ---------------------------------------------


@pytest.fixture
def account(o: dict[str, Any]) -> Any:
    from shebao.api.tests.test_portal_api_world import open_person_account

    return open_person_account(o["person"])


def test_online_submission_refused_for_a_deceased_person(o: dict[str, Any], account: Any) -> None:
    record_death(o)
    with pytest.raises(ApplicationError) as err:
        online_submit(user=account.user, item=cf.item(PENSION), data={}, person=o["person"])
    assert err.value.code == "condition" and "已登记死亡" in str(err.value.message)
    assert not Case.objects.filter(item_code=PENSION).exists()
    [refused] = condition_refusals()
    assert refused["move"] == "submit" and refused["channel"] == "online"


def test_pre_review_refuses_an_online_claim_once_the_death_is_recorded(
    o: dict[str, Any], account: Any
) -> None:
    case = online_submit(user=account.user, item=cf.item(PENSION), data={}, person=o["person"])
    record_death(o, on=timezone.localdate())
    with pytest.raises(ApplicationError) as err:
        online_accept(case=case, by=o["special_teller"], version=case.version, received=[0, 1])
    assert err.value.code == "condition"
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED and case.accepted_by is None
    assert [r["move"] for r in condition_refusals()] == ["accept_online"]


def test_portal_page_shows_the_reason_and_refuses(o: dict[str, Any], account: Any) -> None:
    record_death(o)
    client = Client()
    client.force_login(account.user)
    url = reverse("portal:apply", args=[PENSION])
    page = client.get(url).content.decode()
    assert "申请人须在世" in page and "已登记死亡" in page
    sent = client.post(url, {"send": "1"})  # a bound form (the item asks for no data)
    assert sent.status_code == 422, sent.content.decode()[-3000:]
    assert "已登记死亡" in sent.content.decode()
    assert not Case.objects.filter(item_code=PENSION).exists()


def test_phone_api_refuses_with_the_reason_in_the_users_language(o: dict[str, Any], account: Any) -> None:
    from shebao.api.tests.test_portal_api_world import auth, token_for

    record_death(o)
    client = Client()
    key = token_for(client, o["person"].id_number)
    response = client.post(
        "/api/v1/applications/",
        {"item_code": PENSION, "data": "{}"},
        headers={**auth(key), "Accept-Language": "en"},
    )
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == "condition"
    assert "recorded as deceased (2025-03-01)" in error["message"]
    assert not Case.objects.filter(item_code=PENSION).exists()
    assert len(condition_refusals()) == 1


def test_an_employer_agent_is_refused_a_person_only_item(o: dict[str, Any]) -> None:
    teller = o["special_teller"]
    with pytest.raises(ApplicationError) as err:
        case_accept(teller=teller, item=cf.item(PENSION), employer=o["employer"], data={}, received=[0, 1])
    assert err.value.code == "condition" and "个人" in str(err.value.message)
    assert not Case.objects.filter(item_code=PENSION).exists()
