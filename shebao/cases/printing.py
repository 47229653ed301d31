"""Printed pages of a case: the acceptance receipt (受理回执) and the one-time notice (一次性告知书).

The same template renders the A4 print page in the browser and the PDF (WeasyPrint, Noto CJK),
through the catalogue's renderer: inline stylesheet, inline logo, and a URL fetcher that never
touches the network. Where to go comes from the outlet records only (`item_outlets`: the outlets
near the accepting outlet that offer the item); the local binding adds the consultation phone.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from shebao.cases.models import Case, OneTimeNotice
from shebao.cases.preview import case_outcome, case_preview
from shebao.catalogue.models import LocalBinding, ServiceItem
from shebao.catalogue.pdf import _logo_svg, _render
from shebao.core.models import pick_language
from shebao.counter.models import Outlet
from shebao.counter.offers import item_outlets


def _binding(item: ServiceItem, region: Any) -> LocalBinding | None:
    """The nearest region's local binding of the item (its consultation phone), if any."""
    if region is None:
        return None
    from shebao.catalogue.selectors import binding_for

    return binding_for(region=region, item_code=item.code)


def brand() -> dict[str, str]:
    b = settings.SHEBAO_BRAND
    return {
        "name": pick_language(b["name_zh"], b["name_en"]),
        "agency": pick_language(b["agency_zh"], b["agency_en"]),
    }


def _outlets(item: ServiceItem, region: Any, here: Outlet | None) -> list[Outlet]:
    """The outlets near `region` that offer the item, the one that printed the page first."""
    found = item_outlets(item=item, region=region)
    if here is not None:
        found.sort(key=lambda o: o.pk != here.pk)
    return found


def receipt_context(case: Case) -> dict[str, Any]:
    outcome = case_outcome(case)
    region = case.outlet.region if case.outlet_id else case.region  # type: ignore[union-attr]
    return {
        "case": case,
        "outcome": outcome,
        "preview": case_preview(case) if outcome is None else None,
        "item": case.item,
        "binding": _binding(case.item, region),
        "region": region,
        "outlets": _outlets(case.item, region, case.outlet),
        "materials": case.materials or [],
        "brand": brand(),
        "logo_svg": _logo_svg(),
    }


def notice_context(notice: OneTimeNotice) -> dict[str, Any]:
    item = notice.item
    region = notice.outlet.region if notice.outlet_id else None  # type: ignore[union-attr]
    return {
        "notice": notice,
        "item": item,
        "binding": _binding(item, region),
        "region": region,
        "outlets": _outlets(item, region, notice.outlet),
        "brand": brand(),
        "logo_svg": _logo_svg(),
    }


def render_receipt_pdf(case: Case) -> bytes:
    return bytes(_render("cases/print/receipt.html", {**receipt_context(case), "pdf": True}).write_pdf())


def render_notice_pdf(notice: OneTimeNotice) -> bytes:
    return bytes(_render("cases/print/notice.html", {**notice_context(notice), "pdf": True}).write_pdf())
