"""Forms of the citizen self-service site. They parse input only; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import password_validators_help_texts
from django.utils.translation import gettext_lazy as _

from shebao.portal.realname import EvidenceField


class IdentifyForm(forms.Form):
    """Step 1 of opening an account or resetting the password: who you are."""

    id_number = forms.CharField(
        label=_("ID number"),
        max_length=22,
        help_text=_("The 18-character number on your resident identity card."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text", "spellcheck": "false"}),
    )
    name = forms.CharField(
        label=_("Name as on the identity card"),
        max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )


class _PasswordMixin(forms.Form):
    password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("The two passwords differ; type the same password twice."))
        return data


def _code_field() -> forms.CharField:
    return forms.CharField(
        label=_("Code from the text message"),
        min_length=6,
        max_length=6,
        help_text=_("6 digits, valid for 10 minutes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]{6}"}
        ),
    )


class RegisterForm(_PasswordMixin):
    """Step 2 of opening an account: the code, the real-name evidence, the password."""

    def __init__(self, *args: Any, evidence_fields: list[EvidenceField], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, forms.Field] = {"code": _code_field()}
        for ef in evidence_fields:
            fields[f"ev_{ef.name}"] = forms.CharField(
                label=ef.label,
                help_text=ef.help_text,
                max_length=ef.max_length,
                widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            )
        self.evidence_names = [ef.name for ef in evidence_fields]
        fields.update(self.fields)
        self.fields = fields  # type: ignore[assignment]
        self.fields["password1"].help_text = " ".join(str(t) for t in password_validators_help_texts())

    def evidence(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(f"ev_{name}", "") for name in self.evidence_names}


class ResetForm(_PasswordMixin):
    """Step 2 of resetting the password: the code and the new password."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, forms.Field] = {"code": _code_field()}
        fields.update(self.fields)
        self.fields = fields  # type: ignore[assignment]
        self.fields["password1"].help_text = " ".join(str(t) for t in password_validators_help_texts())


class LoginForm(forms.Form):
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=22,
        widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class RatingForm(forms.Form):
    level = forms.TypedChoiceField(label=_("Your rating"), coerce=int, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, levels: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [(lv.value, lv.name) for lv in levels]  # type: ignore[attr-defined]


class BookForm(forms.Form):
    slot = forms.IntegerField(label=_("Time"))
    item_code = forms.CharField(label=_("Business (optional)"), max_length=32, required=False)
