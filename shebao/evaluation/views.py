"""Rating pages: the public tablet next to a window, and the ratings overview for leaders."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from shebao.cases.models import Case
from shebao.core.access import require_perm, staff
from shebao.core.errors import ApplicationError
from shebao.core.permissions import Perm
from shebao.counter.models import Window
from shebao.evaluation import selectors, services
from shebao.evaluation.models import RatingLevel

POLL_SECONDS = 3
PERIODS = (7, 30, 90, 365)


def _window(window_id: int) -> Window:
    return get_object_or_404(Window.objects.select_related("outlet"), pk=window_id, active=True)


def _panel_context(window: Window, *, case: Case | None, thanks: bool = False, error: str = "") -> dict:
    # Only the case number's last digits and the item's name: the tablet faces the public.
    return {
        "window": window,
        "case": case,
        "case_tail": case.number[-4:] if case else "",
        "levels": list(RatingLevel.objects.all()) if case else [],
        "thanks": thanks,
        "error": error,
        "showing": "thanks" if thanks else (str(case.pk) if case else ""),
        "poll_seconds": POLL_SECONDS,
        "comment_max": services.COMMENT_MAX,
    }


@require_http_methods(["GET", "POST"])
def tablet(request: HttpRequest, window_id: int) -> HttpResponse:
    """The rating tablet of a window (public: no sign-in). POST records a rating, then says thank you."""
    window = _window(window_id)
    if request.method == "POST":
        try:
            case_id = int(request.POST.get("case", ""))
        except ValueError:
            case_id = 0
        case = selectors.case_rateable_at_window(window=window, case_id=case_id)
        comment = request.POST.get("comment", "")
        if case is None:
            error, status = _("This case can no longer be rated here."), 404
        else:
            try:
                level = request.POST.get("level", "")
                services.rating_submit(
                    case=case, level_value=int(level) if level.isdigit() else 0, comment=comment
                )
            except ApplicationError as exc:
                if exc.code != "already_rated":
                    error, status = str(exc.message), exc.status
                else:  # a double click: the first click counted
                    ctx = _panel_context(window, case=None, thanks=True)
                    return render(request, "evaluation/tablet.html", ctx, status=409)
            else:
                return redirect(reverse("evaluation:tablet", args=[window.pk]) + "?thanks=1")
        current = selectors.rating_case_for_window(window=window)
        ctx = {**_panel_context(window, case=current, error=error), "comment": comment}
        return render(request, "evaluation/tablet.html", ctx, status=status)
    thanks = request.GET.get("thanks") == "1"
    case = None if thanks else selectors.rating_case_for_window(window=window)
    return render(request, "evaluation/tablet.html", _panel_context(window, case=case, thanks=thanks))


@require_GET
def tablet_panel(request: HttpRequest, window_id: int) -> HttpResponse:
    """htmx poll: the panel again only when the case to rate has changed (204 otherwise: no swap)."""
    window = _window(window_id)
    case = selectors.rating_case_for_window(window=window)
    if request.GET.get("showing", "") == (str(case.pk) if case else ""):
        return HttpResponse(status=204)
    return render(request, "evaluation/_tablet_panel.html", _panel_context(window, case=case))


@require_perm(Perm.CASE_MONITOR)
def overview(request: HttpRequest) -> HttpResponse:
    """Ratings per teller, window and outlet over a period, and the bad ratings to answer."""
    try:
        days = int(request.GET.get("days", "30"))
    except ValueError:
        days = 30
    if days not in PERIODS:
        days = 30
    since = timezone.now() - dt.timedelta(days=days)
    data = selectors.rating_overview(user=staff(request), since=since)
    return render(request, "evaluation/overview.html", {"data": data, "days": days, "periods": PERIODS})
