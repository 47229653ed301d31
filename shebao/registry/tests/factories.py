"""Build registry state through the real services, as tellers would.

`make_id_number` and `make_credit_code` give valid numbers (right check digit); `person` and
`employer` register through `services.person_register` / `employer_register`.
"""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from stdnum.cn import ric, uscc

from shebao.core.models import Region, RegionLevel
from shebao.registry import services
from shebao.registry.models import Employer, Person

# A real region code (北京市朝阳区) so that the birthplace is known; 990101 is not in the table.
KNOWN_PLACE = "110105"
UNKNOWN_PLACE = "990101"

_seq = itertools.count(1)


def make_id_number(
    *,
    birth: datetime.date = datetime.date(1985, 3, 7),
    gender: str = "M",
    place: str = KNOWN_PLACE,
    seq: int | None = None,
) -> str:
    """A valid 18-character 公民身份号码; the order code is odd for men, even for women."""
    n = next(_seq) if seq is None else seq
    order = (n * 2) % 1000
    order = order + 1 if gender == "M" else order
    body = f"{place}{birth:%Y%m%d}{order % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def with_wrong_check_digit(number: str) -> str:
    digits = "0123456789X"
    return number[:17] + digits[(digits.index(number[17]) + 1) % 11]


def make_credit_code(seq: int | None = None, *, region: str = "110105") -> str:
    """A valid 18-character 统一社会信用代码 (9: registered by market regulation, 1: enterprise)."""
    n = next(_seq) if seq is None else seq
    body = f"91{region}{n:09d}"
    return body + uscc.calc_check_digit(body + "0")


def region(code: str = "990101", name: str = "测试县") -> Region:
    """A county region (get or create)."""
    found = Region.objects.filter(code=code).first()
    if found is not None:
        return found
    province, _ = Region.objects.get_or_create(
        code="990000",
        defaults={"name_zh": "测试省", "name_en": "Test Province", "level": RegionLevel.PROVINCE},
    )
    return Region.objects.create(
        code=code, name_zh=name, name_en=f"County {code}", level=RegionLevel.COUNTY, parent=province
    )


def person_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id_number": make_id_number(),
        "name": "张伟",
        "phone": "13800138000",
        "address": "测试县人民路1号",
        "household_type": "urban",
        "bank_name": "中国工商银行",
        "bank_account": "6222020200112233445",
    }
    data.update(overrides)
    return data


def person(*, at: Region | None = None, by: Any = None, **overrides: Any) -> Person:
    return services.person_register(data=person_data(**overrides), region=at or region(), by=by)


def employer_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "credit_code": make_credit_code(),
        "name": "测试机械有限公司",
        "employer_type": "enterprise",
        "industry": "通用设备制造业",
        "injury_risk_class": 3,
        "legal_representative": "李强",
        "contact_name": "王芳",
        "contact_phone": "0551-62345678",
        "address": "测试县工业园1号",
        "bank_name": "中国建设银行",
        "bank_account": "34001234567890123",
    }
    data.update(overrides)
    return data


def employer(*, at: Region | None = None, by: Any = None, **overrides: Any) -> Employer:
    return services.employer_register(data=employer_data(**overrides), region=at or region(), by=by)


def row_counts() -> dict[str, int]:
    """How many rows each registry table and the audit log hold: compare before and after a refusal."""
    from shebao.audit.models import AuditEvent
    from shebao.registry.models import Enrolment, PossibleDuplicate, RecordChange

    return {
        "persons": Person.objects.count(),
        "employers": Employer.objects.count(),
        "enrolments": Enrolment.objects.count(),
        "changes": RecordChange.objects.count(),
        "duplicates": PossibleDuplicate.objects.count(),
        "audit": AuditEvent.objects.count(),
    }
