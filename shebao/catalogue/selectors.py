"""Reads of the catalogue: editions, items, bindings, the edition diff, conformance, standards."""

from __future__ import annotations

import datetime
import re
import threading
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django.db.models import (
    Case,
    Field,
    IntegerField,
    Model,
    Q,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)
from django.utils.translation import gettext as _

from shebao.catalogue import conditions as acceptance
from shebao.catalogue.models import (
    BINDING_OPEN_FIELDS,
    Deviation,
    Edition,
    EditionStatus,
    ItemMaterial,
    ItemStep,
    LocalBinding,
    ServiceItem,
    Standard,
    StandardStatus,
    Zone,
)
from shebao.catalogue.snapshot import (
    ALL_FIELDS,
    BOOL_FIELDS,
    INT_FIELDS,
    MATERIAL_FIELDS,
    STEP_FIELDS,
    edition_snapshot,
    with_details,
)
from shebao.core.errors import ApplicationError
from shebao.core.models import Region, RegionLevel

ZONE_ORDER = [Zone.ENROLMENT, Zone.MEDICAL, Zone.PENSION]

# --- editions and items ---------------------------------------------------------------------------


def published_edition() -> Edition | None:
    return Edition.objects.filter(status=EditionStatus.PUBLISHED).first()


class _PublishedCache:
    """The published edition's items, read once per process and edition (DESIGN.md principle 9).

    A published edition never changes; publishing another one supersedes it. Each use asks the
    database which edition is published (one small query, so a publication in another process is
    seen at once) and reloads the items only when that is not the edition held here.
    """

    def __init__(self) -> None:
        self.key: tuple[Any, ...] | None = None
        self.items: dict[str, ServiceItem] = {}
        self.lock = threading.Lock()

    def get(self) -> dict[str, ServiceItem] | None:
        row = Edition.objects.filter(status=EditionStatus.PUBLISHED).values_list("pk", "published_at").first()
        if row is None:
            return None
        if row != self.key:
            with self.lock:
                if row != self.key:
                    edition = Edition.objects.get(pk=row[0])
                    items = edition.items.prefetch_related(
                        "materials", "steps", "channels", "insurance_types"
                    )
                    self.items = {item.code: item for item in items}
                    self.key = row
        return self.items

    def clear(self) -> None:
        with self.lock:
            self.key, self.items = None, {}


_published_cache = _PublishedCache()


def published_item(code: str) -> ServiceItem | None:
    """The item `code` of the published edition, with its materials, steps, channels and insurance
    types (and its edition), from the per-process cache; one query. Read only: the same instance
    serves every request of the process."""
    items = _published_cache.get()
    return None if items is None else items.get(code)


def published_cache_clear() -> None:
    """Forget the cached published items (after a publication; tests)."""
    _published_cache.clear()
    _frozen_items.clear()


_frozen_items: dict[tuple[Any, ...], ServiceItem] = {}
_DETAILS = ("materials", "steps", "channels", "insurance_types")


def item_with_details(item: ServiceItem) -> ServiceItem:
    """`item` with its materials, steps, channels and insurance types at hand.

    An item of an edition that was published never changes (a published edition is only superseded),
    so its details are read once per process and shared (read only); a draft's item is read each time.
    Costs no query for a published item whose edition is loaded, else one query per detail.
    """
    edition = item.edition  # select_related("item__edition") by the caller spares this query
    if edition.published_at is None or edition.status == EditionStatus.DRAFT:
        if not {*_DETAILS} <= set(getattr(item, "_prefetched_objects_cache", {})):
            prefetch_related_objects([item], *_DETAILS)
        return item
    if _published_cache.key == (edition.pk, edition.published_at):
        cached = _published_cache.items.get(item.code)
        if cached is not None and cached.pk == item.pk:
            return cached
    key = (item.pk, edition.pk, edition.published_at)
    found = _frozen_items.get(key)
    if found is None:
        found = ServiceItem.objects.select_related("edition").prefetch_related(*_DETAILS).get(pk=item.pk)
        if len(_frozen_items) > 5_000:
            _frozen_items.clear()
        _frozen_items[key] = found
    return found



