"""Read an uploaded or imported table (CSV or XLSX) safely into rows of text, for every module's imports.

This module owns everything about the file itself: its size, its encoding, its container (an XLSX is a
zip of XML parts and may be truncated, corrupt or a zip bomb), the header row, the length of each cell
and the characters in it. It knows nothing about what the columns mean: the importing module checks the
values and reports its own errors through the same :class:`ErrorCollector`.

Whatever is wrong with a file ends as one :class:`~spbe.core.errors.ImportFailed` naming the file, and the
row and column where they are known (rows numbered as the spreadsheet shows them, the header being row 1
when it is the first line), never as a traceback. The collector keeps at most ``ERROR_LIMIT`` messages and
counts the rest, so a file of a million bad rows costs no more memory than one of a thousand.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import zipfile
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from .errors import ImportFailed, RowError, ValidationFailed
from .text import describe_characters, invisible_characters

MAX_FILE_BYTES = 50 * 1024 * 1024
# The parts of an XLSX once unpacked; XML compresses about tenfold, far less than a zip bomb's 1000x.
MAX_UNPACKED_BYTES = 500 * 1024 * 1024
MAX_ROWS = 1_000_000
# For text columns without a length of their own; a cell longer than this is a mistake, not data.
MAX_CELL_CHARS = 5_000
ERROR_LIMIT = 1_000
HEADER_SEARCH_ROWS = 10
CSV_SUFFIXES = frozenset({".csv"})
XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})
# Line breaks and tabs may occur inside a quoted cell; every other control character (category Cc; NUL
# above all: PostgreSQL refuses it, SQLite stores it) means the file is not the text it claims to be.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Column:
    """A column the importer reads: its key, whether the file must have it, and its longest value."""

    key: str
    required: bool = True
    max_length: int = MAX_CELL_CHARS


@dataclass(frozen=True)
class TableRow:
    """One non-blank data row, with the row number the user sees in the spreadsheet."""

    file: str
    row: int
    values: dict[str, str]


class ErrorCollector:
    """Collect row errors up to ``limit`` messages; count every error, in total and per column."""

    def __init__(self, limit: int = ERROR_LIMIT) -> None:
        self.limit = limit
        self.errors: list[RowError] = []
        self.total = 0
        self.by_column: Counter[str | None] = Counter()

    def __bool__(self) -> bool:
        return self.total > 0

    def add(self, error: RowError) -> None:
        self.total += 1
        self.by_column[error.column] += 1
        if len(self.errors) < self.limit:
            self.errors.append(error)

    def extend(self, failure: ImportFailed) -> None:
        """Take over the errors of an import that already failed, keeping its counts."""
        for error in failure.errors[: max(0, self.limit - len(self.errors))]:
            self.errors.append(error)
        self.total += failure.total
        self.by_column.update(failure.by_column)

    def failure(self, message: str) -> ImportFailed:
        """The error to raise: ``message`` (usually naming ``total``) and the errors kept, by file and row."""
        errors = sorted(self.errors, key=lambda e: (e.file or "", e.row))
        return ImportFailed(message, errors, total=self.total, by_column=dict(self.by_column))


def file_error(path: Path, message: str, row: int = 1, column: str | None = None) -> ImportFailed:
    """A whole-file problem as an ImportFailed with one located error."""
    return ImportFailed(
        _("Berkas %(file)s tidak dapat dibaca.") % {"file": path.name},
        [RowError(row, message, column, path.name)],
    )


def cell_text(value: object) -> str:
    """The text of a spreadsheet cell as the user sees it (numbers without a spurious ``.0``)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        # A code typed as a number arrives as a float: 4.1 must stay "4.1", and 4.0 means "4".
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    return str(value).strip()


# ---------------------------------------------------------------------------------------------- reading


