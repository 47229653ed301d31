"""Catalogue management pages for staff: editions, the item editor, publication, the diff between
editions, the 四级四同 conformance report, local bindings and the register of standards.

Views are thin: they check access (`core.access`), parse the form, call one service or selector and
render. Services raise `ApplicationError`; its message and details are shown next to the form and
nothing is saved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shebao.catalogue import conditions as acceptance
from shebao.catalogue import selectors, services
from shebao.catalogue.forms import (
    BindingForm,
    BindingPickForm,
    CompareForm,
    EditionCreateForm,
    ImportForm,
    ItemForm,
    MaterialFormSet,
    StandardForm,
    StandardStatusForm,
    StepFormSet,
    item_form_data,
    item_form_initial,
)
from shebao.catalogue.models import (
    BINDING_OPEN_FIELDS,
    BusinessClass,
    Channel,
    Edition,
    InsuranceType,
    ItemType,
    LocalBinding,
    RiskLevel,
    ServiceItem,
    Standard,
    StandardKind,
    StandardStatus,
    StepKind,
    Zone,
)
from shebao.catalogue.rules import edition_violations, item_violations, known_post_codes
from shebao.catalogue.snapshot import item_snapshot
from shebao.core.access import (
    at_province_level,
    can_see_region,
    forbidden,
    require_perm,
    staff,
    visible_regions,
)
from shebao.core.errors import ApplicationError
from shebao.core.models import LEVEL_DEPTH, Post, Region, RegionLevel
from shebao.core.permissions import Perm

try:  # the spreadsheet import/export lands separately; the pages work without it
    from shebao.catalogue import xlsx
except ImportError:  # pragma: no cover
    xlsx = None  # type: ignore[assignment]

EDIT = (Perm.CATALOGUE_EDIT, Perm.CATALOGUE_PUBLISH)


def _edition(number: int) -> Edition:
    try:
        return selectors.edition_by_number(number)
    except ApplicationError as exc:
        raise Http404(str(exc.message)) from exc


# --- readable values (diff, conformance, binding result) -----------------------------------------

LIST_LABELS: dict[str, Any] = {
    "insurance_types": gettext_lazy("Insurance types"),
    "channels": gettext_lazy("Channels"),
    "legal_basis": gettext_lazy("Legal basis"),
    "materials": gettext_lazy("Materials"),
    "steps": gettext_lazy("Steps"),
    "conditions": gettext_lazy("Checked acceptance conditions"),
}
CHOICES: dict[str, Any] = {
    "zone": Zone,
    "business_class": BusinessClass,
    "risk_level": RiskLevel,
    "item_type": ItemType,
}


def field_label(name: str) -> str:
    """The field's name as the item's model names it, in the user's language."""
    if name in LIST_LABELS:
        return str(LIST_LABELS[name])
    for model in (ServiceItem, LocalBinding):
        try:
            label = getattr(model._meta.get_field(name), "verbose_name", name)
            return capfirst(str(label)) or name
        except FieldDoesNotExist:
            continue
    return name


@dataclass
class Readable:
    """A value as a person reads it: one line of text, or a list of lines."""

    text: str = ""
    lines: list[str] = field(default_factory=list)
    is_list: bool = False


class _Names:
    """Display names of insurance types, channels and posts, loaded once per page."""

    def __init__(self) -> None:
        self.types = {t.code: t.name for t in InsuranceType.objects.all()}
        self.channels = {c.code: c.name for c in Channel.objects.all()}
        self.posts = {p.code: p.name for p in Post.objects.all()}


def _yes_no(value: Any) -> str:
    return _("yes") if value else _("no")


def _material_line(m: dict[str, Any]) -> str:
    name = m.get("name_zh") or ""
    if m.get("name_en"):
        name += f" ({m['name_en']})"
    facts = []
    if m.get("is_identity_document"):
        facts.append(_("identity card"))
    if m.get("original_checked"):
        facts.append(_("original checked"))
    if m.get("copies"):
        facts.append(_("%(n)s copies") % {"n": m["copies"]})
    facts.append(_("always required") if m.get("required", True) else _("only in stated cases"))
    if m.get("legal_basis"):
        facts.append(_("basis: %(basis)s") % {"basis": m["legal_basis"]})
    return f"{name} — {', '.join(facts)}"