def edition_by_number(number: int) -> Edition:
    edition = Edition.objects.filter(number=number).first()
    if edition is None:
        raise ApplicationError(
            "not_found", _("There is no catalogue edition %(number)s.") % {"number": number}, status=404
        )
    return edition


def item_list(
    *,
    edition: Edition,
    q: str = "",
    insurance_type: str = "",
    zone: str = "",
    channel: str = "",
    business_class: str = "",
    summary: bool = False,
) -> QuerySet[ServiceItem]:
    """Items of an edition, filtered, ordered by zone (enrolment, medical, pension), order, code.

    `summary=True` prefetches only what a list row shows (insurance types and channels), not every
    item's materials and steps.
    """
    items = ServiceItem.objects.filter(edition=edition)
    q = (q or "").strip()
    if q:
        items = items.filter(Q(code__icontains=q) | Q(name_zh__icontains=q) | Q(name_en__icontains=q))
    if insurance_type:
        items = items.filter(insurance_types__code=insurance_type)
    if zone:
        items = items.filter(zone=zone)
    if channel:
        items = items.filter(channels__code=channel)
    if business_class:
        items = items.filter(business_class=business_class)
    zone_rank = Case(
        *[When(zone=z, then=Value(i)) for i, z in enumerate(ZONE_ORDER)],
        default=Value(len(ZONE_ORDER)),
        output_field=IntegerField(),
    )
    items = items.distinct().annotate(zone_rank=zone_rank).order_by("zone_rank", "order", "code")
    if summary:
        return items.prefetch_related("insurance_types", "channels")
    return with_details(items)


def item_get(*, edition: Edition, code: str) -> ServiceItem:
    item = with_details(ServiceItem.objects.filter(edition=edition, code=code)).first()
    if item is None:
        raise ApplicationError(
            "not_found",
            _("Edition %(edition)s has no item %(code)s.") % {"edition": edition.number, "code": code},
            status=404,
        )
    return item


# --- local bindings -------------------------------------------------------------------------------


def binding_for(*, region: Region, item_code: str) -> LocalBinding | None:
    """The region's own binding of the item or, failing that, its nearest ancestor's.

    A binding whose open fields are all empty fills in nothing, so it does not hide an ancestor's.
    """
    codes = [c for c in region.path.split("/") if c]
    bindings = (
        LocalBinding.objects.filter(item_code=item_code, region__code__in=codes)
        .exclude(**{name: "" for name in BINDING_OPEN_FIELDS})
        .select_related("region")
    )
    return max(bindings, key=lambda b: len(b.region.path), default=None)


# --- the diff between two editions ----------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any


@dataclass
class ItemChange:
    code: str
    name: str
    fields: list[FieldChange]
    materials_added: list[str] = field(default_factory=list)
    materials_removed: list[str] = field(default_factory=list)

    @property
    def field_names(self) -> list[str]:
        return [f.field for f in self.fields]


@dataclass
class EditionDiff:
    added: list[dict[str, Any]]
    removed: list[dict[str, Any]]
    changed: list[ItemChange]

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def _material_names(data: dict[str, Any]) -> list[str]:
    return [m.get("name_zh") or m.get("name_en") or "" for m in data.get("materials") or []]


