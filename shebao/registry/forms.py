"""Forms of the registry pages: the search box, the "as of" date and the staff-changes upload."""

from __future__ import annotations

from pathlib import PurePath

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

# The bulk import's own limit (bulk.MAX_BYTES); checked here too so a big upload is refused early.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
UPLOAD_SUFFIXES = (".xlsx", ".csv")


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("ID number, credit code or name"),
        max_length=120,
        strip=True,
        widget=forms.TextInput(
            attrs={"type": "search", "autocomplete": "off", "spellcheck": "false", "autofocus": True}
        ),
    )


class AsOfForm(forms.Form):
    on = forms.DateField(
        label=_("As it was on"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class StaffChangesForm(forms.Form):
    file = forms.FileField(
        label=_("Staff changes file (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(UPLOAD_SUFFIXES)}),
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        suffix = PurePath(upload.name or "").suffix.lower()
        if suffix not in UPLOAD_SUFFIXES:
            raise forms.ValidationError(_("Upload an .xlsx or .csv file."))
        if (upload.size or 0) > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload
