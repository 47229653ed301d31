"""Employer self-service pages (/my/employer/): agents' accounts, staff, staff changes, cases.

Every page but registration and sign-in is `agent_required`; what it shows is bounded by the signed-in
account's employer (`portal.employer`), never by a number in the URL alone. Writes go through
`portal.employer` services, which create cases through the online channel.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from shebao.cases.lifecycle import awaits_supplement
from shebao.cases.models import CaseStatus
from shebao.cases.services.online import last_return
from shebao.core.errors import ApplicationError
from shebao.core.masking import mask_id_number
from shebao.portal import employer as services
from shebao.portal.access import account_of, portal_account, portal_required
from shebao.portal.models import AccountKind
from shebao.registry.forms import StaffChangesForm
from shebao.registry.models import Person

SESSION_KEY = "portal_employer_register"


def agent_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Employer agents only; anonymous visitors go to the agents' sign-in page."""
    guarded = portal_required(AccountKind.EMPLOYER_AGENT)(view)

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("portal:employer_login"))
        return guarded(request, *args, **kwargs)

    return wrapped


def _show_codes() -> bool:
    return bool(settings.DEBUG or getattr(settings, "SHEBAO_DEMO_SHOW_CODES", False))


# ---------------------------------------------------------------------------------------------
# Forms


class AgentStartForm(forms.Form):
    credit_code = forms.CharField(label=gettext_lazy("Employer's credit code"), max_length=30)
    name = forms.CharField(label=gettext_lazy("Your name"), max_length=60)
    id_number = forms.CharField(label=gettext_lazy("Your ID number"), max_length=30)


class AgentFinishForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from the message"),
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    password = forms.CharField(
        label=gettext_lazy("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=gettext_lazy("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password2"):
            raise forms.ValidationError(_("The two passwords differ."))
        return data


class AgentLoginForm(forms.Form):
    credit_code = forms.CharField(label=gettext_lazy("Employer's credit code"), max_length=30)
    id_number = forms.CharField(label=gettext_lazy("Your ID number"), max_length=30)
    password = forms.CharField(
        label=gettext_lazy("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


def _type_choices() -> list[tuple[str, str]]:
    return [(t.code, t.name) for t in services.employee_types()]


DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class IncreaseForm(forms.Form):
    id_number = forms.CharField(label=gettext_lazy("ID number"), max_length=30)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=60)
    on = forms.DateField(label=gettext_lazy("Start date"), input_formats=["%Y-%m-%d"], widget=DATE_WIDGET)
    insurance_types = forms.MultipleChoiceField(
        label=gettext_lazy("Insurance types"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("None ticked: all five employee types."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["insurance_types"].choices = _type_choices()  # type: ignore[attr-defined]


class DecreaseForm(forms.Form):
    person = forms.IntegerField(required=False, widget=forms.HiddenInput)
    id_number = forms.CharField(label=gettext_lazy("ID number"), max_length=30, required=False)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=60)
    on = forms.DateField(label=gettext_lazy("End date"), input_formats=["%Y-%m-%d"], widget=DATE_WIDGET)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200)


# ---------------------------------------------------------------------------------------------
# Registration and sign-in


@never_cache
@require_http_methods(["GET", "POST"])
def employer_register(request: HttpRequest) -> HttpResponse:
    """Open an agent account: credit code, name and ID number → code to the employer's phone → password."""
    if account_of(request.user) is not None:
        return redirect("portal:employer_home")
    pending = request.session.get(SESSION_KEY)
    error: ApplicationError | None = None
    if request.method == "POST" and request.POST.get("step") == "restart":
        request.session.pop(SESSION_KEY, None)
        return redirect("portal:employer_register")
    if request.method == "POST" and request.POST.get("step") == "finish" and pending:
        finish = AgentFinishForm(request.POST)
        if finish.is_valid():
            try:
                account = services.agent_account_open(
                    code_id=pending["code_id"],
                    employer_id=pending["employer_id"],
                    id_number=pending["id_number"],
                    name=pending["name"],
                    code=finish.cleaned_data["code"],
                    password=finish.cleaned_data["password"],
                )
            except ApplicationError as exc:
                error = exc
            else:
                request.session.pop(SESSION_KEY, None)
                user = account.user
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, _("Your agent account is open."))
                return redirect("portal:employer_home")
        return _register_page(request, pending=pending, finish=finish, error=error)
    start = AgentStartForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and start.is_valid():
        try:
            sent = services.agent_code_send(**start.cleaned_data)
        except ApplicationError as exc:
            error = exc
        else:
            pending = {
                "code_id": sent.phone_code.pk,
                "employer_id": sent.employer.pk,
                "employer_name": sent.employer.name,
                "id_number": sent.id_number,
                "name": sent.name,
                "phone": sent.masked_phone,
            }
            request.session[SESSION_KEY] = pending
            if _show_codes():
                # The demo phone: the code shown on the page once, never stored in clear.
                request.session[SESSION_KEY + "_demo"] = sent.code
            return redirect("portal:employer_register")
        return _register_page(request, pending=None, start=start, error=error, status=400)
    return _register_page(request, pending=pending, start=start)


def _register_page(
    request: HttpRequest,
    *,
    pending: dict[str, Any] | None,
    start: AgentStartForm | None = None,
    finish: AgentFinishForm | None = None,
    error: ApplicationError | None = None,
    status: int | None = None,
) -> HttpResponse:
    demo_code = request.session.pop(SESSION_KEY + "_demo", None) if pending and _show_codes() else None
    context = {
        "pending": pending,
        "start": start or AgentStartForm(),
        "finish": finish or AgentFinishForm(),
        "error": error,
        "demo_code": demo_code,
    }
    return render(request, "portal/employer/register.html", context, status=status or (400 if error else 200))


FAILED_SIGN_IN = gettext_lazy(
    "The credit code, ID number or password is not right, or the account is locked for a while."
)


@never_cache
@require_http_methods(["GET", "POST"])
def employer_login(request: HttpRequest) -> HttpResponse:
    """Agents sign in with the employer's credit code, their ID number and password (throttled by axes)."""
    form = AgentLoginForm(request.POST if request.method == "POST" else None)
    failed = False
    if request.method == "POST" and form.is_valid():
        username = services.agent_login_username(
            credit_code=form.cleaned_data["credit_code"], id_number=form.cleaned_data["id_number"]
        )
        # django-axes stores the POST data of failed attempts: keep only the masked ID number there.
        post = request.POST.copy()
        post["id_number"] = mask_id_number(post.get("id_number", ""))
        request.POST = post  # type: ignore[assignment]
        user = authenticate(
            request, username=username or "ea_invalid", password=form.cleaned_data["password"]
        )
        account = account_of(user)
        if user is not None and account is not None and account.kind == AccountKind.EMPLOYER_AGENT:
            login(request, user)
            target = request.POST.get("next") or ""
            if not target.startswith("/my/employer/") or target.startswith("//"):
                target = reverse("portal:employer_home")
            return redirect(target)
        failed = True
    context = {
        "form": form,
        "failed": failed,
        "failed_message": FAILED_SIGN_IN,
        "next": request.GET.get("next", ""),
    }
    return render(request, "portal/employer/login.html", context, status=400 if failed else 200)


# ---------------------------------------------------------------------------------------------
# Pages for signed-in agents


@never_cache
@agent_required
def employer_home(request: HttpRequest) -> HttpResponse:
    """The employer's data, staff count, open cases and what the agent can do."""
    account = portal_account(request)
    employer = account.employer
    assert employer is not None  # noqa: S101 - the model's check constraint
    context = {
        "account": account,
        "agent_name": services.agent_name(account),
        "employer": employer,
        "staff_count": services.staff_count(employer=employer),
        "open_cases": services.employer_cases(employer=employer, status="open").paginator.count,
        "recent_cases": list(services.employer_cases(employer=employer).object_list[:5]),
        "bulk_online": services.online_item(services.BULK_EFFECT) is not None,
    }
    return render(request, "portal/employer/home.html", context)


@never_cache
@agent_required
def employer_staff(request: HttpRequest) -> HttpResponse:
    """The employer's current staff, paginated, searchable by name; ID numbers masked."""
    employer = portal_account(request).employer
    assert employer is not None  # noqa: S101
    q = request.GET.get("q", "").strip()[:60]
    page, lines = services.staff_page(employer=employer, q=q, page=request.GET.get("page"))
    return render(
        request,
        "portal/employer/staff.html",
        {"employer": employer, "page": page, "lines": lines, "q": q},
    )


def _submitted(request: HttpRequest, case: Any) -> HttpResponse:
    messages.success(
        request,
        _("Sent as case %(number)s. Staff will check it; follow its progress here.")
        % {"number": case.number},
    )
    return redirect("portal:employer_case", number=case.number)


@never_cache
@agent_required
@require_http_methods(["GET", "POST"])
def employer_staff_increase(request: HttpRequest) -> HttpResponse:
    """Report one new employee (增员): a case of the published online item."""
    account = portal_account(request)
    form = IncreaseForm(request.POST if request.method == "POST" else None)
    error: ApplicationError | None = None
    if request.method == "POST" and form.is_valid():
        try:
            case = services.staff_change_submit(
                account=account,
                action=services.INCREASE,
                id_number=form.cleaned_data["id_number"],
                name=form.cleaned_data["name"],
                on=form.cleaned_data["on"],
                insurance_types=form.cleaned_data["insurance_types"],
            )
        except ApplicationError as exc:
            error = exc
        else:
            return _submitted(request, case)
    return _change_page(request, "increase", form, error)


@never_cache
@agent_required
@require_http_methods(["GET", "POST"])
def employer_staff_decrease(request: HttpRequest) -> HttpResponse:
    """Report one departing employee (减员), chosen from the staff list or by ID number."""
    account = portal_account(request)
    employer = account.employer
    chosen: Person | None = None
    raw = request.POST.get("person") if request.method == "POST" else request.GET.get("person")
    if raw:
        chosen = _current_staff(employer, raw)
        if chosen is None:
            raise Http404
    initial = {"person": chosen.pk, "name": chosen.name, "on": timezone.localdate()} if chosen else None
    form = DecreaseForm(request.POST if request.method == "POST" else None, initial=initial)
    error: ApplicationError | None = None
    if request.method == "POST" and form.is_valid():
        id_number = chosen.id_number if chosen is not None else form.cleaned_data["id_number"]
        try:
            case = services.staff_change_submit(
                account=account,
                action=services.DECREASE,
                id_number=id_number,
                name=form.cleaned_data["name"],
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
            )
        except ApplicationError as exc:
            error = exc
        else:
            return _submitted(request, case)
    return _change_page(request, "decrease", form, error, chosen=chosen)


def _current_staff(employer: Any, raw: str) -> Person | None:
    """A person by internal pk, only if they are currently staff of the agent's employer."""
    try:
        pk = int(raw)
    except (TypeError, ValueError):
        return None
    return (
        Person.objects.filter(pk=pk, enrolments__employer=employer, enrolments__end_date__isnull=True)
        .distinct()
        .first()
    )


def _change_page(
    request: HttpRequest, action: str, form: forms.Form, error: ApplicationError | None, chosen: Any = None
) -> HttpResponse:
    context = {
        "action": action,
        "form": form,
        "error": error,
        "chosen": chosen,
        "chosen_masked": mask_id_number(chosen.id_number) if chosen is not None else "",
        "item": services.online_item(
            services.INCREASE_EFFECT if action == "increase" else services.DECREASE_EFFECT
        ),
    }
    status = 400 if (error is not None or form.errors) else 200
    return render(request, "portal/employer/change.html", context, status=status)


@never_cache
@agent_required
@require_http_methods(["GET", "POST"])
def employer_staff_file(request: HttpRequest) -> HttpResponse:
    """Staff changes from a file (same format as the registry's bulk upload): checked whole, one case."""
    account = portal_account(request)
    form = StaffChangesForm(request.POST or None, request.FILES or None)
    error: ApplicationError | None = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            case = services.staff_file_submit(account=account, file=upload, filename=upload.name)
        except ApplicationError as exc:
            error = exc
        else:
            return _submitted(request, case)
    context = {
        "form": form,
        "error": error,
        "item": services.online_item(services.BULK_EFFECT),
        "limit_mb": round(services.upload_limit() / (1024 * 1024), 1),
    }
    status = 400 if (error is not None or form.errors) else 200
    return render(request, "portal/employer/file.html", context, status=status)


SAMPLE_CSV = (
    "action,id_number,name,date,insurance_types,phone,household_type,address\r\n"
    "增员,110105199001010011,张三,2026-01-01,,13800138000,城镇,青河县人民路1号\r\n"
    "减员,110105198502020022,李四,2026-01-31,,,,\r\n"
)


@agent_required
def employer_staff_sample(request: HttpRequest) -> HttpResponse:
    """A sample file in the registry's bulk format (fictional rows)."""
    response = HttpResponse(("\ufeff" + SAMPLE_CSV).encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="staff-changes.csv"'
    return response


@never_cache
@agent_required
def employer_cases(request: HttpRequest) -> HttpResponse:
    """The employer's cases: status, deadline and result."""
    employer = portal_account(request).employer
    assert employer is not None  # noqa: S101
    status = request.GET.get("status", "")
    page = services.employer_cases(employer=employer, status=status, page=request.GET.get("page"))
    return render(
        request,
        "portal/employer/cases.html",
        {"employer": employer, "page": page, "status": status, "statuses": CaseStatus.choices},
    )


@never_cache
@agent_required
def employer_case(request: HttpRequest, number: str) -> HttpResponse:
    """One of the employer's cases (404 for any other case)."""
    employer = portal_account(request).employer
    assert employer is not None  # noqa: S101
    case = services.employer_case(employer=employer, number=number)
    if case is None:
        raise Http404
    data = case.data if isinstance(case.data, dict) else {}
    rows = data.get("rows")
    # A staff change names its employee in the data (the case's applicant is the employer).
    staff_id = str(data.get("id_number") or "")
    staff_person = Person.objects.filter(id_number=staff_id).only("name").first() if staff_id else None
    returned = awaits_supplement(case)
    context = {
        "case": case,
        "returned": returned,
        "asked_for": last_return(case) if returned else "",
        "staff_masked": mask_id_number(staff_id) if staff_id else "",
        "staff_name": staff_person.name if staff_person is not None else "",
        "person_masked": mask_id_number(case.person.id_number) if case.person else "",
        "actions": list(case.actions.all()),
        "file_rows": [
            {**r, "masked": mask_id_number(str(r.get("id_number", "")))} for r in (rows or [])[:200]
        ],
        "file_rows_more": max(len(rows or []) - 200, 0),
    }
    return render(request, "portal/employer/case.html", context)


urlpatterns: list[URLPattern] = [
    path("", employer_home, name="employer_home"),
    path("register/", employer_register, name="employer_register"),
    path("login/", employer_login, name="employer_login"),
    path("staff/", employer_staff, name="employer_staff"),
    path("staff/increase/", employer_staff_increase, name="employer_staff_increase"),
    path("staff/decrease/", employer_staff_decrease, name="employer_staff_decrease"),
    path("staff/file/", employer_staff_file, name="employer_staff_file"),
    path("staff/sample.csv", employer_staff_sample, name="employer_staff_sample"),
    path("cases/", employer_cases, name="employer_cases"),
    path("cases/<str:number>/", employer_case, name="employer_case"),
]
