"""What completing a case changes, shown before it is approved, and the counter registering new applicants.

Through the pages (Django test client), as the tellers, reviewers and leaders work: the review and
sign-off pages show each field's value now and after (赵霭倩 → 赵霭芊), an approval of anything else
than what was shown is refused and audited, no bank outlet takes an item that changes key or fund
data, and an unknown ID number or credit code at the desk leads to the registration form.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from shebao.audit.models import AuditEvent
from shebao.cases.models import Case, CaseStatus
from shebao.cases.tests import factories as cf
from shebao.catalogue.models import ServiceItem
from shebao.catalogue.tests.factories import item_data, special_item_data
from shebao.core.permissions import PostCode
from shebao.core.tests.factories import make_region_tree
from shebao.counter.models import Outlet, OutletKind, Window, WindowKind
from shebao.counter.tests.factories import hall, make_staff
from shebao.registry.models import Employer, Person
from shebao.registry.tests import factories as rf

pytestmark = pytest.mark.django_db

KEY_ITEM = "SB-S-301"  # 参保人员关键信息变更: special, review and the section leader's sign-off
PERSON_REG = "SB-G-301"  # 城乡居民养老保险参保登记: registers a person not yet registered
EMPLOYER_REG = "SB-G-302"  # 单位参保登记

# The general item's single step, taken by the general teller (and the bank agent where offered).
GENERAL_STEPS = [
    {"kind": "accept", "name_zh": "受理", "name_en": "Accept", "posts": ["general_teller", "bank_agent"]},
    {"kind": "complete", "name_zh": "办结", "name_en": "Complete", "posts": ["general_teller", "bank_agent"]},
]


def key_item() -> dict[str, Any]:
    return special_item_data(
        code=KEY_ITEM,
        name_zh="参保人员关键信息变更",
        name_en="Key data change",
        zone="enrolment",
        fund_payout=False,
        risk_level="medium",
        effect_code="registry.person_change_key",
        insurance_types=["employee_pension"],
    )


def registration_items() -> list[dict[str, Any]]:
    return [
        item_data(
            code=PERSON_REG,
            name_zh="城乡居民基本养老保险参保登记",
            name_en="Residents' pension enrolment",
            effect_code="registry.enrolment_create",
            insurance_types=["resident_pension"],
            steps=GENERAL_STEPS,
        ),
        item_data(
            code=EMPLOYER_REG,
            name_zh="单位参保登记",
            name_en="Employer registration",
            effect_code="registry.employer_register",
            steps=GENERAL_STEPS,
        ),
    ]


@pytest.fixture
def office() -> dict[str, Any]:
    regions = make_region_tree()
    cf.edition([key_item(), *registration_items()])
    county = regions["county_a1"]
    outlet = hall(county)
    windows = cf.windows(outlet)
    return {
        "county": county,
        "outlet": outlet,
        "general_teller": cf.teller_at("gt", window=windows["4"], posts=[PostCode.GENERAL_TELLER]),
        "special_teller": cf.teller_at("st", window=windows["8"], posts=[PostCode.SPECIAL_TELLER]),
        "reviewer": make_staff("rev", region=county, posts=[PostCode.REVIEWER]),
        "leader": make_staff("lead", region=county, posts=[PostCode.SECTION_LEADER]),
        "person": rf.person(at=county, name="赵霭倩", id_number=rf.make_id_number(gender="F")),
    }


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def shown_on(page: str) -> str:
    found = re.search(r'name="shown" value="([0-9a-f]+)"', page)
    assert found, "the page offers no approval of shown changes"
    return found.group(1)


def change_row(page: str, before: str, after: str) -> bool:
    """The changes table has a row with `before` now and `after` after completion."""
    return bool(
        re.search(rf"<td[^>]*>{re.escape(before)}</td><td[^>]*>→ <strong>{re.escape(after)}</strong>", page)
    )


def accept_name_change(o: dict[str, Any]) -> Case:
    client = client_for(o["special_teller"])
    response = client.post(
        reverse("cases:desk"),
        {
            "person": o["person"].pk,
            "action": "accept",
            "item": KEY_ITEM,
            "received": ["0", "1"],
            "d-name": "赵霭芊",
            "delivery": "pickup",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    receipt = client.get(response["Location"]).content.decode()
    assert change_row(receipt, "赵霭倩", "赵霭芊")  # the receipt says what completing will change
    return Case.objects.get(item_code=KEY_ITEM)


def test_review_and_sign_off_show_the_name_now_and_after_and_completion_shows_the_outcome(office):
    o = office
    case = accept_name_change(o)
    act = reverse("cases:act", args=[case.number])

    reviewer = client_for(o["reviewer"])
    page = reviewer.get(reverse("cases:case", args=[case.number])).content.decode()
    assert change_row(page, "赵霭倩", "赵霭芊")
    assert (
        reviewer.post(
            act, {"action": "approve", "version": case.version, "shown": shown_on(page)}
        ).status_code
        == 302
    )

    case.refresh_from_db()
    leader = client_for(o["leader"])
    page = leader.get(reverse("cases:case", args=[case.number])).content.decode()
    assert change_row(page, "赵霭倩", "赵霭芊")  # the sign-off page shows the same change
    assert (
        leader.post(act, {"action": "approve", "version": case.version, "shown": shown_on(page)}).status_code
        == 302
    )

    case.refresh_from_db()
    o["person"].refresh_from_db()
    assert case.status == CaseStatus.COMPLETED and o["person"].name == "赵霭芊"
    page = leader.get(reverse("cases:case", args=[case.number])).content.decode()
    assert reverse("registry:person", args=[o["person"].pk]) in page  # the outcome links the record


def test_an_approval_of_what_is_no_longer_true_is_refused_and_audited(office):
    o = office
    case = accept_name_change(o)
    reviewer = client_for(o["reviewer"])
    page = reviewer.get(reverse("cases:case", args=[case.number])).content.decode()
    shown = shown_on(page)
    # Meanwhile the record changes (another case corrected the name already).
    Person.objects.filter(pk=o["person"].pk).update(name="赵蔼倩")

    response = reviewer.post(
        reverse("cases:act", args=[case.number]),
        {"action": "approve", "version": case.version, "shown": shown},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert change_row(page, "赵蔼倩", "赵霭芊")  # the page shows the change as it is now
    case.refresh_from_db()
    assert case.step_index == 1 and not case.actions.filter(kind="approve_step").exists()
    refused = AuditEvent.objects.filter(action="cases.refused", actor=o["reviewer"]).get()
    assert "preview_changed" in refused.payload
    # Without any fingerprint (a form that never showed the change) it is refused the same way.
    response = reviewer.post(
        reverse("cases:act", args=[case.number]), {"action": "approve", "version": case.version}
    )
    assert response.status_code == 409


def test_a_bank_outlet_never_takes_an_item_that_changes_fund_data(office):
    o = office
    # A general, bank-offered item whose effect changes fund data cannot be published (rule
    # `sensitive_effect`); here a published item's handler became one after publication.
    cf.edition(
        [
            key_item(),
            item_data(
                code="SB-B-021",
                name_zh="参保人员联系信息变更",
                effect_code="registry.person_change",
                channels=["counter", "bank"],
                steps=GENERAL_STEPS,
            ),
        ]
    )
    ServiceItem.objects.filter(code="SB-B-021").update(effect_code="registry.person_change_payout")
    outlet = Outlet.objects.create(
        code="bank-a1", name_zh="农商银行甲一支行", kind=OutletKind.BANK, region=o["county"]
    )
    window = Window.objects.create(outlet=outlet, number="1", kind=WindowKind.BANK, zones=["enrolment"])
    agent = cf.teller_at("bank-agent", window=window, posts=[PostCode.BANK_AGENT])
    client = client_for(agent)

    found = client.post(reverse("cases:desk"), {"action": "identify", "q": o["person"].id_number})
    assert "SB-B-021" not in found.content.decode()  # not offered
    response = client.post(
        reverse("cases:desk"),
        {
            "person": o["person"].pk,
            "action": "accept",
            "item": "SB-B-021",
            "received": ["0"],
            "d-bank_name": "某银行",
            "d-bank_account": "6228480000000000001",
            "delivery": "pickup",
        },
    )
    assert response.status_code == 403
    assert "关键信息或基金相关信息" in response.content.decode()
    assert not Case.objects.exists()
    refused = AuditEvent.objects.filter(action="cases.refused", actor=agent).get()
    assert "bank_sensitive" in refused.payload


def test_the_counter_registers_a_new_person_as_the_first_step_of_a_case(office):
    o = office
    client = client_for(o["general_teller"])
    number = rf.make_id_number(gender="M")
    found = client.post(reverse("cases:desk"), {"action": "identify", "q": number})
    page = found.content.decode()
    assert (
        found.status_code == 200 and PERSON_REG in page and KEY_ITEM not in page and EMPLOYER_REG not in page
    )

    chosen = client.post(
        reverse("cases:desk"), {"new_number": number, "action": "choose", "item": PERSON_REG}
    )
    page = chosen.content.decode()
    assert 'name="d-name"' in page and 'name="d-household_type"' in page  # the registration form

    missing = client.post(
        reverse("cases:desk"),
        {
            "new_number": number,
            "action": "accept",
            "item": PERSON_REG,
            "received": ["0"],
            "delivery": "pickup",
            "d-insurance_type": "resident_pension",
            "d-start_date": "2024-01-01",
        },
    )
    assert missing.status_code == 400 and not Case.objects.exists()  # the name is required

    done = client.post(
        reverse("cases:desk"),
        {
            "new_number": number,
            "action": "accept",
            "item": PERSON_REG,
            "received": ["0"],
            "delivery": "pickup",
            "d-insurance_type": "resident_pension",
            "d-start_date": "2024-01-01",
            "d-name": "钱多多",
            "d-household_type": "rural",
            "d-phone": "13900001111",
        },
    )
    assert done.status_code == 302, done.content.decode()[:3000]
    person = Person.objects.get(id_number=number)
    case = Case.objects.get()
    assert case.status == CaseStatus.COMPLETED and case.person == person and person.region == o["county"]
    assert person.enrolments.get().insurance_type.code == "resident_pension"

    # Registered now: the same number finds the record, and an item that only registers is not offered.
    again = client.post(reverse("cases:desk"), {"action": "identify", "q": number}).content.decode()
    assert "钱多多" in again and PERSON_REG in again and EMPLOYER_REG not in again


def test_the_counter_registers_a_new_employer(office):
    o = office
    client = client_for(o["general_teller"])
    code = rf.make_credit_code(seq=777)
    found = client.post(reverse("cases:desk"), {"action": "identify", "q": code})
    page = found.content.decode()
    assert EMPLOYER_REG in page and PERSON_REG not in page

    chosen = client.post(
        reverse("cases:desk"), {"new_number": code, "action": "choose", "item": EMPLOYER_REG}
    )
    page = chosen.content.decode()
    for name in ("name", "employer_type", "industry", "injury_risk_class", "legal_representative"):
        assert f'name="d-{name}"' in page, name

    bad = client.post(
        reverse("cases:desk"),
        {
            "new_number": code,
            "action": "accept",
            "item": EMPLOYER_REG,
            "received": ["0"],
            "delivery": "pickup",
            "d-name": "青河新材料有限公司",
            "d-employer_type": "enterprise",
            "d-industry": "制造业",
            "d-injury_risk_class": "9",
            "d-legal_representative": "李强",
        },
    )
    assert bad.status_code == 400 and not Employer.objects.filter(credit_code=code).exists()

    done = client.post(
        reverse("cases:desk"),
        {
            "new_number": code,
            "action": "accept",
            "item": EMPLOYER_REG,
            "received": ["0"],
            "delivery": "pickup",
            "d-name": "青河新材料有限公司",
            "d-employer_type": "enterprise",
            "d-industry": "制造业",
            "d-injury_risk_class": "3",
            "d-legal_representative": "李强",
        },
    )
    assert done.status_code == 302, done.content.decode()[:3000]
    employer = Employer.objects.get(credit_code=code)
    case = Case.objects.get()
    assert case.status == CaseStatus.COMPLETED and case.employer == employer
    assert (employer.injury_risk_class, employer.region) == (3, o["county"])
    receipt = client.get(done["Location"]).content.decode()
    assert "青河新材料有限公司" in receipt
