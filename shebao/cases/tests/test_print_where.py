"""Printed documents name where to go from the outlet records only: one address and one set of hours
per outlet, never a local binding's second copy (issue 10)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from shebao.cases.models import Case, OneTimeNotice
from shebao.cases.tests import factories as cf
from shebao.catalogue.services import binding_save
from shebao.counter.models import Outlet, OutletKind, Window, WindowKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def office() -> dict[str, Any]:
    o = cf.office()
    hall = o["outlet"]
    hall.address, hall.opening_hours, hall.phone = "甲一县人民路1号", "周一至周五 9:00-17:00", "0551-1111111"
    hall.save()
    # A township window of the same county that takes general items of every zone.
    town = Outlet.objects.create(
        code="town-a1",
        name_zh="甲一镇社保服务窗口",
        kind=OutletKind.COMMUNITY,
        region=o["regions"]["town_a1"],
        address="甲一镇中心街8号",
        opening_hours="周一至周五 8:30-12:00",
    )
    Window.objects.create(
        outlet=town, number="1", kind=WindowKind.GENERAL, zones=["enrolment", "medical", "pension"]
    )
    # An older binding that still carries an address and hours of its own: never printed any more.
    binding_save(
        region=o["county"],
        item_code=cf.GENERAL,
        values={"address": "甲一县政务服务中心二楼", "opening_hours": "8:30-17:30", "phone": "0551-2222222"},
        by=None,
    )
    return o


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_notice_names_each_outlet_once_from_its_record(office: dict[str, Any]) -> None:
    client = _client(office["general_teller"])
    response = client.post(
        reverse("cases:desk"), {"employer": office["employer"].pk, "action": "notice", "item": cf.GENERAL}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(response["Location"]).content.decode()
    notice = OneTimeNotice.objects.get()
    assert notice.number in page
    assert page.count("甲一县人民路1号") == 1 and page.count("周一至周五 9:00-17:00") == 1
    assert "甲一镇中心街8号" in page  # the county's other outlet offering the item
    assert page.index("甲一县人民路1号") < page.index("甲一镇中心街8号")  # the issuing hall first
    assert "甲一县政务服务中心二楼" not in page and "8:30-17:30" not in page  # no second address
    assert "0551-2222222" in page  # the binding's consultation phone


def test_special_item_receipt_names_only_outlets_with_a_special_window(office: dict[str, Any]) -> None:
    client = _client(office["special_teller"])
    response = client.post(
        reverse("cases:desk"),
        {
            "person": office["person"].pk,
            "action": "accept",
            "item": cf.SPECIAL,
            "received": ["0", "1"],
            "d-phone": "13911112222",
            "delivery": "pickup",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get()
    page = client.get(reverse("cases:receipt", args=[case.number])).content.decode()
    assert page.count("甲一县人民路1号") == 1
    assert "甲一镇中心街8号" not in page  # a general window does not take the special item
    assert "12333" in page  # no binding for this item: the hotline is the consultation phone
