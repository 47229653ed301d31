"""Forms of the catalogue management pages.

The item editor turns its fields into the canonical item dict of `snapshot` (`item_form_data`) and
back (`item_form_initial`); the services check the rules, the forms only check what a browser can get
wrong (numbers, choices, the `law | article` lines).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.forms import formset_factory
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from shebao.catalogue import conditions as acceptance
from shebao.catalogue.models import (
    BusinessClass,
    Channel,
    Edition,
    InsuranceType,
    ItemType,
    RiskLevel,
    StandardKind,
    StandardStatus,
    StepKind,
    Zone,
)
from shebao.catalogue.snapshot import MATERIAL_FIELDS
from shebao.core.models import Post, Region

# --- editions ------------------------------------------------------------------------------------


class EditionCreateForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    based_on = forms.ModelChoiceField(
        label=_("Based on"),
        queryset=Edition.objects.none(),
        required=False,
        empty_label=_("The published edition"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["based_on"].queryset = Edition.objects.order_by("-number")  # type: ignore[attr-defined]


class CompareForm(forms.Form):
    old = forms.TypedChoiceField(label=_("Older edition"), coerce=int)
    new = forms.TypedChoiceField(label=_("Newer edition"), coerce=int)

    def __init__(self, *args: Any, editions: list[Edition], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(e.number, f"{e.number} · {e.title} ({e.get_status_display()})") for e in editions]
        self.fields["old"].choices = choices  # type: ignore[attr-defined]
        self.fields["new"].choices = choices  # type: ignore[attr-defined]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.xlsx)"))


# --- the item editor -----------------------------------------------------------------------------


def _text(
    label: Any, *, required: bool = False, rows: int = 0, max_length: int | None = None
) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(label=label, required=required, max_length=max_length, widget=widget)


class ItemForm(forms.Form):
    """Every scalar field of an item, its insurance types, channels and legal basis."""

    code = forms.CharField(label=_("Item code"), max_length=32)
    order = forms.IntegerField(label=_("Order"), min_value=0, initial=0)
    name_zh = _text(_("Name (Chinese)"), required=True, max_length=120)
    name_en = _text(_("Name (English)"), max_length=200)
    zone = forms.ChoiceField(label=_("Zone"), choices=Zone.choices)
    business_class = forms.ChoiceField(label=_("Business class"), choices=BusinessClass.choices)
    risk_level = forms.ChoiceField(label=_("Risk level"), choices=RiskLevel.choices)
    fund_payout = forms.BooleanField(label=_("Pays out from a fund"), required=False)
    item_type = forms.ChoiceField(label=_("Item type"), choices=ItemType.choices)
    statutory_limit_days = forms.IntegerField(
        label=_("Statutory time limit (working days)"), min_value=0, required=False
    )
    promised_limit_days = forms.IntegerField(
        label=_("Promised time limit (working days)"), min_value=0, initial=0
    )
    trips = forms.IntegerField(label=_("Trips to the office"), min_value=0, initial=0)
    fee = forms.DecimalField(label=_("Fee (yuan)"), min_value=Decimal(0), decimal_places=2, initial=0)
    fee_basis = _text(_("Fee basis"), max_length=200)
    implementing_body_zh = _text(_("Implementing body (Chinese)"), required=True, max_length=120)
    implementing_body_en = _text(_("Implementing body (English)"), max_length=200)
    supervision_phone = _text(_("Complaint phone"), max_length=40)
    province_wide = forms.BooleanField(label=_("Province-wide handling"), required=False)
    cross_province = forms.BooleanField(label=_("Cross-province handling"), required=False)
    effect_code = _text(_("Effect handler"), max_length=60)
    source = _text(_("Source of this item"), max_length=300)
    acceptance_conditions_zh = _text(_("Acceptance conditions (Chinese)"), rows=3)
    acceptance_conditions_en = _text(_("Acceptance conditions (English)"), rows=3)
    insurance_types = forms.MultipleChoiceField(
        label=_("Insurance types"), widget=forms.CheckboxSelectMultiple, required=False
    )
    channels = forms.MultipleChoiceField(
        label=_("Channels"), widget=forms.CheckboxSelectMultiple, required=False
    )
    legal_basis = forms.CharField(
        label=_("Legal basis"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "社会保险经办条例 | 第六条"}),
        help_text=_("One line per provision: law | article."),
    )
    conditions = forms.CharField(
        label=_("Checked acceptance conditions"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 2, "placeholder": "person; alive; ever_enrolled:employee_pension"}
        ),
        help_text=format_lazy(
            "{} {}",
            _("Codes separated by ';', a parameter after ':'. Codes:"),
            ", ".join(acceptance.VOCABULARY),
        ),
    )

    def __init__(self, *args: Any, code_fixed: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["insurance_types"].choices = [  # type: ignore[attr-defined]
            (t.code, t.name) for t in InsuranceType.objects.order_by("order")
        ]
        self.fields["channels"].choices = [  # type: ignore[attr-defined]
            (c.code, c.name) for c in Channel.objects.order_by("order")
        ]
        if code_fixed:
            self.fields["code"].disabled = True

    def clean_conditions(self) -> list[dict[str, Any]]:
        conditions = acceptance.from_text(self.cleaned_data.get("conditions"))
        types = [code for code, _name in self.fields["insurance_types"].choices]  # type: ignore[attr-defined]
        found = acceptance.problems(conditions, type_codes=types)
        if found:
            raise forms.ValidationError(found)
        return conditions

    def clean_legal_basis(self) -> list[dict[str, str]]:
        lines = [line.strip() for line in (self.cleaned_data.get("legal_basis") or "").splitlines()]
        basis = []
        for number, line in enumerate(lines, start=1):
            if not line:
                continue
            law, sep, article = line.partition("|")
            if not sep or not law.strip():
                raise forms.ValidationError(
                    _("Line %(line)s: write 'law | article', e.g. 社会保险经办条例 | 第六条."),
                    params={"line": number},
                )
            basis.append({"law": law.strip(), "article": article.strip()})
        return basis


class MaterialForm(forms.Form):
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=200, required=False)
    name_en = forms.CharField(label=_("Name (English)"), max_length=300, required=False)
    is_identity_document = forms.BooleanField(label=_("Identity card"), required=False)
    original_checked = forms.BooleanField(label=_("Original checked"), required=False)
    copies = forms.IntegerField(label=_("Copies"), min_value=0, initial=0, required=False)
    required = forms.BooleanField(label=_("Always required"), required=False, initial=True)
    legal_basis = forms.CharField(label=_("Legal basis for requiring it"), max_length=300, required=False)
    note_zh = forms.CharField(label=_("Note (Chinese)"), max_length=300, required=False)
    note_en = forms.CharField(label=_("Note (English)"), max_length=400, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("DELETE") and _filled(data, MATERIAL_TEXT) and not data.get("name_zh"):
            self.add_error("name_zh", _("A material needs its Chinese name."))
        return data


# A row is written down only when one of these says something (check boxes alone do not count).
MATERIAL_TEXT = ("name_zh", "name_en", "legal_basis", "note_zh", "note_en")
STEP_TEXT = ("name_zh", "name_en", "posts")


def _filled(data: dict[str, Any], names: tuple[str, ...]) -> bool:
    return any(data.get(name) for name in names)


class StepForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=StepKind.choices)
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=60, required=False)
    name_en = forms.CharField(label=_("Name (English)"), max_length=100, required=False)
    posts = forms.MultipleChoiceField(
        label=_("Posts allowed"), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["posts"].choices = post_choices()  # type: ignore[attr-defined]


def post_choices() -> list[tuple[str, str]]:
    return [(p.code, p.name) for p in Post.objects.order_by("code")]


MaterialFormSet = formset_factory(MaterialForm, extra=2, can_delete=True)
StepFormSet = formset_factory(StepForm, extra=1, can_delete=True)


def _kept_rows(formset: Any, names: tuple[str, ...]) -> list[dict[str, Any]]:
    rows = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE") or not _filled(data, names):
            continue
        rows.append(data)
    return rows


def item_form_data(form: ItemForm, materials: Any, steps: Any, *, code: str | None = None) -> dict[str, Any]:
    """The canonical item dict from a valid item form and its two formsets."""
    data = dict(form.cleaned_data)
    if code is not None:
        data["code"] = code
    data["fee"] = f"{Decimal(data.get('fee') or 0):.2f}"
    for name in ("order", "promised_limit_days", "trips"):
        data[name] = data.get(name) or 0
    data["materials"] = [
        {
            **{name: row.get(name) for name in MATERIAL_FIELDS},
            "copies": row.get("copies") or 0,
            **{name: row.get(name) or "" for name in ("name_en", "legal_basis", "note_zh", "note_en")},
        }
        for row in _kept_rows(materials, MATERIAL_TEXT)
    ]
    data["steps"] = [
        {
            "kind": row["kind"],
            "name_zh": row.get("name_zh") or "",
            "name_en": row.get("name_en") or "",
            "posts": list(row.get("posts") or []),
        }
        for row in _kept_rows(steps, STEP_TEXT)
        if row.get("kind")
    ]
    return data


def item_form_initial(
    snapshot: dict[str, Any],
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """Initial values of the item form and its two formsets from an item's canonical dict."""
    initial = {
        k: v for k, v in snapshot.items() if k not in ("materials", "steps", "legal_basis", "conditions")
    }
    initial["conditions"] = acceptance.to_text(snapshot.get("conditions") or [])
    initial["legal_basis"] = "\n".join(
        f"{b.get('law', '')} | {b.get('article', '')}" for b in snapshot.get("legal_basis") or []
    )
    return initial, list(snapshot.get("materials") or []), list(snapshot.get("steps") or [])


