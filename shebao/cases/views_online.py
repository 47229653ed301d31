"""Pre-review of online applications (网上预审) under /cases/online/: the queue, one application, its files.

The queue and the actions need an accepting permission (`cases.accept_general`, and
`cases.accept_special` for special items); reading an online case and its files needs any case
permission (reviewers look at the uploads too). Every read is bounded by the user's region through
`case_for_user`: outside it, the same "not found" as a case that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from shebao.cases.lifecycle import Move, can_move
from shebao.cases.models import Case, Channel
from shebao.cases.preview import case_outcome, case_preview
from shebao.cases.selectors import case_for_user
from shebao.cases.services.online import (
    item_materials,
    last_return,
    online_accept,
    online_missing,
    online_queue,
    online_reject,
    online_return,
    online_waiting,
)
from shebao.cases.uploads import upload_response
from shebao.core.access import require_perm, staff
from shebao.core.errors import ApplicationError
from shebao.core.masking import mask_id_number
from shebao.core.permissions import Perm

ACCEPT_PERMS = (Perm.CASE_ACCEPT_GENERAL, Perm.CASE_ACCEPT_SPECIAL)
READ_PERMS = (
    *ACCEPT_PERMS,
    Perm.CASE_ACCEPT_BANK,
    Perm.CASE_REVIEW,
    Perm.CASE_APPROVE,
    Perm.CASE_CROSS_REVIEW,
    Perm.CASE_MONITOR,
)
LIST_LIMIT = 100


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/not_found.html", status=404)


def _online_case(request: HttpRequest, number: str) -> Case | None:
    try:
        case = case_for_user(user=staff(request), number=number)
    except ApplicationError:
        return None
    return case if case.channel == Channel.ONLINE else None


@require_perm(*ACCEPT_PERMS)
def queue(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    return render(
        request,
        "cases/online_queue.html",
        {
            "cases": list(online_queue(user=user)[:LIST_LIMIT]),
            "waiting": list(online_waiting(user=user)[:LIST_LIMIT]),
            "limit": LIST_LIMIT,
        },
    )


def _context(request: HttpRequest, case: Case, **extra: Any) -> dict[str, Any]:
    user = staff(request)
    materials = item_materials(case.item)
    uploads = list(case.uploads.all())
    by_index: dict[int, list[Any]] = {}
    for u in uploads:
        by_index.setdefault(u.material_index, []).append(u)
    special = case.item.business_class == "special"
    may_act = can_move(case, Move.ACCEPT_ONLINE) and user.has_perm_code(
        Perm.CASE_ACCEPT_SPECIAL if special else Perm.CASE_ACCEPT_GENERAL
    )
    outcome = case_outcome(case)
    return {
        "case": case,
        "applicant_id": mask_id_number(case.person.id_number) if case.person else "",
        "outcome": outcome,
        "preview": case_preview(case) if outcome is None else None,
        "rows": [(i, m, by_index.get(i, [])) for i, m in enumerate(materials)],
        "missing": online_missing(case),
        "returned": last_return(case),
        "may_act": may_act,
        "actions": list(case.actions.all()),
        **extra,
    }


@require_perm(*READ_PERMS)
def detail(request: HttpRequest, number: str) -> HttpResponse:
    case = _online_case(request, number)
    if case is None:
        return _not_found(request)
    if request.method != "POST":
        return render(request, "cases/online_case.html", _context(request, case))
    user = staff(request)
    if not any(user.has_perm_code(p) for p in ACCEPT_PERMS):
        return _not_found(request)
    action = request.POST.get("action", "")
    version_raw = request.POST.get("version", "")
    version = int(version_raw) if version_raw.isdigit() else -1
    try:
        if action == "accept":
            received = [int(v) for v in request.POST.getlist("received") if v.isdigit()]
            case = online_accept(case=case, by=user, version=version, received=received)
            done = _("Case %(number)s accepted.") % {"number": case.number}
        elif action == "return":
            # The item's materials only: anything else goes in the comment.
            missing = request.POST.getlist("missing")
            case = online_return(
                case=case, by=user, version=version, missing=missing, comment=request.POST.get("comment", "")
            )
            done = _("Case %(number)s returned; the applicant was told what is missing.") % {
                "number": case.number
            }
        elif action == "reject":
            case = online_reject(case=case, by=user, version=version, reason=request.POST.get("reason", ""))
            done = _("Case %(number)s rejected; the applicant was told the reason.") % {"number": case.number}
        else:
            messages.error(request, _("Choose an action."))
            return redirect("cases:online_case", number=case.number)
    except ApplicationError as err:
        fresh = _online_case(request, number) or case
        return render(
            request,
            "cases/online_case.html",
            _context(request, fresh, error=err),
            status=err.status if err.status >= 400 else 400,
        )
    messages.success(request, done)
    if can_move(case, Move.ACCEPT_ONLINE):  # still waiting for pre-review: back to it
        return redirect("cases:online_case", number=case.number)
    return redirect("cases:online_queue")


@require_perm(*READ_PERMS)
def upload(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    case = _online_case(request, number)
    found = case.uploads.filter(pk=pk).first() if case is not None else None
    if found is None:
        return _not_found(request)
    try:
        return upload_response(found)
    except ApplicationError:
        return _not_found(request)


urlpatterns: list[URLPattern] = [
    path("", queue, name="online_queue"),
    path("<str:number>/", detail, name="online_case"),
    path("<str:number>/files/<int:pk>/", upload, name="online_upload"),
]
