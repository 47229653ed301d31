"""Demo accounts: two persons of 青河县 get one (idempotent); the others are left to register."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from shebao.core.models import Region, RegionLevel
from shebao.demo.province import DEMO_PASSWORD
from shebao.portal.demo import seed_portal_accounts
from shebao.portal.models import PortalAccount
from shebao.portal.tests.test_accounts_world import FAST_HASHERS
from shebao.registry import services as registry_services
from shebao.registry.tests import factories as rf

pytestmark = pytest.mark.django_db


def test_two_demo_accounts_idempotent_and_others_left_to_register(settings: Any) -> None:
    settings.PASSWORD_HASHERS = FAST_HASHERS
    province = Region.objects.create(code="990000", name_zh="示范省", level=RegionLevel.PROVINCE)
    city = Region.objects.create(code="990100", name_zh="东湖市", level=RegionLevel.CITY, parent=province)
    county = Region.objects.create(code="990121", name_zh="青河县", level=RegionLevel.COUNTY, parent=city)
    persons = []
    for n, phone in enumerate(["", "13800000001", "13800000002", "13800000003"]):
        p = rf.person(at=county, name=f"人{n}", id_number=rf.make_id_number(), phone=phone)
        registry_services.enrolment_create(
            person=p, insurance_type="resident_medical", start_date=dt.date(2024, 1, 1), by=None
        )
        persons.append(p)
    out = io.StringIO()
    logins = seed_portal_accounts(stdout=out)
    assert [i for i, _ in logins] == [persons[1].id_number, persons[2].id_number]  # no phone: skipped
    assert persons[1].id_number in out.getvalue() and DEMO_PASSWORD in out.getvalue()
    assert seed_portal_accounts() == logins and PortalAccount.objects.count() == 2
    assert not PortalAccount.objects.filter(person=persons[3]).exists()
    response = Client().post(
        reverse("portal:login"), {"id_number": persons[1].id_number, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
