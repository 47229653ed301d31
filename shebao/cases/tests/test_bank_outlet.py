"""Bank outlets (社银合作) end to end: a bank-outlet agent signs in at a bank outlet's window, uses the
same desk, and accepts only low-risk general items whose channels include the bank outlet; anything
else is refused with a message and audited. Through the pages, as the agent would work.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from shebao.audit.models import AuditEvent
from shebao.cases.models import Case, CaseStatus, Channel
from shebao.cases.services import case_accept, case_approve_step
from shebao.cases.tests import factories as cf
from shebao.catalogue.tests.factories import item_data, special_item_data
from shebao.core.errors import ApplicationError
from shebao.core.permissions import PostCode
from shebao.core.tests.factories import make_region_tree
from shebao.counter.models import Outlet, OutletKind, Window, WindowKind
from shebao.counter.services import window_sign_in
from shebao.counter.tests.factories import hall, make_staff
from shebao.registry.tests import factories as rf

pytestmark = pytest.mark.django_db

BANK_ITEM = "SB-B-011"  # 参保人员联系信息变更: low-risk, general, offered at bank outlets
MATERNITY = "SB-S-401"  # 生育津贴申领: special, high risk, counter only
ZONES = ["enrolment", "medical", "pension"]


def bank_item() -> dict[str, Any]:
    return item_data(
        code=BANK_ITEM,
        name_zh="参保人员联系信息变更",
        name_en="Contact details change",
        effect_code="registry.person_change",
        province_wide=False,
        channels=["counter", "online", "bank"],
        steps=[
            {
                "kind": "accept",
                "name_zh": "受理",
                "name_en": "Accept",
                "posts": ["general_teller", "bank_agent"],
            },
            {
                "kind": "complete",
                "name_zh": "办结",
                "name_en": "Complete",
                "posts": ["general_teller", "bank_agent"],
            },
        ],
    )


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def bank() -> dict[str, Any]:
    regions = make_region_tree()
    county = regions["county_a1"]
    cf.edition(
        [
            bank_item(),
            special_item_data(code=MATERNITY, name_zh="生育津贴申领", zone="medical", channels=["counter"]),
        ]
    )
    outlet = Outlet.objects.create(
        code="bank-a1",
        name_zh="示范农商银行甲一支行（社银合作网点）",
        kind=OutletKind.BANK,
        region=county,
        address="人民路8号",
        opening_hours="周一至周五 9:00-17:00",
    )
    window = Window.objects.create(outlet=outlet, number="1", kind=WindowKind.BANK, zones=list(ZONES))
    agent = make_staff("bank-agent", region=county, posts=[PostCode.BANK_AGENT])
    for zone in ZONES:
        cf.qualify(agent, zone=zone)
    return {
        "regions": regions,
        "county": county,
        "outlet": outlet,
        "window": window,
        "hall": hall(county),
        "agent": agent,
        "person": rf.person(at=county, name="孙梅", id_number=rf.make_id_number(gender="F")),
        "far_person": rf.person(at=regions["county_b1"], name="周强"),
    }


def sign_in(client: Client, window: Window) -> None:
    response = client.post(reverse("counter:console_sign_in"), {"window": window.pk})
    assert response.status_code == 302


def desk(client: Client, person: Any, **fields: Any) -> Any:
    return client.post(reverse("cases:desk"), {"person": person.pk, **fields})


def test_bank_agent_signs_in_and_accepts_a_bank_item_at_the_desk(bank):
    b = bank
    client = client_for(b["agent"])
    console = client.get(reverse("counter:console")).content.decode()
    assert b["outlet"].name_zh in console
    sign_in(client, b["window"])

    found = client.post(reverse("cases:desk"), {"action": "identify", "q": b["person"].id_number})
    page = found.content.decode()
    assert found.status_code == 200 and "孙梅" in page
    assert BANK_ITEM in page  # the bank item is listed ...
    assert cf.GENERAL not in page and cf.SPECIAL not in page and MATERNITY not in page  # ... and only it

    done = desk(
        client,
        b["person"],
        action="accept",
        item=BANK_ITEM,
        received=["0"],
        **{"d-phone": "13700001111", "delivery": "pickup"},
    )
    assert done.status_code == 302, done.content.decode()[:2000]
    case = Case.objects.get()
    assert case.channel == Channel.BANK and case.outlet == b["outlet"] and case.window == b["window"]
    assert case.status == CaseStatus.COMPLETED and case.accepted_by == b["agent"]
    assert case.region == b["county"]
    b["person"].refresh_from_db()
    assert b["person"].phone == "13700001111"
    receipt = client.get(done["Location"]).content.decode()
    assert case.number in receipt


@pytest.mark.parametrize(
    ("code", "data", "reason"),
    [
        (MATERNITY, {}, "channel"),  # not a bank-outlet item at all
        (cf.SPECIAL, {"d-phone": "13700002222"}, "bank_risk"),  # has the bank channel, but special
    ],
)
def test_anything_else_is_refused_at_the_desk_with_a_message_and_audited(bank, code, data, reason):
    b = bank
    client = client_for(b["agent"])
    sign_in(client, b["window"])
    refused = desk(
        client,
        b["person"],
        action="accept",
        item=code,
        received=["0", "1"],
        **{"delivery": "pickup", **data},
    )
    assert refused.status_code == 403
    page = refused.content.decode()
    assert code in page and "服务大厅" in page  # says what to do: send them to a service hall
    assert not Case.objects.exists()
    refusal = cf.refusals()[-1]
    assert refusal["reason"] == reason and refusal["item_code"] == code
    assert refusal["actor_id"] == b["agent"].pk and refusal["channel"] == Channel.BANK


def test_a_bank_agent_cannot_accept_at_a_halls_window(bank):
    b = bank
    general_window = cf.windows(b["hall"])["4"]
    client = client_for(b["agent"])
    sign_in(client, general_window)
    listed = client.post(reverse("cases:desk"), {"action": "identify", "q": b["person"].id_number})
    assert BANK_ITEM not in listed.content.decode() and cf.GENERAL not in listed.content.decode()
    refused = desk(
        client,
        b["person"],
        action="accept",
        item=BANK_ITEM,
        received=["0"],
        **{"d-phone": "13700001111", "delivery": "pickup"},
    )
    assert refused.status_code == 403
    assert not Case.objects.exists()
    assert cf.refusals()[-1]["reason"] == "post"


def test_a_general_teller_at_a_bank_window_is_offered_nothing_and_refused(bank):
    b = bank
    teller = cf.teller_at("gt", window=b["window"], posts=[PostCode.GENERAL_TELLER])
    client = client_for(teller)
    listed = client.post(reverse("cases:desk"), {"action": "identify", "q": b["person"].id_number})
    assert BANK_ITEM not in listed.content.decode()
    with pytest.raises(ApplicationError) as err:
        case_accept(teller=teller, item=cf.item(BANK_ITEM), person=b["person"], data={}, received=[0])
    assert err.value.code == "bank_window"  # a bank counter takes bank-outlet cases only


def test_bank_channel_needs_a_bank_window(bank):
    b = bank
    with pytest.raises(ApplicationError) as err:
        case_accept(
            teller=b["agent"],
            item=cf.item(BANK_ITEM),
            person=b["person"],
            data={"phone": "13700001111"},
            received=[0],
            channel=Channel.BANK,
        )
    assert err.value.code == "no_bank_window"
    window_sign_in(teller=b["agent"], window=cf.windows(b["hall"])["4"])
    with pytest.raises(ApplicationError) as err:
        case_accept(
            teller=b["agent"],
            item=cf.item(BANK_ITEM),
            person=b["person"],
            data={"phone": "13700001111"},
            received=[0],
            channel=Channel.BANK,
        )
    assert err.value.code == "no_bank_window"
    assert AuditEvent.objects.filter(action="cases.refused").count() == 2


def test_a_bank_agent_neither_reviews_nor_approves(bank):
    b = bank
    client = client_for(b["agent"])
    assert client.get(reverse("cases:review")).status_code == 403
    special_teller = cf.teller_at("st", window=cf.windows(b["hall"])["8"], posts=[PostCode.SPECIAL_TELLER])
    case = case_accept(
        teller=special_teller,
        item=cf.item(cf.SPECIAL),
        person=b["person"],
        data={"phone": "13911112222"},
        received=[0, 1],
    )
    with pytest.raises(ApplicationError) as err:
        case_approve_step(case=case, by=b["agent"], version=case.version)
    assert err.value.code == "wrong_post"
    refused = client.post(reverse("cases:act", args=[case.number]), {"action": "approve", "version": 0})
    assert refused.status_code in (403, 404)
    case.refresh_from_db()
    assert case.step_index == 1 and case.status == CaseStatus.ACCEPTED


def test_a_bank_case_for_a_person_of_another_city_completes_at_the_bank(bank):
    b = bank
    client = client_for(b["agent"])
    sign_in(client, b["window"])
    done = desk(
        client,
        b["far_person"],
        action="accept",
        item=BANK_ITEM,
        received=["0"],
        **{"d-phone": "13700003333", "delivery": "pickup"},
    )
    assert done.status_code == 302, done.content.decode()[:2000]
    case = Case.objects.get()
    assert case.status == CaseStatus.COMPLETED and case.channel == Channel.BANK
    assert case.region == b["county"]  # nothing to route: handled where accepted
    b["far_person"].refresh_from_db()
    assert b["far_person"].phone == "13700003333"


def test_the_kiosk_path_at_a_bank_outlet(bank):
    from shebao.counter.services import ticket_call_next, ticket_issue

    b = bank
    ticket = ticket_issue(outlet=b["outlet"], zone="enrolment")
    with pytest.raises(ApplicationError):  # a bank outlet has no special window
        ticket_issue(outlet=b["outlet"], zone="enrolment", kind="special")
    client = client_for(b["agent"])
    sign_in(client, b["window"])
    assert ticket_call_next(teller=b["agent"]) == ticket
    done = client.post(
        reverse("cases:desk"),
        {
            "person": b["person"].pk,
            "ticket": ticket.pk,
            "action": "accept",
            "item": BANK_ITEM,
            "received": ["0"],
            "d-phone": "13700004444",
            "delivery": "pickup",
        },
    )
    assert done.status_code == 302, done.content.decode()[:2000]
    case = Case.objects.get()
    assert case.ticket == ticket and case.channel == Channel.BANK