def edition_diff(*, old: Edition, new: Edition) -> EditionDiff:
    """What changed from `old` to `new`: items added, removed, and every changed field of the rest."""
    before = edition_snapshot(old)
    after = edition_snapshot(new)

    def key(d: dict[str, Any]) -> tuple[int, str]:
        return (d["order"], d["code"])

    added = sorted((after[c] for c in after.keys() - before.keys()), key=key)
    removed = sorted((before[c] for c in before.keys() - after.keys()), key=key)
    changed: list[ItemChange] = []
    for code in sorted(after.keys() & before.keys(), key=lambda c: key(after[c])):
        a, b = before[code], after[code]
        fields = [
            FieldChange(name, a.get(name), b.get(name)) for name in ALL_FIELDS if a.get(name) != b.get(name)
        ]
        if not fields:
            continue
        old_names, new_names = _material_names(a), _material_names(b)
        changed.append(
            ItemChange(
                code=code,
                name=b.get("name_zh") or b.get("name_en") or "",
                fields=fields,
                materials_added=[n for n in new_names if n not in old_names],
                materials_removed=[n for n in old_names if n not in new_names],
            )
        )
    return EditionDiff(added=added, removed=removed, changed=changed)


# --- conformance (四级四同) -------------------------------------------------------------------------


@dataclass(frozen=True)
class DeviationRow:
    item_code: str
    item_name: str
    field: str
    standard_value: Any
    local_value: Any
    recorded_by: str
    recorded_at: datetime.datetime


@dataclass
class RegionConformance:
    region: Region
    items: int
    items_with_deviations: int
    score: float
    deviations: list[DeviationRow]


@dataclass
class ConformanceReport:
    edition: Edition | None
    regions: list[RegionConformance]
    score: float  # overall: share of (region, item) pairs without a deviation


# Lists whose order carries no meaning: compared as sorted sets of codes.
UNORDERED_LIST_FIELDS = {"insurance_types", "channels"}

_TRUE_WORDS = {"true", "1", "yes", "y", "on", "t", "是"}
_FALSE_WORDS = {"false", "0", "no", "n", "off", "f", "否"}
_CODE_SEPARATORS = re.compile(r"[\s,，、;；]+")


def _defaults(model: type[Model], names: tuple[str, ...]) -> dict[str, Any]:
    """Each field's model default: what a row gets for a key its dict leaves out."""
    return {name: cast("Field[Any, Any]", model._meta.get_field(name)).get_default() for name in names}


MATERIAL_DEFAULTS = _defaults(ItemMaterial, MATERIAL_FIELDS)
STEP_DEFAULTS = _defaults(ItemStep, STEP_FIELDS)
_MATERIAL_BOOLS = {"is_identity_document", "original_checked", "required"}


