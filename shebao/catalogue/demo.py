"""The demo catalogue and the demo province's catalogue data: bindings, one deviating county, standards.

`data/demo_catalogue.json` holds 108 service items in the canonical item form
(`shebao.catalogue.snapshot`), built by `data/build_demo_catalogue.py`. Item codes are
`SB-<zone>-<nnn>`: CJ = 参保征缴 (enrolment and collection), DY = 医疗·工伤·生育待遇 (medical,
work-injury and maternity benefits), YS = 养老·失业待遇 (pension and unemployment benefits); nnn
numbers the items within their zone and never changes. Everything is written through the catalogue
services, so every write is audited and publication checks every rule.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from shebao.catalogue.models import Deviation, Edition, EditionStatus, LocalBinding, Standard
from shebao.catalogue.services import (
    binding_save,
    edition_create_draft,
    edition_publish,
    item_save,
    standard_save,
)
from shebao.catalogue.snapshot import item_snapshot, with_details
from shebao.core.models import Region, RegionLevel

CATALOGUE_FILE = Path(__file__).resolve().parent / "data" / "demo_catalogue.json"


@cache
def demo_catalogue_document() -> dict[str, Any]:
    """The parsed demo catalogue file (title, counts, items). Read once per process."""
    return json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))


def demo_catalogue_items() -> list[dict[str, Any]]:
    """A fresh copy of every item dict of the demo catalogue, in catalogue order."""
    return json.loads(json.dumps(demo_catalogue_document()["items"]))


@transaction.atomic
def load_demo_catalogue(*, by: Any = None) -> Edition:
    """Create a draft edition, write every demo item into it and publish it. Returns the edition.

    Raises the services' `ApplicationError` (with every violation in `details`) if the data break a
    publication rule; nothing is then written.
    """
    document = demo_catalogue_document()
    edition = edition_create_draft(by=by, title=document["title"])
    for data in demo_catalogue_items():
        item_save(edition=edition, data=data, by=by)
    return edition_publish(edition=edition, by=by)


def ensure_demo_catalogue(*, by: Any = None) -> tuple[Edition, bool]:
    """The published edition, loading the demo catalogue first if none is published yet."""
    published = Edition.objects.filter(status=EditionStatus.PUBLISHED).first()
    if published is not None:
        return published, False
    return load_demo_catalogue(by=by), True


# --- local bindings -----------------------------------------------------------------------------

# High-frequency items every city and county office fills in: the office's consultation phone for
# the item. Where and when the item is handled come from the outlet records (`counter/demo.py` opens
# a hall in every county), so a binding no longer repeats an address or opening hours.
BOUND_ITEMS = (
    "SB-CJ-004",  # 职工参保登记
    "SB-CJ-020",  # 个人权益记录查询打印（参保证明）
    "SB-CJ-032",  # 社会保障卡补换
    "SB-DY-001",  # 职工医疗费用手工（零星）报销
    "SB-YS-015",  # 失业保险金申领
)

# The county that tries to differ from the standard (四级四同): it demands a material the standard
# does not (户口簿 on top of the ID card, which Art. 31 forbids) and promises a longer limit.
DEVIATING_COUNTY_CODE = "990221"
EXTRA_MATERIAL_ITEM = "SB-CJ-004"
LONGER_LIMIT_ITEM = "SB-YS-015"
EXTRA_MATERIAL = {
    "name_zh": "户口簿复印件",
    "name_en": "Copy of the household register",
    "is_identity_document": False,
    "original_checked": False,
    "copies": 1,
    "required": True,
    "legal_basis": "",
    "note_zh": "本县要求",
    "note_en": "Required by the county",
}


@dataclass
class BindingsResult:
    bindings: int = 0
    deviations: int = 0


def _office_values(region: Region) -> dict[str, str]:
    office = region.offices.order_by("pk").first()
    return {"phone": office.phone if office else ""}


@transaction.atomic
def demo_bindings_create(*, province_admin: Any, county_admin: Any) -> BindingsResult:
    """Fill the open fields of a few items for every city and county; one county tries to deviate.

    Skips what is already there, so running it again writes nothing; items missing from the
    published edition (a database whose catalogue is not the demo one) are left alone.
    """
    result = BindingsResult()
    published = Edition.objects.get(status=EditionStatus.PUBLISHED)
    in_force = set(published.items.values_list("code", flat=True))
    regions = Region.objects.filter(level__in=[RegionLevel.CITY, RegionLevel.COUNTY]).prefetch_related(
        "offices"
    )
    existing = set(LocalBinding.objects.values_list("region_id", "item_code"))
    for region in regions:
        by = county_admin if region.code == DEVIATING_COUNTY_CODE else province_admin
        values = _office_values(region)
        for code in BOUND_ITEMS:
            if (region.pk, code) in existing or code not in in_force:
                continue
            binding_save(region=region, item_code=code, values=values, by=by)
            result.bindings += 1

    county = Region.objects.get(code=DEVIATING_COUNTY_CODE)
    recorded = set(Deviation.objects.filter(region=county).values_list("item_code", "field"))
    if (EXTRA_MATERIAL_ITEM, "materials") not in recorded and EXTRA_MATERIAL_ITEM in in_force:
        standard = item_snapshot(with_details(published.items.filter(code=EXTRA_MATERIAL_ITEM)).get())
        found = binding_save(
            region=county,
            item_code=EXTRA_MATERIAL_ITEM,
            values={"materials": [*standard["materials"], EXTRA_MATERIAL]},
            by=county_admin,
        )
        result.deviations += len(found.deviations)
    if (LONGER_LIMIT_ITEM, "promised_limit_days") not in recorded and LONGER_LIMIT_ITEM in in_force:
        standard = item_snapshot(with_details(published.items.filter(code=LONGER_LIMIT_ITEM)).get())
        found = binding_save(
            region=county,
            item_code=LONGER_LIMIT_ITEM,
            values={"promised_limit_days": int(standard["promised_limit_days"]) + 5},
            by=county_admin,
        )
        result.deviations += len(found.deviations)
    return result


# --- the register of standards ------------------------------------------------------------------

# (code, version, kind, status, title_zh, title_en, issued, review due in N days from today)
# Codes use the made-up local-standard prefix DB99 of the fictional Demo Province.
DEMO_STANDARDS: tuple[tuple[str, str, str, str, str, str, str, int], ...] = (
    (
        "DB99/T 1001",
        "2024",
        "basic",
        "published",
        "社会保险经办术语",
        "Social insurance handling — terms",
        "2024-03-01",
        400,
    ),
    (
        "DB99/T 1002",
        "2024",
        "basic",
        "published",
        "社会保险服务事项编码规则",
        "Coding rules for social insurance service items",
        "2024-03-01",
        400,
    ),
    (
        "DB99/T 1011",
        "2023",
        "technical",
        "published",
        "社会保险经办信息系统数据交换规范",
        "Data exchange specification for social insurance systems",
        "2023-09-15",
        60,
    ),
    (
        "DB99/T 1012",
        "2025",
        "technical",
        "published",
        "社会保险业务电子档案技术要求",
        "Technical requirements for electronic social insurance records",
        "2025-01-10",
        540,
    ),
    (
        "DB99/T 1013",
        "2026",
        "technical",
        "draft",
        "社会保障卡应用技术规范",
        "Social security card application specification",
        "",
        0,
    ),
    (
        "DB99/T 1021",
        "2024",
        "management",
        "published",
        "社会保险经办风险防控管理规范",
        "Risk control in social insurance handling",
        "2024-06-01",
        300,
    ),
    (
        "DB99/T 1022",
        "2024",
        "management",
        "published",
        "社会保险业务档案管理规范",
        "Management of social insurance business records",
        "2024-06-01",
        300,
    ),
    (
        "DB99/T 1031",
        "2024",
        "work",
        "published",
        "综合柜员岗位工作规范",
        "Work standard for integrated tellers",
        "2024-05-20",
        200,
    ),
    (
        "DB99/T 1032",
        "2024",
        "work",
        "under_revision",
        "特殊业务受理与复核岗位工作规范",
        "Work standard for special-item acceptance and review",
        "2024-05-20",
        120,
    ),
    (
        "DB99/T 1033",
        "2025",
        "work",
        "published",
        "社会保险稽核岗位工作规范",
        "Work standard for social insurance auditors",
        "2025-02-01",
        450,
    ),
    (
        "DB99/T 1041",
        "2024",
        "service",
        "published",
        "社会保险经办服务规范",
        "Social insurance handling service specification",
        "2024-01-15",
        240,
    ),
    (
        "DB99/T 1042",
        "2024",
        "service",
        "published",
        "社会保险服务大厅窗口服务规范",
        "Service standard for social insurance service halls",
        "2024-01-15",
        240,
    ),
    (
        "DB99/T 1043",
        "2025",
        "service",
        "published",
        "社银合作网点社会保险服务规范",
        "Service standard for bank outlets handling social insurance",
        "2025-04-01",
        365,
    ),
)


@transaction.atomic
def demo_standards_create(*, by: Any) -> int:
    """Add the demo register of standards (all five kinds); returns how many were new."""
    today = timezone.localdate()
    created = 0
    existing = set(Standard.objects.values_list("code", "version"))
    for code, version, kind, status, title_zh, title_en, issued, due_in in DEMO_STANDARDS:
        if (code, version) in existing:
            continue
        standard_save(
            by=by,
            code=code,
            title_zh=title_zh,
            title_en=title_en,
            kind=kind,
            version=version,
            status=status,
            issued_on=datetime.date.fromisoformat(issued) if issued else None,
            next_review_date=today + datetime.timedelta(days=due_in) if due_in else None,
        )
        created += 1
    return created
