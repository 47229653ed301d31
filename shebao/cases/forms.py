"""Forms of the teller's desk and the back office.

`EFFECT_FORMS` says which fields the desk asks for, per effect code of the item (the data keys of
`shebao/registry/effects.py`); the person's ID number and the employer's credit code come from the
applicant identified at the desk and are never typed twice. `effect_form_class` builds the form.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shebao.cases.models import Delivery
from shebao.registry.models import EmployerType, Gender, HouseholdType

# Fields per effect code; `?` marks an optional field (change items: only what changes is given).
EFFECT_FORMS: dict[str, tuple[str, ...]] = {
    "registry.person_register": ("name", "phone", "address", "household_type", "bank_name?", "bank_account?"),
    "registry.person_change": ("phone?", "address?", "household_type?", "bank_name?", "bank_account?"),
    "registry.person_change_key": ("name?", "new_id_number?", "birth_date?", "gender?"),
    "registry.person_status": ("status", "on"),
    "registry.employer_register": (
        "name",
        "employer_type",
        "industry?",
        "legal_representative",
        "contact_name",
        "contact_phone",
        "address",
    ),
    "registry.employer_change": (
        "contact_name?",
        "contact_phone?",
        "address?",
        "bank_name?",
        "bank_account?",
    ),
    "registry.employer_status": ("status", "on"),
    "registry.enrolment_create": ("insurance_type", "start_date", "credit_code?"),
    "registry.enrolment_suspend": ("insurance_type", "on"),
    "registry.enrolment_resume": ("insurance_type", "on"),
    "registry.enrolment_end": ("insurance_type", "end_date"),
    "registry.enrolment_transfer": ("credit_code", "on"),
    "registry.staff_increase": ("credit_code", "id_number", "start_date", "insurance_types?"),
    "registry.staff_decrease": ("credit_code", "id_number", "end_date"),
}

# Effects that register a new person or employer: the desk offers them when the lookup finds nobody.
REGISTERING_EFFECTS = {"registry.person_register", "registry.employer_register"}

STATUS_CHOICES = [
    ("active", _("Active")),
    ("suspended", _("Suspended")),
    ("deceased", _("Deceased")),
    ("deregistered", _("Deregistered")),
]


def _date_field(label: Any, required: bool) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}))


def _field(name: str, required: bool, insurance_types: list[tuple[str, str]]) -> forms.Field:
    """One form field of the effect data, labelled in the active language."""
    text = {
        "name": _("Name"),
        "phone": _("Phone"),
        "address": _("Address"),
        "bank_name": _("Bank for payouts"),
        "bank_account": _("Bank account for payouts"),
        "industry": _("Industry"),
        "legal_representative": _("Legal representative"),
        "contact_name": _("Contact person"),
        "contact_phone": _("Contact phone"),
        "new_id_number": _("New ID number"),
        "credit_code": _("Employer's credit code"),
        "id_number": _("Staff member's ID number"),
    }
    if name in text:
        return forms.CharField(label=text[name], required=required, max_length=120)
    dates = {
        "on": _("Effective date"),
        "start_date": _("Start date"),
        "end_date": _("End date"),
        "birth_date": _("Birth date"),
    }
    if name in dates:
        return _date_field(dates[name], required)
    if name == "household_type":
        return forms.ChoiceField(
            label=_("Household type"), required=required, choices=[("", "—"), *HouseholdType.choices]
        )
    if name == "gender":
        return forms.ChoiceField(label=_("Gender"), required=required, choices=[("", "—"), *Gender.choices])
    if name == "employer_type":
        return forms.ChoiceField(label=_("Employer type"), required=required, choices=EmployerType.choices)
    if name == "status":
        return forms.ChoiceField(label=_("New status"), required=required, choices=STATUS_CHOICES)
    if name == "insurance_type":
        return forms.ChoiceField(label=_("Insurance type"), required=required, choices=insurance_types)
    if name == "insurance_types":
        return forms.MultipleChoiceField(
            label=_("Insurance types"),
            required=required,
            choices=insurance_types,
            widget=forms.CheckboxSelectMultiple,
        )
    raise KeyError(name)


class EffectForm(forms.Form):
    """The data an item's effect needs; `data_for_case()` gives the case's `data` dict."""

    def data_for_case(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in self.cleaned_data.items():
            if value in (None, "", []):
                continue
            out[key] = value.isoformat() if isinstance(value, dt.date) else value
        return out


def effect_fields(effect_code: str, *, given: set[str]) -> list[tuple[str, bool]]:
    """(field name, required) pairs the desk asks for; keys in `given` come from the applicant."""
    specs = EFFECT_FORMS.get(effect_code, ())
    out = []
    for spec in specs:
        name = spec.rstrip("?")
        if name not in given:
            out.append((name, not spec.endswith("?")))
    return out


def effect_form_class(
    effect_code: str, *, given: set[str], insurance_types: list[tuple[str, str]]
) -> type[EffectForm]:
    fields = {
        name: _field(name, required, insurance_types)
        for name, required in effect_fields(effect_code, given=given)
    }
    return type("EffectDataForm", (EffectForm,), fields)


class IdentifyForm(forms.Form):
    q = forms.CharField(
        label=_("ID number or credit code"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True, "inputmode": "text"}),
    )


class DeliveryForm(forms.Form):
    delivery = forms.ChoiceField(label=_("How the result is delivered"), choices=Delivery.choices)


class ApproveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReturnForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    missing = forms.MultipleChoiceField(
        label=_("Missing or faulty materials"), choices=[], widget=forms.CheckboxSelectMultiple
    )
    comment = forms.CharField(label=_("What to correct"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, materials: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["missing"].choices = [(m, m) for m in materials]  # type: ignore[attr-defined]


class RejectForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason for rejection"), widget=forms.Textarea(attrs={"rows": 2}))


class SupplementForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=_("Extra working days"), min_value=1, max_value=60)
    reason = forms.CharField(
        label=_("Reason, told to the applicant"), widget=forms.Textarea(attrs={"rows": 2})
    )


class SuspendForm(forms.Form):
    reason = forms.CharField(label=_("Reason (waiting on whom)"), widget=forms.Textarea(attrs={"rows": 2}))
    until = _date_field(_("Expected until"), True)


class CrossReviewForm(forms.Form):
    ok = forms.TypedChoiceField(
        label=_("Finding"),
        choices=[("1", _("Confirmed correct")), ("0", _("Error found"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    finding = forms.CharField(
        label=_("What is wrong"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("ok") is False and not cleaned.get("finding"):
            self.add_error("finding", _("Say what is wrong, so the correction can be made."))
        return cleaned
