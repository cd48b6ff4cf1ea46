"""Forms of complaints: the public submission, and the staff's intake and steps."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from spbe.accounts.models import PerangkatDaerah


class ComplaintForm(forms.Form):
    subject = forms.CharField(label=_("Pokok pengaduan"), max_length=200)
    description = forms.CharField(
        label=_("Uraian"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Uraian ini ditampilkan di halaman status tiket: jangan tulis data pribadi di sini."),
    )
    location = forms.CharField(label=_("Lokasi kejadian"), max_length=255, required=False)
    name = forms.CharField(label=_("Nama"), max_length=150)
    nik = forms.CharField(label=_("NIK"), max_length=16, required=False)
    phone = forms.CharField(label=_("Telepon"), max_length=30, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)


class IntakeForm(ComplaintForm):
    """A complaint recorded at a counter; the counter is one of the officer's units."""

    counter_unit: forms.ModelChoiceField[PerangkatDaerah] = forms.ModelChoiceField(
        label=_("Loket (perangkat daerah)"), queryset=PerangkatDaerah.objects.none(), required=False
    )

    def __init__(self, *args: object, units: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["counter_unit"].queryset = units  # type: ignore[attr-defined]


class TextForm(forms.Form):
    text = forms.CharField(
        label=_("Isi"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class DeadlinesForm(forms.Form):
    verify_days = forms.IntegerField(label=_("Hari untuk verifikasi"), min_value=1, max_value=365)
    route_days = forms.IntegerField(label=_("Hari untuk disposisi"), min_value=1, max_value=365)
    answer_days = forms.IntegerField(
        label=_("Hari untuk jawaban perangkat daerah"), min_value=1, max_value=365
    )
    close_days = forms.IntegerField(label=_("Hari untuk penutupan"), min_value=1, max_value=365)
