"""Which outlets offer which items of the published catalogue (reads; they live with the outlets).

One rule, used by the teller's desk (`window_items`, a queryset filter) and the conformance page
(`outlet_offer_report`, computed in Python over a few queries), so the two never disagree:

- a window offers the published items of its zones;
- a general window of a hall or community outlet offers general items only, a special window also
  special ones (特殊业务 only where a special window exists); both need the counter channel;
- a bank counter (社银合作) offers only items whose channels include the bank outlet, and only
  low-risk general ones whose effect writes neither key nor fund data (`Effect.sensitive`), whatever
  the catalogue says.

An outlet offers what its active windows offer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from shebao.catalogue.models import BusinessClass, Edition, RiskLevel, ServiceItem, Zone
from shebao.catalogue.selectors import published_edition
from shebao.core.effects import get_effect, sensitive_effect_codes
from shebao.core.models import Region, RegionLevel
from shebao.core.permissions import Perm
from shebao.counter.models import Outlet, OutletKind, Window, WindowKind

BANK_CHANNEL = "bank"
COUNTER_CHANNEL = "counter"


def _sensitive(effect_code: str) -> bool:
    effect = get_effect(effect_code) if effect_code else None
    return effect is not None and effect.sensitive


def window_offers(
    *,
    kind: str,
    zones: Iterable[str],
    zone: str,
    business_class: str,
    risk_level: str,
    channels: set[str],
    effect_code: str = "",
) -> bool:
    """Whether a window of `kind` serving `zones` offers an item with these facts."""
    if zone not in set(zones or []):
        return False
    if kind == WindowKind.BANK:
        return (
            BANK_CHANNEL in channels
            and business_class == BusinessClass.GENERAL
            and risk_level == RiskLevel.LOW
            and not _sensitive(effect_code)
        )
    if COUNTER_CHANNEL not in channels:
        return False
    return business_class == BusinessClass.GENERAL or kind == WindowKind.SPECIAL


def window_items(*, window: Window, items: QuerySet[ServiceItem]) -> QuerySet[ServiceItem]:
    """`items` narrowed to what `window` offers (the same rule as `window_offers`, in SQL)."""
    qs = items.filter(zone__in=list(window.zones or []))
    if window.kind == WindowKind.BANK:
        return qs.filter(
            channels__code=BANK_CHANNEL, business_class=BusinessClass.GENERAL, risk_level=RiskLevel.LOW
        ).exclude(effect_code__in=sorted(sensitive_effect_codes()))
    qs = qs.filter(channels__code=COUNTER_CHANNEL)
    if window.kind != WindowKind.SPECIAL:
        qs = qs.filter(business_class=BusinessClass.GENERAL)
    return qs


def desk_offer(*, user: Any, window: Window, items: QuerySet[ServiceItem]) -> QuerySet[ServiceItem]:
    """What the teller's desk lists at `window`: what it offers, if the user's posts accept there.

    At a bank counter that needs the bank-outlet post; at any other window a teller's post (so a
    bank-outlet agent signed in to a hall's window is offered nothing to accept).
    """
    if window.kind == WindowKind.BANK:
        allowed = user.has_perm_code(Perm.CASE_ACCEPT_BANK)
    else:
        allowed = user.has_perm_code(Perm.CASE_ACCEPT_GENERAL) or user.has_perm_code(Perm.CASE_ACCEPT_SPECIAL)
    if not allowed:
        return items.none()
    return window_items(window=window, items=items)


# --- the conformance page -------------------------------------------------------------------------


@dataclass(frozen=True)
class OfferedItem:
    code: str
    name: str
    zone: str
    business_class: str


@dataclass
class OutletOffer:
    """One outlet: its windows (number, kind, zones) and the items they offer."""

    outlet: Outlet
    windows: list[Window]
    items: list[OfferedItem]

    @property
    def general_count(self) -> int:
        return sum(1 for i in self.items if i.business_class == BusinessClass.GENERAL)

    @property
    def special_count(self) -> int:
        return sum(1 for i in self.items if i.business_class == BusinessClass.SPECIAL)

    @property
    def is_bank(self) -> bool:
        return self.outlet.kind == OutletKind.BANK

    @property
    def window_rows(self) -> list[tuple[Window, list[str]]]:
        """Each window with the names of its zones, for the page."""
        labels = dict(Zone.choices)
        return [(w, [str(labels.get(z, z)) for z in (w.zones or [])]) for w in self.windows]


@dataclass
class RegionOffer:
    """A region's outlets, and the published items none of its outlets (or those below it) offer."""

    region: Region
    outlets: list[OutletOffer] = field(default_factory=list)
    not_offered: list[OfferedItem] = field(default_factory=list)


@dataclass
class OutletOfferReport:
    edition: Edition | None
    regions: list[RegionOffer]
    item_count: int