def readable(name: str, value: Any, names: _Names) -> Readable:
    if value is None or value == "":
        return Readable(text="—")
    if name in CHOICES:
        try:
            return Readable(text=str(CHOICES[name](value).label))
        except ValueError:
            return Readable(text=str(value))
    if isinstance(value, bool):
        return Readable(text=_yes_no(value))
    if name == "insurance_types" and isinstance(value, list):
        return Readable(lines=[str(names.types.get(c, c)) for c in value], is_list=True)
    if name == "channels" and isinstance(value, list):
        return Readable(lines=[str(names.channels.get(c, c)) for c in value], is_list=True)
    if name == "legal_basis" and isinstance(value, list):
        return Readable(
            lines=[
                f"{b.get('law', '')} {b.get('article', '')}".strip() for b in value if isinstance(b, dict)
            ],
            is_list=True,
        )
    if name == "conditions" and isinstance(value, list):
        return Readable(
            lines=[acceptance.label(c, names.types) for c in value if isinstance(c, dict)], is_list=True
        )
    if name == "materials" and isinstance(value, list):
        return Readable(lines=[_material_line(m) for m in value if isinstance(m, dict)], is_list=True)
    if name == "steps" and isinstance(value, list):
        lines = []
        for s in value:
            if not isinstance(s, dict):
                continue
            try:
                kind = str(StepKind(str(s.get("kind"))).label)
            except ValueError:
                kind = str(s.get("kind"))
            posts = ", ".join(names.posts.get(p, p) for p in s.get("posts") or []) or _("no post")
            lines.append(f"{s.get('name_zh') or s.get('name_en') or ''} [{kind}] — {posts}")
        return Readable(lines=lines, is_list=True)
    if isinstance(value, list):
        return Readable(lines=[str(v) for v in value], is_list=True)
    return Readable(text=str(value))


# --- editions -------------------------------------------------------------------------------------


def _editions_with_counts() -> list[Edition]:
    return list(
        Edition.objects.select_related("created_by", "published_by", "based_on")
        .annotate(item_count=Count("items"))
        .order_by("-number")
    )


@require_perm(*EDIT, province_level=True)
def edition_list(request: HttpRequest) -> HttpResponse:
    """Every edition with its status; open a draft; compare two editions."""
    editions = _editions_with_counts()
    form = EditionCreateForm()
    error: ApplicationError | None = None
    if request.method == "POST":
        if not staff(request).has_perm_code(Perm.CATALOGUE_EDIT):
            return forbidden(request)
        form = EditionCreateForm(request.POST)
        if form.is_valid():
            try:
                edition = services.edition_create_draft(
                    by=staff(request),
                    title=form.cleaned_data["title"],
                    based_on=form.cleaned_data["based_on"],
                )
            except ApplicationError as exc:
                error = exc
            else:
                messages.success(request, _("Draft edition %(number)s is open.") % {"number": edition.number})
                return redirect("catalogue:manage_edition", number=edition.number)
    compare = CompareForm(editions=editions)
    if len(editions) >= 2:
        compare = CompareForm(
            editions=editions, initial={"old": editions[1].number, "new": editions[0].number}
        )
    return render(
        request,
        "catalogue/manage/edition_list.html",
        {
            "editions": editions,
            "form": form,
            "error": error,
            "compare": compare,
            "draft": next((e for e in editions if e.is_draft), None),
            "can_edit": staff(request).has_perm_code(Perm.CATALOGUE_EDIT),
        },
        status=400 if error or (request.method == "POST" and not form.is_valid()) else 200,
    )


