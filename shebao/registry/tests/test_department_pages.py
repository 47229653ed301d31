"""Pages for other departments' access: clients, issuing (key shown once), scope, revoking, the log."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from shebao.core.permissions import PostCode
from shebao.core.tests.factories import make_region_tree, make_staff
from shebao.registry.department import department_authenticate, department_client_issue
from shebao.registry.models import DepartmentAccess, DepartmentClient
from shebao.registry.tests.test_department_api import ID_NUMBER, PERSON_URL, TAX_SCOPE, _make_records

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict[str, Any]:
    regions = make_region_tree()
    person, _employer = _make_records(regions["county_a1"])
    admin = make_staff("admin1", region=regions["province"], posts=[PostCode.ADMIN])
    teller = make_staff("teller1", region=regions["county_a1"], posts=[PostCode.SPECIAL_TELLER])
    tax, key = department_client_issue(by=admin, name="税务局", department="tax", scope=TAX_SCOPE)
    return {"regions": regions, "person": person, "admin": admin, "teller": teller, "tax": tax, "key": key}


PAGES = ["/departments/", "/departments/new/", "/departments/log/"]


@pytest.mark.parametrize("url", PAGES)
def test_pages_need_the_permission(world, client, url):
    assert client.get(url).status_code == 302  # to sign-in
    client.force_login(world["teller"])
    assert client.get(url).status_code == 403
    assert client.get(f"/departments/{world['tax'].pk}/scope/").status_code == 403
    assert client.post(f"/departments/{world['tax'].pk}/revoke/").status_code == 403
    client.force_login(world["admin"])
    assert client.get(url).status_code == 200


def test_desk_links_to_the_pages_for_the_permission_only(world, client):
    client.force_login(world["admin"])
    assert "/departments/" in client.get("/desk/").content.decode()
    client.force_login(world["teller"])
    assert "/departments/" not in client.get("/desk/").content.decode()


def test_list_shows_clients_without_their_keys(world, client):
    client.force_login(world["admin"])
    html = client.get("/departments/").content.decode()
    assert "税务局" in html and world["tax"].key_prefix in html
    assert world["key"] not in html


def test_issue_shows_the_key_once_and_it_works(world, client):
    client.force_login(world["admin"])
    response = client.post(
        "/departments/new/",
        {
            "name": "民政局",
            "department": "civil_affairs",
            "scope_person": ["name", "status", "status_date"],
        },
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    key = response.context["key"]
    assert key in response.content.decode()
    civil = DepartmentClient.objects.get(name="民政局")
    assert civil.scope == {"person": ["name", "status", "status_date"]}
    assert department_authenticate(key) == civil
    assert key not in client.get("/departments/").content.decode()


def test_issue_without_any_field_is_refused_with_a_message(world, client):
    client.force_login(world["admin"])
    response = client.post("/departments/new/", {"name": "空", "department": "tax"})
    assert response.status_code == 200
    assert response.context["error"] is not None
    assert not DepartmentClient.objects.filter(name="空").exists()


def test_change_scope_and_revoke(world, client):
    client.force_login(world["admin"])
    tax = world["tax"]
    page = client.get(f"/departments/{tax.pk}/scope/")
    assert page.status_code == 200
    assert 'value="household_type" ' in page.content.decode().replace("checked", " ")
    response = client.post(
        f"/departments/{tax.pk}/scope/", {"scope_person": ["name"], "scope_employer": ["name"]}
    )
    assert response.status_code == 302
    tax.refresh_from_db()
    assert tax.scope == {"person": ["name"], "employer": ["name"]}
    assert client.get(f"/departments/{tax.pk}/revoke/").status_code == 405
    assert client.post(f"/departments/{tax.pk}/revoke/").status_code == 302
    tax.refresh_from_db()
    assert tax.active is False


def test_access_log_shows_who_read_what_for_which_purpose(world, client):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {world['key']}")
    api.post(PERSON_URL, {"id_number": ID_NUMBER, "purpose": "个税汇算核对"})
    api.post(PERSON_URL, {"id_number": ID_NUMBER, "purpose": "核对参保情况", "include": "enrolments"})
    assert DepartmentAccess.objects.count() == 2
    client.force_login(world["admin"])
    response = client.get("/departments/log/", {"client": world["tax"].pk})
    html = response.content.decode()
    assert "个税汇算核对" in html and "核对参保情况" in html
    assert "household_type" in html
    assert ID_NUMBER not in html
    refused = client.get("/departments/log/", {"outcome": "refused"})
    assert [a.purpose for a, *_rest in refused.context["entries"]] == ["核对参保情况"]
    future = client.get("/departments/log/", {"from": "2999-01-01"})
    assert future.context["entries"] == []


def test_access_log_query_count_does_not_grow_with_rows(world, client, django_assert_max_num_queries):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {world['key']}")
    for _ in range(15):
        api.post(PERSON_URL, {"id_number": ID_NUMBER, "purpose": "个税汇算核对"})
    client.force_login(world["admin"])
    with django_assert_max_num_queries(12):
        assert client.get("/departments/log/").status_code == 200
