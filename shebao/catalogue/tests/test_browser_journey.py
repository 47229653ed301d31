"""Issue 2's journey, as a new user takes it, in headless Chromium.

A citizen browses and searches the catalogue in Chinese and English and prints a service guide; an
administrator creates a draft, breaks a rule, is refused publication with the reason, fixes it,
publishes, compares the editions, sees a county's attempted deviation in the conformance report,
and verifies the audit chain.
"""

from __future__ import annotations

import re

import pytest

from shebao.catalogue.services import binding_save
from shebao.catalogue.tests.factories import item_data, make_published_edition, special_item_data
from shebao.core.permissions import PostCode
from shebao.core.tests.factories import make_region_tree, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "journey-pass-2026"


@pytest.fixture
def world():
    regions = make_region_tree()
    make_published_edition(items=[item_data(), special_item_data()])
    make_staff("admin", region=regions["province"], posts=[PostCode.ADMIN], password=PASSWORD)
    # A county tries a longer promised limit than the standard: recorded, never applied.
    binding_save(
        region=regions["county_b1"],
        item_code="SB-S-001",
        values={"address": "乙一县民生路8号", "promised_limit_days": 9},
        by=None,
    )
    return regions


def test_citizen_browses_searches_switches_language_and_prints(browser_page, world):
    page = browser_page
    page.goto("/")
    assert "失业保险金申领" in page.content()
    page.fill("input[name=q]", "失业")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q="))
    rows = page.locator("a", has_text="失业保险金申领")
    assert rows.count() >= 1
    assert page.locator("a", has_text="职工参保登记").count() == 0

    page.locator("button[name=language][value=en]").click()
    page.wait_for_load_state()
    assert "Unemployment benefit claim" in page.content()

    page.get_by_role("link", name="Unemployment benefit claim").first.click()
    page.wait_for_url(re.compile(r"/items/SB-S-001/"))
    guide = page.content()
    assert "Proof of terminated employment" in guide  # a material
    assert "Section leader" in guide  # the sign-off step's post
    pdf = page.request.get("/items/SB-S-001/guide.pdf")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")


def test_administrator_edits_is_refused_fixes_publishes_compares_and_verifies(browser_page, world):
    page = browser_page
    page.goto("/login/")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", PASSWORD)
    page.locator("button[type=submit].primary").click()
    page.wait_for_url(re.compile(r"/desk/"))

    # A new draft, based on the published edition.
    page.goto("/manage/editions/")
    page.fill("input[name=title]", "2027年版")
    page.get_by_role("button", name="新建草稿").click()
    page.wait_for_url(re.compile(r"/manage/editions/2/"))

    # Break a rule: a promised limit longer than the statutory 10 working days.
    page.goto("/manage/editions/2/items/SB-S-001/")
    page.fill("input[name=promised_limit_days]", "30")
    page.get_by_role("button", name="保存事项").click()
    page.wait_for_load_state()

    page.goto("/manage/editions/2/publish/")
    page.get_by_role("button", name="确认发布该版本").click()
    page.wait_for_load_state()
    refused = page.content()
    assert "发布被拒绝" in refused
    assert "SB-S-001" in refused and "仍为草稿" in refused

    # Fix it and publish.
    page.goto("/manage/editions/2/items/SB-S-001/")
    page.fill("input[name=promised_limit_days]", "8")
    page.get_by_role("button", name="保存事项").click()
    page.wait_for_load_state()
    page.goto("/manage/editions/2/publish/")
    page.get_by_role("button", name="确认发布该版本").click()
    page.wait_for_load_state()
    assert "发布被拒绝" not in page.content()
    page.goto("/manage/editions/")
    assert "已发布" in page.content() and "已被替代" in page.content()

    # The difference between editions: the promised limit 5 → 8.
    page.goto("/manage/editions/compare/?old=1&new=2")
    assert "SB-S-001" in page.locator("main").inner_text()
    changed = page.locator("tr", has_text="承诺办结时限").first.inner_text()
    assert re.search(r"\b5\b", changed) and re.search(r"\b8\b", changed)

    # The county's attempted deviation shows in the conformance report.
    page.goto("/manage/conformance/")
    row = page.locator("tr", has_text="乙一县").first.text_content() or ""
    assert "1" in row  # one item deviates
    details = page.locator("main").text_content() or ""
    assert "乙一县" in details and "9" in details

    # The audit chain verifies.
    page.goto("/audit/")
    page.locator("form[action$='/audit/verify/'] button").click()
    page.wait_for_load_state()
    assert page.locator(".verdict.intact").count() == 1
