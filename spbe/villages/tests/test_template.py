"""The XLSX template: generated with the year's lists, round-tripped, all or nothing with located errors,
and a manual realisation that never double-counts a desa whose realisation comes from its books."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from spbe.core.errors import Conflict, ImportFailed
from spbe.core.models import AuditEntry
from spbe.villages import template
from spbe.villages.books import receipt_record
from spbe.villages.models import Apbdes, ApbdesLine, Realisation
from spbe.villages.models_template import ManualRealisation
from spbe.villages.services import LineData, apbdes_create, apbdes_line_save

from .books_helpers import LINES, YEAR, Officials, adopted, line, officials

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(world: Any, reference_year: int) -> Apbdes:
    apbdes = apbdes_create(actor=world.operator_x, village=world.desa_x, year=YEAR)
    apbdes_line_save(
        actor=world.operator_x, apbdes=apbdes, idempotency_key=uuid.uuid4(),
        data=LineData("4.2.1", "", "DDS", "Dana Desa", "100000000"),
    )  # fmt: skip
    return apbdes


def base(world: Any) -> str:
    return f"/app/{world.pemda_a.code}/desa/{world.desa_x.region_id}/apbdes/{YEAR}/templat/"


def saved(tmp_path: Path, body: bytes, name: str = "isi.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(body)
    return path


def filled(body: bytes, rows: list[list[Any]], *, keep: bool = True) -> bytes:
    """The template with ``rows`` written under its header (after its own rows when ``keep``)."""
    book = load_workbook(io.BytesIO(body))
    sheet = book.worksheets[0]
    if not keep:
        sheet.delete_rows(2, sheet.max_row)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_budget_template_carries_the_lists_instructions_and_the_draft(world: Any, draft: Apbdes) -> None:
    book = load_workbook(io.BytesIO(template.budget_template(draft)))
    assert book.sheetnames == ["APBDes", "Rekening", "Kegiatan", "Sumber", "Petunjuk"]
    sheet = book["APBDes"]
    assert [c.value for c in sheet[1]] == list(template.BUDGET_COLUMNS)
    assert [c.value for c in sheet[2]] == ["4.2.1", None, "DDS", "Dana Desa", "100000000.00"]
    kegiatan = {row[0] for row in book["Kegiatan"].iter_rows(min_row=2, values_only=True)}
    assert "02.03.01" in kegiatan and "04.02.03" in kegiatan
    assert "5.2.1" in {row[0] for row in book["Rekening"].iter_rows(min_row=2, values_only=True)}
    assert "DDS" in {row[0] for row in book["Sumber"].iter_rows(min_row=2, values_only=True)}
    validations = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert validations["A2:A5001"].startswith("=Rekening!$A$2:$A$")
    assert validations["B2:B5001"].startswith("=Kegiatan!$A$2")
    assert "Petunjuk pengisian APBDes" in str(book["Petunjuk"]["A1"].value)


def test_the_budget_template_round_trips_and_replaces_the_draft(
    world: Any, draft: Apbdes, tmp_path: Path
) -> None:
    rows = [
        ["5.2.1", "04.02.03", "DDS", "Benih padi", "1.250.000,50"],
        ["5.2.1", "04.02.03", "DDS", "Pupuk", "750000"],
        ["6.1.1", "", "PAD", "SiLPA", "2000000.00"],
    ]
    body = filled(template.budget_template(draft), rows)
    path = saved(tmp_path, body)
    assert template.budget_import(actor=world.operator_x, apbdes=draft, path=path, file_name="isi.xlsx") == 4
    # The same file again gives the same draft, never twice the lines.
    template.budget_import(actor=world.operator_x, apbdes=draft, path=path, file_name="isi.xlsx")
    got = list(
        ApbdesLine.objects.filter(apbdes=draft)
        .order_by("account_code", "number")
        .values_list("account_code", "activity_code", "number", "amount")
    )
    assert got == [
        ("4.2.1", "", 1, Decimal("100000000.00")),
        ("5.2.1", "04.02.03", 1, Decimal("1250000.50")),
        ("5.2.1", "04.02.03", 2, Decimal("750000.00")),
        ("6.1.1", "", 1, Decimal("2000000.00")),
    ]
    assert AuditEntry.objects.filter(action="apbdes.template_import").count() == 2
    # Downloaded again, it holds what was uploaded.
    again = load_workbook(io.BytesIO(template.budget_template(draft)))["APBDes"]
    assert again.max_row == 5


def test_a_bad_row_refuses_the_whole_file_with_sheet_row_and_column(
    world: Any, draft: Apbdes, tmp_path: Path
) -> None:
    body = filled(
        template.budget_template(draft),
        [
            ["5.2.1", "", "DDS", "Tanpa kegiatan", "1000"],
            ["5.2.1", "02.03.01", "XYZ", "Sumber salah", "1000"],
            ["5.2.1", "02.03.01", "DDS", "Jumlah salah", "satu juta"],
            ["5.2.1", "02.03.01", "DDS", "Baik", "1000"],
        ],
    )
    with pytest.raises(ImportFailed) as caught:
        template.budget_import(
            actor=world.operator_x, apbdes=draft, path=saved(tmp_path, body), file_name="desa.xlsx"
        )
    lines = [f"{e.file}: {e.contract_line()}" for e in caught.value.errors]
    assert lines[0].startswith("desa.xlsx [APBDes]: row 3, column kode_kegiatan: ")
    assert lines[1].startswith("desa.xlsx [APBDes]: row 4, column sumber_dana: ")
    assert lines[2].startswith("desa.xlsx [APBDes]: row 5, column anggaran: ")
    assert len(lines) == 3
    assert list(ApbdesLine.objects.filter(apbdes=draft).values_list("account_code", flat=True)) == ["4.2.1"]


def test_the_other_template_is_refused_by_its_first_sheet(world: Any, draft: Apbdes, tmp_path: Path) -> None:
    body = template.realisation_template(world.desa_x, YEAR)
    with pytest.raises(ImportFailed) as caught:
        template.budget_import(
            actor=world.operator_x, apbdes=draft, path=saved(tmp_path, body), file_name="r.xlsx"
        )
    assert "lembar pertama harus 'APBDes'" in caught.value.errors[0].message


def test_the_budget_upload_page_shows_located_errors_and_saves_nothing(world: Any, draft: Apbdes) -> None:
    client = world.client_for(world.operator_x)
    page = client.get(base(world))
    assert page.status_code == 200 and b'id="upload-apbdes"' in page.content
    download = client.get(base(world) + "apbdes.xlsx")
    assert download.status_code == 200
    body = filled(download.content, [["5.2.1", "02.03.01", "DDS", "x", "-5"]])
    response = client.post(base(world), {"jenis": "apbdes", "berkas": SimpleUploadedFile("desa.xlsx", body)})
    assert response.status_code == 422
    assert "desa.xlsx [APBDes]: row 3, column anggaran: " in response.content.decode()
    assert ApbdesLine.objects.filter(apbdes=draft).count() == 1
    ok = client.post(
        base(world),
        {
            "jenis": "apbdes",
            "berkas": SimpleUploadedFile(
                "desa.xlsx", filled(download.content, [["5.2.1", "02.03.01", "DDS", "x", "5"]])
            ),
        },
    )
    assert ok.status_code == 302 and ApbdesLine.objects.filter(apbdes=draft).count() == 2
    # Outsiders and another desa's operator get 404, and a camat may download but not upload.
    assert world.client_for(world.operator_y).get(base(world) + "apbdes.xlsx").status_code == 404
    assert world.client_for(world.officer_b).get(base(world)).status_code == 404
    camat = world.client_for(world.camat_x)
    assert camat.get(base(world) + "apbdes.xlsx").status_code == 200
    refused = camat.post(base(world), {"jenis": "apbdes", "berkas": SimpleUploadedFile("d.xlsx", body)})
    assert refused.status_code == 422 and ApbdesLine.objects.filter(apbdes=draft).count() == 2


@pytest.fixture
def people(world: Any) -> Officials:
    return officials(world)


def realisation_file(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Realisasi"
    sheet.append(list(template.REALISATION_COLUMNS))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_manual_realisation_round_trips_and_replaces(
    world: Any, people: Officials, reference_year: int, tmp_path: Path
) -> None:
    adopted(world, people)
    body = filled(
        template.realisation_template(world.desa_x, YEAR),
        [
            [f"{YEAR}-02-01", "4.2.1", "", "DDS", "Dana Desa tahap I", "40000000"],
            [f"03/04/{YEAR}", "5.3.5", "02.03.01", "DDS", "Semen", "12.500.000,50"],
            [dt.date(YEAR, 4, 5), "5.3.5", "02.03.01", "DDS", "Pasir", "1000000"],
        ],
    )
    result = template.realisation_import(
        actor=world.operator_x,
        village=world.desa_x,
        year=YEAR,
        path=saved(tmp_path, body),
        file_name="r.xlsx",
    )
    assert (result.rows, result.total) == (3, Decimal("53500000.50"))
    got = dict(
        Realisation.objects.filter(village=world.desa_x, year=YEAR, origin="entry").values_list(
            "account_code", "amount"
        )
    )
    assert got == {"4.2.1": Decimal("40000000.00"), "5.3.5": Decimal("13500000.50")}
    assert ManualRealisation.objects.get(row=3).entry_date == dt.date(YEAR, 4, 3)
    # The downloaded template holds the entries; uploading a smaller one replaces them.
    again = load_workbook(io.BytesIO(template.realisation_template(world.desa_x, YEAR)))["Realisasi"]
    assert again.max_row == 4
    smaller = realisation_file([[f"{YEAR}-02-01", "4.2.1", "", "DDS", "Dana Desa tahap I", "40000000"]])
    template.realisation_import(
        actor=world.operator_x,
        village=world.desa_x,
        year=YEAR,
        path=saved(tmp_path, smaller),
        file_name="r.xlsx",
    )
    assert list(
        Realisation.objects.filter(village=world.desa_x, year=YEAR).values_list("account_code", flat=True)
    ) == ["4.2.1"]


def test_manual_realisation_errors_are_located_and_nothing_is_written(
    world: Any, people: Officials, reference_year: int, tmp_path: Path
) -> None:
    adopted(world, people)
    body = realisation_file(
        [
            [f"{YEAR - 1}-12-31", "4.2.1", "", "DDS", "Tahun lalu", "1"],
            [f"{YEAR}-02-30", "4.2.1", "", "DDS", "Tanggal tak ada", "1"],
            [f"{YEAR}-03-01", "5.2.1", "04.02.03", "DDS", "Tidak di APBDes", "1"],
            [f"{YEAR}-03-01", "4.2.1", "", "DDS", "Nol", "0"],
            [f"{YEAR}-03-01", "4.2.1", "", "DDS", "Baik", "1"],
        ]
    )
    with pytest.raises(ImportFailed) as caught:
        template.realisation_import(
            actor=world.operator_x,
            village=world.desa_x,
            year=YEAR,
            path=saved(tmp_path, body),
            file_name="r.xlsx",
        )
    lines = [e.contract_line() for e in caught.value.errors]
    assert [line.split(":")[0] for line in lines] == [
        "row 2, column tanggal",
        "row 3, column tanggal",
        "row 4, column kode_rekening",
        "row 5, column jumlah",
    ]
    assert caught.value.errors[0].file == "r.xlsx [Realisasi]"
    assert not Realisation.objects.filter(village=world.desa_x).exists()
    assert not ManualRealisation.objects.exists()


def test_a_desa_keeping_books_is_refused_so_nothing_counts_twice(
    world: Any, people: Officials, reference_year: int, tmp_path: Path
) -> None:
    apbdes = adopted(world, people)
    receipt_record(
        actor=people.treasurer, village=world.desa_x, year=YEAR, apbdes_line_id=line(apbdes, "4.2.1").pk,
        received_on=dt.date(YEAR, 1, 20), via="bank", amount="40000000", description="Dana Desa tahap I",
    )  # fmt: skip
    body = realisation_file([[f"{YEAR}-02-01", "4.2.1", "", "DDS", "Dana Desa tahap I", "40000000"]])
    with pytest.raises(Conflict, match="tidak terhitung dua kali"):
        template.realisation_import(
            actor=world.operator_x,
            village=world.desa_x,
            year=YEAR,
            path=saved(tmp_path, body),
            file_name="r.xlsx",
        )
    assert Realisation.objects.get(village=world.desa_x, account_code="4.2.1").amount == Decimal(
        "40000000.00"
    )
    assert not ManualRealisation.objects.exists()


def test_a_desa_with_manual_realisation_keeps_no_books_so_nothing_counts_twice(
    world: Any, people: Officials, reference_year: int, tmp_path: Path
) -> None:
    apbdes = adopted(world, people)
    body = realisation_file([[f"{YEAR}-02-01", "4.2.1", "", "DDS", "Dana Desa tahap I", "40000000"]])
    template.realisation_import(
        actor=world.operator_x,
        village=world.desa_x,
        year=YEAR,
        path=saved(tmp_path, body),
        file_name="r.xlsx",
    )
    with pytest.raises(Conflict, match="templat XLSX"):
        receipt_record(
            actor=people.treasurer, village=world.desa_x, year=YEAR, apbdes_line_id=line(apbdes, "4.2.1").pk,
            received_on=dt.date(YEAR, 1, 20), via="bank", amount="40000000", description="Dana Desa tahap I",
        )  # fmt: skip
    assert Realisation.objects.get(village=world.desa_x, account_code="4.2.1").amount == Decimal(
        "40000000.00"
    )


def test_realisation_needs_an_adopted_apbdes(world: Any, draft: Apbdes, tmp_path: Path) -> None:
    body = realisation_file([[f"{YEAR}-02-01", "4.2.1", "", "DDS", "x", "1"]])
    with pytest.raises(Conflict):
        template.realisation_import(
            actor=world.operator_x,
            village=world.desa_x,
            year=YEAR,
            path=saved(tmp_path, body),
            file_name="r.xlsx",
        )
    assert len(LINES) and not Realisation.objects.exists()
