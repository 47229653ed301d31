"""The demo's bank outlet, with the real demo catalogue: the `bank` login signs in at 青河县's bank
outlet, is offered only bank-outlet items, accepts 资格认证 and is refused 生育津贴申领 (audited)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from shebao.cases.models import Case, CaseStatus, Channel
from shebao.cases.tests.factories import refusals
from shebao.catalogue.demo import ensure_demo_catalogue
from shebao.catalogue.selectors import published_edition
from shebao.core.models import Region, User
from shebao.counter.demo import seed_counter
from shebao.counter.demo_bank import seed_bank
from shebao.counter.models import Outlet, TellerQualification, Window
from shebao.demo.province import demo_province_create
from shebao.registry.tests import factories as rf

pytestmark = pytest.mark.django_db

CERTIFICATION = "SB-YS-012"  # 社会保险待遇领取资格认证: general, low risk, bank outlet
CARD_LOSS = "SB-CJ-033"  # 社会保障卡挂失
MATERNITY = "SB-DY-018"  # 生育津贴申领: special, not at bank outlets


@pytest.fixture
def demo(settings) -> dict[str, object]:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast demo logins
    demo_province_create(by=None)
    ensure_demo_catalogue(by=None)
    seed_counter(by=None)
    first = seed_bank(by=None)
    return {"first": first}


def test_seed_bank_is_idempotent_and_gives_the_bank_login_a_counter(demo):
    first = demo["first"]
    assert first["bank_outlets"] == ["qinghe-bank", "shimen-bank"]
    assert first["staff"] == 2 and User.objects.get(username="reviewer_sm").region.code == "990221"
    bank = Outlet.objects.get(code="qinghe-bank")
    assert bank.region.code == "990121" and bank.kind == "bank"
    assert Window.objects.get(outlet=bank, number="2").zones == ["enrolment", "medical", "pension"]
    assert TellerQualification.objects.filter(teller__username="bank").count() == 3
    counts = (Outlet.objects.count(), Window.objects.count(), User.objects.count())
    again = seed_bank(by=None)
    assert not {k: v for k, v in again.items() if isinstance(v, int) and v}
    assert counts == (Outlet.objects.count(), Window.objects.count(), User.objects.count())


def test_the_bank_login_accepts_a_bank_item_and_is_refused_a_high_risk_one(demo):
    agent = User.objects.get(username="bank")
    person = rf.person(at=Region.objects.get(code="990121"), name="钱芳")
    client = Client()
    client.force_login(agent)
    window = Window.objects.get(outlet__code="qinghe-bank", number="2")
    assert client.post(reverse("counter:console_sign_in"), {"window": window.pk}).status_code == 302

    listed = client.post(reverse("cases:desk"), {"action": "identify", "q": person.id_number})
    page = listed.content.decode()
    bank_codes = set(
        published_edition().items.filter(channels__code="bank").values_list("code", flat=True)  # type: ignore[union-attr]
    )
    assert CERTIFICATION in page and CARD_LOSS in page and MATERNITY not in page
    shown = {code for code in published_edition().items.values_list("code", flat=True) if code in page}  # type: ignore[union-attr]
    assert shown <= bank_codes

    done = client.post(
        reverse("cases:desk"),
        {
            "person": person.pk,
            "action": "accept",
            "item": CERTIFICATION,
            "received": ["0"],
            "delivery": "pickup",
        },
    )
    assert done.status_code == 302, done.content.decode()[:2000]
    case = Case.objects.get()
    assert case.channel == Channel.BANK and case.outlet.code == "qinghe-bank"  # type: ignore[union-attr]
    assert case.status == CaseStatus.COMPLETED

    refused = client.post(
        reverse("cases:desk"),
        {
            "person": person.pk,
            "action": "accept",
            "item": MATERNITY,
            "received": ["0", "1"],
            "delivery": "pickup",
        },
    )
    assert refused.status_code == 403 and "生育津贴申领" in refused.content.decode()
    assert refusals()[-1]["item_code"] == MATERNITY and refusals()[-1]["reason"] == "channel"
    assert Case.objects.count() == 1
