"""The employer agent's journey on a phone-sized screen (390×844) in headless Chromium.

The agent opens an account with the code the demo phone shows, sees the staff list (IDs masked),
reports a new employee and lands on the case page; no page scrolls sideways.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from shebao.cases.models import Case, CaseStatus
from shebao.portal.tests.test_employer import INCREASE_ITEM, build_world, idn
from shebao.registry.tests import factories as rf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTH = 390
PASSWORD = "Qinghe-river-2026"  # noqa: S105 - test password


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"{page.url} is {width}px wide"


def test_agent_registers_and_reports_a_new_employee_on_a_phone(browser_page: Any, settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SHEBAO_DEMO_SHOW_CODES = True
    w = build_world()
    newcomer = rf.person(at=w["county"], name="吴新", id_number=idn(90))
    page = browser_page
    page.set_viewport_size({"width": WIDTH, "height": 844})

    page.goto("/my/employer/register/")
    page.fill("input[name=credit_code]", w["ours"].credit_code)
    page.fill("input[name=name]", "王经办")
    page.fill("input[name=id_number]", idn(91))
    page.click("button[type=submit].primary")
    code = page.locator("[data-demo-code]").inner_text().strip()
    assert len(code) == 6
    _no_sideways_scroll(page)
    page.fill("input[name=code]", code)
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.click("button[type=submit].primary")
    expect(page.locator("h1")).to_contain_text(w["ours"].name)
    _no_sideways_scroll(page)

    page.goto("/my/employer/staff/")
    expect(page.locator("table")).to_contain_text("赵一")
    assert w["staff"][0].id_number not in page.content()
    _no_sideways_scroll(page)

    page.goto("/my/employer/staff/increase/")
    page.fill("input[name=id_number]", newcomer.id_number)
    page.fill("input[name=name]", "吴新")
    page.fill("input[name=on]", "2026-02-01")
    page.keyboard.press("Enter")  # the form is sent from the keyboard
    expect(page.locator("[data-status]")).to_have_attribute("data-status", CaseStatus.SUBMITTED)
    case = Case.objects.get(employer=w["ours"], item_code=INCREASE_ITEM)
    assert case.number in page.url
    _no_sideways_scroll(page)
