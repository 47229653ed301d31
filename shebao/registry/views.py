"""Registry pages for staff: find a person or employer, a person's whole record on one screen
(所有险种一屏展示), an employer's page with its staff, each as it was on a past date.

Every page needs `Perm.REGISTRY_VIEW` and is bound to the user's region: a record outside
`visible_regions(user)` gets the same "not found or not in your region" page as a record that does
not exist, so a page never tells whether it exists. ID numbers are masked everywhere; the full number
is shown only by `person_reveal_id` (POST, `Perm.REGISTRY_FULL_ID`), which writes an audit event in
the same transaction as the response that shows it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from shebao.audit.services import audit_record
from shebao.catalogue.models import InsuranceType
from shebao.core.access import can_see_region, forbidden, require_perm, staff
from shebao.core.errors import ApplicationError
from shebao.core.masking import mask_account, mask_id_number, mask_phone
from shebao.core.models import Region
from shebao.core.permissions import Perm
from shebao.registry import bulk_jobs, selectors
from shebao.registry.forms import AsOfForm, SearchForm, StaffChangesForm
from shebao.registry.identity import check_identifier, looks_like_number
from shebao.registry.models import (
    Employer,
    EmployerStatus,
    EmployerType,
    EnrolmentStatus,
    Gender,
    HouseholdType,
    JobStatus,
    Person,
    PersonStatus,
    StaffChangesJob,
)

SEARCH_LIMIT = 50
FULL_ID_ACTION = "registry.full_id_viewed"

# A query with this many digits may be (part of) an ID number: never echoed back in full.
_DIGITS = re.compile(r"\d")


def _not_found(request: HttpRequest) -> HttpResponse:
    """The one answer for "no such record" and "not in your region": it must not tell them apart."""
    return render(request, "registry/not_found.html", status=404)


def _visible_person(request: HttpRequest, pk: int) -> Person | None:
    person = Person.objects.select_related("region").filter(pk=pk).first()
    if person is None or not can_see_region(staff(request), person.region):
        return None
    return person


def _visible_employer(request: HttpRequest, pk: int) -> Employer | None:
    employer = Employer.objects.select_related("region").filter(pk=pk).first()
    if employer is None or not can_see_region(staff(request), employer.region):
        return None
    return employer


# --- readable history and snapshots ---------------------------------------------------------------

MASKERS = {
    "id_number": mask_id_number,
    "phone": mask_phone,
    "bank_account": mask_account,
    "person": mask_id_number,  # an employer's staff change names the person by ID number
}
CHOICE_FIELDS: dict[str, Any] = {
    "gender": Gender,
    "household_type": HouseholdType,
    "employer_type": EmployerType,
}
EXTRA_LABELS: dict[str, Any] = {
    "person": gettext_lazy("Staff member"),
    "region": gettext_lazy("Region"),
    "arrears": gettext_lazy("Contributions owed"),
}
KIND_LABELS: dict[str, Any] = {
    "registered": gettext_lazy("Registered"),
    "changed": gettext_lazy("Data changed"),
    "key_data_changed": gettext_lazy("Key data changed"),
    "payout_changed": gettext_lazy("Payout account changed"),
    "status_changed": gettext_lazy("Status changed"),
    "enrolled": gettext_lazy("Enrolled"),
    "enrolment_suspended": gettext_lazy("Contributions suspended"),
    "enrolment_resumed": gettext_lazy("Contributions resumed"),
    "enrolment_ended": gettext_lazy("Enrolment ended"),
    "transferred": gettext_lazy("Transferred to another employer"),
    "staff_increase": gettext_lazy("Staff increase"),
    "staff_decrease": gettext_lazy("Staff decrease"),
    "staff_ended": gettext_lazy("Left the staff"),
}
ENROLMENT_KEY = "enrolments."
Model = type[Person] | type[Employer]


def field_label(model: Model, name: str) -> str:
    if name in EXTRA_LABELS:
        return str(EXTRA_LABELS[name])
    try:
        label = getattr(model._meta.get_field(name), "verbose_name", name)
    except FieldDoesNotExist:
        return name
    return str(capfirst(str(label)))


def _label_of(choices: Any, value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def readable_value(model: Model, name: str, value: Any, regions: dict[str, str] | None = None) -> str:
    """A stored value as staff read it; ID numbers, phones and accounts masked."""
    if value is None or value == "":
        return "—"
    if name == "region" and regions and value in regions:
        return f"{regions[value]} {value}"
    if name in MASKERS:
        return MASKERS[name](str(value))
    if name == "status":
        return _label_of(PersonStatus if model is Person else EmployerStatus, value)
    if name in CHOICE_FIELDS:
        return _label_of(CHOICE_FIELDS[name], value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, (list, dict)):
        return "…"
    return str(value)


def enrolment_text(snapshot: Any) -> str:
    """One enrolment of a snapshot or a change, in a line: employer, period, status."""
    if not isinstance(snapshot, dict):
        return "—"
    employer = snapshot.get("employer_name") or _("no employer")
    end = snapshot.get("end_date") or _("now")
    status = _label_of(EnrolmentStatus, snapshot.get("status"))
    return f"{employer}, {snapshot.get('start_date') or '—'} – {end}, {status}"


@dataclass
class ChangeLine:
    label: str
    old: str
    new: str


@dataclass
class HistoryRow:
    at: dt.datetime
    by: str
    kind: str
    case_ref: str
    lines: list[ChangeLine] = field(default_factory=list)


def history_rows(
    changes: Any, model: Model, type_names: dict[str, str], regions: dict[str, str] | None = None
) -> list[HistoryRow]:
    rows = []
    for change in changes:
        lines = []
        for name, pair in (change.changes or {}).items():
            old, new = (list(pair) + [None, None])[:2] if isinstance(pair, list) else (None, pair)
            if name.startswith(ENROLMENT_KEY):
                code = name[len(ENROLMENT_KEY) :]
                lines.append(
                    ChangeLine(
                        type_names.get(code, code),
                        enrolment_text(old) if old else "—",
                        enrolment_text(new) if new else "—",
                    )
                )
            else:
                lines.append(
                    ChangeLine(
                        field_label(model, name),
                        readable_value(model, name, old, regions),
                        readable_value(model, name, new, regions),
                    )
                )
        rows.append(
            HistoryRow(
                at=change.changed_at,
                by=str(change.changed_by) if change.changed_by_id else _("system"),
                kind=str(KIND_LABELS.get(change.kind, change.kind)),
                case_ref=change.case_ref,
                lines=lines,
            )
        )
    return rows


@dataclass
class Fact:
    label: str
    value: str


@dataclass
class SnapshotView:
    """A record as it was: its facts, and its enrolments (person) or staff counts (employer)."""

    facts: list[Fact]
    enrolments: list[Fact]


PERSON_SNAPSHOT_FIELDS = (
    "name",
    "id_number",
    "gender",
    "birth_date",
    "phone",
    "address",
    "household_type",
    "bank_name",
    "bank_account",
    "region",
    "status",
    "status_date",
)
EMPLOYER_SNAPSHOT_FIELDS = (
    "name",
    "credit_code",
    "employer_type",
    "industry",
    "injury_risk_class",
    "legal_representative",
    "contact_name",
    "contact_phone",
    "address",
    "bank_name",
    "bank_account",
    "region",
    "status",
    "status_date",
    "arrears",
)


def snapshot_view(
    snapshot: dict[str, Any] | None,
    *,
    model: Model,
    types: list[InsuranceType],
    regions: dict[str, str] | None = None,
) -> SnapshotView | None:
    if snapshot is None:
        return None
    fields = PERSON_SNAPSHOT_FIELDS if model is Person else EMPLOYER_SNAPSHOT_FIELDS
    facts = [
        Fact(field_label(model, n), readable_value(model, n, snapshot.get(n), regions))
        for n in fields
        if n in snapshot
    ]
    names = {t.code: t.name for t in types}
    lines: list[Fact] = []
    if model is Person:
        for e in snapshot.get("enrolments") or []:
            if isinstance(e, dict):
                code = str(e.get("insurance_type", ""))
                lines.append(Fact(names.get(code, code), enrolment_text(e)))
    else:
        staff = snapshot.get("staff") or {}
        lines = [Fact(t.name, str(staff.get(t.code, 0))) for t in types]
    return SnapshotView(facts=facts, enrolments=lines)


def _as_of(request: HttpRequest) -> tuple[AsOfForm, dt.date | None]:
    form = AsOfForm(request.GET if "on" in request.GET else None)
    on = form.cleaned_data.get("on") if form.is_valid() else None
    return form, on


def _age(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


# --- search ---------------------------------------------------------------------------------------


@require_perm(Perm.REGISTRY_VIEW)
def search(request: HttpRequest) -> HttpResponse:
    """One box: full ID number, credit code or name. POST, so a typed ID number stays out of URLs."""
    user = staff(request)
    form = SearchForm(request.POST if request.method == "POST" else None)
    context: dict[str, Any] = {"form": form, "searched": False, "limit": SEARCH_LIMIT}
    if form.is_bound and form.is_valid() and looks_like_number(form.cleaned_data["q"]):
        try:  # a malformed number gets the desk's reason (check digit, date, length), not "no results"
            check_identifier(form.cleaned_data["q"])
        except ApplicationError as exc:
            # The box starts empty again rather than echo the (mistyped) number into the page.
            context.update(form=SearchForm(), search_error=exc.message)
            response = render(request, "registry/search.html", context, status=400)
            response["Cache-Control"] = "no-store"
            return response
    if form.is_bound and form.is_valid():
        q = form.cleaned_data["q"]
        persons = list(selectors.person_search(user=user, q=q).select_related("region")[: SEARCH_LIMIT + 1])
        employers = list(
            selectors.employer_search(user=user, q=q).select_related("region")[: SEARCH_LIMIT + 1]
        )
        looks_like_id = len(_DIGITS.findall(q)) >= 6
        context.update(
            searched=True,
            persons=persons[:SEARCH_LIMIT],
            persons_more=len(persons) > SEARCH_LIMIT,
            employers=employers[:SEARCH_LIMIT],
            employers_more=len(employers) > SEARCH_LIMIT,
            shown_query=mask_id_number(q) if looks_like_id else q,
        )
        # The box starts empty again rather than echo a full ID number into the page.
        context["form"] = SearchForm(initial={} if looks_like_id else {"q": q})
    response = render(request, "registry/search.html", context, status=400 if form.errors else 200)
    response["Cache-Control"] = "no-store"
    return response


# --- person ---------------------------------------------------------------------------------------


@dataclass
class Duplicate:
    """The other record of a possible duplicate, and whether this user may open it."""

    person: Person
    visible: bool


def _duplicates(user: Any, person: Person, flagged: list[Any]) -> list[Duplicate]:
    others = [d.other if d.person_id == person.pk else d.person for d in flagged]
    regions = Region.objects.in_bulk({o.region_id for o in others})
    for other in others:
        other.region = regions[other.region_id]
    return [Duplicate(o, can_see_region(user, o.region)) for o in others]


def _person_context(request: HttpRequest, person: Person, *, full_id: str | None) -> dict[str, Any]:
    user = staff(request)
    overview = selectors.person_overview(person=person)
    types = [row.insurance_type for row in overview.types]
    regions = {person.region.code: person.region.name}
    as_of_form, on = _as_of(request)
    as_of = None
    if on is not None:
        as_of = snapshot_view(
            selectors.person_as_of(person=person, on=on), model=Person, types=types, regions=regions
        )
    all_history = request.GET.get("history") == "all"
    changes = selectors.person_history(person=person) if all_history else overview.recent_changes
    return {
        "person": person,
        "overview": overview,
        "enrolled_count": sum(1 for row in overview.types if row.current is not None),
        "age": _age(person.birth_date, timezone.localdate()),
        "duplicates": _duplicates(user, person, overview.possible_duplicates)
        if overview.possible_duplicates
        else [],
        "history": history_rows(changes, Person, {t.code: t.name for t in types}, regions),
        "history_all": all_history,
        "history_more": not all_history and len(overview.recent_changes) >= selectors.RECENT_CHANGES,
        "as_of_form": as_of_form,
        "as_of_date": on,
        "as_of": as_of,
        "full_id": full_id,
        "can_reveal": user.has_perm_code(Perm.REGISTRY_FULL_ID),
    }


@never_cache
@require_perm(Perm.REGISTRY_VIEW)
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything about a person on one screen, and the record as it was on a chosen date."""
    person = _visible_person(request, pk)
    if person is None:
        return _not_found(request)
    return render(request, "registry/person.html", _person_context(request, person, full_id=None))


