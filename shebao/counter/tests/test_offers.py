"""Which outlets offer which items: the rule (`counter.offers`), the report and its page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from shebao.catalogue.models import ServiceItem
from shebao.catalogue.selectors import published_edition
from shebao.catalogue.tests.factories import item_data, make_published_edition, special_item_data
from shebao.core.permissions import PostCode
from shebao.core.tests.factories import make_region_tree
from shebao.counter.models import Outlet, OutletKind, Window, WindowKind
from shebao.counter.offers import outlet_offer_report, window_items, window_offers
from shebao.counter.tests.factories import hall, make_staff

pytestmark = pytest.mark.django_db

GENERAL = "SB-G-001"  # counter and online
SPECIAL = "SB-S-001"  # special, counter
BANK = "SB-G-002"  # general, low risk, bank channel
SPECIAL_BANK = "SB-S-002"  # special, with the bank channel: still not at a bank
MEDICAL = "SB-G-003"  # general, medical zone


def _outlet(code: str, region: Any, kind: str, zh: str) -> Outlet:
    return Outlet.objects.create(
        code=code, name_zh=zh, kind=kind, region=region, address="人民路1号", opening_hours="9:00-17:00"
    )


@pytest.fixture
def world() -> dict[str, Any]:
    regions = make_region_tree()
    make_published_edition(
        [
            item_data(code=GENERAL),
            special_item_data(code=SPECIAL),
            item_data(code=BANK, order=3, name_zh="社会保障卡挂失", channels=["counter", "bank"]),
            special_item_data(code=SPECIAL_BANK, order=4, zone="enrolment", channels=["counter", "bank"]),
            item_data(code=MEDICAL, order=5, name_zh="异地就医备案", zone="medical"),
        ]
    )
    hall_a = hall(regions["county_a1"])
    bank = _outlet("bank-a1", regions["county_a1"], OutletKind.BANK, "示范农商银行甲一支行")
    Window.objects.create(outlet=bank, number="1", kind=WindowKind.BANK, zones=["enrolment"])
    town = _outlet("town-a1", regions["town_a1"], OutletKind.COMMUNITY, "甲一镇社保服务窗口")
    Window.objects.create(outlet=town, number="1", kind=WindowKind.GENERAL, zones=["enrolment"])
    hall_b = _outlet("hall-b1", regions["county_b1"], OutletKind.COUNTY_HALL, "乙一县社保服务大厅")
    Window.objects.create(outlet=hall_b, number="1", kind=WindowKind.GENERAL, zones=["enrolment", "pension"])
    return {"regions": regions, "hall_a": hall_a, "bank": bank, "town": town, "hall_b": hall_b}


def _codes(report: Any) -> dict[str, set[str]]:
    return {o.outlet.code: {i.code for i in o.items} for row in report.regions for o in row.outlets}


def test_each_outlet_offers_what_its_windows_offer(world):
    offered = _codes(outlet_offer_report())
    assert offered["hall-a1"] == {GENERAL, SPECIAL, BANK, SPECIAL_BANK, MEDICAL}  # it has special windows
    assert offered["bank-a1"] == {BANK}  # bank channel, general, low risk only
    assert offered["town-a1"] == {GENERAL, BANK}  # general items of its one zone
    assert offered["hall-b1"] == {GENERAL, BANK}  # no special window: no special item


def test_regions_group_outlets_and_list_what_nobody_offers(world):
    report = outlet_offer_report()
    rows = {row.region.code: row for row in report.regions}
    county_a = rows[world["regions"]["county_a1"].code]
    assert [o.outlet.code for o in county_a.outlets] == ["bank-a1", "hall-a1", "town-a1"]
    assert county_a.not_offered == []
    county_b = {i.code for i in rows[world["regions"]["county_b1"].code].not_offered}
    assert county_b == {SPECIAL, SPECIAL_BANK, MEDICAL}
    assert rows[world["regions"]["county_a2"].code].outlets == []  # a county without any outlet
    assert len(rows[world["regions"]["county_a2"].code].not_offered) == 5
    assert report.item_count == 5


def test_the_report_is_bounded_by_region(world):
    report = outlet_offer_report(within=world["regions"]["county_a1"])
    assert set(_codes(report)) == {"hall-a1", "bank-a1", "town-a1"}
    assert all(row.region.path.startswith(world["regions"]["county_a1"].path) for row in report.regions)


def test_the_report_runs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        outlet_offer_report()
    hall(world["regions"]["county_a2"], code="hall-a2")
    with django_assert_max_num_queries(6):
        outlet_offer_report()


def test_the_desk_filter_and_the_report_agree(world):
    items = published_edition().items.all()  # type: ignore[union-attr]
    for window in Window.objects.all():
        in_sql = set(window_items(window=window, items=items).values_list("code", flat=True))
        in_python = {
            item.code
            for item in ServiceItem.objects.filter(edition=published_edition()).prefetch_related("channels")
            if window_offers(
                kind=window.kind,
                zones=window.zones,
                zone=item.zone,
                business_class=item.business_class,
                risk_level=item.risk_level,
                channels={c.code for c in item.channels.all()},
                effect_code=item.effect_code,
            )
        }
        assert in_sql == in_python, window


def test_the_page_for_a_county_leader_and_the_province(world):
    leader = make_staff("lead", region=world["regions"]["county_a1"], posts=[PostCode.SECTION_LEADER])
    client = Client()
    client.force_login(leader)
    page = client.get(reverse("catalogue:manage_outlet_offer"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "示范农商银行甲一支行" in text and "甲一镇社保服务窗口" in text and BANK in text
    assert "乙一县社保服务大厅" not in text
    assert "参保征缴" in text  # zones by name, not code
    conformance = client.get(reverse("catalogue:manage_conformance")).content.decode()
    assert reverse("catalogue:manage_outlet_offer") in conformance

    admin = make_staff("adm", region=world["regions"]["province"], posts=[PostCode.ADMIN])
    client.force_login(admin)
    assert "乙一县社保服务大厅" in client.get(reverse("catalogue:manage_outlet_offer")).content.decode()

    teller = make_staff("gt", region=world["regions"]["county_a1"], posts=[PostCode.GENERAL_TELLER])
    client.force_login(teller)
    assert client.get(reverse("catalogue:manage_outlet_offer")).status_code == 403
