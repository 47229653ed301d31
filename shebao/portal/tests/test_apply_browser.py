"""The online application journey in headless Chromium: a citizen applies on a phone-sized screen with a
material missing, staff return it, the citizen supplements it, staff accept it, the result is a message.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from playwright.sync_api import expect

from shebao.cases.models import Case, CaseStatus, Notification
from shebao.cases.tests.test_online import online_office, pdf_bytes, png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTH = 390


def _sign_in(page: Any, live_server: Any, user: Any) -> None:
    """Reuse a session made by the test client (the sign-in pages belong to another part)."""
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"{page.url} is {width}px wide"


def test_apply_return_supplement_accept(
    browser_page: Any, live_server: Any, settings: Any, tmp_path: Path
) -> None:
    settings.SHEBAO_UPLOAD_ROOT = tmp_path / "uploads"
    o = online_office()
    page = browser_page
    page.set_viewport_size({"width": WIDTH, "height": 844})

    # The citizen finds the item, fills the form with the keyboard, attaches one of the two materials.
    _sign_in(page, live_server, o["account"].user)
    page.goto("/my/apply/")
    _no_sideways_scroll(page)
    page.get_by_label("搜索事项").fill("网办")
    page.keyboard.press("Enter")
    page.get_by_role("link", name="参保人员联系电话变更（网办）").click()
    _no_sideways_scroll(page)
    page.locator("#id_d-phone").fill("13966667777")
    page.locator("#m0").set_input_files({"name": "id.png", "mimeType": "image/png", "buffer": png_bytes()})
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator("h1")).to_have_text("申请已提交")
    number = page.locator("#case-number").inner_text().strip()
    expect(page.locator(".attention")).to_contain_text("变更证明")
    case = Case.objects.get(number=number)
    assert case.status == CaseStatus.SUBMITTED

    # Staff return it, naming the missing material.
    _sign_in(page, live_server, o["online_teller"])
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/cases/online/")
    page.get_by_role("link", name=number).click()
    page.get_by_role("button", name="退回申请人补正").click()
    case.refresh_from_db()
    assert case.status == CaseStatus.RETURNED

    # The citizen supplements it.
    _sign_in(page, live_server, o["account"].user)
    page.set_viewport_size({"width": WIDTH, "height": 844})
    page.goto(f"/my/cases/{number}/supplement/")
    _no_sideways_scroll(page)
    expect(page.locator(".attention")).to_contain_text("变更证明")
    page.locator("#m1").set_input_files(
        {"name": "proof.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}
    )
    page.get_by_role("button", name="提交", exact=True).click()
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED

    # Staff accept it: a general item completes at once and the result reaches the account.
    _sign_in(page, live_server, o["online_teller"])
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/cases/online/{number}/")
    page.get_by_role("button", name="受理", exact=True).click()
    case.refresh_from_db()
    assert case.status == CaseStatus.COMPLETED
    o["person"].refresh_from_db()
    assert o["person"].phone == "13966667777"
    assert Notification.objects.filter(person=o["person"], case=case, subject__contains="结果").exists()
