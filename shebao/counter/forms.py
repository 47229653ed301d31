"""Forms of the counter pages (the services check everything again; these only shape the input)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from shebao.catalogue.models import Zone
from shebao.counter.models import OutletKind, WindowKind


class KioskForm(forms.Form):
    zone = forms.ChoiceField(label=_("Zone"), choices=Zone.choices)
    kind = forms.ChoiceField(
        label=_("Business"),
        choices=[("general", _("General business")), ("special", _("Special business"))],
        initial="general",
    )
    id_number = forms.CharField(label=_("ID number (optional)"), max_length=20, required=False)


class CheckInForm(forms.Form):
    code = forms.CharField(label=_("Booking code"), max_length=12)


class BookForm(forms.Form):
    slot = forms.IntegerField(label=_("Time"), widget=forms.HiddenInput)
    name = forms.CharField(label=_("Name"), max_length=60)
    phone = forms.CharField(label=_("Phone"), max_length=20)
    id_number = forms.CharField(label=_("ID number (optional)"), max_length=20, required=False)


class CancelForm(forms.Form):
    code = forms.CharField(label=_("Booking code"), max_length=12)
    phone = forms.CharField(label=_("Phone"), max_length=20)


class OutletForm(forms.Form):
    code = forms.SlugField(label=_("code"), max_length=30, required=False)
    region = forms.CharField(label=_("Region code"), max_length=12, required=False)
    name_zh = forms.CharField(label=_("name (Chinese)"), max_length=120)
    name_en = forms.CharField(label=_("name (English)"), max_length=160, required=False)
    kind = forms.ChoiceField(label=_("kind"), choices=OutletKind.choices)
    address = forms.CharField(label=_("address"), max_length=200)
    latitude = forms.DecimalField(label=_("latitude"), max_digits=9, decimal_places=6, required=False)
    longitude = forms.DecimalField(label=_("longitude"), max_digits=9, decimal_places=6, required=False)
    opening_hours = forms.CharField(label=_("opening hours"), max_length=200)
    phone = forms.CharField(label=_("phone"), max_length=40, required=False)


class WindowForm(forms.Form):
    number = forms.CharField(label=_("window number"), max_length=10)
    kind = forms.ChoiceField(label=_("kind"), choices=WindowKind.choices)
    zones = forms.MultipleChoiceField(
        label=_("zones served"), choices=Zone.choices, widget=forms.CheckboxSelectMultiple
    )
    active = forms.BooleanField(label=_("active"), required=False, initial=True)


class SlotsForm(forms.Form):
    zone = forms.ChoiceField(label=_("Zone"), choices=Zone.choices)
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("From"), initial="09:00", widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("To"), initial="17:00", widget=forms.TimeInput(attrs={"type": "time"}))
    minutes = forms.IntegerField(label=_("Minutes per slot"), initial=30, min_value=5, max_value=240)
    capacity = forms.IntegerField(label=_("capacity"), initial=4, min_value=1, max_value=100)


class QualificationForm(forms.Form):
    username = forms.CharField(label=_("Teller (user name)"), max_length=150)
    zone = forms.ChoiceField(label=_("Zone"), choices=[("", "—"), *Zone.choices], required=False)
    item_code = forms.CharField(label=_("item code"), max_length=32, required=False)
