"""Demo of bank outlets (社银合作) and routing across the province (无差别受理). Idempotent, audited.

On top of `counter.demo.seed_counter` (which opens the 青河县 bank outlet with an enrolment window):

- a second counter at the 青河县 bank outlet serving all three zones, and the `bank` login qualified
  for them, so every bank-outlet item of the catalogue (card loss, certificates, 资格认证 …) can be
  tried; the catalogue's channels still decide what a bank counter offers;
- a bank outlet in 石门县 (the other city), so the outlet page shows bank outlets in both cities;
- a reviewer and a section leader in 石门县 (`reviewer_sm`, `leader_sm`), so a special item accepted in
  青河县 for a person of 石门县 can be followed to its result where it is routed.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from shebao.audit.services import audit_record
from shebao.catalogue.models import Zone
from shebao.core.models import Office, Post, Region, User
from shebao.core.permissions import PostCode
from shebao.counter import services
from shebao.counter.demo import BANK, HOURS
from shebao.counter.models import Outlet, OutletKind, TellerQualification, Window, WindowKind
from shebao.demo.province import DEMO_PASSWORD
from shebao.registry.models import Person, PersonStatus

ZONES = [str(Zone.ENROLMENT), str(Zone.MEDICAL), str(Zone.PENSION)]
OTHER_COUNTY = "990221"  # 石门县, 西山市
OTHER_BANK = (
    "shimen-bank",
    OTHER_COUNTY,
    "示范农商银行石门支行（社银合作网点）",
    "Demo Rural Bank, Shimen branch",
    "29.655000",
    "111.384000",
)
# username, full name, post, region code
ROUTING_STAFF = [
    ("reviewer_sm", "何雨晴", PostCode.REVIEWER, OTHER_COUNTY),
    ("leader_sm", "马国栋", PostCode.SECTION_LEADER, OTHER_COUNTY),
]


def _bump(made: dict[str, int], key: str) -> None:
    made[key] = made.get(key, 0) + 1


def _bank_window(outlet: Outlet, number: str, made: dict[str, int]) -> None:
    if not Window.objects.filter(outlet=outlet, number=number).exists():
        services.window_save(by=None, outlet=outlet, number=number, kind=WindowKind.BANK, zones=ZONES)
        _bump(made, "windows")


def _staff(username: str, full_name: str, post: str, region: Region, made: dict[str, int]) -> None:
    if User.objects.filter(username=username).exists():
        return
    office = Office.objects.filter(region=region).order_by("pk").first()
    if office is None:
        return
    user = User.objects.create_user(
        username=username, password=DEMO_PASSWORD, full_name=full_name, office=office
    )
    user.posts.set(Post.objects.filter(code=post))
    audit_record(
        actor=None,
        action="core.staff_created",
        subject=user,
        region_code=region.code,
        new={"username": username, "full_name": full_name, "office": office.name_zh, "posts": [post]},
    )
    _bump(made, "staff")


@transaction.atomic
def seed_bank(*, by: Any = None) -> dict[str, Any]:
    """Create what is missing; return counts, the bank outlets' codes and a person of 石门县 to try."""
    made: dict[str, int] = {}
    qinghe = Outlet.objects.filter(code=BANK[0]).first()
    if qinghe is not None:
        _bank_window(qinghe, "2", made)
    other_region = Region.objects.filter(code=OTHER_COUNTY).first()
    if other_region is not None:
        other = Outlet.objects.filter(code=OTHER_BANK[0]).first()
        if other is None:
            code, _region, zh, en, lat, lon = OTHER_BANK
            other = services.outlet_save(
                by=None,
                region=other_region,
                data={
                    "code": code,
                    "name_zh": zh,
                    "name_en": en,
                    "kind": OutletKind.BANK,
                    "address": f"{other_region.name_zh}解放路18号",
                    "latitude": lat,
                    "longitude": lon,
                    "opening_hours": HOURS,
                    "phone": "12333",
                },
            )
            _bump(made, "outlets")
        _bank_window(other, "1", made)
        for username, full_name, post, region_code in ROUTING_STAFF:
            region = Region.objects.filter(code=region_code).first()
            if region is not None:
                _staff(username, full_name, post, region, made)
    agent = User.objects.filter(username="bank").first()
    if agent is not None:
        for zone in ZONES:
            if not TellerQualification.objects.filter(teller=agent, zone=zone, item_code="").exists():
                services.qualification_grant(by=None, teller=agent, zone=zone)
                _bump(made, "qualifications")
    if made:
        audit_record(
            actor=by, action="counter.bank_demo_seeded", subject_type="counter.demo", subject_id="2", new=made
        )
    person = (
        Person.objects.filter(region__code__startswith=OTHER_COUNTY, status=PersonStatus.ACTIVE)
        .order_by("id")
        .first()
    )
    return {
        **made,
        "bank_outlets": [c for c in (BANK[0], OTHER_BANK[0]) if Outlet.objects.filter(code=c).exists()],
        "other_county_person": (person.id_number, person.name) if person is not None else None,
    }


def seed_bank_demo(*, stdout: Any = None) -> dict[str, Any]:
    """`seed_bank`, and a few lines for `demo_seed`'s output: where to try the bank and the routing."""
    result = seed_bank(by=None)
    if stdout is not None:
        stdout.write(
            "Bank outlets 社银合作网点: "
            + ", ".join(result["bank_outlets"])
            + " · login `bank` → /counter/window/ (示范农商银行青河支行), then /cases/desk/."
        )
        stdout.write(
            "Routing 无差别受理: reviewer_sm / leader_sm (石门县) review special items accepted in 青河县 "
            "for persons of 石门县; outlets and their items: /manage/conformance/outlets/."
        )
        if result["other_county_person"]:
            id_number, name = result["other_county_person"]
            stdout.write(f"  A person of 石门县 to try at 青河县: {id_number} {name}")
    return result
