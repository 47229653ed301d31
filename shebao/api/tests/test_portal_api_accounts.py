"""Opening a person's account and resetting its password through the API (`/api/v1/auth/…`)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from shebao.api.tests.test_portal_api_world import PASSWORD, _last_code, auth, token_for, world
from shebao.audit.models import AuditEvent
from shebao.portal.models import PhoneCode, PortalAccount
from shebao.portal.realname import demo_card_number
from shebao.registry.tests import factories as rf

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Another-pass-2026"  # noqa: S105 - test data


@pytest.fixture(autouse=True)
def _fresh_throttles() -> None:
    cache.clear()


@pytest.fixture
def w() -> dict[str, Any]:
    o = world()
    o["newcomer"] = rf.person(at=o["county"], name="孙八", id_number=rf.make_id_number(seq=21))
    return o


def _post(client: Client, url: str, body: dict[str, Any], **headers: str) -> Any:
    return client.post(url, body, content_type="application/json", headers=headers)


def _error_code(response: Any) -> str:
    return str(response.json()["error"]["code"])


def test_open_an_account_by_phone_code_and_card_then_use_the_token(w: dict[str, Any], client: Client) -> None:
    person = w["newcomer"]
    wrong_name = _post(
        client, "/api/v1/auth/codes/", {"purpose": "register", "id_number": person.id_number, "name": "孙九"}
    )
    unknown = _post(
        client,
        "/api/v1/auth/codes/",
        {"purpose": "register", "id_number": rf.make_id_number(seq=99), "name": "孙八"},
    )
    assert wrong_name.status_code == unknown.status_code == 400
    assert wrong_name.json() == unknown.json()  # which of the two was wrong is not told
    sent = _post(
        client, "/api/v1/auth/codes/", {"purpose": "register", "id_number": person.id_number, "name": "孙八"}
    )
    assert sent.status_code == 201, sent.content
    body = sent.json()
    assert (
        body["purpose"] == "register"
        and body["phone"] != person.phone
        and body["phone"][-4:] == person.phone[-4:]
    )
    assert [f["name"] for f in body["evidence_fields"]] == ["card_number"]
    code = _last_code(person)
    assert code not in sent.content.decode()  # the code goes only to the phone on record
    opening = {"code_id": body["code_id"], "code": code, "password": PASSWORD, "label": "my phone"}
    wrong_code = dict(
        opening, code=f"{(int(code) + 1) % 10**6:06d}", evidence={"card_number": demo_card_number(person)}
    )
    assert _error_code(_post(client, "/api/v1/auth/account/", wrong_code)) == "code_wrong"
    no_card = _post(client, "/api/v1/auth/account/", dict(opening, evidence={"card_number": "DE0000000000"}))
    assert _error_code(no_card) == "realname_failed"
    assert not PortalAccount.objects.filter(person=person).exists()
    stale = {"Authorization": "Token not-a-real-token"}  # a stale token of the app is ignored here
    opened = _post(
        client,
        "/api/v1/auth/account/",
        dict(opening, evidence={"card_number": demo_card_number(person)}),
        **stale,
    )
    assert opened.status_code == 201, opened.content
    token = opened.json()["token"]
    assert opened.json()["account_kind"] == "person"
    assert PortalAccount.objects.get(person=person).realname_method == "demo_card"
    opened_events = AuditEvent.objects.filter(
        action="portal.account_opened", subject_type="portal.portalaccount"
    )
    assert opened_events.filter(subject_id=str(PortalAccount.objects.get(person=person).pk)).count() == 1
    me = client.get("/api/v1/me/", headers=auth(token))
    assert me.status_code == 200 and me.json()["name"] == "孙八"
    again = _post(
        client, "/api/v1/auth/account/", dict(opening, evidence={"card_number": demo_card_number(person)})
    )
    assert _error_code(again) == "code_unknown"  # a code opens one account once
    second = _post(
        client, "/api/v1/auth/codes/", {"purpose": "register", "id_number": person.id_number, "name": "孙八"}
    )
    assert second.status_code == 409 and _error_code(second) == "account_exists"
    assert token_for(client, person.id_number)  # and the password signs in


def test_reset_the_password_by_phone_code(w: dict[str, Any], client: Client) -> None:
    person = w["person"]
    no_account = _post(
        client,
        "/api/v1/auth/codes/",
        {"purpose": "reset", "id_number": w["newcomer"].id_number, "name": "孙八"},
    )
    assert no_account.status_code == 404 and _error_code(no_account) == "no_account"
    sent = _post(
        client,
        "/api/v1/auth/codes/",
        {"purpose": "reset", "id_number": person.id_number, "name": person.name},
    )
    assert sent.status_code == 201 and sent.json()["evidence_fields"] == []
    body = {"code_id": sent.json()["code_id"], "code": _last_code(person), "password": NEW_PASSWORD}
    # A reset code does not open accounts, and a weak password is refused with the reasons.
    assert _error_code(_post(client, "/api/v1/auth/account/", body)) == "code_unknown"
    weak = _post(client, "/api/v1/auth/password/", dict(body, password="12345678"))
    assert (
        weak.status_code == 400 and _error_code(weak) == "password_weak" and weak.json()["error"]["details"]
    )
    reset = _post(client, "/api/v1/auth/password/", body)
    assert reset.status_code == 201, reset.content
    assert client.get("/api/v1/me/", headers=auth(reset.json()["token"])).status_code == 200
    old = _post(client, "/api/v1/auth/token/", {"id_number": person.id_number, "password": PASSWORD})
    assert old.status_code == 400
    assert token_for(client, person.id_number, password=NEW_PASSWORD)
    assert AuditEvent.objects.filter(action="portal.password_reset").count() == 1


def test_resend_replaces_the_code_and_is_limited(w: dict[str, Any], client: Client) -> None:
    person = w["newcomer"]
    sent = _post(
        client, "/api/v1/auth/codes/", {"purpose": "register", "id_number": person.id_number, "name": "孙八"}
    )
    first_id = sent.json()["code_id"]
    too_soon = client.post(f"/api/v1/auth/codes/{first_id}/resend/")
    assert too_soon.status_code == 429 and _error_code(too_soon) == "code_throttled"
    PhoneCode.objects.filter(pk=first_id).update(
        created_at=PhoneCode.objects.get(pk=first_id).created_at.replace(year=2000)
    )
    again = client.post(f"/api/v1/auth/codes/{first_id}/resend/")
    assert again.status_code == 201 and again.json()["code_id"] != first_id
    stale = {
        "code_id": first_id,
        "code": _last_code(person),
        "password": PASSWORD,
        "evidence": {"card_number": demo_card_number(person)},
    }
    assert _post(client, "/api/v1/auth/account/", stale).status_code == 400  # only the newest code counts


def test_code_requests_are_throttled_per_address(w: dict[str, Any], client: Client) -> None:
    statuses = [
        _post(
            client,
            "/api/v1/auth/codes/",
            {"purpose": "register", "id_number": rf.make_id_number(seq=50 + i), "name": "某"},
        ).status_code
        for i in range(11)
    ]
    assert statuses[:10] == [400] * 10 and statuses[10] == 429


# --- employers' agents -------------------------------------------------------------------------------


def _agent_code(employer: Any) -> str:
    from shebao.cases.models import Notification

    body = (
        Notification.objects.filter(channel="sms", person__isnull=True)
        .order_by("-id")
        .values_list("body", flat=True)
        .first()
    )
    assert body and employer.name in body
    found = re.search(r"(?<!\d)\d{6}(?!\d)", body)
    assert found, body
    return found.group(0)


def test_agent_opens_an_account_by_the_employers_phone(w: dict[str, Any], client: Client) -> None:
    employer, agent_id = rf.employer(at=w["county"], name="第三家有限公司"), rf.make_id_number(seq=31)
    start = {"credit_code": employer.credit_code, "id_number": agent_id, "name": "吴九"}
    sent = _post(client, "/api/v1/auth/agent-codes/", start)
    assert sent.status_code == 201, sent.content
    assert sent.json()["employer"] == employer.name and "*" in sent.json()["phone"]
    code = _agent_code(employer)
    assert code not in sent.content.decode()
    opening = {
        **start,
        "code_id": sent.json()["code_id"],
        "code": code,
        "password": PASSWORD,
        "label": "agent phone",
    }
    other = _post(client, "/api/v1/auth/agent-account/", dict(opening, credit_code=w["employer"].credit_code))
    assert (
        other.status_code == 400 and _error_code(other) == "code_expired"
    )  # the code is this employer's only
    opened = _post(client, "/api/v1/auth/agent-account/", opening)
    assert opened.status_code == 201, opened.content
    assert opened.json()["account_kind"] == "employer_agent"
    mine = client.get("/api/v1/employer/", headers=auth(opened.json()["token"]))
    assert mine.status_code == 200 and mine.json()["credit_code"] == employer.credit_code
    assert token_for(client, agent_id, credit_code=employer.credit_code)


def test_agent_sends_a_staff_file_as_one_case_and_bad_rows_send_nothing(
    w: dict[str, Any], client: Client
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from shebao.api.tests.test_portal_api_world import ONLINE_BULK
    from shebao.cases.models import Case, CaseStatus

    key = token_for(client, w["agent_id_number"], credit_code=w["employer"].credit_code)
    header = "action,id_number,name,date,insurance_types,phone,household_type,address\n"
    newcomer = rf.make_id_number(seq=41)
    good = f"{header}增员,{newcomer},郑新,2026-02-01,,13900000000,城镇,测试县人民路2号\n"
    bad = f"{header}跳槽,{rf.make_id_number(seq=42)},某人,2026-02-28,,,,\n增员,12345,某人,2026-02-01,,,,\n"
    url = "/api/v1/employer/staff-changes/file/"
    refused = client.post(url, {"file": SimpleUploadedFile("staff.csv", bad.encode())}, headers=auth(key))
    assert refused.status_code == 400 and _error_code(refused) == "bulk_invalid"
    assert len(refused.json()["error"]["details"]) >= 2  # every bad row, at once
    assert not Case.objects.filter(item_code=ONLINE_BULK).exists()
    sent = client.post(url, {"file": SimpleUploadedFile("staff.csv", good.encode())}, headers=auth(key))
    assert sent.status_code == 201, sent.content
    case = Case.objects.get(number=sent.json()["number"])
    assert case.item_code == ONLINE_BULK and case.status == CaseStatus.SUBMITTED
    assert case.employer == w["employer"] and len(case.data["rows"]) == 1
    person_key = token_for(client, w["person"].id_number)
    assert (
        client.post(
            url, {"file": SimpleUploadedFile("staff.csv", good.encode())}, headers=auth(person_key)
        ).status_code
        == 403
    )
