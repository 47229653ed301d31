"""Build catalogue state through the real services, as users would meet it."""

from __future__ import annotations

import copy
from typing import Any

from shebao.catalogue.models import Edition

_ITEM: dict[str, Any] = {
    "code": "SB-G-001",
    "order": 1,
    "name_zh": "职工参保登记",
    "name_en": "Employee enrolment",
    "zone": "enrolment",
    "business_class": "general",
    "risk_level": "low",
    "fund_payout": False,
    "item_type": "instant",
    "statutory_limit_days": 10,
    "promised_limit_days": 0,
    "acceptance_conditions_zh": "用人单位为职工办理参保登记。",
    "acceptance_conditions_en": "The employer enrols its employee.",
    "fee": "0.00",
    "fee_basis": "",
    "trips": 0,
    "implementing_body_zh": "社会保险经办机构",
    "implementing_body_en": "Social insurance agency",
    "supervision_phone": "12333",
    "province_wide": True,
    "cross_province": False,
    "effect_code": "",
    "source": "社会保险经办条例 第六条",
    "insurance_types": ["employee_medical", "employee_pension"],
    "channels": ["counter", "online"],
    "legal_basis": [{"law": "社会保险经办条例", "article": "第六条"}],
    "materials": [
        {
            "name_zh": "居民身份证",
            "name_en": "Resident identity card",
            "is_identity_document": True,
            "original_checked": True,
            "copies": 0,
            "required": True,
            "legal_basis": "",
            "note_zh": "",
            "note_en": "",
        }
    ],
    "steps": [
        {"kind": "accept", "name_zh": "受理", "name_en": "Accept", "posts": ["general_teller"]},
        {"kind": "complete", "name_zh": "办结", "name_en": "Complete", "posts": ["general_teller"]},
    ],
}

_SPECIAL_ITEM: dict[str, Any] = {
    **copy.deepcopy(_ITEM),
    "code": "SB-S-001",
    "order": 2,
    "name_zh": "失业保险金申领",
    "name_en": "Unemployment benefit claim",
    "zone": "pension",
    "business_class": "special",
    "risk_level": "high",
    "fund_payout": True,
    "item_type": "promised",
    "statutory_limit_days": 10,
    "promised_limit_days": 5,
    "trips": 1,
    "province_wide": False,
    "source": "社会保险经办条例 第二十四条",
    "insurance_types": ["unemployment"],
    "channels": ["counter"],
    "legal_basis": [{"law": "社会保险经办条例", "article": "第二十四条"}],
    "materials": [
        copy.deepcopy(_ITEM["materials"][0]),
        {
            "name_zh": "解除劳动合同证明",
            "name_en": "Proof of terminated employment",
            "is_identity_document": False,
            "original_checked": True,
            "copies": 1,
            "required": True,
            "legal_basis": "失业保险条例 第十六条",
            "note_zh": "",
            "note_en": "",
        },
    ],
    "steps": [
        {"kind": "accept", "name_zh": "受理", "name_en": "Accept", "posts": ["special_teller"]},
        {"kind": "review", "name_zh": "复核", "name_en": "Review", "posts": ["reviewer"]},
        {"kind": "approve", "name_zh": "审批", "name_en": "Approve", "posts": ["section_leader"]},
        {"kind": "complete", "name_zh": "办结", "name_en": "Complete", "posts": ["reviewer"]},
    ],
}


def item_data(**overrides: Any) -> dict[str, Any]:
    """A valid general (instant, low-risk) item snapshot dict."""
    data = copy.deepcopy(_ITEM)
    data.update(copy.deepcopy(overrides))
    return data


def special_item_data(**overrides: Any) -> dict[str, Any]:
    """A valid special fund-payout item: accept by special_teller, review by reviewer, approve by
    section_leader."""
    data = copy.deepcopy(_SPECIAL_ITEM)
    data.update(copy.deepcopy(overrides))
    return data


def make_published_edition(items: list[dict[str, Any]] | None = None, by: Any = None) -> Edition:
    """Publish an edition holding exactly `items` (default: one general and one special item).

    Goes through the real services: a draft is created (copying the published edition), its items
    are replaced by `items`, and it is published (superseding the previous edition).
    """
    from shebao.catalogue.services import edition_create_draft, edition_publish, item_delete, item_save

    if items is None:
        items = [item_data(), special_item_data()]
    draft = edition_create_draft(by=by, title="测试版本")
    wanted = {d["code"] for d in items}
    for code in list(draft.items.values_list("code", flat=True)):
        if code not in wanted:
            item_delete(edition=draft, code=code, by=by)
    for data in items:
        item_save(edition=draft, data=data, by=by)
    return edition_publish(edition=draft, by=by)