@require_perm(*EDIT, province_level=True)
def edition_detail(request: HttpRequest, number: int) -> HttpResponse:
    """An edition's items, searchable; for a draft: edit, add, delete, import, publish."""
    edition = _edition(number)
    q = request.GET.get("q", "").strip()
    items = list(selectors.item_list(edition=edition, q=q))
    user = staff(request)
    return render(
        request,
        "catalogue/manage/edition_detail.html",
        {
            "edition": edition,
            "items": items,
            "q": q,
            "can_edit": edition.is_draft and user.has_perm_code(Perm.CATALOGUE_EDIT),
            "can_publish": edition.is_draft and user.has_perm_code(Perm.CATALOGUE_PUBLISH),
            "import_form": ImportForm() if xlsx is not None else None,
            "has_xlsx": xlsx is not None,
        },
    )


def _item_page(
    request: HttpRequest,
    edition: Edition,
    *,
    item: ServiceItem | None,
    form: ItemForm,
    materials: Any,
    steps: Any,
    error: ApplicationError | None = None,
    status: int = 200,
) -> HttpResponse:
    warnings: list[Any] = []
    if item is not None:
        warnings = item_violations(item_snapshot(item), post_codes=known_post_codes())
    return render(
        request,
        "catalogue/manage/item_form.html",
        {
            "edition": edition,
            "item": item,
            "form": form,
            "materials": materials,
            "steps": steps,
            "error": error,
            "warnings": warnings,
        },
        status=status,
    )


@require_perm(Perm.CATALOGUE_EDIT, province_level=True)
def item_edit(request: HttpRequest, number: int, code: str | None = None) -> HttpResponse:
    """Add an item to a draft, or change one: every field, materials and steps as editable rows."""
    edition = _edition(number)
    item: ServiceItem | None = None
    if code is not None:
        try:
            item = selectors.item_get(edition=edition, code=code)
        except ApplicationError as exc:
            raise Http404(str(exc.message)) from exc
    if not edition.is_draft:
        messages.error(request, _("Only a draft edition can be changed."))
        return redirect("catalogue:manage_edition", number=edition.number)
    if request.method == "POST":
        form = ItemForm(request.POST, code_fixed=item is not None, initial={"code": code} if item else None)
        materials = MaterialFormSet(request.POST, prefix="materials")
        steps = StepFormSet(request.POST, prefix="steps")
        if form.is_valid() and materials.is_valid() and steps.is_valid():
            if (
                item is None
                and selectors.item_list(edition=edition).filter(code=form.cleaned_data["code"]).exists()
            ):
                error = ApplicationError(
                    "item_exists",
                    _("Edition %(number)s already has an item %(code)s; edit that one instead.")
                    % {"number": edition.number, "code": form.cleaned_data["code"]},
                )
                return _item_page(
                    request,
                    edition,
                    item=None,
                    form=form,
                    materials=materials,
                    steps=steps,
                    error=error,
                    status=400,
                )
            data = item_form_data(form, materials, steps, code=code)
            try:
                saved = services.item_save(edition=edition, data=data, by=staff(request))
            except ApplicationError as exc:
                return _item_page(
                    request,
                    edition,
                    item=item,
                    form=form,
                    materials=materials,
                    steps=steps,
                    error=exc,
                    status=400,
                )
            messages.success(request, _("Item %(code)s is saved.") % {"code": saved.code})
            return redirect("catalogue:manage_item", number=edition.number, code=saved.code)
        return _item_page(
            request, edition, item=item, form=form, materials=materials, steps=steps, status=400
        )
    if item is not None:
        initial, material_rows, step_rows = item_form_initial(item_snapshot(item))
        form = ItemForm(initial=initial, code_fixed=True)
    else:
        next_order = (max((i.order for i in edition.items.all()), default=0)) + 1
        form = ItemForm(initial={"order": next_order, "supervision_phone": "12333"})
        # A new item starts with what nearly every item has: the identity card, accept and complete.
        material_rows = [
            {
                "name_zh": "居民身份证",
                "name_en": "Resident identity card",
                "is_identity_document": True,
                "original_checked": True,
                "required": True,
            }
        ]
        step_rows = [
            {"kind": "accept", "name_zh": "受理", "name_en": "Accept", "posts": []},
            {"kind": "complete", "name_zh": "办结", "name_en": "Complete", "posts": []},
        ]
    materials = MaterialFormSet(initial=material_rows, prefix="materials")
    steps = StepFormSet(initial=step_rows, prefix="steps")
    return _item_page(request, edition, item=item, form=form, materials=materials, steps=steps)


