"""Case fixtures built through the real services: a published edition, halls, signed-in tellers, applicants."""

from __future__ import annotations

from typing import Any

from shebao.catalogue.models import ServiceItem
from shebao.catalogue.selectors import published_edition
from shebao.catalogue.tests.factories import item_data, make_published_edition, special_item_data
from shebao.core.models import Region, User
from shebao.core.permissions import PostCode
from shebao.core.tests.factories import make_region_tree, make_staff
from shebao.counter.models import Outlet, TellerQualification, Window
from shebao.counter.services import window_sign_in
from shebao.counter.tests.factories import hall
from shebao.registry.tests import factories as rf

GENERAL = "SB-G-101"  # 职工增员: staff increase, completes at the window
SPECIAL = "SB-S-201"  # 参保人员信息变更（特殊）: accept → review → approve, changes the phone at the end

STAFF_DATA_START = "2024-03-01"


def general_item() -> dict[str, Any]:
    return item_data(
        code=GENERAL,
        name_zh="职工参保登记（增员）",
        name_en="Staff increase",
        effect_code="registry.staff_increase",
        materials=[
            {
                "name_zh": "居民身份证",
                "is_identity_document": True,
                "original_checked": True,
                "required": True,
            },
            {"name_zh": "劳动合同", "copies": 1, "required": True, "legal_basis": "社会保险法 第五十八条"},
            {"name_zh": "委托书", "required": False, "legal_basis": "民法典 第一百六十一条"},
        ],
    )


def special_item() -> dict[str, Any]:
    return special_item_data(
        code=SPECIAL,
        name_zh="参保人员联系信息变更（复核）",
        name_en="Person data change (reviewed)",
        zone="enrolment",
        effect_code="registry.person_change",
        channels=["counter", "bank"],
    )


def edition(extra: list[dict[str, Any]] | None = None) -> Any:
    return make_published_edition([general_item(), special_item(), *(extra or [])])


def item(code: str) -> ServiceItem:
    found = ServiceItem.objects.get(edition=published_edition(), code=code)
    return found


def qualify(teller: User, *, zone: str = "", item_code: str = "") -> None:
    TellerQualification.objects.create(teller=teller, zone=zone, item_code=item_code)


def teller_at(
    username: str,
    *,
    window: Window,
    posts: list[str],
    region: Region | None = None,
    zones: list[str] | None = None,
) -> User:
    """A teller of the window's region, qualified for `zones` (default: the window's), signed in to it."""
    user = make_staff(username, region=region or window.outlet.region, posts=posts)
    for zone in zones if zones is not None else window.zones:
        qualify(user, zone=zone)
    window_sign_in(teller=user, window=window)
    return user


def windows(outlet: Outlet) -> dict[str, Window]:
    return {w.number: w for w in outlet.windows.all()}


def office() -> dict[str, Any]:
    """County A1's hall with a general and a special teller signed in, reviewers and a leader, and an
    applicant (a person employed by an employer), all in county A1; a reviewer of county B1."""
    regions = make_region_tree()
    edition()
    county = regions["county_a1"]
    outlet = hall(county)
    w = windows(outlet)
    person = rf.person(at=county, name="王芳", id_number=rf.make_id_number(gender="F"))
    employer = rf.employer(at=county)
    return {
        "regions": regions,
        "county": county,
        "outlet": outlet,
        "windows": w,
        "general_teller": teller_at("gt", window=w["4"], posts=[PostCode.GENERAL_TELLER]),
        "special_teller": teller_at("st", window=w["8"], posts=[PostCode.SPECIAL_TELLER]),
        "reviewer": make_staff("rev", region=county, posts=[PostCode.REVIEWER]),
        "reviewer2": make_staff("rev2", region=county, posts=[PostCode.REVIEWER]),
        "leader": make_staff("lead", region=county, posts=[PostCode.SECTION_LEADER]),
        "far_reviewer": make_staff("rev-b1", region=regions["county_b1"], posts=[PostCode.REVIEWER]),
        "person": person,
        "employer": employer,
    }


def staff_increase_data(o: dict[str, Any]) -> dict[str, Any]:
    return {"credit_code": o["employer"].credit_code, "start_date": STAFF_DATA_START}


ALL_GENERAL = [0, 1]  # the required materials of the general item (the power of attorney is optional)
ALL_SPECIAL = [0, 1]


def accept_general(o: dict[str, Any], **kwargs: Any) -> Any:
    from shebao.cases.services import case_accept

    return case_accept(
        teller=kwargs.pop("teller", o["general_teller"]),
        item=item(GENERAL),
        person=kwargs.pop("person", o["person"]),
        data=kwargs.pop("data", staff_increase_data(o)),
        received=kwargs.pop("received", ALL_GENERAL),
        **kwargs,
    )


def accept_special(o: dict[str, Any], **kwargs: Any) -> Any:
    from shebao.cases.services import case_accept

    return case_accept(
        teller=kwargs.pop("teller", o["special_teller"]),
        item=item(SPECIAL),
        person=kwargs.pop("person", o["person"]),
        data=kwargs.pop("data", {"phone": "13911112222"}),
        received=kwargs.pop("received", ALL_SPECIAL),
        **kwargs,
    )


def refusals() -> list[dict[str, Any]]:
    """The payloads of the `cases.refused` audit events, oldest first."""
    import json

    from shebao.audit.models import AuditEvent

    return [
        {"actor_id": e.actor_id, "subject_id": e.subject_id, **json.loads(e.payload)}
        for e in AuditEvent.objects.filter(action="cases.refused").order_by("id")
    ]
