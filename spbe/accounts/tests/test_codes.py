"""The organisation code format, and unit_create refusing what does not fit it."""

from __future__ import annotations

import pytest

from spbe.accounts.codes import InvalidOrgCode, clean_org_code
from spbe.accounts.models import PerangkatDaerah
from spbe.accounts.services import unit_create
from spbe.core.errors import ValidationFailed
from spbe.core.models import AuditEntry

# 1.03.0.00.0.00.01.0000 written with Arabic-Indic digits, which str.isdigit() accepts.
ARABIC_INDIC = "1.03.0.00.0.00.01.0000".translate(
    str.maketrans("0123456789", "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669")
)


@pytest.mark.parametrize(
    "code", ["1.03.0.00.0.00.01.0000", " 5.01.5.05.0.00.01.0000 ", "2.16.2.20.2.21.01.0000"]
)
def test_it_accepts_the_format(code):
    assert clean_org_code(code) == code.strip()


@pytest.mark.parametrize(
    "code",
    [
        "1.03.0.00.0.00.01",  # seven segments
        "1.03.0.00.0.00.01.0000.1",  # nine
        "01.03.0.00.0.00.01.0000",  # urusan two digits wide
        "1.3.0.00.0.00.01.0000",  # bidang one digit wide
        "1.03.0.00.0.00.1.0",  # unit and sub unit too narrow
        "1.03.0.00.0.00.01.000000",  # sub unit too wide
        ARABIC_INDIC,  # Arabic-Indic digits: isdigit() says yes
        "1.03.0.00.0.00.0\u00b9.0000",  # a superscript one
        "1.03.0.00.0.00.01.000\uff10",  # a fullwidth zero
        "1.03.0.00.0.00.01.-000",
        "",
    ],
)
def test_it_refuses_anything_else(code):
    with pytest.raises(InvalidOrgCode) as caught:
        clean_org_code(code)
    assert caught.value.field == "code"
    assert "1.03.0.00.0.00.01.0000" in caught.value.message


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "name", "field"),
    [
        (ARABIC_INDIC, "Dinas PU", "code"),
        ("1.03.0.00.0.00.1.0", "Dinas PU", "code"),
        ("1.03.0.00.0.00.05.0000", "\u200b\u2060", "name"),
        ("1.03.0.00.0.00.05.0000", "Dinas \u202eUP", "name"),
        ("1.03.0.00.0.00.05.0000", "D" * 201, "name"),
    ],
)
def test_unit_create_refuses_bad_codes_and_names(world, code, name, field):
    before = (PerangkatDaerah.objects.count(), AuditEntry.objects.count())

    with pytest.raises(ValidationFailed) as caught:
        unit_create(actor=world.officer_a, pemda=world.pemda_a, code=code, name=name, kind="dinas")

    assert caught.value.field == field
    assert (PerangkatDaerah.objects.count(), AuditEntry.objects.count()) == before


@pytest.mark.django_db
def test_unit_create_stores_the_name_normalised(world):
    unit = unit_create(
        actor=world.officer_a,
        pemda=world.pemda_a,
        code=" 1.03.0.00.0.00.05.0000 ",
        name="  Dinas  Pekerjaan Umum Cafe\u0301 ",
        kind="dinas",
    )

    unit.refresh_from_db()
    assert (unit.code, unit.name) == ("1.03.0.00.0.00.05.0000", "Dinas Pekerjaan Umum Caf\u00e9")
