"""Case pages through the test client: the desk, printed pages, the back office, region and post bounds.

State is built through the real services (`cases/tests/factories.py`).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shebao.audit.models import AuditEvent
from shebao.cases.models import Case, CaseStatus
from shebao.cases.tests import factories as cf

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def office() -> dict[str, Any]:
    return cf.office()


def shown_on(page: str) -> str:
    """The fingerprint of the changes a case page showed (the approve form's hidden field)."""
    found = re.search(r'name="shown" value="([0-9a-f]+)"', page)
    assert found, "the page shows no changes to approve"
    return found.group(1)


def desk_post(client: Client, o: dict[str, Any], **fields: Any) -> Any:
    return client.post(reverse("cases:desk"), {"person": o["person"].pk, **fields})


def employer_desk_post(client: Client, o: dict[str, Any], **fields: Any) -> Any:
    """The desk serving the employer (the general item, staff increase, is the employer's)."""
    return client.post(reverse("cases:desk"), {"employer": o["employer"].pk, **fields})


def test_desk_journey_general_item_completes_at_the_window(office: dict[str, Any]) -> None:
    o = office
    client = client_for(o["general_teller"])
    assert client.get(reverse("cases:desk")).status_code == 200

    found = client.post(reverse("cases:desk"), {"action": "identify", "q": o["person"].id_number})
    assert found.status_code == 200
    page = found.content.decode()
    assert "王芳" in page and o["person"].id_number not in page  # masked
    assert cf.GENERAL not in page  # staff increase is an employer's item: not offered to a person
    found = client.post(reverse("cases:desk"), {"action": "identify", "q": o["employer"].credit_code})
    page = found.content.decode()
    assert o["employer"].name in page
    assert cf.GENERAL in page and cf.SPECIAL not in page  # a general window offers general items only

    chosen = employer_desk_post(client, o, action="choose", item=cf.GENERAL)
    page = chosen.content.decode()
    assert "劳动合同" in page and "社会保险法 第五十八条" in page  # checklist with legal basis

    done = employer_desk_post(
        client,
        o,
        action="accept",
        item=cf.GENERAL,
        received=["0", "1"],
        **{"d-id_number": o["person"].id_number, "d-start_date": "2024-03-01", "delivery": "pickup"},
    )
    assert done.status_code == 302, done.content.decode()[:2000]
    case = Case.objects.get()
    assert case.status == CaseStatus.COMPLETED
    assert done["Location"] == reverse("cases:receipt", args=[case.number])
    receipt = client.get(done["Location"]).content.decode()
    assert case.number in receipt and "即时办结" in receipt


def test_missing_material_gives_a_notice_listing_everything_and_a_pdf(office: dict[str, Any]) -> None:
    o = office
    client = client_for(o["general_teller"])
    response = employer_desk_post(client, o, action="notice", item=cf.GENERAL, received=[])
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(response["Location"]).content.decode()
    assert "居民身份证" in page and "劳动合同" in page
    assert "一次性告知书" in page
    pdf = client.get(response["Location"].rstrip("/") + ".pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_accept_refused_with_missing_materials_shows_the_message(office: dict[str, Any]) -> None:
    o = office
    client = client_for(o["general_teller"])
    response = employer_desk_post(
        client,
        o,
        action="accept",
        item=cf.GENERAL,
        received=["0"],
        **{"d-id_number": o["person"].id_number, "d-start_date": "2024-03-01", "delivery": "pickup"},
    )
    assert response.status_code in (400, 403)
    assert not Case.objects.exists()


def accept_special_at_desk(o: dict[str, Any]) -> tuple[Client, Case]:
    client = client_for(o["special_teller"])
    response = desk_post(
        client,
        o,
        action="accept",
        item=cf.SPECIAL,
        received=["0", "1"],
        **{"d-phone": "13911112222", "delivery": "pickup"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return client, Case.objects.get()


def test_special_item_receipt_shows_number_and_deadline(office: dict[str, Any]) -> None:
    client, case = accept_special_at_desk(office)
    assert case.status in (CaseStatus.ACCEPTED, CaseStatus.IN_REVIEW)
    page = client.get(reverse("cases:receipt", args=[case.number])).content.decode()
    assert case.number in page
    assert case.deadline is not None and case.deadline.strftime("%Y-%m-%d") in page
    pdf = client.get(reverse("cases:receipt_pdf", args=[case.number]))
    assert pdf.content.startswith(b"%PDF")


def test_reviewer_approves_once_and_a_stale_version_is_refused(office: dict[str, Any]) -> None:
    o = office
    _, case = accept_special_at_desk(o)
    reviewer = client_for(o["reviewer"])
    queue = reviewer.get(reverse("cases:review")).content.decode()
    assert case.number in queue
    page = reviewer.get(reverse("cases:case", args=[case.number])).content.decode()
    assert f'name="version" value="{case.version}"' in page
    assert o["person"].id_number not in page  # masked

    shown = shown_on(page)
    act = reverse("cases:act", args=[case.number])
    first = reviewer.post(act, {"action": "approve", "version": case.version, "shown": shown})
    assert first.status_code == 302
    case.refresh_from_db()
    moved = case.version
    second = reviewer.post(act, {"action": "approve", "version": moved - 1, "shown": shown})
    assert second.status_code in (403, 409)
    assert "refused" in second.content.decode().lower() or "已" in second.content.decode()
    case.refresh_from_db()
    assert case.version == moved


def test_the_acceptor_cannot_approve(office: dict[str, Any]) -> None:
    o = office
    client, case = accept_special_at_desk(o)
    page = client.get(reverse("cases:case", args=[case.number])).content.decode()
    assert 'value="approve"' not in page
    before = (case.status, case.step_index, case.version)
    refused = client.post(
        reverse("cases:act", args=[case.number]), {"action": "approve", "version": case.version}
    )
    assert refused.status_code == 403
    case.refresh_from_db()
    assert (case.status, case.step_index, case.version) == before  # nothing moved
    assert not case.actions.filter(kind="approve_step").exists()


def test_without_the_post_403_and_other_county_404(office: dict[str, Any]) -> None:
    o = office
    _, case = accept_special_at_desk(o)
    teller = client_for(o["general_teller"])
    assert teller.get(reverse("cases:review")).status_code == 403
    assert teller.get(reverse("cases:deadlines")).status_code == 403
    far = client_for(o["far_reviewer"])
    assert far.get(reverse("cases:case", args=[case.number])).status_code == 404
    assert (
        far.post(reverse("cases:act", args=[case.number]), {"action": "approve", "version": 0}).status_code
        == 404
    )
    # Both attempts are audited; a number that does not exist is a 404 with nothing to audit.
    seen = AuditEvent.objects.filter(action="cases.refused", actor=o["far_reviewer"], subject_id=str(case.pk))
    assert seen.count() == 2 and all("other_region" in e.payload for e in seen)
    assert far.get(reverse("cases:case", args=["SB2000010100001"])).status_code == 404
    assert AuditEvent.objects.filter(action="cases.refused", actor=o["far_reviewer"]).count() == 2
    assert case.number not in far.get(reverse("cases:review")).content.decode()
    anonymous = Client().get(reverse("cases:desk"))
    assert anonymous.status_code == 302


def test_leader_dashboard_shows_overdue_per_office_and_teller(office: dict[str, Any]) -> None:
    o = office
    _, case = accept_special_at_desk(o)
    Case.objects.filter(pk=case.pk).update(deadline=timezone.localdate() - dt.timedelta(days=2))
    page = client_for(o["leader"]).get(reverse("cases:deadlines"))
    assert page.status_code == 200
    text = page.content.decode()
    assert case.number in text and o["outlet"].name_zh in text and "st" in text


def test_messages_page(office: dict[str, Any]) -> None:
    assert client_for(office["reviewer"]).get(reverse("cases:messages")).status_code == 200


def test_english_rendering(office: dict[str, Any]) -> None:
    client = client_for(office["general_teller"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("cases:desk")).content.decode()
    assert "Teller&#x27;s desk" in page or "Teller's desk" in page
