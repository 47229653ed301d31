"""The self-service API: tokens, the person's own data, appointments, ratings, employer agents, CSRF."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from shebao.api.tests.test_portal_api_world import PASSWORD, auth, token_for, world
from shebao.audit.models import AuditEvent
from shebao.core.permissions import PostCode
from shebao.core.tests.factories import make_staff
from shebao.counter.models import Appointment, AppointmentStatus
from shebao.evaluation.models import Rating
from shebao.portal.models import ApiToken

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttles() -> None:
    cache.clear()  # the sign-in throttle counts per client address across tests otherwise


@pytest.fixture
def w() -> dict[str, Any]:
    return world()


@pytest.fixture
def api(w: dict[str, Any]) -> Client:
    client = Client()
    client.defaults["HTTP_AUTHORIZATION"] = auth(token_for(client, w["person"].id_number))["Authorization"]
    return client


def _error(response: Any) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "details"}, body
    return dict(body["error"])


# --- tokens ------------------------------------------------------------------------------------------


def test_token_is_issued_hashed_and_authenticates(w: dict[str, Any], client: Client) -> None:
    key = token_for(client, w["person"].id_number)
    token = ApiToken.objects.get(account=w["account"])
    assert key not in token.key_hash and len(token.key_hash) == 64
    assert key.startswith(token.prefix) and token.label == "test phone"
    assert dt.timedelta(days=29) < token.expires_at - timezone.now() <= dt.timedelta(days=30)
    me = client.get("/api/v1/me/", headers=auth(key))
    assert me.status_code == 200
    body = me.json()
    assert body["kind"] == "person" and body["name"] == w["person"].name
    assert body["id_number"] != w["person"].id_number and "*" in body["id_number"]
    assert "*" in body["phone"]
    assert AuditEvent.objects.filter(action="portal.api_token_issued").count() == 1


def test_revoked_token_is_refused_with_401(w: dict[str, Any], client: Client) -> None:
    key = token_for(client, w["person"].id_number)
    assert client.delete("/api/v1/auth/token/", headers=auth(key)).status_code == 204
    assert ApiToken.objects.get(account=w["account"]).revoked_at is not None
    response = client.get("/api/v1/me/", headers=auth(key))
    assert response.status_code == 401
    assert _error(response)["code"] == "authentication_failed"


def test_expired_token_is_refused_with_401(w: dict[str, Any], client: Client) -> None:
    key = token_for(client, w["person"].id_number)
    ApiToken.objects.filter(account=w["account"]).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get("/api/v1/me/", headers=auth(key)).status_code == 401


def test_no_token_is_401_in_the_error_shape(w: dict[str, Any], client: Client) -> None:
    response = client.get("/api/v1/me/cases/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")
    assert _error(response)["code"] == "not_authenticated"


def test_unknown_id_and_wrong_password_read_the_same(w: dict[str, Any], client: Client) -> None:
    wrong = client.post(
        "/api/v1/auth/token/",
        {"id_number": w["person"].id_number, "password": "nope-nope"},
        content_type="application/json",
    )
    unknown = client.post(
        "/api/v1/auth/token/",
        {"id_number": "110105194912310021", "password": PASSWORD},
        content_type="application/json",
    )
    assert wrong.status_code == unknown.status_code == 400
    assert _error(wrong) == _error(unknown)
    assert _error(wrong)["code"] == "sign_in_failed"


def test_lockout_after_five_failures(w: dict[str, Any], client: Client) -> None:
    body = {"id_number": w["person"].id_number, "password": "wrong-password"}
    for _i in range(5):
        client.post("/api/v1/auth/token/", body, content_type="application/json")
    cache.clear()  # only the per-account lockout, not the per-address throttle
    right = {"id_number": w["person"].id_number, "password": PASSWORD}
    response = client.post("/api/v1/auth/token/", right, content_type="application/json")
    assert response.status_code == 429
    assert _error(response)["code"] == "locked_out"
    assert response["Content-Type"].startswith("application/json")
    assert not ApiToken.objects.filter(account=w["account"]).exists()


def test_sign_in_is_throttled_per_address(w: dict[str, Any], client: Client) -> None:
    # Different (unknown) ID numbers each time, so no single account reaches the axes lockout.
    responses = [
        client.post(
            "/api/v1/auth/token/",
            {"id_number": f"11010519491231{i:04d}", "password": "x"},
            content_type="application/json",
        )
        for i in range(11)
    ]
    assert [r.status_code for r in responses[:10]] == [400] * 10
    assert responses[10].status_code == 429
    assert _error(responses[10])["code"] == "throttled"


def test_staff_cannot_get_a_token(w: dict[str, Any], client: Client) -> None:
    # Even a staff user wrongly given a portal account is refused: staff use the staff desk.
    staff = make_staff("desk", region=w["county"], posts=[PostCode.GENERAL_TELLER])
    staff.set_password(PASSWORD)
    staff.save()
    account = w["account"]
    account.user = staff
    account.save()
    response = client.post(
        "/api/v1/auth/token/",
        {"id_number": w["person"].id_number, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert _error(response)["code"] == "sign_in_failed"
    assert not ApiToken.objects.exists()


def test_staff_session_is_refused_by_portal_endpoints(w: dict[str, Any], client: Client) -> None:
    staff = make_staff("desk2", region=w["county"], posts=[PostCode.GENERAL_TELLER])
    client.force_login(staff)
    response = client.get("/api/v1/me/")
    assert response.status_code == 403
    assert _error(response)["code"] == "permission_denied"


# --- the person's own data ---------------------------------------------------------------------------


def test_my_cases_paginated_and_audited(w: dict[str, Any], api: Client) -> None:
    before = AuditEvent.objects.filter(action="portal.query").count()
    response = api.get("/api/v1/me/cases/?limit=1")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 2 and len(body["results"]) == 1
    assert "offset=1" in body["next"]
    numbers = {c["number"] for c in api.get("/api/v1/me/cases/").json()["results"]}
    assert numbers == {w["done_case"].number, w["review_case"].number}
    assert w["other_case"].number not in numbers
    assert AuditEvent.objects.filter(action="portal.query").count() == before + 2


def test_case_progress(w: dict[str, Any], api: Client) -> None:
    response = api.get(f"/api/v1/me/cases/{w['review_case'].number}/")
    assert response.status_code == 200
    body = response.json()
    assert [s["state"] for s in body["steps"]][:2] == ["done", "current"]
    assert body["deadline"] and body["rateable"] is False
    done = api.get(f"/api/v1/me/cases/{w['done_case'].number}/").json()
    assert done["status"] == "completed" and done["rateable"] is True


def test_another_persons_case_is_404_like_a_missing_one(w: dict[str, Any], api: Client) -> None:
    other = api.get(f"/api/v1/me/cases/{w['other_case'].number}/")
    missing = api.get("/api/v1/me/cases/SB20990101999/")
    assert other.status_code == missing.status_code == 404
    assert _error(other)["code"] == _error(missing)["code"] == "not_found"
    rating = api.post(
        f"/api/v1/me/cases/{w['other_case'].number}/rating/", {"level": 5}, content_type="application/json"
    )
    assert rating.status_code == 404


def test_enrolments_and_employers(w: dict[str, Any], api: Client) -> None:
    enrolments = api.get("/api/v1/me/enrolments/").json()
    assert enrolments["count"] >= 1
    assert {e["employer"]["credit_code"] for e in enrolments["results"] if e["employer"]} == {
        w["employer"].credit_code
    }
    employers = api.get("/api/v1/me/employers/").json()
    assert [e["credit_code"] for e in employers] == [w["employer"].credit_code]
    assert employers[0]["current"] is True


def test_rate_a_finished_case_once(w: dict[str, Any], api: Client) -> None:
    url = f"/api/v1/me/cases/{w['done_case'].number}/rating/"
    response = api.post(url, {"level": 5, "comment": "很好"}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert Rating.objects.get(case=w["done_case"]).level.value == 5
    again = api.post(url, {"level": 1}, content_type="application/json")
    assert again.status_code == 409
    not_finished = api.post(
        f"/api/v1/me/cases/{w['review_case'].number}/rating/", {"level": 5}, content_type="application/json"
    )
    assert _error(not_finished)["code"] == "case_not_finished"


def test_messages_and_mark_read(w: dict[str, Any], api: Client) -> None:
    messages = api.get("/api/v1/me/messages/").json()
    assert messages["count"] >= 1
    first = messages["results"][0]
    response = api.post(f"/api/v1/me/messages/{first['id']}/read/")
    assert response.status_code == 200 and response.json()["read_at"]


def test_book_and_cancel_an_appointment(w: dict[str, Any], api: Client) -> None:
    slots = api.get(f"/api/v1/appointment-slots/?outlet={w['outlet'].code}&zone=enrolment").json()
    assert slots["count"] == len(w["slots"])
    slot = slots["results"][0]
    booked = api.post("/api/v1/me/appointments/", {"slot": slot["id"]}, content_type="application/json")
    assert booked.status_code == 201, booked.content
    appointment = Appointment.objects.get(pk=booked.json()["id"])
    assert appointment.person == w["person"]
    listed = api.get("/api/v1/me/appointments/").json()
    assert [a["code"] for a in listed["results"]] == [appointment.code]
    cancelled = api.delete(f"/api/v1/me/appointments/{appointment.pk}/")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == AppointmentStatus.CANCELLED


def test_another_persons_appointment_is_404(w: dict[str, Any], api: Client) -> None:
    other = Client()
    other_token = token_for(other, w["other_person"].id_number)
    booked = other.post(
        "/api/v1/me/appointments/",
        {"slot": w["slots"][0].pk},
        content_type="application/json",
        headers=auth(other_token),
    )
    assert booked.status_code == 201
    response = api.delete(f"/api/v1/me/appointments/{booked.json()['id']}/")
    assert response.status_code == 404
    assert _error(response)["code"] == "not_found"
    assert Appointment.objects.get(pk=booked.json()["id"]).status == AppointmentStatus.BOOKED


def test_slots_need_an_outlet(w: dict[str, Any], api: Client) -> None:
    assert _error(api.get("/api/v1/appointment-slots/"))["code"] == "outlet_required"
    assert api.get("/api/v1/appointment-slots/?outlet=nowhere").status_code == 404


def test_errors_follow_accept_language(w: dict[str, Any], api: Client) -> None:
    en = api.get("/api/v1/me/cases/SB20990101999/", HTTP_ACCEPT_LANGUAGE="en")
    zh = api.get("/api/v1/me/cases/SB20990101999/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "There is no case" in _error(en)["message"]
    assert _error(zh)["message"] != _error(en)["message"]


# --- employer agents ---------------------------------------------------------------------------------


def test_agent_is_bounded_to_own_employer(w: dict[str, Any], client: Client) -> None:
    key = token_for(client, w["agent_id_number"], credit_code=w["employer"].credit_code)
    employer = client.get("/api/v1/employer/", headers=auth(key)).json()
    assert employer["credit_code"] == w["employer"].credit_code
    staff = client.get("/api/v1/employer/staff/", headers=auth(key)).json()
    assert w["person"].pk in {s["person_id"] for s in staff["results"]}
    assert all("*" in s["id_number"] for s in staff["results"])
    cases = client.get("/api/v1/employer/cases/", headers=auth(key)).json()
    numbers = {c["number"] for c in cases["results"]}
    assert w["other_case"].number not in numbers
    # a person's endpoints are not an agent's
    assert client.get("/api/v1/me/cases/", headers=auth(key)).status_code == 403


def test_other_agent_sees_nothing_of_this_employer(w: dict[str, Any], client: Client) -> None:
    other = w["other_agent"]
    assert other.employer == w["other_employer"]
    # the person's cases are cases of the first employer's staff, not of the other employer
    key_response = client.post(
        "/api/v1/auth/token/",
        {
            "id_number": w["agent_id_number"],
            "credit_code": w["other_employer"].credit_code,
            "password": PASSWORD,
        },
        content_type="application/json",
    )
    assert key_response.status_code == 400  # the agent has no account at the other employer
    staff = w["agent"]
    assert staff.employer == w["employer"]


def test_person_token_cannot_use_employer_endpoints(w: dict[str, Any], api: Client) -> None:
    assert api.get("/api/v1/employer/staff/").status_code == 403


def test_agent_messages_are_the_employers_cases(w: dict[str, Any], client: Client) -> None:
    from shebao.cases.models import Case
    from shebao.cases.notify import notify

    key = token_for(client, w["agent_id_number"], credit_code=w["employer"].credit_code)
    other = w["other_person"]
    sent = client.post(
        "/api/v1/employer/staff-changes/",
        {"action": "increase", "id_number": other.id_number, "name": other.name, "date": "2026-11-01"},
        content_type="application/json",
        headers=auth(key),
    )
    case = Case.objects.get(number=sent.json()["number"])
    notify(subject="单位办件消息", body="请补正", case=case)
    notify(subject="个人消息", body="给个人的", case=w["done_case"], person=w["person"])
    listed = client.get("/api/v1/me/messages/", headers=auth(key)).json()["results"]
    subjects = [m["subject"] for m in listed]
    assert "单位办件消息" in subjects and "个人消息" not in subjects  # the employer's, never a person's
    mine = next(m for m in listed if m["subject"] == "单位办件消息")
    assert client.post(f"/api/v1/me/messages/{mine['id']}/read/", headers=auth(key)).status_code == 200
    other_key = token_for(client, w["other_agent_id_number"], credit_code=w["other_employer"].credit_code)
    assert client.post(f"/api/v1/me/messages/{mine['id']}/read/", headers=auth(other_key)).status_code == 404


# --- CSRF ----------------------------------------------------------------------------------------------


def test_session_unsafe_request_needs_csrf_token_but_token_auth_does_not(w: dict[str, Any]) -> None:
    session = Client(enforce_csrf_checks=True)
    session.force_login(w["account"].user)
    assert session.get("/api/v1/me/").status_code == 200
    slot = w["slots"][0].pk
    refused = session.post("/api/v1/me/appointments/", {"slot": slot}, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in _error(refused)["message"]
    assert not Appointment.objects.exists()
    tokened = Client(enforce_csrf_checks=True)
    key = token_for(tokened, w["person"].id_number)
    booked = tokened.post(
        "/api/v1/me/appointments/", {"slot": slot}, content_type="application/json", headers=auth(key)
    )
    assert booked.status_code == 201


# --- schema ----------------------------------------------------------------------------------------------


def test_schema_documents_the_self_service_api(client: Client) -> None:
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    scheme = schema["components"]["securitySchemes"]["portalToken"]
    assert scheme == {**scheme, "type": "apiKey", "in": "header", "name": "Authorization"}
    paths = schema["paths"]
    for path, method, ok in (
        ("/api/v1/auth/token/", "post", "201"),
        ("/api/v1/auth/token/", "delete", "204"),
        ("/api/v1/me/cases/{number}/", "get", "200"),
        ("/api/v1/me/appointments/", "post", "201"),
        ("/api/v1/applications/", "post", "201"),
        ("/api/v1/employer/staff-changes/", "post", "201"),
    ):
        responses = paths[path][method]["responses"]
        assert ok in responses, (path, method)
        assert any(code.startswith("4") for code in responses), (path, method)
    assert {"portalToken": []} in paths["/api/v1/me/cases/"]["get"]["security"]
    assert "multipart/form-data" in paths["/api/v1/applications/"]["post"]["requestBody"]["content"]
    error = paths["/api/v1/me/cases/{number}/"]["get"]["responses"]["404"]["content"]["application/json"]
    assert error["schema"]["$ref"].endswith("/Error")
    listing = paths["/api/v1/me/cases/"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {"limit", "offset"}


# --- online application and supplement --------------------------------------------------------------


def _png() -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 10, 10)).save(buf, "PNG")
    return buf.getvalue()


PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def upload_root(settings: Any, tmp_path: Any) -> Any:
    settings.SHEBAO_UPLOAD_ROOT = tmp_path / "uploads"
    return settings.SHEBAO_UPLOAD_ROOT


def test_apply_with_a_material_missing_then_supplement(
    w: dict[str, Any], api: Client, upload_root: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from shebao.api.tests.test_portal_api_world import ONLINE_GENERAL
    from shebao.cases.models import CaseStatus
    from shebao.cases.services.online import online_return

    response = api.post(
        "/api/v1/applications/",
        {
            "item_code": ONLINE_GENERAL,
            "data": '{"phone": "13922223333"}',
            "files": [SimpleUploadedFile("id.png", _png(), content_type="image/png")],
            "materials": ["0"],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == CaseStatus.SUBMITTED and body["channel"] == "online"
    assert [u["material_index"] for u in body["uploads"]] == [0]
    case = w["person"].cases.get(number=body["number"])
    assert case.data["phone"] == "13922223333"
    teller = make_staff("online-teller", region=w["county"], posts=[PostCode.GENERAL_TELLER])
    online_return(case=case, by=teller, version=case.version, missing=["变更证明"], comment="请上传")
    progress = api.get(f"/api/v1/me/cases/{case.number}/").json()
    assert progress["returned"] is True
    assert progress["requested_materials"] == [{"index": 1, "name": "变更证明"}]
    # a supplement without what the return asked for is refused, naming it (issue 10)
    incomplete = api.post(
        f"/api/v1/me/cases/{case.number}/supplement/",
        {"files": [SimpleUploadedFile("id2.png", _png(), content_type="image/png")], "materials": ["0"]},
    )
    assert incomplete.status_code == 400
    assert incomplete.json()["error"]["code"] == "supplement_incomplete"
    assert "变更证明" in incomplete.json()["error"]["message"]
    # a script pretending to be a PDF is refused by content
    fake = api.post(
        f"/api/v1/me/cases/{case.number}/supplement/",
        {
            "files": [SimpleUploadedFile("x.pdf", b"#!/bin/sh\necho hi\n", content_type="application/pdf")],
            "materials": ["1"],
        },
    )
    assert fake.status_code == 400
    supplied = api.post(
        f"/api/v1/me/cases/{case.number}/supplement/",
        {"files": [SimpleUploadedFile("proof.pdf", PDF, content_type="application/pdf")], "materials": ["1"]},
    )
    assert supplied.status_code == 200, supplied.content
    assert supplied.json()["returned"] is False and supplied.json()["requested_materials"] == []
    assert {u["material_index"] for u in supplied.json()["uploads"]} == {0, 1}
    # the other person cannot supplement it
    other = Client()
    key = token_for(other, w["other_person"].id_number)
    refused = other.post(
        f"/api/v1/me/cases/{case.number}/supplement/",
        {"files": [SimpleUploadedFile("p.pdf", PDF, content_type="application/pdf")], "materials": ["1"]},
        headers=auth(key),
    )
    assert refused.status_code == 404


def test_application_data_must_be_a_json_object(w: dict[str, Any], api: Client, upload_root: Any) -> None:
    from shebao.api.tests.test_portal_api_world import ONLINE_GENERAL

    response = api.post("/api/v1/applications/", {"item_code": ONLINE_GENERAL, "data": "[1, 2]"})
    assert response.status_code == 400
    assert _error(response)["code"] == "invalid"


def test_agent_reports_a_staff_change(w: dict[str, Any], client: Client) -> None:
    key = token_for(client, w["agent_id_number"], credit_code=w["employer"].credit_code)
    other = w["other_person"]
    response = client.post(
        "/api/v1/employer/staff-changes/",
        {"action": "increase", "id_number": other.id_number, "name": other.name, "date": "2026-11-01"},
        content_type="application/json",
        headers=auth(key),
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "submitted"
    numbers = {
        c["number"] for c in client.get("/api/v1/employer/cases/", headers=auth(key)).json()["results"]
    }
    assert response.json()["number"] in numbers
    detail = client.get(f"/api/v1/employer/cases/{response.json()['number']}/", headers=auth(key))
    assert detail.status_code == 200
    other_agent = Client()
    other_key = token_for(
        other_agent, w["other_agent_id_number"], credit_code=w["other_employer"].credit_code
    )
    number = response.json()["number"]
    assert other_agent.get(f"/api/v1/employer/cases/{number}/", headers=auth(other_key)).status_code == 404
    other_numbers = other_agent.get("/api/v1/employer/cases/", headers=auth(other_key)).json()["results"]
    assert number not in {c["number"] for c in other_numbers}


# --- query counts ------------------------------------------------------------------------------------------


def _queries(client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_lists_do_not_grow_queries_with_rows(w: dict[str, Any], api: Client) -> None:
    from shebao.cases.tests import factories as cf

    urls = ["/api/v1/me/cases/", "/api/v1/me/messages/", "/api/v1/me/enrolments/", "/api/v1/me/appointments/"]
    api.get("/api/v1/me/")  # the token's first use records `last_used_at` (one more query, once)
    before = {url: _queries(api, url) for url in urls}
    for _i in range(3):
        cf.accept_special(w)
    for slot in w["slots"][:3]:
        api.post("/api/v1/me/appointments/", {"slot": slot.pk}, content_type="application/json")
    after = {url: _queries(api, url) for url in urls}
    assert after == before


def test_unsafe_request_to_an_unknown_api_path_is_a_json_404(client: Client) -> None:
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post("/api/v1/me/nothing/here/", {}, content_type="application/json")
    assert response.status_code == 404
    assert _error(response)["code"] == "not_found"


def test_enormous_limit_and_offset_are_bounded(w: dict[str, Any], api: Client) -> None:
    huge = "35395116223352307701661132176490496"
    for url in ("/api/v1/me/messages/", "/api/v1/me/cases/", "/api/v1/catalogue/items/"):
        response = api.get(f"{url}?limit={huge}&offset={huge}")
        assert response.status_code == 200, url
        assert response.json()["results"] == []
    assert len(api.get(f"/api/v1/me/messages/?limit={huge}").json()["results"]) <= 200


def test_nul_in_the_address_is_a_400_not_a_database_error(w: dict[str, Any], api: Client) -> None:
    for url in ("/api/v1/appointment-slots/?outlet=a%00b", "/api/v1/me/cases/a%00b/"):
        response = api.get(url)
        assert response.status_code == 400, url
        assert _error(response)["code"] == "invalid"