def _csv_records(path: Path, errors: ErrorCollector) -> Iterator[tuple[int, list[str]]]:
    number = 0
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            first_line = handle.readline(64 * 1024)
            handle.seek(0)
            # Spreadsheets set to an Indonesian locale save CSV with ';' because ',' is the decimal separator.
            delimiter = max((",", ";", "\t"), key=first_line.count)
            reader = csv.reader(handle, delimiter=delimiter)
            while True:
                number += 1
                try:
                    record = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    # The reader drops the record and goes on with the next one. Its usual cause is a
                    # cell longer than the csv module's limit: a quote never closed, or not a table at all.
                    message = (
                        _(
                            "sebuah sel lebih dari %(max)d karakter; "
                            'periksa tanda petik (") yang tidak ditutup'
                        )
                        % {"max": csv.field_size_limit()}
                        if "field larger than field limit" in str(exc)
                        else _("baris CSV tidak sah: %(error)s") % {"error": exc}
                    )
                    errors.add(RowError(number, message, None, path.name))
                    continue
                yield number, [cell.strip() for cell in record]
    except UnicodeDecodeError as exc:
        raise file_error(
            path, _("Berkas bukan teks UTF-8; simpan ulang sebagai 'CSV UTF-8'."), max(number, 1)
        ) from exc


