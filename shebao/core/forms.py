"""Forms of the core staff pages: the holiday calendar and the working-day calculator."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

# A holiday file is a few hundred bytes; refuse anything that cannot be one.
MAX_HOLIDAY_FILE_BYTES = 64 * 1024


class HolidayFileForm(forms.Form):
    file = forms.FileField(label=_("Holiday file"), required=False)
    text = forms.CharField(
        label=_("Or paste the file here"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "cols": 70, "spellcheck": "false"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        text = (data.get("text") or "").strip()
        if upload is not None:
            if upload.size > MAX_HOLIDAY_FILE_BYTES:
                raise forms.ValidationError(_("The file is too large for a holiday file."))
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise forms.ValidationError(_("The file is not UTF-8 text.")) from exc
        if not text.strip():
            raise forms.ValidationError(_("Choose a file or paste its text."))
        data["content"] = text
        return data


class WorkdayForm(forms.Form):
    start = forms.DateField(
        label=_("Start date"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    days = forms.IntegerField(label=_("Working days"), min_value=0, max_value=3650, initial=10)


class StaffAuthenticationForm(AuthenticationForm):
    """The staff sign-in: self-service (portal) accounts are sent to their own sign-in page."""

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if hasattr(user, "portal_account"):
            raise forms.ValidationError(
                _("This is a self-service account: sign in on the online services page."),
                code="portal_account",
            )
