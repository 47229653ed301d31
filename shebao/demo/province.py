"""The demo province: regions, offices and one staff member per post.

示范省 (Demo Province) is FICTIONAL. Its codes (990000 and below) were made up in a range no real
administrative division uses, and every region is saved with `code_is_real=False`. It has 2 cities,
5 counties (3 + 2) and 10 townships, an agency office in each (社保中心 for province, cities and
counties; 社保所 for townships), and staff placed as a real agency would: the administrator and the
auditor at the province; the tellers, the reviewer and the section leader in 青河县; a bank-outlet
agent in 青河县; a county administrator who fills in the local bindings of 石门县, and a second
general teller there. Every staff member has the same demo password, `DEMO_PASSWORD`.

Everything is created only if missing, and every creation is audited, so seeding twice changes
nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from shebao.audit.services import audit_record
from shebao.core.models import Office, Post, Region, RegionLevel, User
from shebao.core.permissions import PostCode

DEMO_PASSWORD = "Shebao@2026"  # noqa: S105 - the published demo password, printed by demo_seed

PROVINCE = ("990000", "示范省", "Demo Province")
# city code, zh, en, [(county code, zh, en, [(township code, zh, en), ...]), ...]
CITIES: list[tuple[str, str, str, list[tuple[str, str, str, list[tuple[str, str, str]]]]]] = [
    (
        "990100",
        "东湖市",
        "Donghu City",
        [
            (
                "990121",
                "青河县",
                "Qinghe County",
                [("990121001", "青河镇", "Qinghe Town"), ("990121002", "柳湾乡", "Liuwan Township")],
            ),
            (
                "990122",
                "望山县",
                "Wangshan County",
                [("990122001", "望山镇", "Wangshan Town"), ("990122002", "白石乡", "Baishi Township")],
            ),
            (
                "990102",
                "临江区",
                "Linjiang District",
                [
                    ("990102001", "临江街道", "Linjiang Subdistrict"),
                    ("990102002", "江北街道", "Jiangbei Subdistrict"),
                ],
            ),
        ],
    ),
    (
        "990200",
        "西山市",
        "Xishan City",
        [
            (
                "990221",
                "石门县",
                "Shimen County",
                [("990221001", "石门镇", "Shimen Town"), ("990221002", "龙潭乡", "Longtan Township")],
            ),
            (
                "990222",
                "云溪县",
                "Yunxi County",
                [("990222001", "云溪镇", "Yunxi Town"), ("990222002", "桃源乡", "Taoyuan Township")],
            ),
        ],
    ),
]


@dataclass(frozen=True)
class DemoStaff:
    username: str
    full_name: str
    post: str
    region_code: str


DEMO_STAFF: tuple[DemoStaff, ...] = (
    DemoStaff("admin", "周建国", PostCode.ADMIN, "990000"),
    DemoStaff("auditor", "孙丽华", PostCode.AUDITOR, "990000"),
    DemoStaff("teller", "李晓燕", PostCode.GENERAL_TELLER, "990121"),
    DemoStaff("special", "王海涛", PostCode.SPECIAL_TELLER, "990121"),
    DemoStaff("reviewer", "陈静", PostCode.REVIEWER, "990121"),
    DemoStaff("leader", "刘志强", PostCode.SECTION_LEADER, "990121"),
    DemoStaff("bank", "赵敏", PostCode.BANK_AGENT, "990121"),
    DemoStaff("county_admin", "吴德明", PostCode.LOCAL_ADMIN, "990221"),
    DemoStaff("teller2", "郑雪梅", PostCode.GENERAL_TELLER, "990221"),
)


@dataclass
class DemoProvince:
    province: Region
    regions: dict[str, Region]
    staff: dict[str, User]
    created: dict[str, int] = field(default_factory=dict)


def _office_name(region: Region) -> tuple[str, str]:
    if region.level == RegionLevel.PROVINCE:
        return f"{region.name_zh}社会保险事业管理局", f"{region.name_en} Social Insurance Administration"
    if region.level == RegionLevel.TOWNSHIP:
        return f"{region.name_zh}社会保障服务所", f"{region.name_en} Social Security Office"
    return f"{region.name_zh}社会保险服务中心", f"{region.name_en} Social Insurance Centre"


def _office_contact(region: Region, index: int) -> tuple[str, str]:
    """A made-up address and phone number (555 numbers do not exist in China either)."""
    return f"{region.name_zh}人民路{10 + index * 7}号政务服务中心一楼", f"0999-555{index:04d}"


def _region(
    code: str, zh: str, en: str, level: str, parent: Region | None, by: Any, created: dict[str, int]
) -> Region:
    region = Region.objects.filter(code=code).first()
    if region is not None:
        return region
    region = Region.objects.create(
        code=code, name_zh=zh, name_en=en, level=level, parent=parent, code_is_real=False
    )
    audit_record(
        actor=by,
        action="core.region_created",
        subject=region,
        region_code=code,
        new={"code": code, "name_zh": zh, "name_en": en, "level": level, "code_is_real": False},
    )
    created["regions"] = created.get("regions", 0) + 1
    return region


def _office(region: Region, index: int, by: Any, created: dict[str, int]) -> Office:
    name_zh, name_en = _office_name(region)
    office = Office.objects.filter(region=region, name_zh=name_zh).first()
    if office is not None:
        return office
    address, phone = _office_contact(region, index)
    office = Office.objects.create(
        region=region, name_zh=name_zh, name_en=name_en, address=address, phone=phone
    )
    audit_record(
        actor=by,
        action="core.office_created",
        subject=office,
        region_code=region.code,
        new={"name_zh": name_zh, "name_en": name_en, "address": address, "phone": phone},
    )
    created["offices"] = created.get("offices", 0) + 1
    return office


def _staff(spec: DemoStaff, office: Office, by: Any, created: dict[str, int]) -> User:
    user = User.objects.filter(username=spec.username).first()
    if user is not None:
        return user
    user = User.objects.create_user(
        username=spec.username, password=DEMO_PASSWORD, full_name=spec.full_name, office=office
    )
    user.posts.set(Post.objects.filter(code=spec.post))
    audit_record(
        actor=by,
        action="core.staff_created",
        subject=user,
        region_code=office.region.code,
        new={
            "username": spec.username,
            "full_name": spec.full_name,
            "office": office.name_zh,
            "posts": [spec.post],
        },
    )
    created["staff"] = created.get("staff", 0) + 1
    return user


@transaction.atomic
def demo_province_create(*, by: Any = None) -> DemoProvince:
    """Create what is missing of the demo province, its offices, the local-admin post and the staff."""
    created: dict[str, int] = {}
    code, zh, en = PROVINCE
    province = _region(code, zh, en, RegionLevel.PROVINCE, None, by, created)
    regions = {code: province}
    for city_code, city_zh, city_en, counties in CITIES:
        city = _region(city_code, city_zh, city_en, RegionLevel.CITY, province, by, created)
        regions[city_code] = city
        for county_code, county_zh, county_en, townships in counties:
            county = _region(county_code, county_zh, county_en, RegionLevel.COUNTY, city, by, created)
            regions[county_code] = county
            for town_code, town_zh, town_en in townships:
                regions[town_code] = _region(
                    town_code, town_zh, town_en, RegionLevel.TOWNSHIP, county, by, created
                )
    offices = {
        region_code: _office(region, index, by, created)
        for index, (region_code, region) in enumerate(regions.items(), start=1)
    }
    staff = {spec.username: _staff(spec, offices[spec.region_code], by, created) for spec in DEMO_STAFF}
    return DemoProvince(province=province, regions=regions, staff=staff, created=created)
