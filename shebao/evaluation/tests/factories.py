"""Evaluation test state: a finished case at a window, built directly (the case services are tested in cases)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from shebao.cases.models import Case, CaseStatus, Channel, Delivery
from shebao.catalogue.models import ServiceItem
from shebao.catalogue.tests.factories import item_data, make_published_edition
from shebao.core.models import Region, User
from shebao.counter.models import Outlet, OutletKind, Window, WindowKind

_seq = itertools.count(1)


def published_item(code: str = "SB-G-001") -> ServiceItem:
    item = ServiceItem.objects.filter(code=code, edition__status="published").first()
    if item is None:
        edition = make_published_edition(items=[item_data(code=code)])
        item = edition.items.get(code=code)
    return item


def make_window(*, region: Region, code: str = "hall-1", number: str = "01") -> Window:
    outlet, _ = Outlet.objects.get_or_create(
        code=code,
        defaults={
            "name_zh": f"{region.name_zh}政务服务大厅",
            "kind": OutletKind.COUNTY_HALL,
            "region": region,
            "address": "人民路1号",
            "opening_hours": "9:00-17:00",
        },
    )
    window, _ = Window.objects.get_or_create(
        outlet=outlet, number=number, defaults={"kind": WindowKind.GENERAL, "zones": ["enrolment"]}
    )
    return window


def finished_case(
    *,
    teller: User,
    region: Region,
    window: Window | None = None,
    status: str = CaseStatus.COMPLETED,
    finished_ago: dt.timedelta = dt.timedelta(minutes=1),
    **fields: Any,
) -> Case:
    now = timezone.now()
    n = next(_seq)
    return Case.objects.create(
        number=fields.pop("number", f"SB2026{n:010d}"),
        item=fields.pop("item", None) or published_item(),
        item_code="SB-G-001",
        channel=Channel.COUNTER,
        outlet=window.outlet if window else None,
        window=window,
        region=region,
        accepted_by=teller,
        accepted_at=now - finished_ago - dt.timedelta(minutes=5),
        status=status,
        delivery=Delivery.PICKUP,
        completed_at=None
        if status not in (CaseStatus.COMPLETED, CaseStatus.REJECTED)
        else now - finished_ago,
        **fields,
    )
