"""The read-only catalogue API: public published data, guarded drafts and conformance, one error shape."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shebao.catalogue.services import binding_save, edition_create_draft, item_save
from shebao.catalogue.tests.factories import item_data, make_published_edition, special_item_data
from shebao.core.tests.factories import make_region_tree, make_staff

pytestmark = pytest.mark.django_db

ITEMS = "/api/v1/catalogue/items/"
EDITIONS = "/api/v1/catalogue/editions/"
CONFORMANCE = "/api/v1/catalogue/conformance/"


def _items(n: int) -> list[dict]:
    result = []
    for i in range(n):
        make = special_item_data if i % 2 else item_data
        result.append(make(code=f"SB-T-{i:03d}", order=i, name_zh=f"测试事项{i}", name_en=f"Test item {i}"))
    return result


def _assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]


@pytest.fixture
def regions():
    return make_region_tree()


@pytest.fixture
def admin(regions):
    return make_staff("admin1", region=regions["province"], posts=["admin"])


@pytest.fixture
def teller(regions):
    return make_staff("teller1", region=regions["county_a1"], posts=["general_teller"])


def test_anonymous_lists_the_published_items_with_every_element(client):
    edition = make_published_edition()
    response = client.get(ITEMS)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    by_code = {item["code"]: item for item in body["results"]}
    special = by_code["SB-S-001"]
    assert special["edition"] == edition.number
    assert special["business_class"] == "special"
    assert special["fee"] == "0.00"
    assert special["insurance_types"] == [
        {"code": "unemployment", "name": "失业保险", "name_zh": "失业保险", "name_en": "Unemployment"}
    ]
    assert [c["code"] for c in by_code["SB-G-001"]["channels"]] == ["counter", "online"]
    assert special["legal_basis"] == [{"law": "社会保险经办条例", "article": "第二十四条"}]
    assert [s["kind"] for s in special["steps"]] == ["accept", "review", "approve", "complete"]
    assert special["steps"][2]["posts"] == ["section_leader"]
    assert special["materials"][1]["name_zh"] == "解除劳动合同证明"
    assert special["materials"][1]["copies"] == 1


def test_list_is_paginated_by_limit_and_offset(client):
    make_published_edition([item_data(code=f"SB-T-{i:03d}", order=i) for i in range(5)])
    body = client.get(ITEMS, {"limit": 2, "offset": 2}).json()
    assert body["count"] == 5
    assert [i["code"] for i in body["results"]] == ["SB-T-002", "SB-T-003"]
    assert body["next"] and body["previous"]


def test_anonymous_reads_one_item_in_either_language(client):
    make_published_edition()
    response = client.get(ITEMS + "SB-G-001/")
    assert response.status_code == 200
    assert response.json()["name"] == "职工参保登记"
    response = client.get(ITEMS + "SB-G-001/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["name"] == "Employee enrolment"
    assert response.json()["zone_label"] == "Enrolment and collection"


def test_filters(client):
    make_published_edition(
        [
            item_data(),
            special_item_data(),
            item_data(
                code="SB-G-002",
                name_zh="城乡居民养老保险参保登记",
                name_en="Resident pension enrolment",
                insurance_types=["resident_pension"],
                channels=["mobile"],
                zone="enrolment",
            ),
        ]
    )

    def codes(**params):
        response = client.get(ITEMS, params)
        assert response.status_code == 200, response.content
        return sorted(i["code"] for i in response.json()["results"])

    assert codes() == ["SB-G-001", "SB-G-002", "SB-S-001"]
    assert codes(zone="pension") == ["SB-S-001"]
    assert codes(business_class="general") == ["SB-G-001", "SB-G-002"]
    assert codes(insurance_type="resident_pension") == ["SB-G-002"]
    assert codes(channel="online") == ["SB-G-001"]
    assert codes(q="居民") == ["SB-G-002"]
    assert codes(q="Unemployment") == ["SB-S-001"]
    assert codes(zone="enrolment", channel="counter") == ["SB-G-001"]
    error = _assert_error(client.get(ITEMS, {"zone": "nowhere"}), 400, "invalid_parameter")
    assert "nowhere" in error["message"]
    _assert_error(client.get(ITEMS, {"channel": "pigeon"}), 400, "invalid_parameter")
    _assert_error(client.get(ITEMS, {"edition": "latest"}), 400, "invalid_parameter")


def test_errors_have_one_shape_in_the_request_language(client):
    make_published_edition()
    error = _assert_error(client.get(ITEMS + "NOPE/"), 404, "not_found")
    assert "NOPE" in error["message"] and not error["message"].isascii()  # Chinese by default
    error = _assert_error(client.get(ITEMS + "NOPE/", HTTP_ACCEPT_LANGUAGE="en"), 404, "not_found")
    assert error["message"].isascii() and "NOPE" in error["message"]
    error = _assert_error(client.get(EDITIONS + "99/", HTTP_ACCEPT_LANGUAGE="en"), 404, "not_found")
    assert error["message"] == "There is no catalogue edition 99."
    error = _assert_error(client.get(EDITIONS + "99/"), 404, "not_found")
    assert error["message"] == "事项清单没有第 99 版。"
    error = _assert_error(client.get(ITEMS, {"zone": "x"}), 400, "invalid_parameter")
    assert error["message"].startswith("“x”不是有效的 zone")
    _assert_error(client.get("/api/v1/no/such/thing/"), 404, "not_found")
    error = _assert_error(client.post(ITEMS, {}, HTTP_ACCEPT_LANGUAGE="en"), 405, "method_not_allowed")
    assert "POST" in error["message"]


def test_no_published_edition_is_a_clear_404(client):
    error = _assert_error(client.get(ITEMS, HTTP_ACCEPT_LANGUAGE="en"), 404, "not_found")
    assert error["message"] == "No catalogue edition is published yet."


def test_drafts_are_refused_anonymously_and_to_a_teller_but_shown_to_an_admin(client, admin, teller):
    published = make_published_edition()
    draft = edition_create_draft(by=admin, title="第二版")
    item_save(edition=draft, data=item_data(code="SB-G-009", name_zh="新事项"), by=admin)

    for url in (
        f"{ITEMS}?edition={draft.number}",
        f"{ITEMS}SB-G-009/?edition={draft.number}",
        f"{EDITIONS}{draft.number}/",
        f"{EDITIONS}{published.number}/diff/{draft.number}/",
    ):
        client.logout()
        error = _assert_error(client.get(url, HTTP_ACCEPT_LANGUAGE="en"), 403, "not_authenticated")
        assert "Draft editions" in error["message"]
        client.force_login(teller)
        _assert_error(client.get(url), 403, "permission_denied")
        client.force_login(admin)
        assert client.get(url).status_code == 200, url

    client.logout()
    numbers = [e["number"] for e in client.get(EDITIONS).json()["results"]]
    assert numbers == [published.number]
    client.force_login(admin)
    editions = client.get(EDITIONS).json()["results"]
    assert [(e["number"], e["status"], e["item_count"]) for e in editions] == [
        (draft.number, "draft", 3),
        (published.number, "published", 2),
    ]
    assert client.get(f"{ITEMS}?edition={draft.number}").json()["count"] == 3


def test_edition_detail(client):
    edition = make_published_edition(_items(3))
    body = client.get(f"{EDITIONS}{edition.number}/").json()
    assert body["number"] == edition.number
    assert body["status"] == "published"
    assert body["item_count"] == 3
    assert body["published_at"] and body["created_at"]


def test_diff_lists_added_removed_and_changed_fields(client):
    first = make_published_edition([item_data(), special_item_data(), item_data(code="SB-G-002", order=3)])
    second = make_published_edition(
        [
            item_data(promised_limit_days=0, channels=["counter", "online", "mobile"]),
            special_item_data(promised_limit_days=3),
            item_data(code="SB-G-003", order=4, name_zh="新增事项"),
        ]
    )
    response = client.get(f"{EDITIONS}{first.number}/diff/{second.number}/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["old"], body["new"]) == (first.number, second.number)
    assert [i["code"] for i in body["added"]] == ["SB-G-003"]
    assert body["added"][0]["name_zh"] == "新增事项"
    assert [i["code"] for i in body["removed"]] == ["SB-G-002"]
    changed = {c["code"]: c for c in body["changed"]}
    assert set(changed) == {"SB-G-001", "SB-S-001"}
    assert changed["SB-S-001"]["fields"] == [{"field": "promised_limit_days", "old": 5, "new": 3}]
    assert changed["SB-G-001"]["fields"] == [
        {"field": "channels", "old": ["counter", "online"], "new": ["counter", "online", "mobile"]}
    ]
    _assert_error(client.get(f"{EDITIONS}{first.number}/diff/999/"), 404, "not_found")


def test_conformance_needs_the_permission_and_is_bounded_to_the_region(client, regions, admin, teller):
    make_published_edition()
    county_binder = make_staff("binder_a1", region=regions["county_a1"], posts=["admin"])
    binding_save(region=regions["county_a1"], item_code="SB-G-001", values={"trips": 2}, by=county_binder)
    binding_save(region=regions["county_b1"], item_code="SB-S-001", values={"fee": "5"}, by=admin)
    leader_a = make_staff("leader_a", region=regions["city_a"], posts=["section_leader"])

    _assert_error(client.get(CONFORMANCE), 403, "not_authenticated")
    client.force_login(teller)
    _assert_error(client.get(CONFORMANCE), 403, "permission_denied")

    client.force_login(leader_a)
    body = client.get(CONFORMANCE).json()
    codes = [r["region"]["code"] for r in body["regions"]]
    assert codes == ["990100", "990101", "990101001", "990102"]
    a1 = next(r for r in body["regions"] if r["region"]["code"] == "990101")
    assert (a1["items_total"], a1["items_deviating"]) == (2, 1)
    assert a1["deviations"][0]["field"] == "trips"
    assert a1["deviations"][0]["local_value"] == 2
    assert a1["score"] == 50.0
    narrowed = client.get(CONFORMANCE, {"region": "990101"}).json()
    assert [r["region"]["code"] for r in narrowed["regions"]] == ["990101", "990101001"]
    error = _assert_error(
        client.get(CONFORMANCE, {"region": "990200"}, HTTP_ACCEPT_LANGUAGE="en"), 403, "permission_denied"
    )
    assert "990200" in error["message"]
    _assert_error(client.get(CONFORMANCE, {"region": "123456"}), 404, "not_found")

    client.force_login(admin)  # at the province: sees every region
    body = client.get(CONFORMANCE).json()
    assert len(body["regions"]) == 7
    b1 = next(r for r in body["regions"] if r["region"]["code"] == "990201")
    assert b1["items_deviating"] == 1


@pytest.mark.parametrize("url", [ITEMS, EDITIONS])
def test_list_query_count_does_not_grow_with_the_items(client, url):
    make_published_edition(_items(3))
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    make_published_edition(_items(12))
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    if url == ITEMS:
        assert response.json()["count"] == 12
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_a_missing_trailing_slash_still_redirects(client):
    make_published_edition()
    response = client.get("/api/v1/catalogue/items", follow=True)
    assert response.status_code == 200
    assert response.json()["count"] == 2


def test_a_province_wide_post_sees_every_region_from_a_county(client, regions):
    from shebao.core.models import Post
    from shebao.core.permissions import Perm

    make_published_edition()
    Post.objects.create(
        code="province_inspector",
        name_zh="省级督查",
        name_en="Province inspector",
        permissions=[Perm.CONFORMANCE_VIEW],
        province_wide=True,
    )
    inspector = make_staff("inspector", region=regions["county_b1"], posts=["province_inspector"])
    client.force_login(inspector)
    assert len(client.get(CONFORMANCE).json()["regions"]) == 7
    narrowed = client.get(CONFORMANCE, {"region": "990100"}).json()
    assert [r["region"]["code"] for r in narrowed["regions"]] == ["990100", "990101", "990101001", "990102"]


def test_an_item_says_what_its_application_data_holds_from_its_effect(client):
    make_published_edition(
        [
            item_data(code="SB-T-100", effect_code="registry.person_change"),
            item_data(
                code="SB-T-101", effect_code="registry.staff_increase", insurance_types=["employee_pension"]
            ),
        ]
    )
    change = client.get(ITEMS + "SB-T-100/", HTTP_ACCEPT_LANGUAGE="en").json()
    fields = {f["name"]: f for f in change["data_fields"]}
    assert set(fields) == {"phone", "address", "household_type"}  # never the payout account
    assert fields["phone"]["kind"] == "phone" and fields["phone"]["label_zh"] == "联系电话"
    assert [c["value"] for c in fields["household_type"]["choices"]] == ["urban", "rural"]
    staff = client.get(ITEMS + "SB-T-101/").json()
    fields = {f["name"]: f for f in staff["data_fields"]}
    # The employer's own credit code comes from the account; the staff member's ID number is asked.
    assert "credit_code" not in fields and fields["id_number"]["required"] is True
    assert fields["insurance_types"]["choices"] == [{"value": "employee_pension", "label": "职工养老保险"}]