@require_perm(Perm.CATALOGUE_EDIT, province_level=True)
@require_POST
def item_delete(request: HttpRequest, number: int, code: str) -> HttpResponse:
    edition = _edition(number)
    try:
        services.item_delete(edition=edition, code=code, by=staff(request))
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Item %(code)s is removed from the draft.") % {"code": code})
    return redirect("catalogue:manage_edition", number=edition.number)


@dataclass(frozen=True)
class ViolationRow:
    code: str
    name: str
    reason: str
    url: str


def _violation_rows(edition: Edition) -> list[ViolationRow]:
    """Each refusal reason with the item it names and a link to that item's editor.

    Read from the rules themselves (not parsed back out of the error's text), on the refusal path only.
    """
    return [
        ViolationRow(
            code=v.item_code,
            name=v.item_name,
            reason=str(v.message),
            url=reverse("catalogue:manage_item", kwargs={"number": edition.number, "code": v.item_code})
            if v.item_code
            else "",
        )
        for v in edition_violations(edition)
    ]


@require_perm(Perm.CATALOGUE_PUBLISH, province_level=True)
def edition_publish(request: HttpRequest, number: int) -> HttpResponse:
    """GET: confirm. POST: publish, or list every reason it was refused."""
    edition = _edition(number)
    if request.method == "POST":
        try:
            services.edition_publish(edition=edition, by=staff(request))
        except ApplicationError as exc:
            edition.refresh_from_db()
            return render(
                request,
                "catalogue/manage/publish_refused.html",
                {
                    "edition": edition,
                    "error": exc,
                    "violations": _violation_rows(edition) if exc.code == "edition_invalid" else [],
                },
                status=400,
            )
        messages.success(
            request,
            _("Edition %(number)s is published: it is now the standard in force.")
            % {"number": edition.number},
        )
        return redirect("catalogue:manage_edition", number=edition.number)
    published = selectors.published_edition()
    return render(
        request,
        "catalogue/manage/publish_confirm.html",
        {"edition": edition, "published": published, "item_count": edition.items.count()},
    )


@require_perm(*EDIT, province_level=True)
def edition_export(request: HttpRequest, number: int) -> HttpResponse:
    edition = _edition(number)
    if xlsx is None:  # pragma: no cover
        raise Http404
    content = xlsx.edition_export_xlsx(edition=edition)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="catalogue-edition-{edition.number}.xlsx"'
    return response


@require_perm(Perm.CATALOGUE_EDIT, province_level=True)
@require_POST
def edition_import(request: HttpRequest, number: int) -> HttpResponse:
    """Import an .xlsx into the draft; every bad row is listed and nothing is written."""
    edition = _edition(number)
    if xlsx is None:  # pragma: no cover
        raise Http404
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose an .xlsx file to import."))
        return redirect("catalogue:manage_edition", number=edition.number)
    try:
        result = xlsx.edition_import_xlsx(edition=edition, file=form.cleaned_data["file"], by=staff(request))
    except ApplicationError as exc:
        return render(
            request, "catalogue/manage/import_refused.html", {"edition": edition, "error": exc}, status=400
        )
    messages.success(
        request,
        _("Imported: %(created)s items added, %(updated)s items replaced.")
        % {"created": result.created, "updated": result.updated},
    )
    return redirect("catalogue:manage_edition", number=edition.number)


@dataclass
class FieldRow:
    field: str
    label: str
    old: Readable
    new: Readable


