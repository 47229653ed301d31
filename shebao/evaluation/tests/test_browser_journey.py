"""Issue 4's main journey in headless Chromium, as people in the hall take it.

A resident takes a ticket at the kiosk; the hall display calls it at a general window; the teller,
signed in to that window, calls the ticket, identifies the resident by ID number, chooses the
residents' medical enrolment, ticks the materials and accepts; the item completes on the spot and
the enrolment exists; the tablet next to the window offers the case for rating by itself, and the
resident's 非常满意 is recorded against the case, the teller, the window and the outlet.
"""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from shebao.cases.models import Case, CaseStatus
from shebao.catalogue.tests.factories import item_data, make_published_edition
from shebao.core.permissions import PostCode
from shebao.core.tests.factories import make_region_tree, make_staff
from shebao.counter.models import Outlet, OutletKind, QueueTicket, TellerQualification, Window, WindowKind
from shebao.evaluation.models import Rating
from shebao.registry.models import Enrolment
from shebao.registry.tests import factories as rf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "journey-pass-2026"
ITEM = "SB-G-301"
CALL_WAIT_MS = 10_000  # the display and the tablet update themselves within a few seconds


@pytest.fixture
def hall():
    regions = make_region_tree()
    county = regions["county_a1"]
    make_published_edition(
        items=[
            item_data(
                code=ITEM,
                name_zh="城乡居民基本医疗保险参保登记",
                name_en="Residents' medical enrolment",
                zone="medical",
                effect_code="registry.enrolment_create",
                insurance_types=["resident_medical"],
                channels=["counter"],
                materials=[
                    {
                        "name_zh": "居民身份证",
                        "name_en": "Resident identity card",
                        "is_identity_document": True,
                        "original_checked": True,
                        "required": True,
                    },
                    {
                        "name_zh": "户口簿",
                        "name_en": "Household register",
                        "copies": 1,
                        "required": True,
                        "legal_basis": "社会保险法 第二十五条",
                    },
                ],
            )
        ]
    )
    outlet = Outlet.objects.create(
        code="hall-j1",
        name_zh="甲一县社保服务大厅",
        name_en="County A1 service hall",
        kind=OutletKind.COUNTY_HALL,
        region=county,
        address="人民路1号",
        opening_hours="周一至周五 9:00-17:00",
    )
    window = Window.objects.create(outlet=outlet, number="2", kind=WindowKind.GENERAL, zones=["medical"])
    teller = make_staff("teller", region=county, posts=[PostCode.GENERAL_TELLER], password=PASSWORD)
    TellerQualification.objects.create(teller=teller, zone="medical")
    person = rf.person(
        at=county, name="李娜", id_number=rf.make_id_number(gender="F"), household_type="rural"
    )
    return {"outlet": outlet, "window": window, "teller": teller, "person": person}


