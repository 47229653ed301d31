"""Public catalogue pages: the browser, the service guide (办事指南) and its PDFs. No sign-in needed.

Views parse the query string, call the catalogue selectors and render. Reads of reference data
that only these pages need (filter choices, the region picker, post names) are small helpers here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from shebao.catalogue import pdf, selectors
from shebao.catalogue.models import (
    BusinessClass,
    Channel,
    Edition,
    EditionStatus,
    InsuranceType,
    LocalBinding,
    ServiceItem,
    Zone,
)
from shebao.core.errors import ApplicationError
from shebao.core.models import Region, RegionLevel
from shebao.core.permissions import Perm

# ---------------------------------------------------------------------------------------------
# Browse


@dataclass
class ZoneGroup:
    value: str
    label: str
    items: list[ServiceItem]


def _clean_filters(request: HttpRequest) -> tuple[dict[str, str], list[str], dict[str, Any]]:
    """The filters of the query string, with unknown values dropped and reported."""
    insurance_types = list(InsuranceType.objects.all())
    channels = list(Channel.objects.all())
    allowed = {
        "insurance_type": {t.code for t in insurance_types},
        "zone": set(Zone.values),
        "channel": {c.code for c in channels},
        "business_class": set(BusinessClass.values),
    }
    labels = {
        "insurance_type": _("insurance type"),
        "zone": _("zone"),
        "channel": _("channel"),
        "business_class": _("business class"),
    }
    filters = {"q": request.GET.get("q", "").strip()[:100]}
    problems: list[str] = []
    for name, values in allowed.items():
        value = request.GET.get(name, "").strip()
        if value and value not in values:
            problems.append(
                _("Unknown %(filter)s '%(value)s': this filter was ignored.")
                % {"filter": labels[name], "value": value[:40]}
            )
            value = ""
        filters[name] = value
    choices = {
        "insurance_types": insurance_types,
        "channels": channels,
        "zones": Zone.choices,
        "business_classes": BusinessClass.choices,
    }
    return filters, problems, choices


def browse(request: HttpRequest) -> HttpResponse:
    """The catalogue browser: search and filter the published edition's items, grouped by zone."""
    filters, problems, choices = _clean_filters(request)
    edition = selectors.published_edition()
    groups: list[ZoneGroup] = []
    count = 0
    if edition is not None:
        items = list(selectors.item_list(edition=edition, summary=True, **filters))
        count = len(items)
        for value, label in Zone.choices:
            in_zone = [i for i in items if i.zone == value]
            if in_zone:
                groups.append(ZoneGroup(value, str(label), in_zone))
    # htmx asks for the results fragment; on a history restore it wants the whole page back.
    partial = bool(request.headers.get("HX-Request")) and not request.headers.get(
        "HX-History-Restore-Request"
    )
    context = {
        "edition": edition,
        "filters": filters,
        "filtered": any(filters.values()),
        "problems": problems,
        "groups": groups,
        "count": count,
        "partial": partial,
        **choices,
    }
    template = "catalogue/public/_results.html" if partial else "catalogue/public/browse.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# ---------------------------------------------------------------------------------------------
# Service guide


def _edition_for(request: HttpRequest) -> Edition:
    """The published edition or, for staff who edit the catalogue, `?edition=<number>` (a preview).

    Anyone else asking for an edition that is not the one in force gets a 404.
    """
    raw = request.GET.get("edition", "").strip()
    if not raw:
        edition = selectors.published_edition()
        if edition is None:
            raise Http404(_("No catalogue edition has been published yet."))
        return edition
    if not raw.isdigit():
        raise Http404(_("There is no catalogue edition %(number)s.") % {"number": raw[:20]})
    try:
        edition = selectors.edition_by_number(int(raw))
    except ApplicationError as exc:
        raise Http404(exc.message) from exc
    user = request.user
    may_preview = user.is_authenticated and getattr(user, "has_perm_code", lambda code: False)(
        Perm.CATALOGUE_EDIT
    )
    if edition.status != EditionStatus.PUBLISHED and not may_preview:
        raise Http404(_("There is no catalogue edition %(number)s.") % {"number": edition.number})
    return edition


def _item_for(request: HttpRequest, code: str) -> tuple[ServiceItem, Edition]:
    edition = _edition_for(request)
    try:
        item = selectors.item_get(edition=edition, code=code)
    except ApplicationError as exc:
        raise Http404(exc.message) from exc
    item.edition = edition  # already loaded; saves the templates a query
    return item, edition


def _office_regions() -> list[Region]:
    """Cities, counties and townships, in tree order, for the office picker."""
    return list(
        Region.objects.filter(
            level__in=[RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWNSHIP]
        ).order_by("path")
    )


def _region_and_binding(
    request: HttpRequest, item: ServiceItem, regions: list[Region] | None = None
) -> tuple[Region | None, LocalBinding | None, str]:
    """The region chosen by `?region=<code>`, its (or its nearest ancestor's) binding, and a problem."""
    code = request.GET.get("region", "").strip()
    if not code:
        return None, None, ""
    if regions is not None:
        region = next((r for r in regions if r.code == code), None)
    else:
        region = Region.objects.filter(code=code).first()
    if region is None:
        return None, None, _("Unknown region '%(code)s'.") % {"code": code[:20]}
    return region, selectors.binding_for(region=region, item_code=item.code), ""


def item_detail(request: HttpRequest, code: str) -> HttpResponse:
    """The service guide (办事指南) of one item, with where and when for a chosen region."""
    item, edition = _item_for(request, code)
    regions = _office_regions()
    region, binding, problem = _region_and_binding(request, item, regions)
    context = {
        **pdf.guide_context(item=item, binding=binding, region=region),
        "is_preview": edition.status != EditionStatus.PUBLISHED,
        "regions": regions,
        "region": region,
        "binding": binding,
        "problem": problem,
        "query": _pdf_query(request, edition, region),
    }
    return render(request, "catalogue/public/item.html", context)


def _pdf_query(request: HttpRequest, edition: Edition, region: Region | None) -> str:
    parts = []
    if request.GET.get("edition"):
        parts.append(f"edition={edition.number}")
    if region is not None:
        parts.append(f"region={region.code}")
    return ("?" + "&".join(parts)) if parts else ""


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", filename)
    response["Content-Disposition"] = f'inline; filename="{safe}"'
    return response


def item_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """The service guide as an A4 PDF."""
    item, _edition = _item_for(request, code)
    region, binding, _problem = _region_and_binding(request, item)
    return _pdf_response(
        pdf.render_guide_pdf(item=item, binding=binding, region=region), f"guide-{item.code}.pdf"
    )


def notice_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """The one-page service notice (办事须知) as an A4 PDF."""
    item, _edition = _item_for(request, code)
    region, binding, _problem = _region_and_binding(request, item)
    return _pdf_response(
        pdf.render_notice_pdf(item=item, binding=binding, region=region), f"notice-{item.code}.pdf"
    )
