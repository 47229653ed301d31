"""Core staff pages: sign-in, the desk, the holiday calendar and the working-day calculator."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import chinese_calendar
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shebao.core.access import at_province_level, require_perm, staff
from shebao.core.errors import ApplicationError
from shebao.core.forms import HolidayFileForm, WorkdayForm
from shebao.core.models import CalendarYear
from shebao.core.permissions import Perm
from shebao.core.services import calendar_load_year
from shebao.core.workdays import add_working_days

# Desk links: (URL name, label, description, any of these permission codes, province office only).
DESK_LINKS: list[tuple[str, Any, Any, tuple[str, ...], bool]] = [
    (
        "catalogue:manage_editions",
        gettext_lazy("Catalogue editions"),
        gettext_lazy("Draft, edit, compare and publish the catalogue of service items."),
        (Perm.CATALOGUE_EDIT, Perm.CATALOGUE_PUBLISH),
        True,
    ),
    (
        "catalogue:manage_bindings",
        gettext_lazy("Local bindings"),
        gettext_lazy("Fill in your region's address, phone, opening hours and outlets for each item."),
        (Perm.CATALOGUE_BIND,),
        False,
    ),
    (
        "catalogue:manage_conformance",
        gettext_lazy("Conformance report"),
        gettext_lazy("How far each region keeps to the provincial standard (四级四同)."),
        (Perm.CONFORMANCE_VIEW,),
        False,
    ),
    (
        "catalogue:manage_standards",
        gettext_lazy("Register of standards"),
        gettext_lazy("Basic, technical, management, work and service standards, and their reviews."),
        (Perm.STANDARDS_MANAGE, Perm.CONFORMANCE_VIEW),
        False,
    ),
    (
        "core:calendar",
        gettext_lazy("Holiday calendar"),
        gettext_lazy("Load next year's holidays and count working days."),
        (Perm.CALENDAR_MANAGE,),
        True,
    ),
    (
        "registry:search",
        gettext_lazy("Persons and employers"),
        gettext_lazy("Find an insured person or an employer; see every insurance type on one screen."),
        (Perm.REGISTRY_VIEW,),
        False,
    ),
    (
        "counter:console",
        gettext_lazy("Window console"),
        gettext_lazy("Sign in to a window, call the next ticket, recall, transfer, serve."),
        (Perm.COUNTER_SERVE,),
        False,
    ),
    (
        "counter:manage",
        gettext_lazy("Outlets and windows"),
        gettext_lazy("Service outlets, windows and their zones, appointment slots, teller qualifications."),
        (Perm.COUNTER_MANAGE,),
        False,
    ),
    (
        "cases:desk",
        gettext_lazy("Teller's desk"),
        gettext_lazy("Identify the applicant, check the materials, accept or issue a one-time notice."),
        (Perm.CASE_ACCEPT_GENERAL, Perm.CASE_ACCEPT_SPECIAL, Perm.CASE_ACCEPT_BANK),
        False,
    ),
    (
        "cases:online_queue",
        gettext_lazy("Online applications"),
        gettext_lazy("Applications sent online: check the uploaded materials, accept or return them."),
        (Perm.CASE_ACCEPT_GENERAL, Perm.CASE_ACCEPT_SPECIAL),
        False,
    ),
    (
        "cases:review",
        gettext_lazy("Review queue"),
        gettext_lazy("Cases waiting at a step of your posts: approve, return for correction or reject."),
        (Perm.CASE_REVIEW, Perm.CASE_APPROVE),
        False,
    ),
    (
        "cases:cross_review",
        gettext_lazy("Cross-review"),
        gettext_lazy("A second look at completed general cases drawn for review."),
        (Perm.CASE_CROSS_REVIEW,),
        False,
    ),
    (
        "cases:deadlines",
        gettext_lazy("Deadlines"),
        gettext_lazy("Cases due soon and overdue, per office and per teller."),
        (Perm.CASE_MONITOR,),
        False,
    ),
    (
        "cases:messages",
        gettext_lazy("Messages"),
        gettext_lazy("Notifications about your cases."),
        (
            Perm.CASE_ACCEPT_GENERAL,
            Perm.CASE_ACCEPT_SPECIAL,
            Perm.CASE_ACCEPT_BANK,
            Perm.CASE_REVIEW,
            Perm.CASE_APPROVE,
            Perm.CASE_MONITOR,
        ),
        False,
    ),
    (
        "departments:clients",
        gettext_lazy("Other departments' access"),
        gettext_lazy("Department API keys and scopes (tax, medical security, civil affairs); who read what."),
        (Perm.DEPARTMENT_CLIENTS,),
        False,
    ),
    (
        "evaluation:overview",
        gettext_lazy("Ratings"),
        gettext_lazy("Ratings (好差评) per teller, window and outlet; the bad ratings to answer."),
        (Perm.CASE_MONITOR,),
        False,
    ),
    (
        "audit:events",
        gettext_lazy("Audit log"),
        gettext_lazy("Who changed what, and whether the chain of events is intact."),
        (Perm.AUDIT_VIEW,),
        False,
    ),
]


@dataclass(frozen=True)
class DeskLink:
    url: str
    label: str
    description: str


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The signed-in staff member's desk: who they are, and links to what their posts allow."""
    if hasattr(request.user, "portal_account"):  # a citizen or employer's agent: their own home
        return redirect("portal:home")
    user = staff(request)
    links = []
    province = at_province_level(user)
    for url_name, label, description, codes, province_only in DESK_LINKS:
        if province_only and not province:
            continue
        if any(user.has_perm_code(code) for code in codes):
            try:
                links.append(DeskLink(reverse(url_name), str(label), str(description)))
            except NoReverseMatch:  # a part of the platform not installed yet
                continue
    return render(
        request,
        "core/home.html",
        {"links": links, "posts": list(user.posts.all()), "region": user.region, "office": user.office},
    )


