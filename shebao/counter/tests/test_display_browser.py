"""The hall display on a 1920×1080 wall screen, in headless Chromium: full screen without the site's
header, the window label on one line, the whole width used, waiting counts per zone, and every call
announced once sound was switched on."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from shebao.counter import services
from shebao.counter.models import Window, WindowKind
from shebao.counter.tests.factories import world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WALL = {"width": 1920, "height": 1080}


def test_wall_screen_layout_and_sound(browser_page, live_server, tmp_path):
    w = world()
    outlet = w["outlet"]
    wide = Window.objects.create(outlet=outlet, number="12", kind=WindowKind.GENERAL, zones=["pension"])
    for zone in ("enrolment",) * 4 + ("medical",) * 2 + ("pension",) * 2:
        services.ticket_issue(outlet=outlet, zone=zone)
    # Six windows call: A001, B001, C001, A002, A003 and, last, C002 at window 12.
    windows = [w["windows"][n] for n in ("1", "2", "3", "4", "8")] + [wide]
    for teller, window in zip(w["tellers"], windows, strict=True):
        services.window_sign_in(teller=teller, window=window)
        services.ticket_call_next(teller=teller)

    context = browser_page.context.browser.new_context(base_url=live_server.url, viewport=WALL)
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        page.goto(f"/counter/{outlet.code}/display/")
        # A page of its own: no site header, menu or footer.
        assert page.locator("header.brand-bar, nav.main-nav, footer.brand-foot").count() == 0
        grid = page.locator("#display-now .display-grid").bounding_box()
        assert grid is not None and grid["width"] >= 0.9 * WALL["width"]
        assert grid["y"] + grid["height"] <= WALL["height"]  # no scrolling
        now = page.locator("#display-now .now-calling")
        expect(now.locator(".num")).to_have_text("C002")
        label = now.locator(".win")
        expect(label).to_have_text("12 号窗口")
        one_line = label.evaluate(
            "el => el.getBoundingClientRect().height <= 1.3 * parseFloat(getComputedStyle(el).lineHeight)"
        )
        assert one_line, "the window label breaks over two lines"
        font = float(label.evaluate("el => parseFloat(getComputedStyle(el).fontSize)"))
        assert font >= 100  # readable across a hall
        rows = page.locator("#display-now .hs-call")
        expect(rows).to_have_count(6)
        bottom = page.locator("#display-now .hs-calls").evaluate("el => el.getBoundingClientRect().bottom")
        for i in range(6):  # each label of the last calls is one line box, and no row is cut off
            assert rows.nth(i).locator(".win").evaluate("el => el.getClientRects().length") == 1
            assert rows.nth(i).evaluate("el => el.getBoundingClientRect().bottom") <= bottom + 1
        zones = page.locator("#display-now .hs-zones li")
        expect(zones).to_have_count(3)
        assert [zones.nth(i).locator("strong").inner_text() for i in range(3)] == ["1", "1", "0"]
        page.screenshot(path=str(tmp_path / "hall-display.png"))

        # Set-up: sound is switched on once, and remembered.
        button = page.locator("#sound-enable")
        expect(button).to_have_text("开启声音")
        button.click()
        assert page.evaluate("localStorage.getItem('shebao.display.sound')") == "on"
        # Every call is announced (chime, and spoken where the browser has a voice).
        services.ticket_call_next(teller=w["tellers"][0])
        expect(page.locator("body")).to_have_attribute(
            "data-announced", "请 A004 号到 1 号窗口办理", timeout=10000
        )
        expect(now.locator(".num")).to_have_text("A004")
        services.ticket_recall(teller=w["tellers"][0], ticket=services.QueueTicket.objects.get(number="A004"))
        page.evaluate("document.body.removeAttribute('data-announced')")
        expect(page.locator("body")).to_have_attribute(
            "data-announced", "请 A004 号到 1 号窗口办理", timeout=10000
        )
    finally:
        page.close()
        context.close()