@never_cache
@require_perm(Perm.REGISTRY_VIEW)
@require_POST
def person_reveal_id(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the full ID number once; every reveal is an audit event in the same transaction."""
    user = staff(request)
    if not user.has_perm_code(Perm.REGISTRY_FULL_ID):
        return forbidden(request, _("Your posts do not allow showing full ID numbers."))
    person = _visible_person(request, pk)
    if person is None:
        return _not_found(request)
    with transaction.atomic():
        audit_record(actor=user, action=FULL_ID_ACTION, subject=person, region_code=person.region.code)
        if request.headers.get("HX-Request"):
            return render(request, "registry/_full_id.html", {"person": person, "full_id": person.id_number})
        return render(
            request, "registry/person.html", _person_context(request, person, full_id=person.id_number)
        )


# --- employer -------------------------------------------------------------------------------------


@dataclass
class StaffLine:
    person: Person
    since: dt.date | None
    types: list[InsuranceType]


def _employer_history(
    changes: list[Any], types: list[InsuranceType], regions: dict[str, str]
) -> list[HistoryRow]:
    rows = history_rows(changes, Employer, {t.code: t.name for t in types}, regions)
    # Staff changes name the person by ID number: show their name beside the masked number.
    numbers = {
        pair[1]
        for c in changes
        for name, pair in (c.changes or {}).items()
        if name == "person" and isinstance(pair, list) and len(pair) > 1 and pair[1]
    }
    if numbers:
        names = dict(Person.objects.filter(id_number__in=numbers).values_list("id_number", "name"))
        masked = {mask_id_number(n): names[n] for n in numbers if n in names}
        for row in rows:
            for line in row.lines:
                if line.new in masked:
                    line.new = f"{masked[line.new]} {line.new}"
    return rows


def _employer_context(request: HttpRequest, employer: Employer) -> dict[str, Any]:
    user = staff(request)
    overview = selectors.employer_overview(employer=employer)
    types = [t for t, _count in overview.counts]
    regions = {employer.region.code: employer.region.name}
    as_of_form, on = _as_of(request)
    as_of = None
    if on is not None:
        as_of = snapshot_view(
            selectors.employer_as_of(employer=employer, on=on), model=Employer, types=types, regions=regions
        )
    all_history = request.GET.get("history") == "all"
    changes = list(selectors.employer_history(employer=employer)) if all_history else overview.recent_changes
    can_bulk = user.has_perm_code(Perm.REGISTRY_BULK)
    return {
        "employer": employer,
        "overview": overview,
        "counts": [{"insurance_type": t, "count": n} for t, n in overview.counts],
        "staff_rows": [
            StaffLine(
                person=row.person,
                since=min((e.start_date for e in row.enrolments), default=None),
                types=row.insurance_types,
            )
            for row in overview.staff
        ],
        "history": _employer_history(changes, types, regions),
        "history_all": all_history,
        "history_more": not all_history and len(overview.recent_changes) >= selectors.RECENT_CHANGES,
        "as_of_form": as_of_form,
        "as_of_date": on,
        "as_of": as_of,
        "can_bulk": can_bulk,
        "bulk_form": StaffChangesForm() if can_bulk else None,
        "bulk_jobs": list(StaffChangesJob.objects.filter(employer=employer)[:5]) if can_bulk else [],
    }


@never_cache
@require_perm(Perm.REGISTRY_VIEW)
def employer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An employer's data, staff, counts per insurance type, history and as-of view."""
    employer = _visible_employer(request, pk)
    if employer is None:
        return _not_found(request)
    return render(request, "registry/employer.html", _employer_context(request, employer))


@require_perm(Perm.REGISTRY_VIEW)
@require_POST
def employer_staff_changes(request: HttpRequest, pk: int) -> HttpResponse:
    """Bulk staff increase and decrease from a file: queued as a job, applied all or nothing."""
    user = staff(request)
    if not user.has_perm_code(Perm.REGISTRY_BULK):
        return forbidden(request)
    employer = _visible_employer(request, pk)
    if employer is None:
        return _not_found(request)
    form = StaffChangesForm(request.POST, request.FILES)
    error: ApplicationError | None = None
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = bulk_jobs.staff_changes_job_start(
                employer=employer, file=upload, filename=upload.name or "", by=user
            )
        except ApplicationError as exc:
            error = exc
        else:
            return redirect("registry:staff_changes_job", pk=employer.pk, job=job.pk)
    context = _employer_context(request, employer)
    context.update(bulk_form=form, bulk_error=error, bulk_open=True)
    return render(request, "registry/employer.html", context, status=400)


@never_cache
@require_perm(Perm.REGISTRY_BULK)
def staff_changes_job(request: HttpRequest, pk: int, job: int) -> HttpResponse:
    """A staff changes job: waiting or running (the page refreshes itself), done with its counts, or
    failed with every bad row."""
    employer = _visible_employer(request, pk)
    found = StaffChangesJob.objects.filter(pk=job, employer=employer).first() if employer else None
    if employer is None or found is None:
        return _not_found(request)
    context = {
        "employer": employer,
        "job": found,
        "done_message": _bulk_done_message(found.result) if found.status == JobStatus.DONE else "",
    }
    template = "registry/_staff_changes_job.html" if request.headers.get("HX-Request") else None
    return render(request, template or "registry/staff_changes_job.html", context)


def _bulk_done_message(result: dict[str, Any]) -> str:
    return _(
        "Staff changes applied: %(rows)s rows; %(increased)s persons added (%(registered)s newly registered, "
        "%(created)s enrolments opened), %(decreased)s removed (%(ended)s enrolments ended)."
    ) % {k: result.get(k, 0) for k in ("rows", "increased", "registered", "created", "decreased", "ended")}
