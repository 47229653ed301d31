"""The citizen's journey on a phone-sized screen (390×844) in headless Chromium, keyboard included.

A new user opens an account with the code the demo phone shows, signs out, signs in again with the
keyboard alone, opens the one-click query page, books an appointment and sees the booking code; no
page scrolls sideways. The query page's screenshot is kept as docs/screenshots/portal-phone.png.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import expect

from shebao.cases.models import CaseStatus
from shebao.counter.models import Appointment
from shebao.portal.models import PortalAccount
from shebao.portal.tests.test_accounts_world import FAST_HASHERS, make_case, world
from shebao.registry import services as registry_services
from shebao.registry.tests import factories as rf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "Qinghe-river-2026"
SCREENSHOT = Path(django_settings.BASE_DIR) / "docs" / "screenshots" / "portal-phone.png"
WIDTH = 390


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"{page.url} is {width}px wide"


def _tab_to(page: Any, name: str, limit: int = 30) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.name") == name:
            return
    raise AssertionError(f"Tab never reached the field {name}")


def test_register_sign_in_query_and_book_on_a_phone(browser_page: Any, settings: Any) -> None:
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.SHEBAO_DEMO_SHOW_CODES = True
    w = world()
    person = rf.person(
        at=w["county"], name="陈静", id_number=rf.make_id_number(gender="F", seq=421), phone="13700001111"
    )
    employer = rf.employer(at=w["county"], name="青河机械有限公司")
    for code in ("employee_pension", "employee_medical"):
        registry_services.enrolment_create(
            person=person, insurance_type=code, employer=employer, start_date=dt.date(2024, 3, 1), by=None
        )
    make_case(w, person=person, number="SB2026112300001")
    make_case(w, person=person, number="SB2026112300002", status=CaseStatus.COMPLETED)
    page = browser_page
    page.set_viewport_size({"width": WIDTH, "height": 844})

    # Open an account: ID number and name, then the code from the demo phone, the card number, a password.
    page.goto("/my/register/")
    _no_sideways_scroll(page)
    page.get_by_label("公民身份号码").fill(person.id_number)
    page.get_by_label("姓名（与身份证一致）").fill("陈静")
    page.get_by_role("button", name="发送验证码").click()
    expect(page.locator(".demo-phone")).to_be_visible()
    _no_sideways_scroll(page)
    code = page.locator(".demo-code").inner_text().strip()
    card = page.locator(".demo-card").inner_text().strip()
    page.get_by_label("短信验证码").fill(code)
    page.get_by_label("电子社保卡卡号").fill(card)
    page.get_by_label(re.compile("^新密码")).fill(PASSWORD)
    page.get_by_label("再次输入新密码").fill(PASSWORD)
    page.get_by_role("button", name="开通账户").click()
    expect(page.locator("h1")).to_have_text("我的社保")
    assert PortalAccount.objects.filter(person=person).exists()

    # Sign out, then sign in with the keyboard alone; the focused field shows a visible outline.
    page.get_by_role("button", name="退出").click()
    page.goto("/my/login/")
    _tab_to(page, "id_number")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")
    page.keyboard.type(person.id_number)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "BUTTON"
    page.keyboard.press("Enter")

    # One-click query.
    expect(page.locator("h1")).to_have_text("我的社保")
    expect(page.get_by_text("SB2026112300001")).to_be_visible()
    _no_sideways_scroll(page)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    page.get_by_role("link", name="SB2026112300001").click()
    expect(page.locator(".portal-steps")).to_be_visible()
    _no_sideways_scroll(page)

    # One-click appointment: outlet, zone, a free time.
    page.goto("/my/appointments/")
    _no_sideways_scroll(page)
    page.get_by_role("link", name=w["outlet"].name).click()
    page.locator(".zone-pick a").first.click()
    page.locator("input[name=slot]").first.check()
    page.get_by_role("button", name="预约", exact=True).click()
    appointment = Appointment.objects.get(person=person)
    expect(page.locator(".booking-code").first).to_have_text(appointment.code)
    _no_sideways_scroll(page)
