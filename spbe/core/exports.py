"""Lists out as CSV and XLSX: any selector's rows and a column spec become a download.

Owns the one way every module exports a list (issue 6 point 7: "any list in the product exports to XLSX
and CSV"), so the rules below hold everywhere and are tested once:

- headers are the columns' labels in the active language (Bahasa Indonesia unless the user chose English);
- money is exact: a decimal string with two places in CSV (``1234567.89``, as the API sends it), a number
  cell formatted ``#,##0.00`` in XLSX; a spreadsheet number is a double, exact to 15 significant digits,
  so a larger amount (over Rp9.999.999.999.999,99) is written as its exact decimal text instead;
- no formula injection: a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
  gets a leading apostrophe, so a spreadsheet shows it as text instead of running it (OWASP "CSV
  injection"); numbers and money are typed cells and need no escape;
- large lists stream: CSV is written row by row as the response is sent, reading a queryset with
  ``iterator()`` so it is never held in memory; XLSX (a zip that cannot be sent before it is complete) is
  written by openpyxl's write-only mode to a temporary file, row by row, and that file is streamed.

Must not touch any app: callers pass rows and columns, this module knows nothing of what they are.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from .errors import ValidationFailed

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    StrOrPromise = str | _StrPromise

Kind = Literal["text", "money", "number", "integer", "date", "datetime"]
FORMATS = ("csv", "xlsx")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MONEY_FORMAT = "#,##0.00"
CENT = Decimal("0.01")
# Significant digits a double keeps exactly: Rp9.999.999.999.999,99 and below stay numbers.
EXCEL_DIGITS = 15
CHUNK = 2000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    """One column: its header label, how to read its value from a row, and what kind of value it is."""

    header: StrOrPromise
    value: Callable[[Any], Any]
    kind: Kind = "text"
    width: int | None = None


def escape_formula(text: str) -> str:
    """``'=1+1`` for ``=1+1``: a cell a spreadsheet shows as text instead of evaluating."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _rows(rows: Iterable[Any]) -> Iterator[Any]:
    # A queryset read with iterator() is fetched in chunks and never cached whole.
    if isinstance(rows, QuerySet):
        return rows.iterator(chunk_size=CHUNK)
    return iter(rows)


def _money(value: Any) -> Decimal:
    if not isinstance(value, Decimal):
        raise TypeError(f"money columns take Decimal, not {type(value).__name__}")
    return value.quantize(CENT)


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def csv_value(column: Column, value: Any) -> str:
    if value is None:
        return ""
    if column.kind == "money":
        return str(_money(value))
    if column.kind == "datetime" and isinstance(value, dt.datetime):
        return _local(value).strftime("%Y-%m-%d %H:%M")
    if column.kind in ("number", "integer", "date"):
        return str(value)
    return escape_formula(str(value))


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a streaming response."""

    def write(self, value: str) -> str:
        return value


def csv_response(rows: Iterable[Any], columns: Sequence[Column], *, filename: str) -> StreamingHttpResponse:
    """A streamed CSV download (UTF-8 with a byte-order mark, so Excel reads the accents right)."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff" + writer.writerow([str(c.header) for c in columns])
        for row in _rows(rows):
            yield writer.writerow([csv_value(c, c.value(row)) for c in columns])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def _xlsx_cell(sheet: WriteOnlyWorksheet, column: Column, value: Any) -> Cell:
    if value is None:
        return WriteOnlyCell(sheet, value=None)
    if column.kind == "money":
        amount = _money(value)
        if len(amount.as_tuple().digits) > EXCEL_DIGITS:
            # A spreadsheet number is a double: beyond 15 digits it would round the sen away silently.
            # The exact amount as text is the lesser evil (a budget's grand total, never a line).
            cell = WriteOnlyCell(sheet, value=str(amount))
            cell.data_type = "s"
        else:
            # openpyxl writes the Decimal as a double, exact at these 15 digits (checked above).
            cell = WriteOnlyCell(sheet, value=amount)  # type: ignore[arg-type]
            cell.number_format = MONEY_FORMAT
    elif column.kind == "datetime" and isinstance(value, dt.datetime):
        cell = WriteOnlyCell(sheet, value=_local(value).replace(tzinfo=None))
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif column.kind == "date":
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
    elif column.kind in ("number", "integer"):
        cell = WriteOnlyCell(sheet, value=value)
    else:
        # Set as a string: openpyxl would otherwise take a leading "=" for a formula.
        cell = WriteOnlyCell(sheet, value=escape_formula(str(value)))
        cell.data_type = "s"
    return cell


def xlsx_response(
    rows: Iterable[Any], columns: Sequence[Column], *, filename: str, sheet_title: str = "Data"
) -> FileResponse:
    """An XLSX download of one sheet: bold header row, frozen below it, money as formatted numbers."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=sheet_title[:31])
    for index, column in enumerate(columns):
        letter = _letter(index)
        sheet.column_dimensions[letter].width = column.width or (16 if column.kind != "text" else 30)
    sheet.freeze_panes = "A2"
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=str(column.header))
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in _rows(rows):
        sheet.append([_xlsx_cell(sheet, c, c.value(row)) for c in columns])
    # Spooled in memory up to 8 MB, then on disk; FileResponse sends it in blocks and closes it.
    handle = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - closed by the response
    book.save(handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_TYPE)


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def export_response(
    fmt: str, rows: Iterable[Any], columns: Sequence[Column], *, filename: str, sheet_title: str = "Data"
) -> StreamingHttpResponse | FileResponse:
    """The download in ``fmt`` (``csv`` or ``xlsx``); ValidationFailed for any other format."""
    if fmt == "csv":
        return csv_response(rows, columns, filename=filename)
    if fmt == "xlsx":
        return xlsx_response(rows, columns, filename=filename, sheet_title=sheet_title)
    raise ValidationFailed(_("Format unduhan harus csv atau xlsx."), field="format")
