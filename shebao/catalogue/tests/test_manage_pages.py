"""Catalogue management pages through the test client, on real services and factories."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from shebao.catalogue.models import Deviation, Edition, EditionStatus, LocalBinding, ServiceItem, Standard
from shebao.catalogue.services import binding_save, standard_save
from shebao.catalogue.snapshot import MATERIAL_FIELDS, SCALAR_FIELDS
from shebao.catalogue.tests.factories import item_data, make_published_edition, special_item_data
from shebao.core.permissions import PostCode
from shebao.core.tests.factories import make_region_tree, make_staff

pytestmark = pytest.mark.django_db

SG = "SB-G-001"


def item_post(data: dict[str, Any]) -> dict[str, Any]:
    """The item editor's POST body for an item snapshot dict (as a browser would send it)."""
    post: dict[str, Any] = {}
    for name in SCALAR_FIELDS:
        value = data.get(name)
        if isinstance(value, bool):
            if value:
                post[name] = "on"
        else:
            post[name] = "" if value is None else str(value)
    post["insurance_types"] = list(data["insurance_types"])
    post["channels"] = list(data["channels"])
    post["legal_basis"] = "\n".join(f"{b['law']} | {b['article']}" for b in data["legal_basis"])
    for prefix, rows in (("materials", data["materials"]), ("steps", data["steps"])):
        post[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        post[f"{prefix}-INITIAL_FORMS"] = "0"
        post[f"{prefix}-MIN_NUM_FORMS"] = "0"
        post[f"{prefix}-MAX_NUM_FORMS"] = "1000"
    for i, m in enumerate(data["materials"]):
        for name in MATERIAL_FIELDS:
            value = m.get(name)
            if isinstance(value, bool):
                if value:
                    post[f"materials-{i}-{name}"] = "on"
            else:
                post[f"materials-{i}-{name}"] = "" if value is None else str(value)
    for i, s in enumerate(data["steps"]):
        post[f"steps-{i}-kind"] = s["kind"]
        post[f"steps-{i}-name_zh"] = s["name_zh"]
        post[f"steps-{i}-name_en"] = s["name_en"]
        post[f"steps-{i}-posts"] = list(s["posts"])
    return post


@pytest.fixture
def regions():
    return make_region_tree()


@pytest.fixture
def admin(regions):
    return make_staff("admin1", region=regions["province"], posts=[PostCode.ADMIN])


@pytest.fixture
def published(admin):
    return make_published_edition(by=admin)


def _open_draft(client) -> Edition:
    response = client.post(reverse("catalogue:manage_editions"), {"title": "2025 修订"})
    assert response.status_code == 302
    draft = Edition.objects.get(status=EditionStatus.DRAFT)
    assert response["Location"] == reverse("catalogue:manage_edition", args=[draft.number])
    return draft


def test_journey_draft_edit_refused_fix_publish_diff(client, admin, published):
    client.force_login(admin)
    client.cookies["django_language"] = "en"
    draft = _open_draft(client)
    assert draft.items.count() == 2

    # Break a rule: promised limit 30 working days > statutory 10.
    edit_url = reverse("catalogue:manage_item", args=[draft.number, SG])
    assert SG in client.get(edit_url).content.decode()
    broken = item_post(item_data(item_type="promised", promised_limit_days=30))
    response = client.post(edit_url, broken)
    assert response.status_code == 302, response.content.decode()[:3000]
    page = client.get(edit_url).content.decode()
    assert "This item would block publication" in page

    # Publication is refused, the violation is listed and links to the item; still a draft.
    publish_url = reverse("catalogue:manage_publish", args=[draft.number])
    assert "Yes, publish this edition" in client.get(publish_url).content.decode()
    response = client.post(publish_url)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Publication refused" in page
    assert "The promised limit (30 working days) is longer than the statutory one (10)." in page
    assert SG in page and "Employee enrolment" in page and f'href="{edit_url}"' in page
    draft.refresh_from_db()
    assert draft.status == EditionStatus.DRAFT

    # Fix it and publish.
    response = client.post(edit_url, item_post(item_data(item_type="promised", promised_limit_days=5)))
    assert response.status_code == 302
    response = client.post(publish_url, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Edition {draft.number} is published" in page
    draft.refresh_from_db()
    published.refresh_from_db()
    assert draft.status == EditionStatus.PUBLISHED and published.status == EditionStatus.SUPERSEDED

    # The diff shows the changed fields old → new, readably.
    page = client.get(
        reverse("catalogue:manage_compare"), {"old": published.number, "new": draft.number}
    ).content.decode()
    assert "Items changed (1)" in page
    assert "Promised time limit (working days)" in page
    assert '<td class="diff-old">0</td>' in page and '<td class="diff-new">5</td>' in page
    assert '<td class="diff-old">Instant</td>' in page and '<td class="diff-new">Promised</td>' in page


def test_diff_shows_added_removed_and_materials_readably(client, admin, published):
    client.force_login(admin)
    draft = _open_draft(client)
    special = special_item_data()
    special["materials"].append(
        {
            **special["materials"][1],
            "name_zh": "银行卡",
            "name_en": "Bank card",
            "legal_basis": "失业保险条例",
        }
    )
    client.post(reverse("catalogue:manage_item", args=[draft.number, "SB-S-001"]), item_post(special))
    client.post(reverse("catalogue:manage_item_delete", args=[draft.number, SG]))
    new = item_data(code="SB-G-002", name_zh="单位参保登记", name_en="Employer enrolment")
    response = client.post(reverse("catalogue:manage_item_add", args=[draft.number]), item_post(new))
    assert response.status_code == 302
    page = client.get(
        reverse("catalogue:manage_compare"), {"old": published.number, "new": draft.number}
    ).content.decode()
    assert "SB-G-002" in page and "单位参保登记" in page  # added
    assert "职工参保登记" in page  # removed
    assert "银行卡 (Bank card)" in page and "失业保险条例" in page  # a material, not JSON
    assert "{&#x27;name_zh&#x27;" not in page and '{"name_zh"' not in page


def test_item_form_errors_are_shown_and_nothing_saved(client, admin, published):
    client.force_login(admin)
    draft = _open_draft(client)
    edit_url = reverse("catalogue:manage_item", args=[draft.number, SG])
    bad = item_post(item_data(promised_limit_days=3))
    bad["legal_basis"] = "社会保险经办条例 第六条"  # no "|"
    response = client.post(edit_url, bad)
    assert response.status_code == 400
    assert "第1行" in response.content.decode()
    assert ServiceItem.objects.get(edition=draft, code=SG).promised_limit_days == 0
    # Adding an item whose code exists is refused with a message, not a silent overwrite.
    response = client.post(reverse("catalogue:manage_item_add", args=[draft.number]), item_post(item_data()))
    assert response.status_code == 400
    assert SG in response.content.decode()


def test_published_edition_cannot_be_edited(client, admin, published):
    client.force_login(admin)
    response = client.post(
        reverse("catalogue:manage_item", args=[published.number, SG]), item_post(item_data(trips=1))
    )
    assert response.status_code == 302
    assert ServiceItem.objects.get(edition=published, code=SG).trips == 0


def test_refusals(client, regions, admin, published):
    urls = [
        reverse("catalogue:manage_editions"),
        reverse("catalogue:manage_edition", args=[published.number]),
        reverse("catalogue:manage_item", args=[published.number, SG]),
        reverse("catalogue:manage_publish", args=[published.number]),
        reverse("catalogue:manage_compare"),
        reverse("catalogue:manage_conformance"),
        reverse("catalogue:manage_bindings"),
        reverse("catalogue:manage_standards"),
        reverse("catalogue:manage_standard_add"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("core:login")), url
    client.force_login(make_staff("teller", region=regions["county_a1"], posts=[PostCode.GENERAL_TELLER]))
    for url in urls:
        response = client.get(url)
        assert response.status_code == 403, url
        assert "您的岗位无权访问此页面" in response.content.decode()
    # A county administrator fills in bindings but does not edit the province's standard.
    client.force_login(make_staff("county_admin", region=regions["county_a1"], posts=[PostCode.ADMIN]))
    assert client.get(urls[0]).status_code == 403
    assert "仅供省级" in client.get(urls[0]).content.decode()
    assert client.post(urls[0], {"title": "x"}).status_code == 403
    assert not Edition.objects.filter(status=EditionStatus.DRAFT).exists()
    assert client.get(reverse("catalogue:manage_bindings")).status_code == 200
    # An auditor reads the register but cannot change it.
    client.force_login(make_staff("auditor", region=regions["province"], posts=[PostCode.AUDITOR]))
    assert client.get(reverse("catalogue:manage_standards")).status_code == 200
    assert client.get(reverse("catalogue:manage_standard_add")).status_code == 403


def test_binding_applies_open_fields_and_records_deviations(client, regions, published):
    county_admin = make_staff("county_admin", region=regions["county_a1"], posts=[PostCode.ADMIN])
    client.force_login(county_admin)
    url = reverse("catalogue:manage_bindings")
    page = client.get(url).content.decode()
    assert "990101" in page and "990101001" in page  # own county and its township
    assert "990201" not in page  # another city's county is not offered
    response = client.post(
        url,
        {
            "region": "990101",
            "item": "SB-S-001",
            "phone": "0551-1234567",
            "address": "甲一县政务服务中心 3 号窗口",  # no longer a field: the outlet records say where
            "promised_limit_days": "3",
            "extra_material": "户口簿",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "0551-1234567" in page and "甲一县政务服务中心 3 号窗口" not in page
    assert "已记录为差异——未采用" in page
    assert "承诺办结时限（工作日）" in page
    assert "户口簿" in page
    binding = LocalBinding.objects.get(region=regions["county_a1"], item_code="SB-S-001")
    assert binding.phone == "0551-1234567" and binding.address == ""
    assert set(Deviation.objects.values_list("field", flat=True)) == {"promised_limit_days", "materials"}
    assert ServiceItem.objects.get(edition=published, code="SB-S-001").promised_limit_days == 5


def test_county_admin_cannot_bind_another_county(client, regions, published):
    client.force_login(make_staff("county_admin", region=regions["county_a1"], posts=[PostCode.ADMIN]))
    url = reverse("catalogue:manage_bindings")
    assert client.get(url, {"region": "990201", "item": SG}).status_code == 403
    response = client.post(url, {"region": "990201", "item": SG, "address": "别人的地址"})
    assert response.status_code == 403
    assert not LocalBinding.objects.exists()


def test_conformance_report_is_bounded_by_region(client, regions, admin, published):
    binding_save(region=regions["county_a1"], item_code=SG, values={"trips": 1}, by=admin)
    binding_save(region=regions["county_b1"], item_code=SG, values={"fee": "5.00"}, by=admin)
    url = reverse("catalogue:manage_conformance")
    client.force_login(admin)
    page = client.get(url).content.decode()
    assert "甲一县" in page and "乙一县" in page and "5.00" in page
    leader = make_staff("leader", region=regions["city_a"], posts=[PostCode.SECTION_LEADER])
    client.force_login(leader)
    page = client.get(url).content.decode()
    assert "甲一县" in page and "甲二县" in page
    assert "乙一县" not in page and "5.00" not in page
    assert "跑动次数" in page or "trips" in page.lower()
    assert "admin1" in page  # who asked


def test_standards_register(client, admin):
    client.force_login(admin)
    today = timezone.localdate()
    response = client.post(
        reverse("catalogue:manage_standard_add"),
        {
            "code": "DB34/T 0001",
            "title_zh": "社会保险经办窗口服务规范",
            "title_en": "Service counter practice",
            "kind": "service",
            "version": "2024",
            "status": "published",
            "issued_on": (today - dt.timedelta(days=400)).isoformat(),
            "next_review_date": (today - dt.timedelta(days=5)).isoformat(),
        },
    )
    assert response.status_code == 302
    standard_save(
        by=admin,
        code="DB34/T 0002",
        title_zh="经办数据规范",
        title_en="",
        kind="technical",
        version="1",
        status="published",
        next_review_date=today + dt.timedelta(days=30),
    )
    page = client.get(reverse("catalogue:manage_standards")).content.decode()
    assert "社会保险经办窗口服务规范" in page and "经办数据规范" in page
    assert 'class="overdue"' in page and "已逾期" in page
    assert "服务标准" in page and "技术标准" in page
    standard = Standard.objects.get(code="DB34/T 0001")
    response = client.post(
        reverse("catalogue:manage_standard_status", args=[standard.pk]), {"status": "retired"}
    )
    assert response.status_code == 302
    standard.refresh_from_db()
    assert standard.status == "retired"
    # A clash is shown next to the form, nothing saved.
    response = client.post(
        reverse("catalogue:manage_standard_add"),
        {"code": "DB34/T 0002", "title_zh": "重复", "kind": "technical", "version": "1", "status": "draft"},
    )
    assert response.status_code == 400 and "DB34/T 0002" in response.content.decode()
    assert Standard.objects.filter(code="DB34/T 0002").count() == 1


def test_english_rendering(client, admin, published):
    client.force_login(admin)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("catalogue:manage_editions")).content.decode()
    assert "Catalogue editions" in page and "Published" in page and "Open a draft edition" in page


def test_list_pages_have_bounded_queries(client, regions, admin, django_assert_max_num_queries):
    items = [item_data(code=f"SB-G-{i:03d}", order=i) for i in range(1, 16)]
    edition = make_published_edition(items=items, by=admin)
    for region in (regions["county_a1"], regions["county_b1"], regions["town_a1"]):
        binding_save(region=region, item_code="SB-G-003", values={"trips": 1}, by=admin)
    client.force_login(admin)
    for url in (
        reverse("catalogue:manage_editions"),
        reverse("catalogue:manage_edition", args=[edition.number]),
        reverse("catalogue:manage_conformance"),
        reverse("catalogue:manage_standards"),
    ):
        with django_assert_max_num_queries(20):
            assert client.get(url).status_code == 200


def test_spreadsheet_export_and_import(client, admin, published):
    client.force_login(admin)
    response = client.get(reverse("catalogue:manage_export", args=[published.number]))
    assert response.status_code == 200 and response.content[:2] == b"PK"
    draft = _open_draft(client)
    page = client.get(reverse("catalogue:manage_edition", args=[draft.number])).content.decode()
    assert reverse("catalogue:manage_import", args=[draft.number]) in page
    upload = SimpleUploadedFile("c.xlsx", response.content)
    response = client.post(reverse("catalogue:manage_import", args=[draft.number]), {"file": upload})
    assert response.status_code == 302
    bad = SimpleUploadedFile("c.xlsx", b"not a spreadsheet")
    response = client.post(reverse("catalogue:manage_import", args=[draft.number]), {"file": bad})
    assert response.status_code == 400


def test_new_item_form_starts_with_identity_card_and_two_steps(client, admin, published):
    client.force_login(admin)
    draft = _open_draft(client)
    page = client.get(reverse("catalogue:manage_item_add", args=[draft.number])).content.decode()
    assert 'value="居民身份证"' in page and 'value="受理"' in page and 'value="办结"' in page
