"""Portal pages of insured persons: open an account, sign in and out, reset the password,
one-click query (一键查询), the case page with online rating, one-click appointment (一键预约), messages.

Views parse input and call one service or selector. The one-time code flow keeps only the code row's
pk in the session (never the ID number or the code). Every page that shows the person's data records
the query (`services.query_record`).
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.crypto import salted_hmac
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shebao.cases.models import Notification
from shebao.catalogue.models import Zone
from shebao.catalogue.selectors import published_edition
from shebao.core.errors import ApplicationError
from shebao.core.masking import mask_id_number, mask_phone
from shebao.counter.models import Appointment, AppointmentStatus, Outlet
from shebao.counter.selectors import free_slots
from shebao.evaluation.models import RatingLevel
from shebao.portal import selectors, services
from shebao.portal.access import account_of, portal_account, portal_required
from shebao.portal.forms import BookForm, IdentifyForm, LoginForm, RatingForm, RegisterForm, ResetForm
from shebao.portal.models import AccountKind, CodePurpose, PhoneCode
from shebao.portal.realname import get_adapter
from shebao.registry.identity import check_id_number

SESSION_CODE = "portal_code"
CODE_RE = re.compile(r"(?<!\d)\d{6}(?!\d)")


def _show_demo_codes() -> bool:
    return bool(settings.DEBUG or getattr(settings, "SHEBAO_DEMO_SHOW_CODES", False))


def _error_context(exc: ApplicationError) -> dict[str, Any]:
    return {"error": exc.message, "error_details": exc.details, "error_code": exc.code}


# --- sign in and out -------------------------------------------------------------------------------


def _login_username(id_number: str) -> str:
    """The account user's username, or an opaque stand-in for an ID number without an account.

    The stand-in is per ID number, so unknown and known ID numbers are throttled (django-axes,
    locked by username) exactly alike and the page never tells whether an account exists.
    """
    account = selectors.account_by_id_number(id_number)
    if account is not None:
        return account.user.get_username()
    return "p-x" + salted_hmac("shebao.portal.login", id_number, algorithm="sha256").hexdigest()[:16]


def _mask_posted_id(request: HttpRequest) -> None:
    # django-axes stores the POST data of failed attempts: keep only the masked ID number there.
    post = request.POST.copy()
    post["id_number"] = mask_id_number(post.get("id_number", ""))
    request.POST = post  # type: ignore[assignment]


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/my/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("portal:home")


def login_view(request: HttpRequest) -> HttpResponse:
    if account_of(request.user) is not None:
        return redirect("portal:home")
    form = LoginForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            number = check_id_number(form.cleaned_data["id_number"]).number
        except ApplicationError as exc:
            error = str(exc.message)
        else:
            username = _login_username(number)
            _mask_posted_id(request)
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            account = account_of(user)
            if user is not None and account is not None and account.kind == AccountKind.PERSON:
                login(request, user)
                return redirect(_next_url(request))
            error = _(
                "Wrong ID number or password. After 5 failed tries sign-in is locked for an hour; "
                "resetting the password by text message unlocks it."
            )
    return render(
        request,
        "portal/login.html",
        {"form": form, "error": error, "next": _next_url(request)},
        status=400 if error else 200,
    )


def logout_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        logout(request)
        messages.success(request, _("You have signed out."))
        return redirect("portal:login")
    return render(request, "portal/logout.html")


# --- open an account, reset the password ------------------------------------------------------------


FLOWS: dict[str, dict[str, str]] = {
    CodePurpose.REGISTER: {"start": "portal:register", "code": "portal:register_code"},
    CodePurpose.RESET: {"start": "portal:reset", "code": "portal:reset_code"},
}


def _identify(request: HttpRequest, purpose: str) -> HttpResponse:
    if account_of(request.user) is not None:
        return redirect("portal:home")
    form = IdentifyForm(request.POST or None)
    ctx: dict[str, Any] = {"form": form, "purpose": purpose}
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            row = services.code_send(
                purpose=purpose, id_number=form.cleaned_data["id_number"], name=form.cleaned_data["name"]
            )
        except ApplicationError as exc:
            ctx.update(_error_context(exc))
            status = exc.status
        else:
            request.session[SESSION_CODE] = {"id": row.pk, "purpose": purpose}
            return redirect(FLOWS[purpose]["code"])
    return render(request, "portal/identify.html", ctx, status=status)


def register(request: HttpRequest) -> HttpResponse:
    return _identify(request, CodePurpose.REGISTER)


def reset(request: HttpRequest) -> HttpResponse:
    return _identify(request, CodePurpose.RESET)


def _code_row(request: HttpRequest, purpose: str) -> PhoneCode | None:
    state = request.session.get(SESSION_CODE) or {}
    if state.get("purpose") != purpose or not isinstance(state.get("id"), int):
        return None
    return PhoneCode.objects.select_related("person").filter(pk=state["id"], purpose=purpose).first()


def _demo_box(row: PhoneCode) -> dict[str, str] | None:
    """What the demo phone received (the database notification backend keeps it), in demo mode only."""
    if not _show_demo_codes() or row.person is None:
        return None
    sms = (
        Notification.objects.filter(person=row.person, channel="sms", created_at__gte=row.created_at)
        .order_by("-created_at", "-id")
        .first()
    )
    if sms is None:
        return None
    found = CODE_RE.search(sms.body)
    box = {"text": sms.body, "code": found.group(0) if found else ""}
    if row.purpose == CodePurpose.REGISTER:
        hint = getattr(get_adapter(), "demo_hint", None)
        box["card"] = hint(row.person) if hint else ""
    return box


def _code_form(purpose: str, data: Any) -> RegisterForm | ResetForm:
    if purpose == CodePurpose.REGISTER:
        return RegisterForm(data, evidence_fields=list(get_adapter().evidence_fields))
    return ResetForm(data)


def _code_step(request: HttpRequest, purpose: str) -> HttpResponse:
    row = _code_row(request, purpose)
    if row is None or row.used_at is not None:
        messages.info(request, _("Start again: give your ID number and name."))
        return redirect(FLOWS[purpose]["start"])
    form = _code_form(purpose, request.POST if request.method == "POST" else None)
    ctx: dict[str, Any] = {"form": form, "purpose": purpose, "phone": mask_phone(row.phone)}
    status = 200
    if request.method == "POST" and request.POST.get("do") == "resend":
        try:
            row = services.code_resend(code_id=row.pk)
        except ApplicationError as exc:
            ctx.update(_error_context(exc))
            status = exc.status
        else:
            request.session[SESSION_CODE] = {"id": row.pk, "purpose": purpose}
            messages.success(
                request, _("A new code is on its way to %(phone)s.") % {"phone": mask_phone(row.phone)}
            )
            return redirect(FLOWS[purpose]["code"])
        ctx["form"] = _code_form(purpose, None)
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if isinstance(form, RegisterForm):
                account = services.account_open(
                    code_id=row.pk, code=data["code"], password=data["password1"], evidence=form.evidence()
                )
            else:
                account = services.password_reset(
                    code_id=row.pk, code=data["code"], password=data["password1"]
                )
        except ApplicationError as exc:
            ctx.update(_error_context(exc))
            status = exc.status
        else:
            request.session.pop(SESSION_CODE, None)
            login(request, account.user, backend="django.contrib.auth.backends.ModelBackend")
            if purpose == CodePurpose.REGISTER:
                messages.success(request, _("Your account is open. Welcome!"))
            else:
                messages.success(request, _("Your password is changed."))
            return redirect("portal:home")
    elif request.method == "POST":
        status = 400
    ctx["demo"] = _demo_box(row)
    return render(request, "portal/code.html", ctx, status=status)


def register_code(request: HttpRequest) -> HttpResponse:
    return _code_step(request, CodePurpose.REGISTER)


def reset_code(request: HttpRequest) -> HttpResponse:
    return _code_step(request, CodePurpose.RESET)


# --- one-click query --------------------------------------------------------------------------------


@portal_required(AccountKind.PERSON)
def home(request: HttpRequest) -> HttpResponse:
    """一键查询: enrolments by insurance type, employers, cases with progress, deadline and result."""
    account = portal_account(request)
    person = account.person
    assert person is not None  # noqa: S101 - person accounts always have one
    services.query_record(account=account, page="home")
    rows = selectors.my_enrolments(person=person)
    return render(
        request,
        "portal/home.html",
        {
            "person": person,
            "id_masked": mask_id_number(person.id_number),
            "types": rows,
            "employers": selectors.my_employers(rows=rows),
            "cases": selectors.my_cases(account=account),
            "unread": selectors.unread_count(account=account),
        },
    )


def _case_or_404(request: HttpRequest, number: str) -> Any:
    case = selectors.my_case(account=portal_account(request), number=number)
    if case is None:
        raise Http404
    return case


def _rating_form(data: Any = None) -> RatingForm:
    return RatingForm(data, levels=list(RatingLevel.objects.order_by("-value")))


@portal_required(AccountKind.PERSON)
def case_page(request: HttpRequest, number: str) -> HttpResponse:
    account = portal_account(request)
    case = _case_or_404(request, number)
    services.query_record(account=account, page="case", case=case)
    return _render_case(request, case, _rating_form())


def _render_case(request: HttpRequest, case: Any, form: RatingForm, status: int = 200) -> HttpResponse:
    detail = selectors.case_detail(account=portal_account(request), case=case)
    return render(
        request, "portal/case.html", {"d": detail, "case": case, "rating_form": form}, status=status
    )


@require_POST
@portal_required(AccountKind.PERSON)
def case_rate(request: HttpRequest, number: str) -> HttpResponse:
    account = portal_account(request)
    case = _case_or_404(request, number)
    form = _rating_form(request.POST)
    if form.is_valid():
        try:
            services.my_case_rate(
                account=account,
                case=case,
                level_value=form.cleaned_data["level"],
                comment=form.cleaned_data["comment"],
            )
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Thank you for your rating."))
        return redirect("portal:case", number=case.number)
    return _render_case(request, case, form, status=400)


# --- one-click appointment ---------------------------------------------------------------------------


@portal_required(AccountKind.PERSON)
def appointments(request: HttpRequest) -> HttpResponse:
    """一键预约: outlet (own county first), zone, a free slot; my appointments with their booking codes."""
    account = portal_account(request)
    person = account.person
    assert person is not None  # noqa: S101
    outlets = selectors.booking_outlets(account=account)
    outlet: Outlet | None = next((o for o in outlets if o.code == request.GET.get("outlet")), None)
    zone = request.GET.get("zone", "")
    zone = zone if zone in Zone.values and outlet is not None else ""
    form = BookForm(request.POST or None)
    status = 200
    booked: Appointment | None = None
    if request.method == "POST":
        if form.is_valid():
            slot = selectors.booking_slot(account=account, slot_id=form.cleaned_data["slot"])
            if slot is None:
                form.add_error("slot", _("Choose one of the free times."))
                status = 400
            else:
                try:
                    booked = services.my_appointment_book(
                        account=account, slot=slot, item_code=form.cleaned_data["item_code"]
                    )
                except ApplicationError as exc:
                    form.add_error(None, str(exc.message))
                    status = exc.status
                else:
                    messages.success(
                        request,
                        _("Booked. Your booking code is %(code)s: show it at the kiosk.")
                        % {"code": booked.code},
                    )
                    return redirect("portal:appointments")
        else:
            status = 400
    services.query_record(account=account, page="appointments")
    slots = list(free_slots(outlet=outlet, zone=zone)[:120]) if outlet is not None and zone else []
    items: list[Any] = []
    edition = published_edition()
    if zone and edition is not None:
        items = list(edition.items.filter(zone=zone, channels__code="counter").order_by("order", "code"))
    mine = selectors.my_appointments(account=account)
    return render(
        request,
        "portal/appointments.html",
        {
            "outlets": outlets,
            "outlet": outlet,
            "own_county_path": _county_path(person),
            "zones": Zone.choices,
            "zone": zone,
            "slots": slots,
            "items": items,
            "form": form,
            "mine": mine,
            "booked_status": AppointmentStatus.BOOKED,
        },
        status=status,
    )


def _county_path(person: Any) -> str:
    from shebao.core.models import RegionLevel

    region = person.region
    while region is not None and region.level != RegionLevel.COUNTY:
        region = region.parent
    return region.path if region is not None else "-"


@require_POST
@portal_required(AccountKind.PERSON)
def appointment_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    account = portal_account(request)
    appointment = Appointment.objects.filter(pk=pk, person=account.person).first()
    if appointment is None:
        raise Http404
    try:
        services.my_appointment_cancel(account=account, appointment=appointment)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Your appointment is cancelled."))
    return redirect("portal:appointments")


# --- messages ---------------------------------------------------------------------------------------


@portal_required(AccountKind.PERSON, AccountKind.EMPLOYER_AGENT)
def message_list(request: HttpRequest) -> HttpResponse:
    account = portal_account(request)
    services.query_record(account=account, page="messages")
    return render(
        request, "portal/messages.html", {"items": list(selectors.my_messages(account=account)[:200])}
    )


@portal_required(AccountKind.PERSON, AccountKind.EMPLOYER_AGENT)
def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = portal_account(request)
    notification = selectors.my_message(account=account, pk=pk)
    if notification is None:
        raise Http404
    notification = services.message_open(account=account, notification=notification)
    return render(request, "portal/message.html", {"m": notification})


urlpatterns: list[URLPattern] = [
    path("", home, name="home"),
    path("login/", login_view, name="login"),
    path("logout/", logout_view, name="logout"),
    path("register/", register, name="register"),
    path("register/code/", register_code, name="register_code"),
    path("reset/", reset, name="reset"),
    path("reset/code/", reset_code, name="reset_code"),
    path("cases/<str:number>/", case_page, name="case"),
    path("cases/<str:number>/rate/", case_rate, name="case_rate"),
    path("appointments/", appointments, name="appointments"),
    path("appointments/<int:pk>/cancel/", appointment_cancel, name="appointment_cancel"),
    path("messages/", message_list, name="messages"),
    path("messages/<int:pk>/", message_detail, name="message"),
]
