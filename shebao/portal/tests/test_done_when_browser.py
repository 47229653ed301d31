"""Issue 5's "done when", in headless Chromium against the demo's catalogue, outlets and staff.

On a phone-sized screen a new user registers online as a person of the demo province, books an
appointment, applies online for 生育津贴申领 with one material missing, receives the return for
correction, uploads the material, follows the case through pre-review, review and the leader's
sign-off to its result and rates it; meanwhile a bank agent handles a low-risk item for another person
at the bank outlet and is refused a high-risk one. Staff act in their own browser contexts, through
their own pages.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from shebao.audit.models import AuditEvent
from shebao.cases.models import Case, CaseStatus, Channel
from shebao.catalogue.demo import ensure_demo_catalogue
from shebao.core.models import Region
from shebao.counter.demo import seed_counter
from shebao.counter.demo_bank import seed_bank
from shebao.counter.models import Window
from shebao.demo.province import demo_province_create
from shebao.evaluation.models import Rating
from shebao.registry.services import staff_increase
from shebao.registry.tests import factories as rf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}
STAFF_PASSWORD = "Shebao@2026"
NEW_PASSWORD = "Qinghe-mother-2026"
MATERNITY = "SB-DY-018"  # 生育津贴申领: special, online, reviewer then section leader
CERTIFICATION = "SB-YS-012"  # 社会保险待遇领取资格认证: general, low risk, offered at bank outlets
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _fits(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide on a phone"


def _staff(page: Any, base_url: str, username: str) -> Any:
    """A desktop browser context signed in as a demo staff member."""
    context = page.context.browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    staff = context.new_page()
    staff.set_default_timeout(15000)
    staff.goto("/login/")
    staff.locator("input[name=username]").fill(username)
    staff.locator("input[name=password]").fill(STAFF_PASSWORD)
    staff.locator("form button[type=submit]").last.click()
    staff.wait_for_load_state()
    assert "/login/" not in staff.url, f"{username} could not sign in"
    return staff


def test_new_user_online_with_a_correction_and_a_bank_agent(
    browser_page: Any, live_server: Any, settings: Any
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SHEBAO_DEMO_SHOW_CODES = True
    demo_province_create(by=None)
    ensure_demo_catalogue(by=None)
    seed_counter(by=None)
    seed_bank(by=None)
    qinghe = Region.objects.get(code="990121")
    mother = rf.person(at=qinghe, name="林晓燕", id_number=rf.make_id_number(gender="F"), phone="13711112222")
    # 生育津贴 needs maternity insurance (its acceptance conditions): she is employed and insured.
    staff_increase(employer=rf.employer(at=qinghe), person=mother, start_date=dt.date(2024, 3, 1), by=None)
    pensioner = rf.person(at=qinghe, name="周德厚", id_number=rf.make_id_number(gender="M"))
    base = live_server.url

    # 1. Register online on a phone: ID number and name, the code from the demo phone, a password.
    page = browser_page
    page.set_viewport_size(PHONE)
    page.goto("/my/register/")
    page.get_by_label("公民身份号码").fill(mother.id_number)
    page.get_by_label("姓名（与身份证一致）").fill("林晓燕")
    page.get_by_role("button", name="发送验证码").click()
    page.get_by_label("短信验证码").fill(page.locator(".demo-code").inner_text().strip())
    page.get_by_label("电子社保卡卡号").fill(page.locator(".demo-card").inner_text().strip())
    page.get_by_label(re.compile("^新密码")).fill(NEW_PASSWORD)
    page.get_by_label("再次输入新密码").fill(NEW_PASSWORD)
    page.get_by_role("button", name="开通账户").click()
    expect(page.locator("h1")).to_have_text("我的社保")
    _fits(page)

    # 2. Book an appointment at the county hall.
    page.goto("/my/appointments/")
    page.locator("a", has_text="青河县").first.click()
    page.locator(".zone-pick a").first.click()
    page.locator("input[name=slot]").first.check()
    page.get_by_role("button", name="预约", exact=True).click()
    expect(page.locator(".booking-code").first).to_be_visible()
    _fits(page)

    # 3. Apply online for the maternity allowance with the second material missing.
    page.goto(f"/my/apply/{MATERNITY}/")
    expect(page.locator("h1")).to_have_text("生育津贴申领")
    _fits(page)
    page.locator("#m0").set_input_files(
        {"name": "出生医学证明.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="提交申请").click()
    case = Case.objects.get(person=mother, item_code=MATERNITY)
    assert case.channel == Channel.ONLINE and case.status == CaseStatus.SUBMITTED
    expect(page.get_by_text(case.number).first).to_be_visible()

    # 4. Pre-review at the agency: the special-items teller returns it, naming what is missing.
    special = _staff(page, base, "special")
    special.goto(f"/cases/online/{case.number}/")
    special.locator("#ret-comment").fill("请补充上传第二项材料。")
    special.locator("button[name=action][value=return]").click()
    special.wait_for_load_state()
    case.refresh_from_db()
    assert case.status == CaseStatus.RETURNED

    # 5. The return reaches the account as a message; she uploads the missing material.
    page.goto("/my/messages/")
    expect(page.get_by_text(case.number).first).to_be_visible()
    _fits(page)
    page.goto(f"/my/cases/{case.number}/supplement/")
    page.locator("#m1").set_input_files(
        {"name": "医疗证明.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="提交", exact=True).click()
    page.wait_for_load_state()
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED and case.uploads.count() == 2

    # 6. Accepted (the clock starts), reviewed, signed off: three different people.
    special.goto(f"/cases/online/{case.number}/")
    special.locator("button[name=action][value=accept]").click()
    special.wait_for_load_state()
    case.refresh_from_db()
    assert case.accepted_by is not None and case.accepted_by.username == "special"
    assert case.deadline is not None
    for who in ("reviewer", "leader"):
        staff = _staff(page, base, who)
        staff.goto(f"/cases/{case.number}/")
        staff.get_by_role("button", name="审批", exact=True).click()
        staff.wait_for_load_state()
        staff.context.close()
    case.refresh_from_db()
    assert case.status == CaseStatus.COMPLETED

    # 7. She follows it to the result on her phone and rates the service.
    page.goto(f"/my/cases/{case.number}/")
    expect(page.locator(".portal-steps")).to_be_visible()
    _fits(page)
    page.locator("input[name=level]").first.check()
    page.get_by_role("button", name="提交评价").click()
    page.wait_for_load_state()
    assert Rating.objects.filter(case=case).count() == 1

    # 8. Meanwhile a bank agent serves another person at the bank outlet's counter.
    bank = _staff(page, base, "bank")
    bank.goto("/counter/window/")
    counter = Window.objects.get(
        outlet__code="qinghe-bank", number="2"
    )  # the bank outlet's all-zones counter
    bank.locator("select[name=window]").select_option(value=str(counter.pk))
    bank.locator("form", has=bank.locator("select[name=window]")).locator("button[type=submit]").click()
    bank.goto("/cases/desk/")
    bank.locator("input[name=q]").fill(pensioner.id_number)
    bank.locator("input[name=q]").press("Enter")
    expect(bank.get_by_text(CERTIFICATION).first).to_be_visible()
    expect(bank.get_by_text("生育津贴申领")).to_have_count(0)  # high-risk items are not even offered
    token = bank.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    form = {
        "csrfmiddlewaretoken": token,
        "person": str(pensioner.pk),
        "action": "accept",
        "delivery": "pickup",
    }
    done = bank.request.post(
        "/cases/desk/", form={**form, "item": CERTIFICATION, "received": "0"}, max_redirects=0
    )
    assert done.status == 302 and "/receipt/" in done.headers["location"]
    certified = Case.objects.get(person=pensioner, item_code=CERTIFICATION)
    assert certified.channel == Channel.BANK and certified.status == CaseStatus.COMPLETED
    refused = bank.request.post(
        "/cases/desk/", form={**form, "item": MATERNITY, "received": "0"}, max_redirects=0
    )
    assert refused.status == 403 and "生育津贴申领" in refused.text()
    assert not Case.objects.filter(person=pensioner, item_code=MATERNITY).exists()
    assert AuditEvent.objects.filter(action="cases.refused", actor__username="bank").exists()