def outlet_offer_report(*, within: Region | None = None) -> OutletOfferReport:
    """Every active outlet in `within`'s subtree (all of them if None), grouped by region, with the
    items its active windows offer; for each county or city, the items no outlet of it offers.

    Four queries whatever the number of outlets: the edition, its items with their channels, the
    regions, the outlets with their windows.
    """
    edition = published_edition()
    items: list[tuple[OfferedItem, str, set[str], str]] = []
    if edition is not None:
        for item in edition.items.prefetch_related("channels").order_by("zone", "order", "code"):
            items.append(
                (
                    OfferedItem(
                        code=item.code, name=item.name, zone=item.zone, business_class=item.business_class
                    ),
                    item.risk_level,
                    {c.code for c in item.channels.all()},
                    item.effect_code,
                )
            )
    regions = Region.objects.exclude(level=RegionLevel.TOWNSHIP).order_by("path")
    outlets = Outlet.objects.filter(active=True).select_related("region").prefetch_related("windows")
    if within is not None:
        regions = regions.filter(path__startswith=within.path)
        outlets = outlets.filter(region__path__startswith=within.path)
    rows: dict[int, RegionOffer] = {r.pk: RegionOffer(region=r) for r in regions}
    offered_by_region: dict[int, set[str]] = {pk: set() for pk in rows}
    for outlet in sorted(outlets, key=lambda o: (o.region.path, o.kind != OutletKind.BANK, o.code)):
        windows = sorted((w for w in outlet.windows.all() if w.active), key=lambda w: w.number)
        offered = [
            info
            for info, risk, channels, effect_code in items
            if any(
                window_offers(
                    kind=w.kind,
                    zones=w.zones,
                    zone=info.zone,
                    business_class=info.business_class,
                    risk_level=risk,
                    channels=channels,
                    effect_code=effect_code,
                )
                for w in windows
            )
        ]
        offer = OutletOffer(outlet=outlet, windows=windows, items=offered)
        # A township's outlets are listed under its county; they count for the county and its city.
        home = next(
            (
                row
                for row in sorted(rows.values(), key=lambda r: -len(r.region.path))
                if outlet.region.is_within(row.region)
            ),
            None,
        )
        if home is not None:
            home.outlets.append(offer)
        codes = {i.code for i in offered}
        for row in rows.values():
            if outlet.region.is_within(row.region):
                offered_by_region[row.region.pk] |= codes
    for pk, row in rows.items():
        if row.region.level in (RegionLevel.CITY, RegionLevel.COUNTY):
            row.not_offered = [info for info, _r, _c, _e in items if info.code not in offered_by_region[pk]]
    report_rows = [row for row in rows.values() if row.outlets or row.region.level != RegionLevel.PROVINCE]
    return OutletOfferReport(edition=edition, regions=report_rows, item_count=len(items))


# --- where an item is handled near a region (guides and printed documents) -----------------------


def _scope_paths(region: Region) -> list[str]:
    """The subtrees to search, nearest first: the region's (for a township its county's: the county
    hall serves the township too), then each ancestor's up to the province."""
    codes = [c for c in region.path.split("/") if c]
    if region.level == RegionLevel.TOWNSHIP and len(codes) > 1:
        codes = codes[:-1]
    return ["/" + "/".join(codes[:n]) + "/" for n in range(len(codes), 0, -1)]


def _near(outlet: Outlet, scope: str, top: str) -> bool:
    """Whether `outlet` is in `scope`; at the top (the province) only its own halls, not another
    city's."""
    return outlet.region.path == top if scope == top else outlet.region.path.startswith(scope)


def item_outlets(*, item: ServiceItem, region: Region | None) -> list[Outlet]:
    """The active outlets near `region` that offer `item` (the `window_offers` rule).

    Near means the region's county (a township's county) or, when no outlet there offers the item,
    its city, then the province's own halls. The chosen region's own outlets come first, then
    halls, community windows and bank outlets. Address, hours and phone on every guide and printed
    document come from these records, never from a second copy. Three queries (channels, outlets,
    their windows), three more when the county has none; none without a region.
    """
    if region is None:
        return []
    scopes = _scope_paths(region)
    channels = {c.code for c in item.channels.all()}

    def offering(path: str) -> list[Outlet]:
        outlets = (
            Outlet.objects.filter(active=True, region__path__startswith=path)
            .select_related("region")
            .prefetch_related("windows")
        )
        return [
            o
            for o in outlets
            if any(
                w.active
                and window_offers(
                    kind=w.kind,
                    zones=w.zones,
                    zone=item.zone,
                    business_class=item.business_class,
                    risk_level=item.risk_level,
                    channels=channels,
                )
                for w in o.windows.all()
            )
        ]

    # Most lookups end in the county; only a county with no such outlet widens to the province.
    found = offering(scopes[0])
    if not found and len(scopes) > 1:
        wider = offering(scopes[-1])
        found = next(
            (near for scope in scopes[1:] if (near := [o for o in wider if _near(o, scope, scopes[-1])])),
            [],
        )
    kind_order: list[str] = [
        OutletKind.PROVINCE_HALL,
        OutletKind.CITY_HALL,
        OutletKind.COUNTY_HALL,
        OutletKind.COMMUNITY,
        OutletKind.BANK,
    ]
    return sorted(
        found,
        key=lambda o: (
            not o.region.path.startswith(region.path),
            o.kind == OutletKind.BANK,
            o.region.path.count("/"),
            kind_order.index(o.kind) if o.kind in kind_order else len(kind_order),
            o.code,
        ),
    )