@dataclass(frozen=True)
class KnownYear:
    year: int
    source: str
    holidays: int
    workdays: int
    loaded: bool
    loaded_at: dt.datetime | None = None
    loaded_by: str = ""


def _builtin_years() -> list[int]:
    years = {d.year for d in chinese_calendar.holidays}
    return sorted(years)


@require_perm(Perm.CALENDAR_MANAGE, province_level=True)
def calendar(request: HttpRequest) -> HttpResponse:
    """Years known, a holiday-file upload and the working-day calculator."""
    form = HolidayFileForm()
    error: ApplicationError | None = None
    if request.method == "POST":
        form = HolidayFileForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                year = calendar_load_year(text=form.cleaned_data["content"], by=staff(request))
            except ApplicationError as exc:
                error = exc
            else:
                messages.success(
                    request,
                    _("The holidays of %(year)s are loaded (%(count)s days).")
                    % {"year": year.year, "count": year.days.count()},
                )
                for note in year.change_notes:
                    messages.info(request, note)
                return redirect("core:calendar")
    loaded = list(
        CalendarYear.objects.select_related("loaded_by")
        .prefetch_related("days")
        .annotate(
            holidays=Count("days", filter=Q(days__is_workday=False)),
            workdays=Count("days", filter=Q(days__is_workday=True)),
        )
        .order_by("-year")
    )
    loaded_years = {y.year for y in loaded}
    builtin = [y for y in _builtin_years() if y not in loaded_years]
    this_year = timezone.localdate().year
    next_unknown = max([*builtin, *loaded_years, this_year]) + 1
    return render(
        request,
        "core/calendar.html",
        {
            "form": form,
            "error": error,
            "loaded": loaded,
            "builtin_first": builtin[0] if builtin else None,
            "builtin_last": builtin[-1] if builtin else None,
            "next_unknown": next_unknown,
            "calc_form": WorkdayForm(initial={"start": timezone.localdate(), "days": 10}),
        },
        status=400 if error or (request.method == "POST" and not form.is_valid()) else 200,
    )


@require_perm(Perm.CALENDAR_MANAGE, province_level=True)
def workday_calculator(request: HttpRequest) -> HttpResponse:
    """A date plus N working days; a fragment for htmx, a whole page otherwise."""
    form = WorkdayForm(request.GET or None)
    result = None
    if form.is_valid():
        result = add_working_days(form.cleaned_data["start"], form.cleaned_data["days"])
    template = "core/_workday_result.html" if request.headers.get("HX-Request") else "core/workdays.html"
    return render(request, template, {"calc_form": form, "result": result})
