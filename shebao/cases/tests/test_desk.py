"""The teller's desk: a reload keeps the ticket and the applicant; the item list fits the applicant."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from shebao.cases.tests import factories as cf
from shebao.counter.models import QueueTicket
from shebao.counter.services import ticket_call_next, ticket_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def office() -> dict[str, Any]:
    return cf.office()


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _called(o: dict[str, Any], **kwargs: Any) -> QueueTicket:
    ticket = ticket_issue(outlet=o["outlet"], zone="enrolment", **kwargs)
    called = ticket_call_next(teller=o["general_teller"])
    assert called is not None and called.pk == ticket.pk
    return ticket


def test_reloading_the_desk_keeps_the_ticket_and_the_applicant(office: dict[str, Any]) -> None:
    o = office
    ticket = _called(o)
    client = client_for(o["general_teller"])
    desk = f"{reverse('cases:desk')}?ticket={ticket.pk}"
    before = client.get(desk).content.decode()
    assert 'name="q"' in before and o["employer"].name not in before  # nobody identified yet
    found = client.post(
        reverse("cases:desk"), {"action": "identify", "q": o["employer"].credit_code, "ticket": ticket.pk}
    )
    assert found.status_code == 200
    reloaded = client.get(desk)
    page = reloaded.content.decode()
    assert reloaded.status_code == 200 and ticket.number in page
    assert o["employer"].name in page and cf.GENERAL in page and 'name="q"' not in page
    assert o["employer"].credit_code not in reloaded.request["QUERY_STRING"]
    # Another ticket starts with nobody identified.
    other = ticket_issue(outlet=o["outlet"], zone="enrolment")
    assert o["employer"].name not in client.get(f"{reverse('cases:desk')}?ticket={other.pk}").content.decode()
    # "Serve someone else" forgets the applicant, the ticket stays.
    gone = client.post(reverse("cases:desk"), {"action": "forget", "ticket": ticket.pk})
    assert gone.status_code == 302 and gone["Location"] == desk
    page = client.get(desk).content.decode()
    assert o["employer"].name not in page and ticket.number in page and 'name="q"' in page


def test_the_desk_brings_the_person_the_kiosk_took_with_the_ticket(office: dict[str, Any]) -> None:
    o = office
    ticket = _called(o, id_number=o["person"].id_number)
    page = client_for(o["general_teller"]).get(f"{reverse('cases:desk')}?ticket={ticket.pk}").content.decode()
    assert "王芳" in page and o["person"].id_number not in page and 'name="q"' not in page


def test_items_fit_the_applicant_person_or_employer(office: dict[str, Any]) -> None:
    o = office
    client = client_for(o["special_teller"])  # a special window offers both test items
    person = client.post(reverse("cases:desk"), {"action": "identify", "q": o["person"].id_number})
    page = person.content.decode()
    assert cf.SPECIAL in page and cf.GENERAL not in page  # staff increase is the employer's
    employer = client.post(reverse("cases:desk"), {"action": "identify", "q": o["employer"].credit_code})
    page = employer.content.decode()
    assert cf.GENERAL in page and cf.SPECIAL not in page  # a person's data change is not the employer's
    # Choosing an item the list does not offer this applicant is refused.
    chosen = client.post(
        reverse("cases:desk"), {"person": o["person"].pk, "action": "choose", "item": cf.GENERAL}
    )
    assert "劳动合同" not in chosen.content.decode()


def test_accepting_an_employer_item_for_a_person_is_refused_and_audited(office: dict[str, Any]) -> None:
    from shebao.cases.models import Case

    o = office
    client = client_for(o["general_teller"])
    refused = client.post(
        reverse("cases:desk"),
        {
            "person": o["person"].pk,
            "action": "accept",
            "item": cf.GENERAL,
            "received": ["0", "1"],
            "d-credit_code": o["employer"].credit_code,
            "d-start_date": "2024-03-01",
            "delivery": "pickup",
        },
    )
    assert refused.status_code == 400 and "由单位申请" in refused.content.decode()
    assert not Case.objects.exists()
    last = cf.refusals()[-1]
    assert last["reason"] == "applicant_kind" and last["item_code"] == cf.GENERAL
