"""One-click query (一键查询) and the person's case page: own data only, every query audited."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from shebao.audit.models import AuditEvent
from shebao.cases.models import ActionKind, CaseAction, CaseStatus, Notification
from shebao.core.permissions import PostCode
from shebao.core.tests.factories import make_staff
from shebao.evaluation.models import Rating
from shebao.portal.tests.test_accounts_world import client_for, make_case, world
from shebao.registry import services as registry_services
from shebao.registry.tests import factories as rf

pytestmark = pytest.mark.django_db


@pytest.fixture
def w() -> dict[str, Any]:
    data = world()
    employer = rf.employer(at=data["county"], name="青河机械有限公司")
    registry_services.enrolment_create(
        person=data["me"],
        insurance_type="employee_pension",
        employer=employer,
        start_date=dt.date(2024, 3, 1),
        by=None,
    )
    data["employer"] = employer
    return data


def _queries() -> int:
    return AuditEvent.objects.filter(action="portal.query").count()


def test_home_shows_my_cases_with_status_deadline_and_result_and_is_audited(w: dict[str, Any]) -> None:
    mine = make_case(w, person=w["me"], number="SB2026000001")
    done = make_case(w, person=w["me"], number="SB2026000002", status=CaseStatus.COMPLETED)
    make_case(w, person=w["other"], number="SB2026000003")
    client = client_for(w["account"])
    before = _queries()
    body = client.get(reverse("portal:home")).content.decode()
    assert mine.number in body and done.number in body and "SB2026000003" not in body
    assert mine.deadline is not None and mine.deadline.isoformat() in body and "办结：已登记" in body
    assert reverse("portal:case", args=[mine.number]) in body
    assert _queries() == before + 1
    event = AuditEvent.objects.filter(action="portal.query").order_by("-seq").first()
    assert (
        event is not None and event.actor_id == w["account"].user_id and event.subject_id == str(w["me"].pk)
    )


def test_home_shows_enrolments_by_type_and_employers(w: dict[str, Any]) -> None:
    body = client_for(w["account"]).get(reverse("portal:home")).content.decode()
    assert "青河机械有限公司" in body and "2024-03-01" in body


def test_home_reads_in_a_bounded_number_of_queries(
    w: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    for n in range(8):
        make_case(w, person=w["me"], number=f"SB20260001{n:02d}")
    client = client_for(w["account"])
    client.get(reverse("portal:home"))  # warm the session and content types
    with django_assert_max_num_queries(16):
        assert client.get(reverse("portal:home")).status_code == 200


def test_the_case_page_shows_steps_by_office_not_staff_and_public_comments(w: dict[str, Any]) -> None:
    reviewer = make_staff("rev-secret-name", region=w["county"], posts=[PostCode.REVIEWER])
    case = make_case(
        w, person=w["me"], number="SB2026000010", status=CaseStatus.RETURNED, accepted_by=reviewer
    )
    now = timezone.now()
    CaseAction.objects.create(case=case, kind=ActionKind.ACCEPT, step_index=0, by=reviewer, at=now)
    CaseAction.objects.create(
        case=case, kind=ActionKind.RETURN, step_index=0, by=reviewer, at=now, comment="劳动合同"
    )
    CaseAction.objects.create(
        case=case, kind=ActionKind.REFUSED, by=reviewer, at=now, comment="internal note"
    )
    Notification.objects.create(
        case=case, person=w["me"], channel="message", subject="请补正", body="补劳动合同"
    )
    client = client_for(w["account"])
    before = _queries()
    response = client.get(reverse("portal:case", args=[case.number]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "劳动合同" in body and "请补正" in body
    assert "rev-secret-name" not in body and "internal note" not in body
    assert w["county"].name in body or "社保中心" in body
    assert _queries() == before + 1
    assert AuditEvent.objects.filter(action="portal.query", payload__contains=case.number).exists()


def test_a_returned_case_links_to_the_supplement_page_when_it_exists(w: dict[str, Any]) -> None:
    from django.urls import NoReverseMatch

    case = make_case(w, person=w["me"], number="SB2026000011", status=CaseStatus.RETURNED)
    body = client_for(w["account"]).get(reverse("portal:case", args=[case.number])).content.decode()
    try:
        url = reverse("portal:case_supplement", args=[case.number])
    except NoReverseMatch:
        assert "portal-alert" in body
    else:
        assert url in body


def test_another_persons_case_is_a_plain_404_like_a_case_that_does_not_exist(w: dict[str, Any]) -> None:
    theirs = make_case(w, person=w["other"], number="SB2026000020")
    client = client_for(w["account"])
    bodies = []
    for number in (theirs.number, "SB2026999999"):
        response = client.get(reverse("portal:case", args=[number]))
        assert response.status_code == 404
        bodies.append(
            re.sub(
                r'(X-CSRFToken": "|csrfmiddlewaretoken" value=")[^"]+',
                "",
                response.content.decode().replace(number, "N"),
            )
        )
        rate = client.post(reverse("portal:case_rate", args=[number]), {"level": 5})
        assert rate.status_code == 404
    assert bodies[0] == bodies[1]  # no hint whether the case exists
    assert theirs.item.name_zh not in bodies[0]
    assert not Rating.objects.exists()


def test_a_case_i_submitted_for_someone_else_is_visible_to_me(w: dict[str, Any]) -> None:
    case = make_case(w, person=w["other"], number="SB2026000021", submitted_by=w["account"].user)
    assert client_for(w["account"]).get(reverse("portal:case", args=[case.number])).status_code == 200


def test_a_finished_case_is_rated_once_online(w: dict[str, Any]) -> None:
    case = make_case(w, person=w["me"], number="SB2026000030", status=CaseStatus.COMPLETED)
    client = client_for(w["account"])
    page = client.get(reverse("portal:case", args=[case.number])).content.decode()
    assert reverse("portal:case_rate", args=[case.number]) in page
    response = client.post(reverse("portal:case_rate", args=[case.number]), {"level": 5, "comment": "很快"})
    assert response.status_code == 302
    rating = Rating.objects.get(case=case)
    assert rating.level.value == 5 and rating.comment == "很快"
    assert AuditEvent.objects.filter(action="portal.rated", actor=w["account"].user).exists()
    again = client.post(reverse("portal:case_rate", args=[case.number]), {"level": 1}, follow=True)
    assert Rating.objects.filter(case=case).count() == 1 and Rating.objects.get(case=case).level.value == 5
    assert reverse("portal:case_rate", args=[case.number]) not in again.content.decode()


def test_an_open_case_cannot_be_rated(w: dict[str, Any]) -> None:
    case = make_case(w, person=w["me"], number="SB2026000031")
    client = client_for(w["account"])
    assert (
        reverse("portal:case_rate", args=[case.number])
        not in client.get(reverse("portal:case", args=[case.number])).content.decode()
    )
    client.post(reverse("portal:case_rate", args=[case.number]), {"level": 5})
    assert not Rating.objects.exists()


def test_anonymous_visitors_go_to_the_portal_sign_in(w: dict[str, Any]) -> None:
    from django.test import Client

    response = Client().get(reverse("portal:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("portal:login"))


def test_the_case_page_lists_uploaded_materials(w: dict[str, Any]) -> None:
    from shebao.cases.models import CaseUpload

    case = make_case(w, person=w["me"], number="SB2026000040")
    upload = CaseUpload.objects.create(
        case=case,
        material_index=1,
        material_name="劳动合同",
        original_name="contract.pdf",
        content_type="application/pdf",
        size=2048,
        sha256="0" * 64,
        path="x/contract.pdf",
        uploaded_by=w["account"].user,
        uploaded_at=timezone.now(),
    )
    body = client_for(w["account"]).get(reverse("portal:case", args=[case.number])).content.decode()
    assert "劳动合同" in body and "contract.pdf" in body
    assert reverse("portal:case_upload", args=[case.number, upload.pk]) in body