def _check_unpacked_size(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise file_error(
            path, _("Berkas bukan XLSX yang utuh (rusak atau terpotong); simpan ulang dari Excel.")
        ) from exc
    # The sizes come from the zip's directory; zipfile never inflates a part beyond its declared size.
    if unpacked > MAX_UNPACKED_BYTES:
        raise file_error(
            path,
            _("Isi berkas XLSX terlalu besar setelah dibuka (%(size)d MB; paling besar %(max)d MB).")
            % {"size": unpacked // 2**20, "max": MAX_UNPACKED_BYTES // 2**20},
        )


def _xlsx_records(path: Path) -> Iterator[tuple[int, list[str]]]:
    _check_unpacked_size(path)
    number = 0
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            if not workbook.worksheets:
                raise file_error(path, _("Berkas XLSX tidak memuat lembar kerja."))
            # Read-only sheets yield an empty tuple for each missing row, so numbering matches the sheet.
            for values in workbook.worksheets[0].iter_rows(values_only=True):
                number += 1
                yield number, [cell_text(v) for v in values]
        finally:
            workbook.close()
    except ImportFailed:
        raise
    except Exception as exc:
        # openpyxl reads a damaged part (truncated XML, a bad deflate stream, a wrong checksum, a missing
        # relationship) by raising whatever its parser raises; all of them mean the same to the user.
        detail = {"row": number, "error": type(exc).__name__}
        message = (
            _("Berkas XLSX rusak setelah baris %(row)d (%(error)s); simpan ulang dari Excel lalu ulangi.")
            if number
            else _("Berkas bukan XLSX yang sah atau rusak (%(error)s); simpan ulang dari Excel lalu ulangi.")
        )
        raise file_error(path, message % detail, number + 1) from exc


def _records(path: Path, errors: ErrorCollector) -> Iterator[tuple[int, list[str]]]:
    suffix = path.suffix.lower()
    if suffix not in CSV_SUFFIXES | XLSX_SUFFIXES:
        raise ValidationFailed(
            _("Format berkas %(file)s tidak didukung; gunakan CSV atau XLSX.") % {"file": path.name}
        )
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ValidationFailed(_("Berkas %(file)s tidak ditemukan.") % {"file": path}, field="file") from exc
    if size > MAX_FILE_BYTES:
        raise file_error(
            path,
            _("Berkas terlalu besar (%(size)d MB; paling besar %(max)d MB); bagi menjadi beberapa berkas.")
            % {"size": size // 2**20, "max": MAX_FILE_BYTES // 2**20},
        )
    records = _csv_records(path, errors) if suffix in CSV_SUFFIXES else _xlsx_records(path)
    for number, cells in records:
        if number > MAX_ROWS:
            raise file_error(
                path,
                _("Berkas lebih dari %(max)d baris; bagi menjadi beberapa berkas.") % {"max": MAX_ROWS},
                number,
            )
        yield number, cells


def _header(cells: Sequence[str], aliases: Mapping[str, str]) -> dict[str, int]:
    header: dict[str, int] = {}
    for index, title in enumerate(cells):
        key = aliases.get("_".join(title.lower().split()))
        if key and key not in header:
            header[key] = index
    return header


def _check_cell(value: str, column: Column) -> str | None:
    # Printable ASCII (nearly every cell) holds no control or format character: one C-speed test instead
    # of the two scans below, half a million times in an import of 50,000 budget rows.
    if value.isascii() and value.isprintable():
        if len(value) > column.max_length:
            return _too_long(value, column)
        return None
    hidden = CONTROL_CHARACTERS.search(value)
    if hidden:
        return _("berisi karakter kendali (U+%(code)04X); berkas mungkin rusak atau bukan teks") % {
            "code": ord(hidden.group())
        }
    # Format characters (right-to-left override, zero-width space, ...) make a cell read differently from
    # what it holds: a code that looks right but matches nothing, a name that displays reversed.
    invisible = [c for c in invisible_characters(value) if c not in "\t\n\r"]
    if invisible:
        return _("berisi karakter tak terlihat (%(chars)s); hapus karakter itu lalu ulangi") % {
            "chars": describe_characters(invisible)
        }
    if len(value) > column.max_length:
        return _too_long(value, column)
    return None


def _too_long(value: str, column: Column) -> str:
    return _("isi lebih dari %(max)d karakter (%(length)d karakter)") % {
        "max": column.max_length,
        "length": len(value),
    }


def read_table(
    path: Path | str, columns: Sequence[Column], aliases: Mapping[str, str] | None = None
) -> list[TableRow]:
    """Read the first sheet of an XLSX, or a CSV (UTF-8; ``,`` ``;`` or tab), into rows of text.

    The header is the first of the top ``HEADER_SEARCH_ROWS`` non-blank rows that names every required
    column (official exports often put a title above it); ``aliases`` maps a title, lower-cased with
    spaces as ``_``, to a column key (default: the keys themselves). Blank rows are skipped; optional
    columns missing from the header are absent from ``values``. Every cell read is checked for control
    characters and for its column's length. Raises ImportFailed for any problem, listing the cells at
    fault, so a caller only ever sees well-formed text.
    """
    path = Path(path)
    names = aliases if aliases is not None else {c.key: c.key for c in columns}
    required = [c.key for c in columns if c.required]
    errors = ErrorCollector()
    header: dict[str, int] | None = None
    wanted: list[Column] = []
    first_missing: tuple[int, list[str]] | None = None
    looked_at = 0
    rows: list[TableRow] = []
    for number, cells in _records(path, errors):
        if not any(cells):
            continue
        if header is None:
            found = _header(cells, names)
            missing = [key for key in required if key not in found]
            looked_at += 1
            if not missing:
                header = found
                wanted = [c for c in columns if c.key in header]
            elif first_missing is None:
                first_missing = (number, missing)
            if header is None and looked_at >= HEADER_SEARCH_ROWS:
                break
            continue
        values: dict[str, str] = {}
        for column in wanted:
            index = header[column.key]
            value = cells[index] if index < len(cells) else ""
            problem = _check_cell(value, column)
            if problem:
                errors.add(RowError(number, problem, column.key, path.name))
            values[column.key] = value
        rows.append(TableRow(path.name, number, values))
    if header is None:
        if errors:
            raise errors.failure(_("Berkas %(file)s tidak dapat dibaca.") % {"file": path.name})
        if first_missing is None:
            raise ImportFailed(
                _("Berkas %(file)s kosong.") % {"file": path.name},
                [RowError(1, _("baris judul kolom tidak ada"), None, path.name)],
            )
        number, missing = first_missing
        raise ImportFailed(
            _("Berkas %(file)s tidak memuat kolom wajib.") % {"file": path.name},
            [
                RowError(number, _("kolom wajib '%(column)s' tidak ada") % {"column": key}, key, path.name)
                for key in missing
            ],
        )
    if errors:
        raise errors.failure(
            _("Berkas %(file)s tidak dibaca: %(count)d isian tidak sah. Perbaiki lalu ulangi.")
            % {"file": path.name, "count": errors.total}
        )
    return rows