@require_perm(*EDIT, province_level=True)
def edition_compare(request: HttpRequest) -> HttpResponse:
    """Two editions side by side: items added, removed, and each changed field old → new."""
    editions = _editions_with_counts()
    form = CompareForm(request.GET or None, editions=editions)
    if not form.is_valid():
        return render(
            request,
            "catalogue/manage/diff.html",
            {"form": form, "diff": None},
            status=400 if request.GET else 200,
        )
    old, new = _edition(form.cleaned_data["old"]), _edition(form.cleaned_data["new"])
    diff = selectors.edition_diff(old=old, new=new)
    names = _Names()
    changed = [
        (
            change,
            [
                FieldRow(
                    f.field,
                    field_label(f.field),
                    readable(f.field, f.old, names),
                    readable(f.field, f.new, names),
                )
                for f in change.fields
            ],
        )
        for change in diff.changed
    ]
    return render(
        request,
        "catalogue/manage/diff.html",
        {"form": form, "diff": diff, "old": old, "new": new, "changed": changed},
    )


# --- conformance (四级四同) -------------------------------------------------------------------------


@require_perm(Perm.CONFORMANCE_VIEW)
def conformance(request: HttpRequest) -> HttpResponse:
    """Per region below the user's: items, deviating items, score, and each recorded deviation."""
    user = staff(request)
    within: Region | None = None
    if not user.is_province_wide():
        within = user.region
        if within is None:
            return forbidden(
                request, _("Your office has no region, so there is nothing for you to see here.")
            )
    report = selectors.conformance_report(within=within)
    names = _Names()
    rows = []
    for row in report.regions:
        deviations = [
            (
                d,
                field_label(d.field),
                readable(d.field, d.standard_value, names),
                readable(d.field, d.local_value, names),
            )
            for d in row.deviations
        ]
        rows.append((row, LEVEL_DEPTH.get(RegionLevel(row.region.level), 0), deviations))
    return render(
        request,
        "catalogue/manage/conformance.html",
        {"report": report, "rows": rows, "within": within},
    )


# --- local bindings -------------------------------------------------------------------------------


def _bindable_regions(request: HttpRequest) -> list[Region]:
    return list(visible_regions(staff(request)).exclude(level=RegionLevel.PROVINCE).order_by("path"))


@require_perm(Perm.CATALOGUE_BIND)
def bindings(request: HttpRequest) -> HttpResponse:
    """Pick a region (yours or below) and an item; fill in what the standard leaves open."""
    user = staff(request)
    published = selectors.published_edition()
    if published is None:
        return render(request, "catalogue/manage/bindings.html", {"published": None})
    regions = _bindable_regions(request)
    item_choices = list(published.items.order_by("order", "code").values_list("code", "name_zh"))
    params = request.POST if request.method == "POST" else request.GET
    default_region = (
        user.region.code if user.region and user.region in regions else (regions[0].code if regions else "")
    )
    pick = BindingPickForm(
        {
            "region": params.get("region") or default_region,
            "item": params.get("item") or (item_choices[0][0] if item_choices else ""),
        },
        regions=regions,
        items=item_choices,
    )
    region_code = params.get("region") or default_region
    region = Region.objects.filter(code=region_code).first()
    if region is None or region.level == RegionLevel.PROVINCE or not can_see_region(user, region):
        return forbidden(
            request, _("You may only fill in bindings of your own region and the regions below it.")
        )
    if not pick.is_valid():
        raise Http404(_("Choose an item of the published catalogue."))
    item = selectors.item_get(edition=published, code=pick.cleaned_data["item"])
    standard = item_snapshot(item)
    if request.method == "POST":
        form = BindingForm(request.POST)
        if form.is_valid():
            try:
                result = services.binding_save(
                    region=region, item_code=item.code, values=form.values(standard), by=user
                )
            except ApplicationError as exc:
                if exc.status == 403:
                    return forbidden(request, str(exc.message))
                return _binding_page(
                    request, pick, form, region, item, standard, published, error=exc, status=400
                )
            names = _Names()
            applied = [(field_label(name), getattr(result.binding, name)) for name in BINDING_OPEN_FIELDS]
            deviations = [
                (
                    field_label(d.field),
                    readable(d.field, d.standard_value, names),
                    readable(d.field, d.local_value, names),
                )
                for d in result.deviations
            ]
            return render(
                request,
                "catalogue/manage/binding_result.html",
                {"region": region, "item": item, "applied": applied, "deviations": deviations},
            )
        return _binding_page(request, pick, form, region, item, standard, published, status=400)
    binding = LocalBinding.objects.filter(region=region, item_code=item.code).first()
    initial = {name: getattr(binding, name) for name in BINDING_OPEN_FIELDS} if binding else {}
    return _binding_page(request, pick, BindingForm(initial=initial), region, item, standard, published)


