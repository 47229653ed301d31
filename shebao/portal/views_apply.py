"""Portal pages of online applications (网上申报): the items, the form with uploads, the supplement (补正).

Everything read here is bounded by the signed-in account (`case_for_account`: the person's own cases,
or the agent's employer's); any other case number is "not found". Case numbers are the only keys in
URLs. The services are in `shebao.cases.services.online`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from shebao.cases.lifecycle import awaits_supplement
from shebao.cases.models import Case
from shebao.cases.services.conditions import conditions_evaluate
from shebao.cases.services.online import (
    case_for_account,
    item_materials,
    last_return,
    online_form_class,
    online_items,
    online_missing,
    online_submit,
    online_supplement,
)
from shebao.cases.uploads import ACCEPTED_LABEL, upload_response
from shebao.catalogue.models import ServiceItem, Zone
from shebao.core.errors import ApplicationError
from shebao.portal.access import portal_account, portal_required
from shebao.portal.models import AccountKind, PortalAccount

ACCEPT_ATTR = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"


def _applicant(account: PortalAccount) -> dict[str, Any]:
    if account.kind == AccountKind.PERSON:
        return {"person": account.person, "employer": None}
    return {"person": None, "employer": account.employer}


def _upload_info() -> dict[str, Any]:
    return {
        "accept_attr": ACCEPT_ATTR,
        "accepted_label": ACCEPTED_LABEL,
        "max_mb": f"{int(settings.SHEBAO_UPLOAD_MAX_BYTES) / (1024 * 1024):g}",
    }


def _own_case(request: HttpRequest, number: str) -> Case:
    try:
        return case_for_account(account=portal_account(request), number=number)
    except ApplicationError:
        raise Http404 from None


def _files(request: HttpRequest, count: int) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = {}
    for index in range(count):
        files = request.FILES.getlist(f"m{index}")
        if files:
            out[index] = files
    return out


@portal_required()
def apply_list(request: HttpRequest) -> HttpResponse:
    """The items this account may apply for online, by zone; `q` searches."""
    account = portal_account(request)
    q = request.GET.get("q", "").strip()[:60]
    items = list(online_items(kind=account.kind, q=q))
    labels = dict(Zone.choices)
    zones: list[tuple[str, list[ServiceItem]]] = []
    for item in items:
        label = str(labels.get(item.zone, item.zone))
        if not zones or zones[-1][0] != label:
            zones.append((label, []))
        zones[-1][1].append(item)
    return render(request, "portal/apply_list.html", {"zones": zones, "q": q, "count": len(items)})


@portal_required()
def apply(request: HttpRequest, code: str) -> HttpResponse:
    """The application form of one item: its effect data and an upload field per material."""
    account = portal_account(request)
    item = (
        online_items(kind=account.kind)
        .filter(code=code)
        .prefetch_related("materials", "channels", "insurance_types")
        .first()
    )
    if item is None:
        raise Http404
    applicant = _applicant(account)
    form = online_form_class(item, **applicant)(request.POST or None, prefix="d")
    materials = item_materials(item)
    ctx: dict[str, Any] = {
        "item": item,
        "form": form,
        "materials": materials,
        # 受理条件 checked for this account's person or employer before anything is sent
        "conditions": conditions_evaluate(item=item, **applicant),
        **_upload_info(),
    }
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "portal/apply.html", ctx, status=400)
        try:
            case = online_submit(
                user=request.user,
                item=item,
                data=form.data_for_case(),
                uploads=_files(request, len(materials)),
                **applicant,
            )
        except ApplicationError as err:
            return render(request, "portal/apply.html", {**ctx, "error": err}, status=err.status or 400)
        return redirect("portal:apply_done", number=case.number)
    return render(request, "portal/apply.html", ctx)


@portal_required()
def apply_done(request: HttpRequest, number: str) -> HttpResponse:
    """Confirmation: the case number, what happens next, and which required materials are still missing."""
    case = _own_case(request, number)
    return render(request, "portal/apply_done.html", {"case": case, "missing": online_missing(case)})


@portal_required()
def case_supplement(request: HttpRequest, number: str) -> HttpResponse:
    """补正 online: the applicant uploads what was asked for and may add a note."""
    case = _own_case(request, number)
    materials = item_materials(case.item)
    ctx: dict[str, Any] = {
        "case": case,
        "materials": materials,
        "asked": last_return(case),
        # What the return asked for (the supplement must bring it), else what was never uploaded.
        "missing": case.requested_materials or (online_missing(case) if case.accepted_by_id is None else []),
        "open": awaits_supplement(case),
        **_upload_info(),
    }
    if request.method == "POST":
        if not ctx["open"]:
            return render(request, "portal/apply_supplement.html", ctx, status=409)
        try:
            case = online_supplement(
                case=case,
                account=portal_account(request),
                uploads=_files(request, len(materials)),
                comment=request.POST.get("comment", "")[:1000],
            )
        except ApplicationError as err:
            return render(
                request, "portal/apply_supplement.html", {**ctx, "error": err}, status=err.status or 400
            )
        messages.success(
            request,
            _("Supplement for %(number)s sent. We will tell you here what happens next.")
            % {"number": case.number},
        )
        return redirect("portal:case_supplement", number=case.number)
    return render(request, "portal/apply_supplement.html", ctx)


@portal_required()
def case_upload(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    """One of the account's own uploaded files, as a download."""
    case = _own_case(request, number)
    found = case.uploads.filter(pk=pk).first()
    if found is None:
        raise Http404
    try:
        return upload_response(found)
    except ApplicationError:
        raise Http404 from None


urlpatterns: list[URLPattern] = [
    path("apply/", apply_list, name="apply_list"),
    path("apply/done/<str:number>/", apply_done, name="apply_done"),
    path("apply/<str:code>/", apply, name="apply"),
    path("cases/<str:number>/supplement/", case_supplement, name="case_supplement"),
    path("cases/<str:number>/files/<int:pk>/", case_upload, name="case_upload"),
]