# --- local bindings ------------------------------------------------------------------------------


class BindingForm(forms.Form):
    """What the standard leaves open, and a request to differ from it in a few standard fields."""

    # Where and when come from the outlet records (`counter.offers.item_outlets`): a region fills
    # in only the item's consultation phone.
    phone = forms.CharField(label=_("Consultation phone"), max_length=60, required=False)
    # Differences from the standard: recorded as deviations, never applied.
    promised_limit_days = forms.IntegerField(
        label=_("Promised time limit (working days)"), min_value=0, required=False
    )
    trips = forms.IntegerField(label=_("Trips to the office"), min_value=0, required=False)
    fee = forms.DecimalField(label=_("Fee (yuan)"), min_value=Decimal(0), decimal_places=2, required=False)
    extra_material = forms.CharField(label=_("An extra material to require"), max_length=200, required=False)

    OPEN = ("phone",)
    DIFFERENCES = ("promised_limit_days", "trips", "fee", "extra_material")

    def values(self, standard: dict[str, Any]) -> dict[str, Any]:
        """The `values` dict for `binding_save`: open fields always, differences only when filled."""
        data = self.cleaned_data
        values: dict[str, Any] = {name: data.get(name) or "" for name in self.OPEN}
        for name in ("promised_limit_days", "trips"):
            if data.get(name) is not None:
                values[name] = data[name]
        if data.get("fee") is not None:
            values["fee"] = f"{data['fee']:.2f}"
        extra = (data.get("extra_material") or "").strip()
        if extra:
            material: dict[str, Any] = {name: "" for name in MATERIAL_FIELDS}
            material.update(
                name_zh=extra, is_identity_document=False, original_checked=False, copies=0, required=True
            )
            values["materials"] = [*standard.get("materials", []), material]
        return values


class BindingPickForm(forms.Form):
    region = forms.ChoiceField(label=_("Region"))
    item = forms.ChoiceField(label=_("Item"))

    def __init__(
        self, *args: Any, regions: list[Region], items: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [  # type: ignore[attr-defined]
            (r.code, f"{'　' * max(0, r.path.count('/') - 3)}{r.name} ({r.code})") for r in regions
        ]
        self.fields["item"].choices = [  # type: ignore[attr-defined]
            (code, f"{code} {name}") for code, name in items
        ]


# --- the register of standards -------------------------------------------------------------------


class StandardForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40)
    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=200)
    title_en = forms.CharField(label=_("Title (English)"), max_length=300, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=StandardKind.choices)
    version = forms.CharField(label=_("Version"), max_length=20)
    status = forms.ChoiceField(label=_("Status"), choices=StandardStatus.choices)
    issued_on = forms.DateField(
        label=_("Issued on"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    next_review_date = forms.DateField(
        label=_("Next review"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )


class StandardStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=StandardStatus.choices)
