"""The field supervisor's report form and the checker's decision form (photos come from ``request.FILES``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

PHOTO_ACCEPT = "image/jpeg,image/png,image/webp"


class ReportForm(forms.Form):
    reported_on = forms.DateField(
        label=_("Tanggal laporan"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    percent = forms.CharField(
        label=_("Progres fisik kumulatif (%)"),
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text=_("Misalnya 42,5 atau 42.5"),
    )
    note = forms.CharField(label=_("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    problems = forms.CharField(
        label=_("Permasalahan"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class CheckForm(forms.Form):
    action = forms.ChoiceField(choices=[("verify", _("Verifikasi")), ("return", _("Kembalikan"))])
    note = forms.CharField(
        label=_("Catatan atau alasan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
