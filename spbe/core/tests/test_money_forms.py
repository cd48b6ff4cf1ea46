"""Rupiah in forms and templates: Indonesian input through the one parser, Indonesian display."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms
from django.db import models
from django.template import Context, Template
from django.test.utils import isolate_apps
from django.utils import translation

from spbe.core.fields import MoneyField
from spbe.core.forms import MoneyFormField


class PaguForm(forms.Form):
    pagu = MoneyFormField(label="Pagu")
    tambahan = MoneyFormField(required=False, min_value=Decimal("0"), max_value=Decimal("1000000"))


@pytest.fixture(autouse=True)
def _indonesian():
    with translation.override("id"):
        yield


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("1.234.567,89", Decimal("1234567.89")),
        ("Rp 1.234.567,89", Decimal("1234567.89")),
        ("Rp1.234.567,89", Decimal("1234567.89")),
        ("1234567,89", Decimal("1234567.89")),
        ("1234567", Decimal("1234567.00")),
        ("  5.000,-  ", Decimal("5000.00")),
        ("-12,5", Decimal("-12.50")),
        ("1.000.000.000.000.000,01", Decimal("1000000000000000.01")),
    ],
)
def test_it_accepts_indonesian_input(typed, amount):
    form = PaguForm(data={"pagu": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["pagu"] == amount
    assert form.cleaned_data["pagu"].as_tuple().exponent == -2
    assert form.cleaned_data["tambahan"] is None


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("satu juta", "Jumlah uang tidak valid: 'satu juta'. Gunakan format seperti 1.234.567,89."),
        ("1,005", None),  # grouping: 1005 is fine, checked below
        ("1,0055", "paling banyak 2 angka di belakang koma"),
        ("12.34.5", "Gunakan format seperti 1.234.567,89"),
        ("", "Bidang ini tidak boleh kosong."),
    ],
)
def test_it_refuses_bad_input_in_indonesian(typed, message):
    form = PaguForm(data={"pagu": typed})
    if message is None:
        assert form.is_valid()
        assert form.cleaned_data["pagu"] == Decimal("1005.00")
        return
    assert not form.is_valid()
    assert message in form.errors["pagu"][0]


def test_it_checks_limits_in_rupiah():
    form = PaguForm(data={"pagu": "1", "tambahan": "1.000.000,01"})
    assert not form.is_valid()
    assert form.errors["tambahan"] == ["Jumlah uang paling banyak Rp1.000.000,00."]
    form = PaguForm(data={"pagu": "1", "tambahan": "-0,01"})
    assert not form.is_valid()
    assert form.errors["tambahan"] == ["Jumlah uang paling sedikit Rp0,00."]


def test_it_shows_the_current_value_in_indonesian_format():
    form = PaguForm(initial={"pagu": Decimal("1234567.89")})
    html = str(form["pagu"])
    assert 'value="1.234.567,89"' in html
    assert 'inputmode="decimal"' in html
    # Unchanged when the same amount comes back in the Indonesian spelling.
    bound = PaguForm(data={"pagu": "1.234.567,89"}, initial={"pagu": Decimal("1234567.89")})
    assert not bound.has_changed()


def test_it_is_the_model_fields_form_field():
    with isolate_apps("spbe.core"):

        class Anggaran(models.Model):  # noqa: DJ008
            pagu = MoneyField()

            class Meta:
                app_label = "core"

    form_class = forms.modelform_factory(Anggaran, fields=["pagu"])
    form = form_class(data={"pagu": "Rp 2.500.000,50"})
    assert isinstance(form.fields["pagu"], MoneyFormField)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["pagu"] == Decimal("2500000.50")
    assert form.instance.pagu == Decimal("2500000.50")
    refused = form_class(data={"pagu": "2.500.000,505"})
    assert not refused.is_valid()
    assert "2 angka di belakang koma" in refused.errors["pagu"][0]


@pytest.mark.parametrize(
    ("template", "value", "shown"),
    [
        ("{{ amount|rupiah }}", Decimal("1234567.89"), "Rp1.234.567,89"),
        ("{{ amount|rupiah }}", Decimal("-1000"), "-Rp1.000,00"),
        ("{{ amount|rupiah }}", Decimal("1000000000000000.01"), "Rp1.000.000.000.000.000,01"),
        ("{{ amount|rupiah:'tanpa' }}", Decimal("1234567.89"), "1.234.567,89"),
        ("{{ amount|rupiah }}", 5000, "Rp5.000,00"),
        ("{{ amount|rupiah }}", None, ""),
        ("{{ amount|rupiah }}", 0.1, ""),
        ("{{ amount|terbilang }}", Decimal("1001000.05"), "satu juta seribu rupiah lima sen"),
    ],
)
def test_template_filters(template, value, shown):
    rendered = Template("{% load money %}" + template).render(Context({"amount": value}))
    assert rendered == shown
