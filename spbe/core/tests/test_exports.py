"""Lists out as CSV and XLSX: headers, exact money, no formula injection, streamed."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.http import StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from spbe.core.errors import ValidationFailed
from spbe.core.exports import Column, csv_response, escape_formula, export_response, xlsx_response

COLUMNS = [
    Column(_("Nomor usulan"), lambda r: r["id"]),
    Column(_("Judul"), lambda r: r["title"]),
    Column(_("Perkiraan biaya"), lambda r: r["cost"], kind="money"),
    Column(_("Penerima manfaat"), lambda r: r["people"], kind="integer"),
    Column(_("Tanggal"), lambda r: r["at"], kind="datetime"),
]
ROWS = [
    {
        "id": "35.10-2028-000001",
        "title": "Rehab jalan Krajan",
        "cost": Decimal("1234567.8"),
        "people": 420,
        "at": dt.datetime(2028, 3, 1, 2, 30, tzinfo=dt.UTC),
    },
    {
        "id": "35.10-2028-000002",
        "title": '=HYPERLINK("http://evil","klik")',
        "cost": Decimal("-5.00"),
        "people": None,
        "at": None,
    },
    {"id": "35.10-2028-000003", "title": "@SUM(A1)", "cost": Decimal("0"), "people": 0, "at": None},
    {"id": "-1+2", "title": "+62 812", "cost": Decimal("92233720368547758.07"), "people": 1, "at": None},
]


def _body(response) -> bytes:
    if isinstance(response, StreamingHttpResponse):
        return b"".join(response.streaming_content)  # type: ignore[arg-type]
    return b"".join(response)


def _csv(response) -> list[list[str]]:
    text = _body(response).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_has_indonesian_headers_exact_money_and_escaped_formulas():
    with timezone.override("Asia/Jakarta"):
        response = csv_response(ROWS, COLUMNS, filename="usulan")
        rows = _csv(response)
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Disposition"] == 'attachment; filename="usulan.csv"'
    assert rows[0] == ["Nomor usulan", "Judul", "Perkiraan biaya", "Penerima manfaat", "Tanggal"]
    assert rows[1] == ["35.10-2028-000001", "Rehab jalan Krajan", "1234567.80", "420", "2028-03-01 09:30"]
    assert rows[2] == ["35.10-2028-000002", '\'=HYPERLINK("http://evil","klik")', "-5.00", "", ""]
    assert rows[3][1] == "'@SUM(A1)"
    assert rows[4][:3] == ["'-1+2", "'+62 812", "92233720368547758.07"]


def test_headers_follow_the_active_language():
    with translation.override("en"):
        header = _csv(csv_response([], [Column(_("Judul"), lambda r: r)], filename="x"))[0]
    assert header == ["Title"]


def test_xlsx_opens_with_typed_money_and_text_that_is_never_a_formula():
    with timezone.override("Asia/Jakarta"):
        response = xlsx_response(ROWS, COLUMNS, filename="usulan", sheet_title="Usulan 2028")
        content = _body(response)
    assert response["Content-Disposition"] == 'attachment; filename="usulan.xlsx"'
    book = load_workbook(io.BytesIO(content))
    sheet = book["Usulan 2028"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == ["Nomor usulan", "Judul", "Perkiraan biaya", "Penerima manfaat", "Tanggal"]
    assert values[1] == [
        "35.10-2028-000001",
        "Rehab jalan Krajan",
        1234567.8,
        420,
        dt.datetime(2028, 3, 1, 9, 30),
    ]
    assert values[2][1] == '\'=HYPERLINK("http://evil","klik")'
    assert values[3][1] == "'@SUM(A1)"
    assert values[4][:2] == ["'-1+2", "'+62 812"]
    cost = sheet["C2"]
    assert cost.data_type == "n" and cost.number_format == "#,##0.00"
    for row in sheet.iter_rows(min_row=2):
        assert all(cell.data_type != "f" for cell in row)
    assert sheet["A1"].font.b
    # Beyond the 15 digits a spreadsheet number keeps, the exact amount is text, never rounded.
    assert sheet["C5"].value == "92233720368547758.07" and sheet["C5"].data_type == "s"
    assert sheet["C3"].value == -5


def test_xlsx_money_up_to_fifteen_digits_is_a_number_that_reads_back_exactly():
    amounts = [Decimal("9999999999999.99"), Decimal("1234567.89"), Decimal("0.10"), Decimal("250000000.50")]
    response = xlsx_response(
        [{"c": a} for a in amounts], [Column("Biaya", lambda r: r["c"], kind="money")], filename="x"
    )
    sheet = load_workbook(io.BytesIO(_body(response))).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert all(c.data_type == "n" for c in cells)
    assert [Decimal(repr(c.value)).quantize(Decimal("0.01")) for c in cells] == amounts


def test_money_columns_refuse_floats():
    with pytest.raises(TypeError):
        _csv(csv_response([{"c": 1.5}], [Column("Biaya", lambda r: r["c"], kind="money")], filename="x"))


@pytest.mark.django_db
def test_a_queryset_is_read_in_chunks_not_cached(django_assert_num_queries):
    from django.contrib.contenttypes.models import ContentType

    rows = ContentType.objects.order_by("pk")
    response = csv_response(rows, [Column("Model", lambda r: r.model)], filename="x")
    lines = _csv(response)
    assert len(lines) == ContentType.objects.count() + 1
    assert rows._result_cache is None  # iterator() kept nothing


def test_an_unknown_format_is_refused():
    with pytest.raises(ValidationFailed) as caught:
        export_response("pdf", [], COLUMNS, filename="x")
    assert caught.value.field == "format"


@given(st.text(max_size=20))
def test_an_escaped_cell_never_starts_a_formula(text):
    escaped = escape_formula(text)
    assert not escaped.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert escaped in (text, "'" + text)
