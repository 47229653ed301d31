"""Every refusal is audited, whichever layer refuses: a page's permission check, a DRF permission class
or a service. One event per refusal: `access.refused` unless the service already wrote its own."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from shebao.audit.models import AuditEvent
from shebao.cases.services import case_approve_step
from shebao.cases.tests import factories as cf
from shebao.core.permissions import Perm, PostCode
from shebao.core.tests.factories import make_region_tree, make_staff

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def refused(action: str = "access.refused") -> list[dict[str, Any]]:
    return [
        {"actor_id": e.actor_id, "region_code": e.region_code, **json.loads(e.payload)}
        for e in AuditEvent.objects.filter(action=action).order_by("id")
    ]


def test_staff_page_refused_by_its_permission_check_is_audited() -> None:
    county = make_region_tree()["county_a1"]
    reviewer = make_staff("rev", region=county, posts=[PostCode.REVIEWER])
    response = client_for(reviewer).get(reverse("cases:desk"))
    assert response.status_code == 403
    [event] = refused()
    assert event["actor_id"] == reviewer.pk and event["region_code"] == county.code
    assert event["path"] == reverse("cases:desk") and event["method"] == "GET"
    assert Perm.CASE_ACCEPT_GENERAL in event["perms"] and event["reason"] == "perm"
    assert event["message"]  # what the page said


def test_api_endpoint_refused_by_its_permission_class_is_audited() -> None:
    county = make_region_tree()["county_a1"]
    teller = make_staff("gt", region=county, posts=[PostCode.GENERAL_TELLER])
    response = client_for(teller).get("/api/v1/me/")
    assert response.status_code == 403
    [event] = refused()
    assert event["actor_id"] == teller.pk and event["path"] == "/api/v1/me/"
    assert event["perms"] == ["PortalAccountRequired"] and event["reason"] == "permission_denied"


def test_anonymous_visitors_are_sent_to_sign_in_without_an_audit_event(client: Client) -> None:
    make_region_tree()
    assert client.get(reverse("cases:desk")).status_code == 302
    assert client.get("/api/v1/me/").status_code in (401, 403)
    assert refused() == []


def test_a_refusal_the_service_audited_is_not_audited_twice() -> None:
    o = cf.office()
    case = cf.accept_special(o)
    case = case_approve_step(case=case, by=o["reviewer"], version=case.version)  # the review step
    # The same reviewer may not also approve (another post's step, and they already acted): the service
    # refuses and audits `cases.refused`; the page answers 403 and adds nothing.
    response = client_for(o["reviewer"]).post(
        reverse("cases:act", args=[case.number]), {"action": "approve", "version": case.version}
    )
    assert response.status_code == 403
    assert len(refused("cases.refused")) == 1
    assert refused() == []
