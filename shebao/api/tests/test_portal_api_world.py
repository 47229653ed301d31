"""A world for the self-service API tests, built through the real services (no tests in this module).

`world()` publishes an edition with online items, opens a county hall with slots tomorrow, registers
two persons and an employer, opens their portal accounts through the one-time-code services, and
gives the first person a completed case (rateable) and a case in review.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.test import Client
from django.utils import timezone

from shebao.cases.models import Notification
from shebao.cases.tests import factories as cf
from shebao.catalogue.tests.factories import item_data, make_published_edition, special_item_data
from shebao.counter.services import slots_create_day
from shebao.portal import employer as portal_employer
from shebao.portal import services as portal_services
from shebao.portal.models import PortalAccount
from shebao.portal.realname import demo_card_number

PASSWORD = "Shebao@2026"
ONLINE_GENERAL = "SB-OL-101"  # phone change, online, completes on acceptance
ONLINE_SPECIAL = "SB-OL-201"  # data change, online, reviewed
ONLINE_EMPLOYER = "SB-CJ-005"  # staff increase, online, for employers' agents
ONLINE_BULK = "SB-CJ-099"  # staff changes file, online, for employers' agents (its own endpoint)


def _online_items() -> list[dict[str, Any]]:
    proof = {
        "name_zh": "变更证明",
        "name_en": "Proof of the change",
        "is_identity_document": False,
        "original_checked": False,
        "required": True,
        "legal_basis": "社会保险经办条例 第十条",
        "copies": 0,
    }
    return [
        item_data(
            code=ONLINE_GENERAL,
            order=31,
            name_zh="参保人员联系电话变更（网办）",
            name_en="Phone change (online)",
            effect_code="registry.person_change",
            channels=["counter", "online"],
            materials=[{**item_data()["materials"][0]}, proof],
        ),
        special_item_data(
            code=ONLINE_SPECIAL,
            order=41,
            name_zh="参保人员信息变更（网办复核）",
            name_en="Person data change (online, reviewed)",
            zone="enrolment",
            effect_code="registry.person_change",
            channels=["counter", "online"],
        ),
        item_data(
            code=ONLINE_EMPLOYER,
            order=32,
            name_zh="职工增员（网办）",
            name_en="Staff increase (online)",
            effect_code="registry.staff_increase",
            channels=["online"],
        ),
        item_data(
            code=ONLINE_BULK,
            order=33,
            name_zh="职工批量增减员申报（网办）",
            name_en="Staff changes file (online)",
            effect_code="portal.staff_changes_bulk",
            channels=["online"],
        ),
    ]


def _last_code(person: Any) -> str:
    body = Notification.objects.filter(person=person).order_by("-id").values_list("body", flat=True).first()
    found = re.search(r"\b(\d{6})\b", body or "")
    assert found, "the code text names the code"
    return found.group(1)


def open_person_account(person: Any) -> PortalAccount:
    """Register → code to the phone on record → real-name check → password (the site's own services)."""
    row = portal_services.code_send(purpose="register", id_number=person.id_number, name=person.name)
    return portal_services.account_open(
        code_id=row.pk,
        code=_last_code(person),
        password=PASSWORD,
        evidence={"card_number": demo_card_number(person)},
    )


def open_agent_account(employer: Any, *, id_number: str, name: str) -> PortalAccount:
    sent = portal_employer.agent_code_send(credit_code=employer.credit_code, id_number=id_number, name=name)
    return portal_employer.agent_account_open(
        code_id=sent.phone_code.pk,
        employer_id=employer.pk,
        id_number=id_number,
        name=name,
        code=sent.code,
        password=PASSWORD,
    )


def world() -> dict[str, Any]:
    o = cf.office()
    make_published_edition([cf.general_item(), cf.special_item(), *_online_items()])
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    o["slots"] = slots_create_day(by=None, outlet=o["outlet"], zone="enrolment", day=tomorrow, capacity=2)
    o["account"] = open_person_account(o["person"])
    other = cf.rf.person(at=o["county"], name="李四", id_number=cf.rf.make_id_number(seq=7))
    o["other_person"] = other
    o["other_account"] = open_person_account(other)
    o["agent_id_number"] = cf.rf.make_id_number(seq=11)
    o["agent"] = open_agent_account(o["employer"], id_number=o["agent_id_number"], name="赵六")
    other_employer = cf.rf.employer(at=o["county"], name="另一家有限公司")
    o["other_employer"] = other_employer
    o["other_agent_id_number"] = cf.rf.make_id_number(seq=12)
    o["other_agent"] = open_agent_account(other_employer, id_number=o["other_agent_id_number"], name="钱七")
    o["done_case"] = cf.accept_general(o)  # completes at once: rateable
    o["review_case"] = cf.accept_special(o)  # waits for the reviewer
    o["other_case"] = cf.accept_special(o, person=other)
    return o


def token_for(client: Client, id_number: str, *, credit_code: str = "", password: str = PASSWORD) -> str:
    body = {"id_number": id_number, "password": password, "label": "test phone"}
    if credit_code:
        body["credit_code"] = credit_code
    response = client.post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    return str(response.json()["token"])


def auth(token: str) -> dict[str, str]:
    """Headers for `Client.get(..., headers=auth(key))`."""
    return {"Authorization": f"Token {token}"}
