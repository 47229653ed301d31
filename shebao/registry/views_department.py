"""Pages for other departments' API access (/departments/): clients, their keys and scopes, the access log.

Staff holding `Perm.DEPARTMENT_CLIENTS` issue a client (the key is shown once, on the answer to the
form, and never again), change its scope, revoke it, and read who read which record for what
purpose. Views are thin: `shebao.registry.department` does the work and the auditing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from shebao.core.access import require_perm, staff
from shebao.core.errors import ApplicationError
from shebao.core.permissions import Perm
from shebao.registry.department import (
    DEPARTMENTS,
    RECORD_TYPE_LABELS,
    SCOPE_FIELDS,
    access_reason_label,
    department_access_list,
    department_client_issue,
    department_client_list,
    department_client_revoke,
    department_client_set_scope,
    field_label,
)
from shebao.registry.models import DepartmentClient

PAGE_SIZE = 50
MANAGE = Perm.DEPARTMENT_CLIENTS


class ScopeForm(forms.Form):
    """One group of check boxes per record type; a field is shared only if its box is ticked."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for record_type, names in SCOPE_FIELDS.items():
            self.fields[f"scope_{record_type}"] = forms.MultipleChoiceField(
                label=RECORD_TYPE_LABELS[record_type],
                choices=[(name, f"{field_label(record_type, name)} ({name})") for name in names],
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )

    def scope(self) -> dict[str, list[str]]:
        return {rt: self.cleaned_data.get(f"scope_{rt}") or [] for rt in SCOPE_FIELDS}

    def scope_fields(self) -> list[Any]:
        return [self[f"scope_{rt}"] for rt in SCOPE_FIELDS]

    @staticmethod
    def initial_for(scope: dict[str, list[str]]) -> dict[str, list[str]]:
        return {f"scope_{rt}": list(scope.get(rt, [])) for rt in SCOPE_FIELDS}


class IssueForm(ScopeForm):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=80)
    department = forms.CharField(
        label=gettext_lazy("Department"),
        max_length=40,
        help_text=gettext_lazy("A short code, e.g. tax, medical_security, civil_affairs."),
        widget=forms.TextInput(attrs={"list": "departments"}),
    )
    field_order = ["name", "department"]


def _error(exc: ApplicationError) -> dict[str, Any]:
    return {"message": str(exc.message), "details": [str(d) for d in exc.details]}


def _scope_rows(scope: dict[str, list[str]]) -> list[tuple[str, list[str]]]:
    return [
        (
            str(RECORD_TYPE_LABELS.get(rt, rt)),
            [field_label(rt, f) for f in fields if f in SCOPE_FIELDS.get(rt, ())],
        )
        for rt, fields in scope.items()
        if rt in SCOPE_FIELDS
    ]


@require_perm(MANAGE)
def client_list(request: HttpRequest) -> HttpResponse:
    """Every client: name, department, key prefix, scope, active."""
    clients = [(client, _scope_rows(client.scope)) for client in department_client_list()]
    return render(request, "registry/department/client_list.html", {"clients": clients})


@require_perm(MANAGE)
@never_cache
def client_issue(request: HttpRequest) -> HttpResponse:
    """Issue a client; the answer shows its key once, and is never cached."""
    error = None
    if request.method == "POST":
        form = IssueForm(request.POST)
        if form.is_valid():
            try:
                client, key = department_client_issue(
                    by=staff(request),
                    name=form.cleaned_data["name"],
                    department=form.cleaned_data["department"],
                    scope=form.scope(),
                )
            except ApplicationError as exc:
                error = _error(exc)
            else:
                return render(
                    request,
                    "registry/department/issued.html",
                    {"client": client, "key": key, "scope": _scope_rows(client.scope)},
                )
    else:
        form = IssueForm()
    return render(
        request,
        "registry/department/client_form.html",
        {"form": form, "error": error, "departments": DEPARTMENTS.items(), "client": None},
    )


@require_perm(MANAGE)
def client_scope(request: HttpRequest, pk: int) -> HttpResponse:
    """Change which fields a client may read."""
    client = get_object_or_404(DepartmentClient, pk=pk)
    error = None
    if request.method == "POST":
        form = ScopeForm(request.POST)
        if form.is_valid():
            try:
                department_client_set_scope(by=staff(request), client=client, scope=form.scope())
            except ApplicationError as exc:
                error = _error(exc)
            else:
                messages.success(request, _("The scope of %(name)s is saved.") % {"name": client.name})
                return redirect("departments:clients")
    else:
        form = ScopeForm(initial=ScopeForm.initial_for(client.scope))
    return render(
        request, "registry/department/client_form.html", {"form": form, "error": error, "client": client}
    )


@require_perm(MANAGE)
@require_POST
def client_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    client = get_object_or_404(DepartmentClient, pk=pk)
    try:
        department_client_revoke(by=staff(request), client=client)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request, _("The key of %(name)s is revoked; it opens nothing any more.") % {"name": client.name}
        )
    return redirect("departments:clients")


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@require_perm(MANAGE)
def access_log(request: HttpRequest) -> HttpResponse:
    """Who read which record for what purpose, allowed or refused, and which fields were returned."""
    clients = list(department_client_list())
    client_id = request.GET.get("client", "").strip()
    client = next((c for c in clients if str(c.pk) == client_id), None)
    date_from = _date(request.GET.get("from", "").strip())
    date_to = _date(request.GET.get("to", "").strip())
    outcome = request.GET.get("outcome", "").strip()
    allowed = {"allowed": True, "refused": False}.get(outcome)
    rows = department_access_list(client=client, date_from=date_from, date_to=date_to, allowed=allowed)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    labels = {rt: str(label) for rt, label in RECORD_TYPE_LABELS.items()}
    entries = [
        (a, labels.get(a.record_type, a.record_type), access_reason_label(a.reason) if a.reason else "")
        for a in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "registry/department/access_log.html",
        {
            "page": page,
            "clients": clients,
            "client": client,
            "date_from": date_from,
            "date_to": date_to,
            "outcome": outcome if allowed is not None else "",
            "entries": entries,
            "query": query.urlencode(),
        },
    )
