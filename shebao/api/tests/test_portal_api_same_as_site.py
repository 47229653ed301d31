"""The phone API and the self-service site read through the same selectors, so they answer the same:
which outlets a person may book at (and which slot a booking may take), and a case's progress."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shebao.api.tests.test_portal_api_world import auth, token_for, world
from shebao.core.models import Region, RegionLevel
from shebao.counter.models import Appointment
from shebao.counter.services import slots_create_day
from shebao.counter.tests.factories import hall

pytestmark = pytest.mark.django_db


@pytest.fixture
def w() -> dict[str, Any]:
    cache.clear()  # the sign-in throttle counts per client address
    o = world()
    # A hall of another province, with free slots: neither channel lets the person book it.
    province = Region.objects.create(
        code="980000", name_zh="外省", name_en="Other Province", level=RegionLevel.PROVINCE
    )
    county = Region.objects.create(
        code="980101", name_zh="外一县", name_en="Other County", level=RegionLevel.COUNTY, parent=province
    )
    o["far_outlet"] = hall(county, code="hall-far")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    o["far_slots"] = slots_create_day(
        by=None, outlet=o["far_outlet"], zone="enrolment", day=tomorrow, capacity=2
    )
    return o


@pytest.fixture
def api(w: dict[str, Any]) -> Client:
    client = Client()
    client.defaults["HTTP_AUTHORIZATION"] = auth(token_for(client, w["person"].id_number))["Authorization"]
    return client


@pytest.fixture
def site(w: dict[str, Any]) -> Client:
    client = Client()
    client.force_login(w["account"].user)
    return client


def _site_slots(site: Client, outlet: Any) -> set[int]:
    page = site.get(reverse("portal:appointments"), {"outlet": outlet.code, "zone": "enrolment"})
    assert page.status_code == 200
    return {s.pk for s in page.context["slots"]}


def _api_slots(api: Client, outlet: Any) -> set[int] | None:
    response = api.get(f"/api/v1/appointment-slots/?outlet={outlet.code}&zone=enrolment")
    if response.status_code == 404:
        return None
    assert response.status_code == 200
    return {s["id"] for s in response.json()["results"]}


def test_both_offer_the_same_slots(w: dict[str, Any], api: Client, site: Client) -> None:
    own = {s.pk for s in w["slots"]}
    assert _site_slots(site, w["outlet"]) == _api_slots(api, w["outlet"]) == own
    # Another province's hall: the site does not offer it, the API does not know it.
    assert _site_slots(site, w["far_outlet"]) == set()
    assert _api_slots(api, w["far_outlet"]) is None
    outlets = site.get(reverse("portal:appointments")).context["outlets"]
    assert w["outlet"] in outlets and w["far_outlet"] not in outlets


def test_neither_books_a_slot_of_an_outlet_it_does_not_offer(
    w: dict[str, Any], api: Client, site: Client
) -> None:
    far = w["far_slots"][0].pk
    by_site = site.post(reverse("portal:appointments"), {"slot": far, "item_code": ""})
    by_api = api.post("/api/v1/me/appointments/", {"slot": far}, content_type="application/json")
    assert by_site.status_code == 400 and by_api.status_code == 404
    assert not Appointment.objects.filter(slot__outlet=w["far_outlet"]).exists()
    # The same request for an offered slot is booked by either.
    own = w["slots"][0].pk
    assert (
        api.post("/api/v1/me/appointments/", {"slot": own}, content_type="application/json").status_code
        == 201
    )
    assert (
        site.post(reverse("portal:appointments"), {"slot": w["slots"][1].pk, "item_code": ""}).status_code
        == 302
    )


def test_both_show_the_same_progress(w: dict[str, Any], api: Client, site: Client) -> None:
    for case in (w["review_case"], w["done_case"]):
        page = site.get(reverse("portal:case", args=[case.number]))
        shown = [(s.name, s.handled_by, s.state) for s in page.context["d"].steps]
        body = api.get(f"/api/v1/me/cases/{case.number}/").json()
        assert [(s["name"], s["handled_by"], s["state"]) for s in body["steps"]] == shown
    # The acceptance names the hall where the case was taken; the review the county's office.
    review = api.get(f"/api/v1/me/cases/{w['review_case'].number}/").json()["steps"]
    assert review[0]["handled_by"] == w["outlet"].name and review[0]["state"] == "done"
    assert review[1]["state"] == "current"