def _binding_page(
    request: HttpRequest,
    pick: BindingPickForm,
    form: BindingForm,
    region: Region,
    item: ServiceItem,
    standard: dict[str, Any],
    published: Edition,
    *,
    error: ApplicationError | None = None,
    status: int = 200,
) -> HttpResponse:
    inherited = selectors.binding_for(region=region, item_code=item.code)
    return render(
        request,
        "catalogue/manage/bindings.html",
        {
            "published": published,
            "pick": pick,
            "form": form,
            "region": region,
            "item": item,
            "standard": standard,
            "inherited": inherited if inherited is not None and inherited.region_id != region.pk else None,
            "error": error,
        },
        status=status,
    )


# --- the register of standards --------------------------------------------------------------------


@require_perm(Perm.STANDARDS_MANAGE, Perm.CONFORMANCE_VIEW)
def standard_list(request: HttpRequest) -> HttpResponse:
    """The register by kind, and what is due for review within 90 days (overdue first)."""
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    standards = list(
        selectors.standard_list(
            kind=kind if kind in StandardKind.values else "",
            status=status if status in StandardStatus.values else "",
        )
    )
    today = timezone.localdate()
    groups = [(label, [s for s in standards if s.kind == value]) for value, label in StandardKind.choices]
    due = list(selectors.standards_due_for_review(on=today, within_days=90))
    return render(
        request,
        "catalogue/manage/standard_list.html",
        {
            "groups": [(label, rows) for label, rows in groups if rows],
            "due": due,
            "today": today,
            "kind": kind,
            "status": status,
            "kinds": StandardKind.choices,
            "statuses": StandardStatus.choices,
            "status_form": StandardStatusForm(),
            "can_manage": staff(request).has_perm_code(Perm.STANDARDS_MANAGE) and _province(request),
        },
    )


def _province(request: HttpRequest) -> bool:
    return at_province_level(staff(request))


@require_perm(Perm.STANDARDS_MANAGE, province_level=True)
def standard_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    standard = None
    if pk is not None:
        standard = Standard.objects.filter(pk=pk).first()
        if standard is None:
            raise Http404
    error: ApplicationError | None = None
    if request.method == "POST":
        form = StandardForm(request.POST)
        if form.is_valid():
            try:
                saved = services.standard_save(by=staff(request), standard=standard, **form.cleaned_data)
            except ApplicationError as exc:
                error = exc
            else:
                messages.success(
                    request, _("Standard %(code)s is saved.") % {"code": f"{saved.code} {saved.version}"}
                )
                return redirect("catalogue:manage_standards")
    elif standard is not None:
        form = StandardForm(
            initial={
                name: getattr(standard, name)
                for name in (
                    "code",
                    "title_zh",
                    "title_en",
                    "kind",
                    "version",
                    "status",
                    "issued_on",
                    "next_review_date",
                )
            }
        )
    else:
        form = StandardForm(initial={"status": StandardStatus.DRAFT, "issued_on": timezone.localdate()})
    return render(
        request,
        "catalogue/manage/standard_form.html",
        {"form": form, "standard": standard, "error": error},
        status=400 if request.method == "POST" else 200,
    )


@require_perm(Perm.STANDARDS_MANAGE, province_level=True)
@require_POST
def standard_status(request: HttpRequest, pk: int) -> HttpResponse:
    standard = Standard.objects.filter(pk=pk).first()
    if standard is None:
        raise Http404
    form = StandardStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
        return redirect("catalogue:manage_standards")
    try:
        services.standard_set_status(by=staff(request), standard=standard, status=form.cleaned_data["status"])
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("Standard %(code)s is now: %(status)s.")
            % {
                "code": f"{standard.code} {standard.version}",
                "status": StandardStatus(form.cleaned_data["status"]).label,
            },
        )
    return redirect("catalogue:manage_standards")