def test_kiosk_ticket_display_window_result_rating(browser_page, live_server, hall):
    outlet, window, person = hall["outlet"], hall["window"], hall["person"]
    kiosk = browser_page
    context = kiosk.context

    # 1. The resident takes a ticket for the medical zone's general business.
    kiosk.goto(f"/counter/{outlet.code}/kiosk/")
    kiosk.locator("button[name=pick][value='medical|general']").click()
    kiosk.wait_for_url(re.compile(r"/counter/tickets/\d+/$"))
    number = kiosk.locator(".ticket-number").inner_text().strip()
    ticket = QueueTicket.objects.get(outlet=outlet, number=number)
    assert ticket.zone == "medical" and ticket.status == "waiting"

    # 2. The hall display; the ticket is not called yet.
    display = context.new_page()
    display.goto(f"/counter/{outlet.code}/display/")
    expect(display.locator("#display-now")).to_be_visible()
    assert number not in (display.locator("#display-now .now-calling").inner_text())

    # The rating tablet next to the window waits.
    tablet = context.new_page()
    tablet.goto(f"/rating/window/{window.pk}/")
    expect(tablet.locator("button[name=level]")).to_have_count(0)

    # 3. The teller, in a browser of their own, signs in, takes the window and calls the next ticket.
    desk_context = context.browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    desk = desk_context.new_page()
    desk.set_default_timeout(15000)
    try:
        desk.goto("/login/")
        desk.fill("input[name=username]", "teller")
        desk.fill("input[name=password]", PASSWORD)
        desk.locator("button[type=submit].primary").click()
        desk.wait_for_url(re.compile(r"/desk/"))

        desk.goto("/counter/window/")
        sign_in = desk.locator("form[action$='/counter/window/sign-in/']")
        sign_in.locator("select[name=window]").select_option(str(window.pk))
        sign_in.get_by_role("button").click()
        desk.wait_for_load_state()
        desk.locator("form[action$='/counter/window/next/'] button").click()
        desk.wait_for_load_state()
        expect(desk.locator(".console-current .console-number")).to_contain_text(number)
        ticket.refresh_from_db()
        assert ticket.window_id == window.pk and ticket.status == "called"

        # 4. The display shows the call by itself, without reloading.
        now_calling = display.locator("#display-now .now-calling")
        expect(now_calling.locator(".num")).to_have_text(number, timeout=CALL_WAIT_MS)
        expect(now_calling.locator(".win")).to_contain_text(window.number)

        # 5. The resident arrives: serving starts; at the desk, identify by ID number, choose the item,
        # tick the materials, accept.
        desk.locator("form[action$='/counter/window/start/'] button").click()
        desk.wait_for_load_state()
        desk.locator(f"a[href*='/cases/desk/?ticket={ticket.pk}']").first.click()
        desk.wait_for_url(re.compile(rf"/cases/desk/\?ticket={ticket.pk}"))
        identify = desk.locator("form:has(input[name=action][value=identify])")
        identify.locator("input[name=q]").fill(person.id_number)
        identify.locator("button[type=submit]").click()
        desk.wait_for_load_state()
        expect(desk.locator(".applicant")).to_contain_text("李娜")

        choose = desk.locator("form:has(input[name=action][value=choose])")
        choose.locator(f"input[name=item][value='{ITEM}']").check()
        choose.locator("button[type=submit]").click()
        desk.wait_for_load_state()

        for box in desk.locator("input[name=received]").all():
            box.check()
        desk.locator("select[name=d-insurance_type]").select_option("resident_medical")
        desk.fill("input[name=d-start_date]", timezone.localdate().replace(day=1).isoformat())
        desk.locator("select[name=delivery]").select_option("pickup")
        desk.locator("button[name=action][value=accept]").click()

        # 6. The result: completed on the spot; the enrolment exists.
        desk.wait_for_url(re.compile(r"/cases/[^/]+/receipt/$"))
        case = Case.objects.get(ticket=ticket)
        assert case.number in desk.content()
        assert "即时办结" in desk.content()
        assert case.status == CaseStatus.COMPLETED and case.window_id == window.pk
        enrolment = Enrolment.objects.get(person=person, insurance_type__code="resident_medical")
        assert enrolment.end_date is None
    finally:
        desk_context.close()

    # 7. The tablet offers the case by itself (htmx poll): the case number's last digits and the item only.
    expect(tablet.locator("button[name=level]")).to_have_count(5, timeout=CALL_WAIT_MS)
    panel = tablet.locator("#rating-panel").inner_text()
    assert case.number[-4:] in panel and "城乡居民基本医疗保险参保登记" in panel
    assert case.number not in panel and "李娜" not in panel and person.id_number not in panel

    tablet.get_by_role("button", name="非常满意").click()
    tablet.wait_for_url(re.compile(r"\?thanks=1$"))
    expect(tablet.get_by_text("感谢您的评价")).to_be_visible()

    rating = Rating.objects.get(case=case)
    assert rating.level.value == 5
    assert (rating.teller_id, rating.window_id, rating.outlet_id) == (hall["teller"].pk, window.pk, outlet.pk)

    # Stop the polling pages before the live server stops (no request left holding a connection).
    display.close()
    tablet.close()
