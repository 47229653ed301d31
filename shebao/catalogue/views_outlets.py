"""Conformance: which outlets offer which items (`counter.offers`), bounded by the user's region."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from shebao.core.access import forbidden, require_perm, staff
from shebao.core.models import Region
from shebao.core.permissions import Perm
from shebao.counter.offers import outlet_offer_report


@require_perm(Perm.CONFORMANCE_VIEW)
def outlet_offer(request: HttpRequest) -> HttpResponse:
    """Outlets by region (halls, community windows, bank outlets) and the published items they offer."""
    user = staff(request)
    within: Region | None = None
    if not user.is_province_wide():
        within = user.region
        if within is None:
            return forbidden(
                request, _("Your office has no region, so there is nothing for you to see here.")
            )
    report = outlet_offer_report(within=within)
    return render(request, "catalogue/manage/outlet_offer.html", {"report": report, "within": within})