def _bool(value: Any) -> Any:
    """`True`/`False` for a boolean however a form spells it ("false", "0", "否", 1 ...); else as given."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE_WORDS:
            return True
        if word in _FALSE_WORDS:
            return False
    return value


def _int(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    try:
        return int(str(value).strip()) if isinstance(value, str) else int(value)
    except (TypeError, ValueError):
        return value


def _codes(value: Any) -> Any:
    if isinstance(value, str):
        value = _CODE_SEPARATORS.split(value)
    if isinstance(value, list | tuple | set | frozenset):
        return sorted({str(v).strip() for v in value if str(v).strip()})
    return value


def _filled(row: Any, defaults: dict[str, Any]) -> Any:
    """A material or step dict with every field present (missing ones at the model default)."""
    if not isinstance(row, dict):
        return row
    filled = {name: row.get(name, default) for name, default in defaults.items()}
    for name, value in filled.items():
        if name in _MATERIAL_BOOLS:
            filled[name] = _bool(value)
        elif name == "copies":
            filled[name] = _int(value)
        elif name == "posts":
            filled[name] = [str(p) for p in value] if isinstance(value, list | tuple) else value
        elif value is None:
            filled[name] = ""
    return filled


def normalise_field(name: str, value: Any) -> Any:
    """Bring a value of snapshot field `name` to one canonical, JSON-able form, so equal values compare
    equal however they were submitted.

    Numbers and booleans given as strings become numbers and booleans; the fee has two decimals;
    insurance types and channels (whose order means nothing) become sorted lists of distinct codes;
    materials, steps and legal bases keep their order (it is meaningful) but each entry gets every
    field, missing ones at their default. A value that cannot be brought to form is returned as given.
    """
    if name in BOOL_FIELDS:
        return _bool(value)
    if name in INT_FIELDS:
        return _int(value)
    if name == "statutory_limit_days":
        return None if value is None or str(value).strip() == "" else _int(value)
    if name == "fee":
        try:
            return f"{Decimal(str(value).strip()):.2f}"
        except InvalidOperation:
            return value
    if name in UNORDERED_LIST_FIELDS:
        return _codes(value)
    if name == "conditions":
        return acceptance.normalise(value)
    if name in ("materials", "steps", "legal_basis"):
        if not isinstance(value, list | tuple):
            return value
        defaults = {
            "materials": MATERIAL_DEFAULTS,
            "steps": STEP_DEFAULTS,
            "legal_basis": {"law": "", "article": ""},
        }[name]
        return [_filled(row, defaults) for row in value]
    if value is None:
        return ""
    return value


def same_as_standard(name: str, local: Any, standard: Any) -> bool:
    """Whether a region's value of field `name` equals the standard's, once both are normalised."""
    return normalise_field(name, local) == normalise_field(name, standard)


def _score(items: int, deviating: int) -> float:
    if items == 0:
        return 100.0
    return round(100.0 * (items - deviating) / items, 1)


def conformance_report(*, within: Region | None = None) -> ConformanceReport:
    """For every city, county and township (in `within`'s subtree), how far it keeps to the standard.

    A recorded deviation counts while it still differs from the published standard: once a later
    edition adopts the local value, or the field no longer differs, it stops counting.
    """
    edition = published_edition()
    standard = edition_snapshot(edition) if edition is not None else {}
    regions = Region.objects.filter(level__in=[RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWNSHIP])
    deviations = Deviation.objects.select_related("region", "recorded_by")
    if within is not None:
        regions = regions.filter(path__startswith=within.path)
        deviations = deviations.filter(region__path__startswith=within.path)
    by_region: dict[int, list[DeviationRow]] = {}
    for d in deviations.order_by("item_code", "field"):
        item = standard.get(d.item_code)
        if item is None or d.field in BINDING_OPEN_FIELDS:
            continue
        if same_as_standard(d.field, d.local_value, item.get(d.field)):
            continue
        by_region.setdefault(d.region_id, []).append(
            DeviationRow(
                item_code=d.item_code,
                item_name=item.get("name_zh") or item.get("name_en") or "",
                field=d.field,
                standard_value=item.get(d.field),
                local_value=d.local_value,
                recorded_by=str(d.recorded_by) if d.recorded_by else _("system"),
                recorded_at=d.recorded_at,
            )
        )
    rows: list[RegionConformance] = []
    total_items = total_deviating = 0
    for region in regions.order_by("path"):
        found = by_region.get(region.pk, [])
        deviating = len({row.item_code for row in found})
        rows.append(
            RegionConformance(
                region=region,
                items=len(standard),
                items_with_deviations=deviating,
                score=_score(len(standard), deviating),
                deviations=found,
            )
        )
        total_items += len(standard)
        total_deviating += deviating
    return ConformanceReport(edition=edition, regions=rows, score=_score(total_items, total_deviating))


# --- the register of standards --------------------------------------------------------------------


def standards_due_for_review(*, on: datetime.date, within_days: int = 90) -> QuerySet[Standard]:
    """Standards in force (published or under revision) due for review by `on + within_days`."""
    return Standard.objects.filter(
        status__in=[StandardStatus.PUBLISHED, StandardStatus.UNDER_REVISION],
        next_review_date__isnull=False,
        next_review_date__lte=on + datetime.timedelta(days=within_days),
    ).order_by("next_review_date", "code", "version")


def standard_list(*, kind: str = "", status: str = "") -> QuerySet[Standard]:
    standards = Standard.objects.select_related("edition")
    if kind:
        standards = standards.filter(kind=kind)
    if status:
        standards = standards.filter(status=status)
    return standards.order_by("kind", "code", "version")
