"""A supplement answers what was asked (补正): a return names the item's materials, stored on the case,
and a supplement without all of them is refused, audited, with the list of what is still missing —
at the window, online before acceptance, and online after acceptance (issue 10)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from shebao.audit.models import AuditEvent
from shebao.cases.models import ActionKind, Case, CaseStatus, ClockPeriod
from shebao.cases.services import case_return, case_supplement
from shebao.cases.services.online import online_accept, online_return, online_supplement
from shebao.cases.tests import factories as cf
from shebao.cases.tests.test_online import (
    ONLINE_GENERAL,
    ONLINE_SPECIAL,
    online_office,
    pdf,
    submit,
    upload_root,
)
from shebao.core.errors import ApplicationError

__all__ = ["upload_root"]  # the fixture, shared with test_online

pytestmark = pytest.mark.django_db


@pytest.fixture
def o() -> dict[str, Any]:
    return cf.office()


def _returned(o: dict[str, Any]) -> Case:
    case = cf.accept_special(o)
    return case_return(case=case, by=o["reviewer"], version=case.version, missing=[1], comment="盖章不清")


def _refusal_reasons(case: Case) -> list[str]:
    return [r["reason"] for r in cf.refusals() if r["subject_id"] == str(case.pk)]


def _payload(action: str) -> dict[str, Any]:
    return json.loads(AuditEvent.objects.get(action=action).payload)


def test_a_return_stores_the_materials_it_names(o: dict[str, Any]) -> None:
    case = _returned(o)
    assert case.requested_materials == ["解除劳动合同证明"]
    returned = case.actions.get(kind=ActionKind.RETURN)
    assert "解除劳动合同证明" in returned.comment and "盖章不清" in returned.comment
    assert _payload("cases.return")["missing"] == ["解除劳动合同证明"]


def test_a_return_must_name_materials_of_the_item(o: dict[str, Any]) -> None:
    case = cf.accept_special(o)
    with pytest.raises(ApplicationError) as err:
        case_return(case=case, by=o["reviewer"], version=case.version, missing=[], comment="材料不全")
    assert err.value.code == "missing_required"
    with pytest.raises(ApplicationError) as err:
        case_return(case=case, by=o["reviewer"], version=case.version, missing=["户口簿"], comment="")
    assert err.value.code == "unknown_material" and "户口簿" in err.value.message
    case.refresh_from_db()
    assert case.status != CaseStatus.RETURNED and case.requested_materials == []


def test_window_supplement_without_the_asked_material_is_refused_and_audited(o: dict[str, Any]) -> None:
    case = _returned(o)
    with pytest.raises(ApplicationError) as err:
        case_supplement(case=case, by=o["special_teller"], received=[0], comment="只带了身份证")
    assert err.value.code == "supplement_incomplete" and err.value.status == 400
    assert "解除劳动合同证明" in err.value.message
    assert _refusal_reasons(case) == ["supplement_incomplete"]
    case.refresh_from_db()
    assert case.status == CaseStatus.RETURNED and case.deadline is None  # not silently taken
    assert not ClockPeriod.objects.filter(case=case, end__isnull=True).exists()
    assert not case.actions.filter(kind=ActionKind.SUPPLEMENT).exists()

    case = case_supplement(case=case, by=o["special_teller"], received=[1], comment="")
    assert case.status == CaseStatus.IN_REVIEW and case.requested_materials == []
    assert ClockPeriod.objects.filter(case=case, end__isnull=True).count() == 1  # the clock restarts
    event = _payload("cases.supplement")
    assert event["asked"] == ["解除劳动合同证明"] and event["received"] == ["解除劳动合同证明"]


def test_window_page_shows_what_is_still_missing(o: dict[str, Any]) -> None:
    case = _returned(o)
    client = Client()
    client.force_login(o["special_teller"])
    page = client.get(reverse("cases:case", args=[case.number])).content.decode()
    assert "退回时要求补正" in page and 'value="1" checked' in page  # the asked material pre-ticked
    response = client.post(
        reverse("cases:act", args=[case.number]), {"action": "supplement", "received": ["0"]}
    )
    assert response.status_code == 400
    assert "仍缺少：解除劳动合同证明" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.RETURNED


def test_review_page_return_form_offers_the_items_materials(o: dict[str, Any]) -> None:
    case = cf.accept_special(o)
    client = Client()
    client.force_login(o["reviewer"])
    response = client.post(
        reverse("cases:act", args=[case.number]),
        {
            "action": "return",
            "r-version": case.version,
            "r-missing": ["解除劳动合同证明"],
            "r-comment": "盖章",
        },
    )
    assert response.status_code == 302, response.content.decode()[-1500:]
    case.refresh_from_db()
    assert case.status == CaseStatus.RETURNED and case.requested_materials == ["解除劳动合同证明"]


def test_online_supplement_before_acceptance_needs_the_asked_upload(upload_root: Path) -> None:
    w = online_office()
    case = submit(w, ONLINE_GENERAL, uploads={0: [pdf("身份证.pdf")]})
    case = online_return(
        case=case, by=w["online_teller"], version=case.version, missing=[1], comment="请上传"
    )
    assert case.requested_materials == ["变更证明"]
    with pytest.raises(ApplicationError) as err:
        online_supplement(case=case, account=w["account"], uploads={0: [pdf("身份证2.pdf")]}, comment="补")
    assert err.value.code == "supplement_incomplete" and "变更证明" in err.value.message
    with pytest.raises(ApplicationError) as err:
        online_supplement(case=case, account=w["account"], comment="已经交过了")  # a note alone
    assert err.value.code == "supplement_incomplete"
    assert _refusal_reasons(case) == ["supplement_incomplete", "supplement_incomplete"]
    case.refresh_from_db()
    assert case.status == CaseStatus.RETURNED and case.uploads.count() == 1  # nothing stored

    case = online_supplement(case=case, account=w["account"], uploads={1: [pdf()]})
    assert case.status == CaseStatus.SUBMITTED and case.requested_materials == []


def test_online_supplement_after_acceptance_needs_the_asked_upload(upload_root: Path) -> None:
    w = online_office()
    case = submit(w, ONLINE_SPECIAL)
    case = online_accept(case=case, by=w["online_special"], version=case.version, received=[0, 1])
    case = case_return(case=case, by=w["reviewer"], version=case.version, missing=[1], comment="不清晰")
    with pytest.raises(ApplicationError) as err:
        online_supplement(case=case, account=w["account"], uploads={0: [pdf()]})
    assert err.value.code == "supplement_incomplete"
    case.refresh_from_db()
    assert case.status == CaseStatus.RETURNED
    case = online_supplement(case=case, account=w["account"], uploads={1: [pdf()]})
    assert case.status == CaseStatus.IN_REVIEW


def test_portal_page_names_what_is_still_missing(upload_root: Path) -> None:
    w = online_office()
    case = submit(w, ONLINE_GENERAL, uploads={0: [pdf("身份证.pdf")]})
    case = online_return(case=case, by=w["online_teller"], version=case.version, missing=["变更证明"])
    client = Client()
    client.force_login(w["account"].user)
    url = reverse("portal:case_supplement", args=[case.number])
    response = client.post(url, {"comment": "请查收"})
    assert response.status_code == 400
    assert "仍缺少：变更证明" in response.content.decode()
