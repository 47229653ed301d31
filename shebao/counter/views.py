"""Counter pages: the kiosk, the ticket and its 80 mm print, the hall display, the teller's window
console, appointment booking and the management of outlets, windows, slots and qualifications.

The kiosk, the ticket, the display and the booking page are public (they stand in the hall or on the
public site) and show no personal data. The console needs `Perm.COUNTER_SERVE`, management
`Perm.COUNTER_MANAGE`; both are bound to the user's region.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from shebao.catalogue.models import Zone
from shebao.core.access import can_see_region, forbidden, require_perm, staff, visible_regions
from shebao.core.errors import ApplicationError
from shebao.core.models import User
from shebao.core.permissions import Perm
from shebao.counter import selectors, services
from shebao.counter.forms import (
    BookForm,
    CancelForm,
    CheckInForm,
    KioskForm,
    OutletForm,
    QualificationForm,
    SlotsForm,
    WindowForm,
)
from shebao.counter.models import (
    Appointment,
    AppointmentSlot,
    Outlet,
    QueueTicket,
    TellerQualification,
    Window,
)

ZONE_LETTERS = {z: (services.ZONE_LETTERS[Zone(z)], services.SPECIAL_LETTERS[Zone(z)]) for z in Zone.values}


def _outlet(code: str) -> Outlet:
    outlet = Outlet.objects.select_related("region").filter(code=code, active=True).first()
    if outlet is None:
        raise Http404
    return outlet


def _error(request: HttpRequest, exc: ApplicationError) -> None:
    messages.error(request, str(exc.message))


# --- kiosk and ticket ----------------------------------------------------------------------------


@never_cache
def kiosk(request: HttpRequest, outlet_code: str) -> HttpResponse:
    outlet = _outlet(outlet_code)
    form, checkin = KioskForm(), CheckInForm()
    if request.method == "POST":
        if "code" in request.POST:
            checkin = CheckInForm(request.POST)
            if checkin.is_valid():
                try:
                    ticket = services.ticket_issue(
                        outlet=outlet, zone="", appointment_code=checkin.cleaned_data["code"]
                    )
                except ApplicationError as exc:
                    checkin.add_error("code", str(exc.message))
                else:
                    if not ticket.priority:
                        messages.warning(
                            request,
                            _(
                                "Your appointment time has passed: you have a normal ticket and wait your turn."
                            ),
                        )
                    return redirect("counter:ticket", pk=ticket.pk)
        else:
            zone, _sep, kind = str(request.POST.get("pick", "")).partition("|")
            form = KioskForm({"zone": zone, "kind": kind, "id_number": request.POST.get("id_number", "")})
            if form.is_valid():
                try:
                    ticket = services.ticket_issue(outlet=outlet, **form.cleaned_data)
                except ApplicationError as exc:
                    form.add_error(None, str(exc.message))
                else:
                    return redirect("counter:ticket", pk=ticket.pk)
    zones = [{"code": code, "label": label, "letters": ZONE_LETTERS[code]} for code, label in Zone.choices]
    return render(
        request, "counter/kiosk.html", {"outlet": outlet, "form": form, "checkin": checkin, "zones": zones}
    )


def _ticket_context(pk: int) -> dict[str, Any]:
    ticket = get_object_or_404(QueueTicket.objects.select_related("outlet", "window"), pk=pk)
    ahead, minutes = selectors.ticket_wait_estimate(ticket=ticket)
    return {"ticket": ticket, "outlet": ticket.outlet, "ahead": ahead, "minutes": minutes}


@never_cache
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "counter/ticket.html", _ticket_context(pk))


@never_cache
def ticket_print(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "counter/ticket_print.html", {**_ticket_context(pk), "now": timezone.now()})


# --- hall display --------------------------------------------------------------------------------


DISPLAY_CALLS = 6  # the last calls the wall screen lists (with the current one): six lines fit 1080 px


def _display_context(outlet: Outlet) -> dict[str, Any]:
    """The hall display: the current call, the last calls with their windows, waiting per zone.
    Three queries (and the outlet)."""
    calling, counts = selectors.queue_state(outlet=outlet)
    zones = [
        {"label": label, "waiting": counts.get(code, 0), "letters": ZONE_LETTERS[code]}
        for code, label in Zone.choices
    ]
    latest = calling[0] if calling else None
    stamp = (
        f"{latest.pk}-{latest.call_count}-{latest.called_at.timestamp():.3f}"
        if latest and latest.called_at
        else ""
    )
    calls = selectors.recent_calls(outlet=outlet, limit=DISPLAY_CALLS)
    return {"outlet": outlet, "calls": calls, "zones": zones, "latest": latest, "stamp": stamp}


@never_cache
def display(request: HttpRequest, outlet_code: str) -> HttpResponse:
    outlet = _outlet(outlet_code)
    return render(request, "counter/display.html", _display_context(outlet))


@never_cache
def display_fragment(request: HttpRequest, outlet_code: str) -> HttpResponse:
    outlet = _outlet(outlet_code)
    return render(request, "counter/_display_now.html", _display_context(outlet))


# --- teller's window console ---------------------------------------------------------------------


def _console_windows(user: User) -> list[Window]:
    return list(
        Window.objects.filter(active=True, outlet__active=True, outlet__region__in=visible_regions(user))
        .select_related("outlet")
        .order_by("outlet__code", "number")
    )


@never_cache
@require_perm(Perm.COUNTER_SERVE)
def console(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    window = selectors.window_of(user)
    context: dict[str, Any] = {"window": window}
    if window is None:
        context["windows"] = _console_windows(user)
    else:
        context["current"] = selectors.window_current_ticket(window=window)
        context["held"] = selectors.held_tickets(window=window)
        _calling, counts = selectors.queue_state(outlet=window.outlet)
        context["counts"] = [
            (label, counts.get(code, 0), code in window.zones) for code, label in Zone.choices
        ]
        context["others"] = [
            w for w in window.outlet.windows.filter(active=True).order_by("number") if w.pk != window.pk
        ]
    return render(request, "counter/console.html", context)


@require_POST
@require_perm(Perm.COUNTER_SERVE)
def console_sign_in(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    window = (
        Window.objects.select_related("outlet__region").filter(pk=request.POST.get("window") or 0).first()
    )
    if window is None or not can_see_region(user, window.outlet.region):
        return forbidden(request, _("This window is outside your region."))
    try:
        services.window_sign_in(teller=user, window=window)
    except ApplicationError as exc:
        if exc.status == 403:
            return forbidden(request, str(exc.message))
        _error(request, exc)
    return redirect("counter:console")


@require_POST
@require_perm(Perm.COUNTER_SERVE)
def console_sign_out(request: HttpRequest) -> HttpResponse:
    services.window_sign_out(teller=staff(request))
    return redirect("counter:console")


@require_POST
@require_perm(Perm.COUNTER_SERVE)
def console_action(request: HttpRequest, action: str) -> HttpResponse:
    user = staff(request)
    try:
        if action == "next":
            ticket = services.ticket_call_next(teller=user)
            if ticket is None:
                messages.info(request, _("Nobody is waiting for your window."))
            return redirect("counter:console")
        ticket = get_object_or_404(QueueTicket, pk=request.POST.get("ticket") or 0)
        if action == "recall":
            services.ticket_recall(teller=user, ticket=ticket)
        elif action == "no_show":
            services.ticket_no_show(teller=user, ticket=ticket)
        elif action == "start":
            services.ticket_start(teller=user, ticket=ticket)
        elif action == "finish":
            services.ticket_finish(teller=user, ticket=ticket)
        elif action == "hold":
            services.ticket_hold(teller=user, ticket=ticket)
            messages.success(request, _("Ticket %(number)s is on hold.") % {"number": ticket.number})
        elif action == "resume":
            services.ticket_resume(teller=user, ticket=ticket)
        elif action == "transfer":
            to = get_object_or_404(Window, pk=request.POST.get("to_window") or 0)
            services.ticket_transfer(teller=user, ticket=ticket, to_window=to)
            messages.success(
                request,
                _("Ticket %(number)s sent to window %(window)s.")
                % {"number": ticket.number, "window": to.number},
            )
        else:
            raise Http404
    except ApplicationError as exc:
        _error(request, exc)
    return redirect("counter:console")


# --- appointments --------------------------------------------------------------------------------


@never_cache
def book(request: HttpRequest, outlet_code: str) -> HttpResponse:
    outlet = _outlet(outlet_code)
    zone = request.GET.get("zone") or request.POST.get("zone") or ""
    if zone not in Zone.values:
        zone = ""
    form, cancel = BookForm(), CancelForm()
    booked: Appointment | None = None
    if request.method == "POST" and request.POST.get("do") == "cancel":
        cancel = CancelForm(request.POST)
        if cancel.is_valid():
            found = Appointment.objects.filter(
                code=cancel.cleaned_data["code"].strip().upper(),
                phone=cancel.cleaned_data["phone"].strip(),
                slot__outlet=outlet,
            ).first()
            if found is None:
                cancel.add_error(None, _("No appointment with this booking code and phone at this outlet."))
            else:
                try:
                    services.appointment_cancel(appointment=found)
                except ApplicationError as exc:
                    cancel.add_error(None, str(exc.message))
                else:
                    messages.success(request, _("Your appointment is cancelled."))
                    return redirect("counter:book", outlet_code=outlet.code)
    elif request.method == "POST":
        form = BookForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            slot = AppointmentSlot.objects.filter(pk=data["slot"], outlet=outlet).first()
            if slot is None:
                form.add_error(None, _("Choose a time."))
            else:
                try:
                    booked = services.appointment_book(
                        slot=slot, name=data["name"], phone=data["phone"], id_number=data["id_number"]
                    )
                except ApplicationError as exc:
                    form.add_error(None, str(exc.message))
    slots = list(selectors.free_slots(outlet=outlet, zone=zone or None)[:200]) if zone else []
    return render(
        request,
        "counter/book.html",
        {
            "outlet": outlet,
            "zones": Zone.choices,
            "zone": zone,
            "slots": slots,
            "form": form,
            "cancel": cancel,
            "booked": booked,
            "selected": str(request.POST.get("slot", "")),
        },
    )


# --- management ----------------------------------------------------------------------------------


def _managed_outlet(request: HttpRequest, pk: int) -> Outlet | None:
    outlet = Outlet.objects.select_related("region").filter(pk=pk).first()
    if outlet is None or not can_see_region(staff(request), outlet.region):
        return None
    return outlet


@never_cache
@require_perm(Perm.COUNTER_MANAGE)
def manage(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    form = OutletForm()
    if request.method == "POST":
        form = OutletForm(request.POST)
        if form.is_valid():
            region = visible_regions(user).filter(code=form.cleaned_data["region"]).first()
            if region is None:
                form.add_error("region", _("Give the code of a region you manage."))
            else:
                try:
                    outlet = services.outlet_save(by=user, data=form.cleaned_data, region=region)
                except ApplicationError as exc:
                    form.add_error(None, str(exc.message))
                else:
                    messages.success(request, _("Outlet %(name)s created.") % {"name": outlet.name})
                    return redirect("counter:manage_outlet", pk=outlet.pk)
    outlets = Outlet.objects.filter(region__in=visible_regions(user)).select_related("region")
    return render(request, "counter/manage.html", {"outlets": outlets, "form": form})


@never_cache
@require_perm(Perm.COUNTER_MANAGE)
def manage_outlet(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff(request)
    outlet = _managed_outlet(request, pk)
    if outlet is None:
        raise Http404
    initial = {k: getattr(outlet, k) for k in services.OUTLET_FIELDS}
    outlet_form, window_form, slots_form = OutletForm(initial=initial), WindowForm(), SlotsForm()
    if request.method == "POST":
        what = request.POST.get("do")
        try:
            if what == "outlet":
                outlet_form = OutletForm(request.POST)
                if outlet_form.is_valid():
                    services.outlet_save(
                        by=user, data=outlet_form.cleaned_data, region=outlet.region, outlet=outlet
                    )
                    messages.success(request, _("Saved."))
                    return redirect("counter:manage_outlet", pk=outlet.pk)
            elif what == "window":
                window_form = WindowForm(request.POST)
                if window_form.is_valid():
                    services.window_save(by=user, outlet=outlet, **window_form.cleaned_data)
                    messages.success(request, _("Saved."))
                    return redirect("counter:manage_outlet", pk=outlet.pk)
            elif what == "slots":
                slots_form = SlotsForm(request.POST)
                if slots_form.is_valid():
                    made = services.slots_create_day(by=user, outlet=outlet, **slots_form.cleaned_data)
                    messages.success(request, _("%(n)s slots created.") % {"n": len(made)})
                    return redirect("counter:manage_outlet", pk=outlet.pk)
        except ApplicationError as exc:
            _error(request, exc)
    now = timezone.now()
    slots = AppointmentSlot.objects.filter(outlet=outlet, ends_at__gt=now).order_by("starts_at", "zone")[:60]
    return render(
        request,
        "counter/manage_outlet.html",
        {
            "outlet": outlet,
            "windows": outlet.windows.order_by("number"),
            "slots": slots,
            "outlet_form": outlet_form,
            "window_form": window_form,
            "slots_form": slots_form,
        },
    )


@never_cache
@require_perm(Perm.COUNTER_MANAGE)
def manage_qualifications(request: HttpRequest) -> HttpResponse:
    user = staff(request)
    regions = visible_regions(user)
    form = QualificationForm()
    if request.method == "POST":
        try:
            if request.POST.get("revoke"):
                q = (
                    TellerQualification.objects.select_related("teller__office__region")
                    .filter(pk=request.POST["revoke"], teller__office__region__in=regions)
                    .first()
                )
                if q is None:
                    raise Http404
                services.qualification_revoke(by=user, qualification=q)
                messages.success(request, _("Qualification removed."))
                return redirect("counter:manage_qualifications")
            form = QualificationForm(request.POST)
            if form.is_valid():
                teller = User.objects.filter(
                    username=form.cleaned_data["username"], office__region__in=regions
                ).first()
                if teller is None:
                    form.add_error("username", _("No staff member with this user name in your region."))
                else:
                    services.qualification_grant(
                        by=user,
                        teller=teller,
                        zone=form.cleaned_data["zone"],
                        item_code=form.cleaned_data["item_code"],
                    )
                    messages.success(request, _("Qualification granted."))
                    return redirect("counter:manage_qualifications")
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
    rows = (
        TellerQualification.objects.filter(teller__office__region__in=regions)
        .select_related("teller__office__region")
        .order_by("teller__username", "zone", "item_code")
    )
    return render(request, "counter/manage_qualifications.html", {"rows": rows, "form": form})
