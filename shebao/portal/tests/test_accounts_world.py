"""Shared state for the accounts part's tests (no tests here): regions, persons, accounts, a hall.

Accounts are made the way `services.account_open` makes them but without the code flow, so tests of
the query, appointment and message pages stay fast; `test_accounts.py` covers the code flow itself.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.test import Client
from django.utils import timezone

from shebao.cases.models import Case, CaseStatus, Channel, Delivery
from shebao.catalogue.tests.factories import item_data, make_published_edition, special_item_data
from shebao.core.models import User
from shebao.core.tests.factories import make_region_tree
from shebao.counter.models import AppointmentSlot
from shebao.counter.tests.factories import hall
from shebao.portal.models import AccountKind, PortalAccount
from shebao.registry.tests import factories as rf

PASSWORD = "Citizen-pass-2026"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_account(person: Any, password: str = PASSWORD) -> PortalAccount:
    user = User.objects.create_user(username=f"p-{secrets.token_hex(8)}", password=password)
    return PortalAccount.objects.create(
        user=user, kind=AccountKind.PERSON, person=person, phone=person.phone, realname_method="test"
    )


def client_for(account: PortalAccount) -> Client:
    client = Client()
    client.force_login(account.user)
    return client


def world() -> dict[str, Any]:
    """Two persons in different counties, each with an account; a published item; a hall with slots."""
    regions = make_region_tree()
    county = regions["county_a1"]
    edition = make_published_edition(items=[item_data(code="SB-G-001"), special_item_data(code="SB-S-001")])
    item = edition.items.get(code="SB-G-001")
    me = rf.person(at=county, name="王芳", id_number=rf.make_id_number(gender="F"), phone="13812345678")
    other = rf.person(
        at=regions["county_b1"], name="赵强", id_number=rf.make_id_number(), phone="13912345678"
    )
    outlet = hall(county)
    far = hall(regions["county_b1"], code="hall-b1")
    start = timezone.now() + dt.timedelta(minutes=10)
    slot = AppointmentSlot.objects.create(
        outlet=outlet, zone="enrolment", starts_at=start, ends_at=start + dt.timedelta(minutes=30), capacity=2
    )
    return {
        "regions": regions,
        "county": county,
        "item": item,
        "special": edition.items.get(code="SB-S-001"),
        "me": me,
        "other": other,
        "account": make_account(me),
        "other_account": make_account(other),
        "outlet": outlet,
        "far": far,
        "slot": slot,
    }


def make_case(
    w: dict[str, Any], *, person: Any, number: str, status: str = CaseStatus.IN_REVIEW, **extra: Any
) -> Case:
    """A case of `person`: open ones at the special item's review step, finished ones of the general item."""
    now = timezone.now()
    finished = status in (CaseStatus.COMPLETED, CaseStatus.REJECTED)
    item = extra.pop("item", w["item"] if finished else w["special"])
    return Case.objects.create(
        number=number,
        item=item,
        item_code=item.code,
        step_index=extra.pop("step_index", 0 if finished else 1),
        person=person,
        channel=Channel.COUNTER,
        outlet=w["outlet"],
        region=person.region,
        accepted_at=now - dt.timedelta(hours=1),
        status=status,
        delivery=Delivery.MESSAGE,
        deadline=(now + dt.timedelta(days=10)).date(),
        completed_at=now if finished else None,
        result="办结：已登记" if finished else "",
        **extra,
    )
