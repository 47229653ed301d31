"""The read API for other departments: keys, scopes, purpose, the access log and the schema."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.db import connection
from rest_framework.test import APIClient

from shebao.audit.models import AuditEvent
from shebao.core.errors import ApplicationError, PermissionDeniedError
from shebao.core.models import Region
from shebao.core.permissions import PostCode
from shebao.core.tests.factories import make_region_tree, make_staff
from shebao.registry.department import (
    DepartmentAuthError,
    demo_key,
    department_authenticate,
    department_client_issue,
    department_client_revoke,
    department_client_set_scope,
    seed_department_clients,
)
from shebao.registry.models import DepartmentAccess, DepartmentClient, Employer, Person
from shebao.registry.services import employer_register, enrolment_create, person_register

pytestmark = pytest.mark.django_db

ID_NUMBER = "11010519491231002X"  # the standard's example: valid check digit, born 1949-12-31, female
CREDIT_CODE = "91110000600037341L"

TAX_SCOPE = {"person": ["name", "status", "household_type"], "employer": ["name", "status"]}
MEDICAL_SCOPE = {
    "person": ["name", "gender", "birth_date", "status"],
    "enrolment": ["insurance_type", "status", "start_date", "end_date"],
}


def _make_records(region: Region) -> tuple[Person, Employer]:
    """A person enrolled in employee medical insurance with an employer, through the real services."""
    employer = employer_register(
        data={
            "credit_code": CREDIT_CODE,
            "name": "示范科技有限公司",
            "employer_type": "enterprise",
            "industry": "软件和信息技术服务业",
            "injury_risk_class": 1,
            "legal_representative": "李四",
            "bank_account": "6222020000000001",
        },
        region=region,
        by=None,
    )
    person = person_register(
        data={
            "id_number": ID_NUMBER,
            "name": "张三",
            "household_type": "urban",
            "phone": "13812345678",
            "bank_account": "6222020000000002",
        },
        region=region,
        by=None,
    )
    enrolment_create(
        person=person,
        insurance_type="employee_medical",
        start_date=dt.date(2020, 1, 1),
        employer=employer,
        by=None,
    )
    return person, employer


@pytest.fixture
def world() -> dict[str, Any]:
    regions = make_region_tree()
    person, employer = _make_records(regions["county_a1"])
    tax, tax_key = department_client_issue(by=None, name="税务局", department="tax", scope=TAX_SCOPE)
    medical, medical_key = department_client_issue(
        by=None, name="医保局", department="medical_security", scope=MEDICAL_SCOPE
    )
    return {
        "regions": regions,
        "person": person,
        "employer": employer,
        "tax": tax,
        "tax_key": tax_key,
        "medical": medical,
        "medical_key": medical_key,
    }


def _api(key: str | None = None) -> APIClient:
    client = APIClient()
    if key is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def _error(response: Any) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    return body["error"]


PERSON_URL = "/api/v1/registry/persons/lookup/"


def test_tax_key_reads_only_its_scope_and_the_log_shows_it(world):
    response = _api(world["tax_key"]).post(
        PERSON_URL, {"id_number": ID_NUMBER}, HTTP_X_PURPOSE="个人所得税汇算核对"
    )
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"id_number", "name", "status", "household_type"}
    assert data == {
        "id_number": "110105********002X",
        "name": "张三",
        "status": "active",
        "household_type": "urban",
    }
    [row] = DepartmentAccess.objects.all()
    assert row.client == world["tax"]
    assert row.allowed is True
    assert row.record_type == "person"
    assert row.record_key == str(world["person"].pk)
    assert row.purpose == "个人所得税汇算核对"
    assert row.fields == ["id_number:masked", "name", "status", "household_type"]
    assert ID_NUMBER not in str(list(DepartmentAccess.objects.values()))


def test_purpose_in_the_query_string_and_percent_encoded_header(world):
    api = _api(world["tax_key"])
    assert api.post(PERSON_URL, {"id_number": ID_NUMBER, "purpose": "tax audit 2026"}).status_code == 200
    assert (
        api.post(PERSON_URL, {"id_number": ID_NUMBER}, HTTP_X_PURPOSE=quote("税款征收核对")).status_code
        == 200
    )
    assert list(DepartmentAccess.objects.order_by("id").values_list("purpose", flat=True)) == [
        "tax audit 2026",
        "税款征收核对",
    ]


def test_medical_key_gets_enrolments_with_its_fields(world):
    response = _api(world["medical_key"]).post(
        PERSON_URL, {"id_number": ID_NUMBER, "include": "enrolments"}, HTTP_X_PURPOSE="医保参保核验"
    )
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"id_number", "name", "gender", "birth_date", "status", "enrolments"}
    assert data["birth_date"] == "1949-12-31"
    assert data["enrolments"] == [
        {
            "insurance_type": "employee_medical",
            "status": "contributing",
            "start_date": "2020-01-01",
            "end_date": None,
        }
    ]
    row = DepartmentAccess.objects.get()
    assert row.allowed and "enrolment.insurance_type" in row.fields


def test_tax_key_asking_for_enrolments_is_refused_and_logged(world):
    response = _api(world["tax_key"]).post(
        PERSON_URL, {"id_number": ID_NUMBER, "include": "enrolments"}, HTTP_X_PURPOSE="税务核对参保"
    )
    assert response.status_code == 403
    assert _error(response)["code"] == "out_of_scope"
    row = DepartmentAccess.objects.get()
    assert row.allowed is False
    assert row.reason == "no_scope:enrolment"
    assert row.record_key == str(world["person"].pk)
    assert row.fields == []


def test_record_type_outside_scope_is_refused_and_logged(world):
    response = _api(world["medical_key"]).get(
        f"/api/v1/registry/employers/{CREDIT_CODE}/", {"purpose": "核对单位"}
    )
    assert response.status_code == 403
    assert _error(response)["code"] == "out_of_scope"
    row = DepartmentAccess.objects.get()
    assert (row.client, row.record_type, row.allowed, row.reason) == (
        world["medical"],
        "employer",
        False,
        "no_scope:employer",
    )


def test_employer_read_returns_only_its_scope(world):
    response = _api(world["tax_key"]).get(
        f"/api/v1/registry/employers/{CREDIT_CODE}/", {"purpose": "企业所得税"}
    )
    assert response.status_code == 200
    assert response.json() == {"credit_code": CREDIT_CODE, "name": "示范科技有限公司", "status": "active"}
    row = DepartmentAccess.objects.get()
    assert row.record_key == str(world["employer"].pk) and row.fields == ["credit_code", "name", "status"]


def test_unknown_person_is_404_and_logged_without_the_number(world):
    response = _api(world["tax_key"]).post(
        PERSON_URL,
        {"id_number": "110105194912310038", "purpose": "核对身份"},  # valid, not registered
    )
    assert response.status_code == 404
    assert _error(response)["code"] == "not_found"
    row = DepartmentAccess.objects.get()
    assert (row.allowed, row.reason, row.record_key) == (False, "not_found", "")


def test_missing_or_short_purpose_is_400_and_logged(world):
    api = _api(world["tax_key"])
    response = api.post(PERSON_URL, {"id_number": ID_NUMBER})
    assert response.status_code == 400
    assert _error(response)["code"] == "purpose_required"
    assert api.post(PERSON_URL, {"id_number": ID_NUMBER}, HTTP_X_PURPOSE="ab").status_code == 400
    assert api.post(PERSON_URL, {"id_number": ID_NUMBER, "purpose": "x" * 201}).status_code == 400
    assert DepartmentAccess.objects.count() == 3
    assert not DepartmentAccess.objects.filter(allowed=True).exists()


def test_messages_follow_accept_language(world):
    response = _api(world["tax_key"]).post(PERSON_URL, {"id_number": ID_NUMBER}, HTTP_ACCEPT_LANGUAGE="en")
    assert "purpose" in _error(response)["message"]
    response = _api(world["tax_key"]).post(
        PERSON_URL, {"id_number": ID_NUMBER}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert "用途" in _error(response)["message"]


@pytest.mark.parametrize("key", ["", "wrong-key-0123456789abcdef", None])
def test_missing_or_wrong_key_is_401_and_not_logged(world, key):
    if key == "":
        key = world["tax_key"][:8] + "x" * 35  # right prefix, wrong rest
    response = _api(key).post(PERSON_URL, {"id_number": ID_NUMBER, "purpose": "核对身份信息"})
    assert response.status_code == 401
    error = _error(response)
    assert error["code"] in {"not_authenticated", "authentication_failed"}
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert DepartmentAccess.objects.count() == 0


def test_revoked_key_gets_the_same_answer_as_a_wrong_one(world):
    department_client_revoke(by=None, client=world["tax"])
    revoked = _api(world["tax_key"]).post(PERSON_URL, {"id_number": ID_NUMBER, "purpose": "核对身份信息"})
    wrong = _api("x" * 43).post(PERSON_URL, {"id_number": ID_NUMBER, "purpose": "核对身份信息"})
    assert revoked.status_code == wrong.status_code == 401
    assert revoked.json() == wrong.json()
    assert DepartmentAccess.objects.count() == 0
    with pytest.raises(DepartmentAuthError):
        department_authenticate(world["tax_key"])


def test_staff_session_without_a_key_is_refused(world, client):
    admin = make_staff("admin1", region=world["regions"]["province"], posts=[PostCode.ADMIN])
    client.force_login(admin)
    response = client.post(PERSON_URL, {"id_number": ID_NUMBER, "purpose": "核对身份信息"})
    assert response.status_code == 401
    _error(response)
    assert DepartmentAccess.objects.count() == 0


def test_id_number_in_full_only_when_in_scope(world):
    client, key = department_client_issue(
        by=None, name="公安", department="public_security", scope={"person": ["id_number", "name"]}
    )
    data = _api(key).post(PERSON_URL, {"id_number": ID_NUMBER, "purpose": "户籍核对"}).json()
    assert data == {"id_number": ID_NUMBER, "name": "张三"}
    assert DepartmentAccess.objects.get().fields == ["id_number", "name"]


def test_bank_account_only_when_listed(world):
    data = _api(world["tax_key"]).post(PERSON_URL, {"id_number": ID_NUMBER, "purpose": "核对账户"}).json()
    assert "bank_account" not in data
    _client, key = department_client_issue(
        by=None, name="财政", department="finance", scope={"person": ["name", "bank_account"]}
    )
    assert (
        _api(key).post(PERSON_URL, {"id_number": ID_NUMBER, "purpose": "核对账户"}).json()["bank_account"]
        == "6222020000000002"
    )


def test_scope_validation_names_unknown_fields():
    with pytest.raises(ApplicationError) as exc:
        department_client_issue(
            by=None, name="X", department="tax", scope={"person": ["name", "salary"], "pets": ["name"]}
        )
    assert exc.value.code == "invalid_scope"
    text = " ".join(str(d) for d in exc.value.details)
    assert "salary" in text and "pets" in text
    with pytest.raises(ApplicationError):
        department_client_issue(by=None, name="X", department="tax", scope={"person": []})
    with pytest.raises(ApplicationError):
        department_client_issue(by=None, name="X", department="tax", scope={"person": "name"})
    assert not DepartmentClient.objects.exists()


def test_scope_is_normalised_to_display_order():
    client, _key = department_client_issue(
        by=None, name="X", department="tax", scope={"person": ["status", "name", "name"]}
    )
    assert client.scope == {"person": ["name", "status"]}


def test_key_is_stored_only_as_a_hash(world):
    key = world["tax_key"]
    client = DepartmentClient.objects.get(pk=world["tax"].pk)
    assert client.key_prefix == key[:8]
    assert key not in client.key_hash and len(client.key_hash) == 64
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, department, key_prefix, key_hash, scope FROM registry_departmentclient")
        dump = repr(cursor.fetchall())
    assert key not in dump
    audit_dump = repr(list(AuditEvent.objects.values_list("payload", flat=True)))
    assert key not in audit_dump and "registry.department_client_issued" in repr(
        list(AuditEvent.objects.values_list("action", flat=True))
    )
    assert department_authenticate(key) == world["tax"]


def test_issue_needs_the_permission_and_changes_are_audited(world):
    teller = make_staff("t1", region=world["regions"]["county_a1"], posts=[PostCode.GENERAL_TELLER])
    with pytest.raises(PermissionDeniedError):
        department_client_issue(by=teller, name="Y", department="tax", scope={"person": ["name"]})
    admin = make_staff("a1", region=world["regions"]["province"], posts=[PostCode.ADMIN])
    department_client_set_scope(by=admin, client=world["tax"], scope={"person": ["name"]})
    event = AuditEvent.objects.filter(action="registry.department_client_scope_changed").get()
    assert event.actor == admin
    assert event.data["old"]["scope"] == TAX_SCOPE and event.data["new"]["scope"] == {"person": ["name"]}
    # the new scope applies at once
    data = _api(world["tax_key"]).post(PERSON_URL, {"id_number": ID_NUMBER, "purpose": "核对身份信息"}).json()
    assert set(data) == {"id_number", "name"}
    with pytest.raises(PermissionDeniedError):
        department_client_revoke(by=teller, client=world["tax"])


def test_demo_clients_have_fixed_keys_and_scopes():
    make_region_tree()
    keys = seed_department_clients()
    assert set(keys) == {"tax", "medical_security", "civil_affairs"}
    assert keys["tax"] == demo_key("tax")
    assert seed_department_clients() == keys  # idempotent
    assert DepartmentClient.objects.count() == 3
    tax = department_authenticate(keys["tax"])
    assert tax.name == "税务局"
    assert tax.scope["employer"] == ["name", "employer_type", "industry", "status"]
    assert department_authenticate(keys["civil_affairs"]).scope == {
        "person": ["name", "status", "status_date"]
    }
    # a revoked demo client is switched back on by the seed
    department_client_revoke(by=None, client=tax)
    seed_department_clients()
    assert department_authenticate(keys["tax"]) == tax


def test_reads_take_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    api = _api(world["medical_key"])
    with django_assert_max_num_queries(6):
        assert (
            api.post(
                PERSON_URL, {"id_number": ID_NUMBER, "include": "enrolments", "purpose": "医保参保核验"}
            ).status_code
            == 200
        )


def test_command_issues_lists_and_revokes(capsys):
    call_command(
        "department_client",
        "issue",
        "--name",
        "税务局",
        "--department",
        "tax",
        "--scope",
        "person:name,status,household_type",
        "--scope",
        "employer:name,status",
    )
    out = capsys.readouterr().out
    client = DepartmentClient.objects.get(name="税务局")
    assert client.scope == TAX_SCOPE
    key = next(line.split()[-1] for line in out.splitlines() if line.strip().startswith("key:"))
    assert department_authenticate(key) == client
    call_command("department_client", "list")
    listed = capsys.readouterr().out
    assert "税务局" in listed and client.key_prefix in listed and key not in listed
    call_command("department_client", "revoke", "--name", "税务局")
    client.refresh_from_db()
    assert client.active is False


def test_command_refuses_an_unknown_field():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="salary"):
        call_command(
            "department_client", "issue", "--name", "X", "--department", "tax", "--scope", "person:salary"
        )


def test_schema_documents_the_department_endpoints(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    for path, method in (
        ("/api/v1/registry/persons/lookup/", "post"),
        ("/api/v1/registry/employers/{credit_code}/", "get"),
    ):
        operation = schema["paths"][path][method]
        assert operation["security"] == [{"departmentKey": []}]
        names = {p["name"] for p in operation["parameters"]}
        assert "X-Purpose" in names and (method == "post" or "purpose" in names)
        for status in ("200", "400", "401", "403", "404"):
            assert status in operation["responses"], (path, status)
    assert "id_number" in schema["components"]["schemas"]["PersonLookup"]["required"]  # in the body
    assert not any("persons/{" in path for path in schema["paths"])  # never in an address
    scheme = schema["components"]["securitySchemes"]["departmentKey"]
    assert scheme["type"] == "http" and scheme["scheme"] == "bearer"
    assert "DepartmentPerson" in schema["components"]["schemas"]
