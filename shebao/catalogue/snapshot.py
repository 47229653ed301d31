"""The canonical form of a service item: a plain, JSON-able dict.

One representation serves every purpose that needs an item as data: comparing editions field by
field, copying an edition, the demo catalogue file, the .xlsx import/export and the API. Reading is
`item_snapshot`; writing an item into a draft edition from that form is `item_apply_snapshot`.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from shebao.catalogue import conditions as acceptance
from shebao.catalogue.models import (
    BusinessClass,
    Channel,
    Edition,
    InsuranceType,
    ItemMaterial,
    ItemStep,
    ItemType,
    RiskLevel,
    ServiceItem,
    StepKind,
    Zone,
)
from shebao.core.errors import ApplicationError

# Scalar fields of ServiceItem, in the order they are published.
SCALAR_FIELDS = (
    "code",
    "order",
    "name_zh",
    "name_en",
    "zone",
    "business_class",
    "risk_level",
    "fund_payout",
    "item_type",
    "statutory_limit_days",
    "promised_limit_days",
    "acceptance_conditions_zh",
    "acceptance_conditions_en",
    "fee",
    "fee_basis",
    "trips",
    "implementing_body_zh",
    "implementing_body_en",
    "supervision_phone",
    "province_wide",
    "cross_province",
    "effect_code",
    "source",
)
MATERIAL_FIELDS = (
    "name_zh",
    "name_en",
    "is_identity_document",
    "original_checked",
    "copies",
    "required",
    "legal_basis",
    "note_zh",
    "note_en",
)
STEP_FIELDS = ("kind", "name_zh", "name_en", "posts")
LIST_FIELDS = ("insurance_types", "channels", "legal_basis", "materials", "steps", "conditions")
ALL_FIELDS = SCALAR_FIELDS + LIST_FIELDS

BOOL_FIELDS = {"fund_payout", "province_wide", "cross_province"}
INT_FIELDS = {"order", "promised_limit_days", "trips"}
CHOICE_FIELDS = {
    "zone": Zone,
    "business_class": BusinessClass,
    "risk_level": RiskLevel,
    "item_type": ItemType,
}


def with_details(items: QuerySet[ServiceItem]) -> QuerySet[ServiceItem]:
    """Prefetch everything `item_snapshot` reads, so a list costs a fixed number of queries."""
    return items.prefetch_related(
        "insurance_types",
        "channels",
        Prefetch("materials", queryset=ItemMaterial.objects.order_by("order")),
        Prefetch("steps", queryset=ItemStep.objects.order_by("order")),
    )


def item_snapshot(item: ServiceItem) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in SCALAR_FIELDS:
        value = getattr(item, name)
        if name == "fee":
            value = f"{Decimal(value):.2f}"
        data[name] = value
    data["insurance_types"] = sorted(t.code for t in item.insurance_types.all())
    data["channels"] = [c.code for c in sorted(item.channels.all(), key=lambda c: c.order)]
    data["legal_basis"] = [
        {"law": b.get("law", ""), "article": b.get("article", "")} for b in item.legal_basis
    ]
    data["materials"] = [{f: getattr(m, f) for f in MATERIAL_FIELDS} for m in item.materials.all()]
    data["steps"] = [
        {"kind": s.kind, "name_zh": s.name_zh, "name_en": s.name_en, "posts": list(s.posts)}
        for s in item.steps.all()
    ]
    data["conditions"] = [
        {"code": c.get("code", ""), "params": dict(c.get("params") or {})} for c in item.conditions or []
    ]
    return data


def edition_snapshot(edition: Edition) -> dict[str, dict[str, Any]]:
    """Every item of an edition, by code."""
    return {item.code: item_snapshot(item) for item in with_details(edition.items.all())}


def _check(data: dict[str, Any]) -> list[str]:
    """Structural problems of one item dict (types and codes); rules of the standard are in services."""
    problems: list[str] = []
    code = data.get("code") or "?"
    for name in ("code", "name_zh", "zone", "business_class", "item_type", "implementing_body_zh"):
        if not str(data.get(name) or "").strip():
            problems.append(_("%(code)s: '%(field)s' is required.") % {"code": code, "field": name})
    for name, choices in CHOICE_FIELDS.items():
        value = data.get(name)
        if value not in (None, "") and value not in choices.values:
            problems.append(
                _("%(code)s: '%(value)s' is not a valid %(field)s (one of %(allowed)s).")
                % {"code": code, "value": value, "field": name, "allowed": ", ".join(choices.values)}
            )
    for name in INT_FIELDS | {"statutory_limit_days"}:
        value = data.get(name)
        if value in (None, ""):
            continue
        try:
            if int(value) < 0:
                raise ValueError
        except (TypeError, ValueError):
            problems.append(
                _("%(code)s: '%(field)s' must be a whole number of 0 or more.")
                % {"code": code, "field": name}
            )
    try:
        if Decimal(str(data.get("fee") or "0")) < 0:
            raise InvalidOperation
    except InvalidOperation:
        problems.append(_("%(code)s: the fee must be an amount of 0 or more.") % {"code": code})
    conditions = data.get("conditions")
    if conditions not in (None, "") and (
        not isinstance(conditions, list | tuple)
        or not all(isinstance(c, dict) and isinstance(c.get("params") or {}, dict) for c in conditions)
    ):
        problems.append(
            _("%(code)s: the acceptance conditions must be a list of {code, params}.") % {"code": code}
        )
    for step in data.get("steps") or []:
        if step.get("kind") not in StepKind.values:
            problems.append(
                _("%(code)s: unknown step kind '%(kind)s'.") % {"code": code, "kind": step.get("kind")}
            )
    return problems


def item_apply_snapshot(*, edition: Edition, data: dict[str, Any]) -> ServiceItem:
    """Create or replace the item `data["code"]` in a draft edition. No audit: callers audit.

    Validates the structure (required fields, choices, numbers, known insurance-type and channel
    codes) and raises one `ApplicationError` listing every problem.
    """
    if not edition.is_draft:
        raise ApplicationError("edition_not_draft", _("Only a draft edition can be changed."))
    problems = _check(data)
    type_codes = list(data.get("insurance_types") or [])
    channel_codes = list(data.get("channels") or [])
    types = list(InsuranceType.objects.filter(code__in=type_codes))
    channels = list(Channel.objects.filter(code__in=channel_codes))
    for missing in sorted(set(type_codes) - {t.code for t in types}):
        problems.append(
            _("%(code)s: unknown insurance type '%(value)s'.") % {"code": data.get("code"), "value": missing}
        )
    for missing in sorted(set(channel_codes) - {c.code for c in channels}):
        problems.append(
            _("%(code)s: unknown channel '%(value)s'.") % {"code": data.get("code"), "value": missing}
        )
    if problems:
        raise ApplicationError("item_invalid", _("The item has errors."), details=problems)

    values: dict[str, Any] = {}
    for name in SCALAR_FIELDS:
        if name == "code" or name not in data:
            continue
        value = data[name]
        if name in BOOL_FIELDS:
            value = bool(value)
        elif name in INT_FIELDS:
            value = int(value or 0)
        elif name == "statutory_limit_days":
            value = None if value in (None, "") else int(value)
        elif name == "fee":
            value = Decimal(str(value or "0"))
        elif value is None:
            value = ""
        values[name] = value
    values["legal_basis"] = [
        {"law": str(b.get("law", "")), "article": str(b.get("article", ""))}
        for b in data.get("legal_basis") or []
    ]
    if "conditions" in data:
        values["conditions"] = acceptance.normalise(list(data.get("conditions") or []))
    item, _created = ServiceItem.objects.update_or_create(edition=edition, code=data["code"], defaults=values)
    item.insurance_types.set(types)
    item.channels.set(channels)
    item.materials.all().delete()
    item.steps.all().delete()
    ItemMaterial.objects.bulk_create(
        ItemMaterial(
            item=item,
            order=i,
            **{f: m[f] for f in MATERIAL_FIELDS if f in m},
        )
        for i, m in enumerate(data.get("materials") or [])
    )
    ItemStep.objects.bulk_create(
        ItemStep(
            item=item,
            order=i,
            kind=s["kind"],
            name_zh=s.get("name_zh", ""),
            name_en=s.get("name_en", ""),
            posts=list(s.get("posts") or []),
        )
        for i, s in enumerate(data.get("steps") or [])
    )
    return item
