"""Forms of the teller's desk and the back office.

The data form of an item is built from its effect's declaration (`shebao.core.effects`: each
`EffectField`'s kind, labels, required flag and limits): the desk, the online application and the API
check the same fields the same way. The person's ID number and the employer's credit code come from
the applicant identified at the desk (or signed in online) and are never typed twice; the fields that
register a new applicant are asked only when the desk found no record. `effect_form_class` builds it.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shebao.cases.models import Delivery
from shebao.core.effects import EffectField, FieldKind, get_effect
from shebao.core.errors import ApplicationError
from shebao.registry.identity import check_credit_code, check_id_number

PHONE_RE = re.compile(r"^\+?[0-9][0-9 ()\-]{4,19}$")
ACCOUNT_RE = re.compile(r"^[0-9]{6,32}$")


def _date_field(label: Any, required: bool) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}))


class _CheckedField(forms.CharField):
    """A text field whose value a checker normalises or refuses with its own message."""

    def __init__(self, *, check: Any, **kwargs: Any) -> None:
        self.check = check
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if value in self.empty_values:
            return value
        try:
            return self.check(value)
        except ApplicationError as err:
            raise forms.ValidationError(str(err.message)) from None


def _id_number(value: str) -> str:
    return check_id_number(value).number


def _pattern(regex: re.Pattern[str], message: Any) -> Any:
    def check(value: str) -> str:
        text = value.strip()
        if not regex.match(text):
            raise ApplicationError("invalid", str(message))
        return text

    return check


def declared_field(spec: EffectField, *, insurance_types: list[tuple[str, str]]) -> forms.Field:
    """One form field from an effect's declared field, labelled in the active language."""
    label, required = spec.label, spec.required
    kind = spec.kind
    if kind == FieldKind.DATE:
        return _date_field(label, required)
    if kind == FieldKind.INTEGER:
        return forms.IntegerField(
            label=label, required=required, min_value=spec.min_value, max_value=spec.max_value
        )
    if kind == FieldKind.CHOICE:
        choices = [(c.value, c.label) for c in spec.choices]
        return forms.ChoiceField(
            label=label, required=required, choices=choices if required else [("", "—"), *choices]
        )
    if kind == FieldKind.INSURANCE_TYPE:
        return forms.ChoiceField(label=label, required=required, choices=insurance_types)
    if kind == FieldKind.INSURANCE_TYPES:
        return forms.MultipleChoiceField(
            label=label, required=required, choices=insurance_types, widget=forms.CheckboxSelectMultiple
        )
    checks: dict[str, Any] = {
        FieldKind.ID_NUMBER: _id_number,
        FieldKind.CREDIT_CODE: check_credit_code,
        FieldKind.PHONE: _pattern(PHONE_RE, _("Enter a phone number of digits (5 to 20).")),
        FieldKind.ACCOUNT: _pattern(ACCOUNT_RE, _("Enter the account number: 6 to 32 digits.")),
    }
    if kind in checks:
        return _CheckedField(check=checks[kind], label=label, required=required, max_length=spec.max_length)
    return forms.CharField(label=label, required=required, max_length=spec.max_length)


class EffectForm(forms.Form):
    """The data an item's effect needs; `data_for_case()` gives the case's `data` dict."""

    def data_for_case(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in self.cleaned_data.items():
            if value in (None, "", []):
                continue
            out[key] = value.isoformat() if isinstance(value, dt.date) else value
        return out


def effect_fields(effect_code: str, *, given: set[str], new_applicant: bool = False) -> list[EffectField]:
    """The declared fields a form asks for; keys in `given` come from the applicant."""
    effect = get_effect(effect_code) if effect_code else None
    if effect is None:
        return []
    return effect.form_fields(given=given, new_applicant=new_applicant)


def effect_form_class(
    effect_code: str,
    *,
    given: set[str],
    insurance_types: list[tuple[str, str]],
    new_applicant: bool = False,
) -> type[EffectForm]:
    fields = {
        spec.name: declared_field(spec, insurance_types=insurance_types)
        for spec in effect_fields(effect_code, given=given, new_applicant=new_applicant)
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
    # The fingerprint of the changes the page showed (`cases.preview`): one approves only what one saw.
    # Not required here: an approval without it is refused by the service, and that refusal is audited.
    shown = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)
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
