"""Demo outlets, windows, appointment slots and teller qualifications (idempotent, audited).

For every county of the demo province (青河县, where the demo tellers work, 石门县, 望山县, 临江区 and
云溪县) and the two cities: a service hall with three general windows (one per zone) and two special
windows (all zones), so that every county's service guide names a hall of its own; a community window
in a township of 青河县 and 石门县; a bank outlet (社银合作网点) in 青河县 whose bank window serves the enrolment zone. Slots for
the next 5 working days. Coordinates are plausible but made up, like the province.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from shebao.audit.services import audit_record
from shebao.catalogue.models import Zone
from shebao.core.models import Region, User
from shebao.core.workdays import is_workday
from shebao.counter import services
from shebao.counter.models import AppointmentSlot, Outlet, OutletKind, TellerQualification, Window, WindowKind

ZONES: list[str] = [Zone.ENROLMENT, Zone.MEDICAL, Zone.PENSION]
HOURS = "周一至周五 9:00–12:00，13:30–17:00（法定节假日除外）"
# code, region code, kind, name_zh, name_en, latitude, longitude
HALLS = [
    (
        "qinghe-hall",
        "990121",
        OutletKind.COUNTY_HALL,
        "青河县社会保险服务大厅",
        "Qinghe County service hall",
        31.2410,
        117.1020,
    ),
    (
        "shimen-hall",
        "990221",
        OutletKind.COUNTY_HALL,
        "石门县社会保险服务大厅",
        "Shimen County service hall",
        29.6530,
        111.3790,
    ),
    (
        "wangshan-hall",
        "990122",
        OutletKind.COUNTY_HALL,
        "望山县社会保险服务大厅",
        "Wangshan County service hall",
        31.4620,
        117.3350,
    ),
    (
        "linjiang-hall",
        "990102",
        OutletKind.COUNTY_HALL,
        "临江区社会保险服务大厅",
        "Linjiang District service hall",
        31.2860,
        117.2710,
    ),
    (
        "yunxi-hall",
        "990222",
        OutletKind.COUNTY_HALL,
        "云溪县社会保险服务大厅",
        "Yunxi County service hall",
        29.8340,
        111.6120,
    ),
    (
        "donghu-hall",
        "990100",
        OutletKind.CITY_HALL,
        "东湖市社会保险服务大厅",
        "Donghu City service hall",
        31.3050,
        117.2320,
    ),
    (
        "xishan-hall",
        "990200",
        OutletKind.CITY_HALL,
        "西山市社会保险服务大厅",
        "Xishan City service hall",
        29.7120,
        111.4560,
    ),
]
COMMUNITY = [
    ("liuwan-window", "990121002", "柳湾乡社保服务窗口", "Liuwan Township window", 31.1980, 117.0560),
    ("longtan-window", "990221002", "龙潭乡社保服务窗口", "Longtan Township window", 29.6010, 111.3220),
]
BANK = (
    "qinghe-bank",
    "990121",
    "示范农商银行青河支行（社银合作网点）",
    "Demo Rural Bank, Qinghe branch",
    31.2440,
    117.1080,
)


def _outlet(
    by: Any, code: str, region: Region, kind: str, zh: str, en: str, lat: float, lon: float
) -> Outlet:
    found = Outlet.objects.filter(code=code).first()
    if found is not None:
        return found
    data = {
        "code": code,
        "name_zh": zh,
        "name_en": en,
        "kind": kind,
        "address": f"{region.name_zh}人民路{len(code) * 3}号",
        "latitude": f"{lat:.6f}",
        "longitude": f"{lon:.6f}",
        "opening_hours": HOURS,
        "phone": "12333",
    }
    return services.outlet_save(by=None, data=data, region=region)


def _window(outlet: Outlet, number: str, kind: str, zones: list[str], made: dict[str, int]) -> None:
    if not Window.objects.filter(outlet=outlet, number=number).exists():
        services.window_save(by=None, outlet=outlet, number=number, kind=kind, zones=[str(z) for z in zones])
        made["windows"] = made.get("windows", 0) + 1


def _qualify(teller: User | None, zones: list[str], made: dict[str, int]) -> None:
    if teller is None:
        return
    for zone in zones:
        if not TellerQualification.objects.filter(teller=teller, zone=zone, item_code="").exists():
            services.qualification_grant(by=None, teller=teller, zone=str(zone))
            made["qualifications"] = made.get("qualifications", 0) + 1


def _next_workdays(count: int) -> list[dt.date]:
    days: list[dt.date] = []
    day = timezone.localdate()
    while len(days) < count:
        day += dt.timedelta(days=1)
        if is_workday(day):
            days.append(day)
    return days


@transaction.atomic
def seed_counter(*, by: Any = None) -> dict[str, Any]:
    """Create what is missing; return counts and the kiosk and display URLs of each hall."""
    regions = {
        r.code: r for r in Region.objects.filter(code__in={h[1] for h in HALLS} | {c[1] for c in COMMUNITY})
    }
    made: dict[str, int] = {}
    before = Outlet.objects.count()
    halls = []
    for code, region_code, kind, zh, en, lat, lon in HALLS:
        region = regions.get(region_code)
        if region is None:
            continue
        outlet = _outlet(by, code, region, kind, zh, en, lat, lon)
        halls.append(outlet)
        for number, zone in zip(("1", "2", "3"), ZONES, strict=True):
            _window(outlet, number, WindowKind.GENERAL, [zone], made)
        _window(outlet, "4", WindowKind.SPECIAL, ZONES, made)
        _window(outlet, "5", WindowKind.SPECIAL, ZONES, made)
    for code, region_code, zh, en, lat, lon in COMMUNITY:
        region = regions.get(region_code)
        if region is not None:
            outlet = _outlet(by, code, region, OutletKind.COMMUNITY, zh, en, lat, lon)
            _window(outlet, "1", WindowKind.GENERAL, ZONES, made)
    bank = None
    if (region := regions.get(BANK[1])) is not None:
        bank = _outlet(by, BANK[0], region, OutletKind.BANK, BANK[2], BANK[3], BANK[4], BANK[5])
        _window(bank, "1", WindowKind.BANK, [str(Zone.ENROLMENT)], made)
    made["outlets"] = Outlet.objects.count() - before
    slots = 0
    for outlet in halls:
        for day in _next_workdays(5):
            for zone in ZONES:
                if not AppointmentSlot.objects.filter(outlet=outlet, zone=zone, starts_at__date=day).exists():
                    slots += len(
                        services.slots_create_day(
                            by=None, outlet=outlet, zone=str(zone), day=day, start=dt.time(9), end=dt.time(12)
                        )
                    )
    made["slots"] = slots
    users = {
        u.username: u for u in User.objects.filter(username__in=["teller", "special", "teller2", "bank"])
    }
    _qualify(users.get("teller"), ZONES, made)
    _qualify(users.get("special"), ZONES, made)
    _qualify(users.get("teller2"), ZONES, made)
    _qualify(users.get("bank"), [str(Zone.ENROLMENT)], made)
    if any(made.values()):
        audit_record(
            actor=by, action="counter.demo_seeded", subject_type="counter.demo", subject_id="1", new=made
        )
    return {
        **made,
        "kiosks": [f"/counter/{o.code}/kiosk/" for o in halls],
        "displays": [f"/counter/{o.code}/display/" for o in halls],
        "bank": bank.code if bank else "",
    }
