"""The counter demo: halls, windows, bank outlet, slots and qualifications, seeded once."""

from __future__ import annotations

import pytest

from shebao.core.models import Region, RegionLevel
from shebao.counter.demo import seed_counter
from shebao.counter.models import AppointmentSlot, Outlet, OutletKind, TellerQualification, Window
from shebao.demo.province import demo_province_create

pytestmark = pytest.mark.django_db


def test_seed_counter_is_idempotent():
    demo_province_create(by=None)
    first = seed_counter(by=None)
    assert first["outlets"] == 10 and "/counter/qinghe-hall/kiosk/" in first["kiosks"]
    counties = Region.objects.filter(level=RegionLevel.COUNTY)
    assert counties.count() == 5
    for county in counties:  # every demo county has a hall of its own
        assert Outlet.objects.filter(region=county, kind=OutletKind.COUNTY_HALL).exists(), county.code
    hall = Outlet.objects.get(code="qinghe-hall")
    assert (
        hall.windows.filter(kind="general").count() == 3 and hall.windows.filter(kind="special").count() == 2
    )
    assert Window.objects.get(outlet__code="qinghe-bank").zones == ["enrolment"]
    assert AppointmentSlot.objects.filter(outlet=hall).count() == 5 * 3 * 6
    assert TellerQualification.objects.filter(teller__username="bank").count() == 1
    counts = (Outlet.objects.count(), Window.objects.count(), AppointmentSlot.objects.count())
    again = seed_counter(by=None)
    assert again["outlets"] == 0 and again["slots"] == 0
    assert counts == (Outlet.objects.count(), Window.objects.count(), AppointmentSlot.objects.count())
