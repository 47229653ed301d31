"""Bank-outlet agents read only the cases accepted at their own outlet: never online applications, their
uploaded documents, a hall's cases or another bank outlet's, even in their own county."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from shebao.cases.models import Case
from shebao.cases.selectors import case_for_user
from shebao.cases.services import case_accept
from shebao.cases.services.online import online_submit
from shebao.cases.tests import factories as cf
from shebao.cases.tests.test_bank_outlet import BANK_ITEM, bank  # noqa: F401 - the fixture
from shebao.core.errors import ApplicationError
from shebao.core.models import User
from shebao.core.permissions import PostCode
from shebao.counter.models import Outlet, OutletKind, Window, WindowKind
from shebao.counter.services import window_sign_in
from shebao.counter.tests.factories import make_staff

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def _agent(username: str, window: Window) -> User:
    agent = make_staff(username, region=window.outlet.region, posts=[PostCode.BANK_AGENT])
    for zone in window.zones:
        cf.qualify(agent, zone=zone)
    window_sign_in(teller=agent, window=window)
    return agent


_phones = iter(range(13700001111, 13700009999))


def _bank_case(agent: User, person: Any) -> Case:
    return case_accept(
        teller=agent,
        item=cf.item(BANK_ITEM),
        person=person,
        data={"phone": str(next(_phones))},  # a change each time
        received=[0],
        channel="bank",
    )


@pytest.fixture
def upload_root(settings: Any, tmp_path: Any) -> Any:
    settings.SHEBAO_UPLOAD_ROOT = tmp_path / "uploads"
    return settings.SHEBAO_UPLOAD_ROOT


def test_bank_agent_reads_only_the_cases_of_their_own_outlet(bank: dict[str, Any], upload_root: Any) -> None:  # noqa: F811
    b = bank
    county = b["county"]
    agent = _agent("agent-1", b["window"])
    colleague = _agent(
        "agent-2",
        Window.objects.create(outlet=b["outlet"], number="2", kind=WindowKind.BANK, zones=b["window"].zones),
    )
    other_outlet = Outlet.objects.create(
        code="bank-a1-2",
        name_zh="另一家银行网点",
        kind=OutletKind.BANK,
        region=county,
        address="x",
        opening_hours="x",
    )
    stranger = _agent(
        "agent-3",
        Window.objects.create(outlet=other_outlet, number="1", kind=WindowKind.BANK, zones=b["window"].zones),
    )

    own = _bank_case(agent, b["person"])
    colleagues = _bank_case(colleague, b["person"])  # same outlet, another window
    elsewhere = _bank_case(stranger, b["person"])  # another bank outlet in the same county
    applicant = User.objects.create_user(username="citizen")
    online = online_submit(
        user=applicant,
        item=cf.item(BANK_ITEM),
        data={"phone": "13600002222"},
        uploads={0: [SimpleUploadedFile("id.png", _png(), content_type="image/png")]},
        person=b["person"],
    )
    assert online.region == county and online.outlet is None  # in the agent's county

    assert case_for_user(user=agent, number=own.number) == own
    assert case_for_user(user=agent, number=colleagues.number) == colleagues
    for hidden in (elsewhere, online):
        with pytest.raises(ApplicationError):
            case_for_user(user=agent, number=hidden.number)

    client = Client()
    client.force_login(agent)
    assert client.get(reverse("cases:case", args=[colleagues.number])).status_code == 200
    assert client.get(reverse("cases:case", args=[elsewhere.number])).status_code == 404
    assert client.get(reverse("cases:case", args=[online.number])).status_code == 404
    assert client.get(reverse("cases:online_case", args=[online.number])).status_code == 404
    upload = online.uploads.get()
    assert client.get(reverse("cases:online_upload", args=[online.number, upload.pk])).status_code == 404
    assert client.get(reverse("cases:online_queue")).status_code == 403

    # One-time notices: the colleague's at this outlet yes, the hall's in the same county no.
    from shebao.cases.services import notice_issue

    ours = notice_issue(
        teller=colleague, item=cf.item(BANK_ITEM), person=b["person"], applicant_name="", received=[]
    )
    hall_notice = notice_issue(
        teller=stranger,
        item=cf.item(BANK_ITEM),
        person=b["far_person"],
        applicant_name="",
        received=[],
        outlet=b["hall"],
    )
    assert client.get(reverse("cases:notice", args=[ours.number])).status_code == 200
    assert client.get(reverse("cases:notice", args=[hall_notice.number])).status_code == 404

    # Signed out of the window, the agent still reads what they accepted themselves, nothing else.
    from shebao.counter.services import window_sign_out

    window_sign_out(teller=agent)
    assert case_for_user(user=agent, number=own.number) == own
    with pytest.raises(ApplicationError):
        case_for_user(user=agent, number=colleagues.number)
