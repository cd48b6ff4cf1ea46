"""The functional classification (klasifikasi fungsi): loading the year's list and reading spending by it.

The list is ``data/fungsi.csv`` (its README cites the regulation and the choices made) or an official file
in the same columns: ``jenis`` (``fungsi``, ``sub_fungsi``, ``bidang``), ``kode``, ``nama``, ``induk`` (a
sub-function's function; a bidang's sub-function). Loading is all or nothing and reports every bad cell as
``row N, column X: reason``; it replaces the year's list in one transaction with one audit entry, and a
second load of the same list changes nothing.

Spending is classified through the bidang urusan of its sub-kegiatan: the first two segments of the code
(``1.03.01.2.02.0001`` is bidang 1.03, the support program being written with the agency's bidang). A
bidang without a function (an imported list that misses one) is shown as its own "tanpa fungsi" row, so
the sums by function always equal spending (akun 5) to the sen.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from spbe.core import audit, tabular
from spbe.core.actors import Actor, require_platform
from spbe.core.errors import NotFound, RowError

from .models_fungsi import Fungsi, FungsiBidang

DATA_FILE = Path(__file__).resolve().parent / "data" / "fungsi.csv"
COLUMNS = (
    tabular.Column("jenis", max_length=12),
    tabular.Column("kode", max_length=5),
    tabular.Column("nama", max_length=200),
    tabular.Column("induk", required=False, max_length=5),
)
FORMATS = {
    "fungsi": re.compile(r"\d\d"),
    "sub_fungsi": re.compile(r"\d\d\.\d\d"),
    "bidang": re.compile(r"\d\.\d\d"),
}
ZERO = Decimal("0.00")
UNMAPPED = "-"


@dataclass(frozen=True)
class LoadResult:
    year: int
    fungsi: int
    sub_fungsi: int
    bidang: int
    changed: bool


@dataclass
class FungsiMap:
    """The year's list: names of functions and sub-functions, and each bidang's sub-function."""

    year: int
    names: dict[str, str] = field(default_factory=dict)
    parent: dict[str, str] = field(default_factory=dict)
    bidang: dict[str, str] = field(default_factory=dict)

    def sub_fungsi_of(self, sub_kegiatan: str) -> str:
        """The sub-function of a sub-kegiatan code, or ``UNMAPPED``."""
        return self.bidang.get(bidang_of(sub_kegiatan), UNMAPPED)


def bidang_of(code: str) -> str:
    """``1.03.01.2.02.0001`` -> ``1.03``."""
    return ".".join(code.split(".")[:2])


# ------------------------------------------------------------------------------------------------ loading


def read_file(path: Path) -> tuple[list[Fungsi], list[FungsiBidang], int]:
    """Check a list file and return its rows (year unset). Raises ImportFailed listing every bad cell."""
    rows = tabular.read_table(path, COLUMNS)
    errors = tabular.ErrorCollector()
    kinds: dict[str, str] = {}
    functions: list[Fungsi] = []
    bidang: list[FungsiBidang] = []
    for row in rows:
        kind, code = row.values["jenis"].strip().lower(), row.values["kode"].strip()
        name, parent = " ".join(row.values["nama"].split()), row.values.get("induk", "").strip()

        def error(column: str, message: str, row: tabular.TableRow = row) -> None:
            errors.add(RowError(row.row, message, column, path.name))

        if kind not in FORMATS:
            error("jenis", _("jenis harus fungsi, sub_fungsi atau bidang, bukan '%(v)s'") % {"v": kind})
            continue
        if not FORMATS[kind].fullmatch(code):
            error("kode", _("kode %(kind)s '%(code)s' tidak sesuai format") % {"kind": kind, "code": code})
            continue
        key = f"{kind == 'bidang'}:{code}"
        if key in kinds:
            error("kode", _("kode '%(code)s' sudah ada di baris %(row)s") % {"code": code, "row": kinds[key]})
            continue
        kinds[key] = str(row.row)
        if not name:
            error("nama", _("nama wajib diisi"))
        if kind == "fungsi":
            if parent:
                error("induk", _("fungsi tidak berinduk"))
            functions.append(Fungsi(code=code, level=kind, name=name))
        elif kind == "sub_fungsi":
            if parent != code[:2]:
                error("induk", _("induk sub fungsi %(code)s harus %(p)s") % {"code": code, "p": code[:2]})
            functions.append(Fungsi(code=code, parent_code=parent, level=kind, name=name))
        else:
            bidang.append(FungsiBidang(bidang=code, name=name, sub_fungsi=parent))
            kinds[f"row:{code}"] = str(row.row)
    codes = {f.code: f.level for f in functions}
    for item in functions:
        if item.parent_code and codes.get(item.parent_code) != "fungsi":
            errors.add(
                RowError(
                    int(kinds[f"False:{item.code}"]),
                    _("fungsi %(code)s tidak ada di berkas") % {"code": item.parent_code},
                    "induk",
                    path.name,
                )
            )
    for link in bidang:
        if codes.get(link.sub_fungsi) != "sub_fungsi":
            errors.add(
                RowError(
                    int(kinds[f"row:{link.bidang}"]),
                    _("sub fungsi '%(code)s' tidak ada di berkas") % {"code": link.sub_fungsi},
                    "induk",
                    path.name,
                )
            )
    if not bidang and not errors:
        errors.add(RowError(1, _("berkas tidak memuat baris bidang"), None, path.name))
    if errors:
        raise errors.failure(
            _("Klasifikasi fungsi %(file)s tidak dimuat: %(count)d kesalahan.")
            % {"file": path.name, "count": errors.total}
        )
    return functions, bidang, len(rows)


def load(year: int, *, actor: Actor, path: Path | None = None) -> LoadResult:
    """Replace ``year``'s list by the bundled one (or ``path``), all or nothing, audited; unchanged when
    the year already holds exactly this list."""
    require_platform(actor)
    source = path or DATA_FILE
    functions, bidang, _rows = read_file(source)
    wanted_f = {(f.code, f.parent_code, f.level, f.name) for f in functions}
    wanted_b = {(b.bidang, b.name, b.sub_fungsi) for b in bidang}
    with transaction.atomic():
        have_f = set(Fungsi.objects.filter(year=year).values_list("code", "parent_code", "level", "name"))
        have_b = set(FungsiBidang.objects.filter(year=year).values_list("bidang", "name", "sub_fungsi"))
        changed = (have_f, have_b) != (wanted_f, wanted_b)
        if changed:
            Fungsi.objects.filter(year=year).delete()
            FungsiBidang.objects.filter(year=year).delete()
            for f in functions:
                f.year = year
            for b in bidang:
                b.year = year
            Fungsi.objects.bulk_create(functions)
            FungsiBidang.objects.bulk_create(bidang)
            audit.record(
                actor=actor,
                action="budget.fungsi_load",
                object_type="budgeting.fungsi",
                object_id=year,
                after={
                    "year": year,
                    "file": source.name,
                    "sha256": hashlib.sha256(source.read_bytes()).hexdigest(),
                    "fungsi": sum(1 for f in functions if f.level == "fungsi"),
                    "sub_fungsi": sum(1 for f in functions if f.level == "sub_fungsi"),
                    "bidang": len(bidang),
                },
            )
    return LoadResult(
        year,
        sum(1 for f in functions if f.level == "fungsi"),
        sum(1 for f in functions if f.level == "sub_fungsi"),
        len(bidang),
        changed,
    )


def ensure_loaded(year: int, *, actor: Actor) -> None:
    """Load the bundled list for ``year`` unless the year already has one (demo and set-up paths)."""
    if not FungsiBidang.objects.filter(year=year).exists():
        load(year, actor=actor)


# ------------------------------------------------------------------------------------------------ reading


def fungsi_map(year: int) -> FungsiMap:
    """The year's list in two queries; NotFound when it was never loaded."""
    result = FungsiMap(year)
    for code, parent, name in Fungsi.objects.filter(year=year).values_list("code", "parent_code", "name"):
        result.names[code] = name
        if parent:
            result.parent[code] = parent
    result.bidang = dict(FungsiBidang.objects.filter(year=year).values_list("bidang", "sub_fungsi"))
    if not result.bidang:
        raise NotFound(
            _("Klasifikasi fungsi tahun %(year)d belum dimuat (spbe load_fungsi --year %(year)d).")
            % {"year": year}
        )
    return result


@dataclass(frozen=True)
class FungsiTotal:
    """One function (``level`` 0) or sub-function (1) with its budget and realisation."""

    code: str
    name: str
    level: int
    budget: Decimal
    realised: Decimal


def by_fungsi(
    mapping: FungsiMap,
    budget: dict[str, Decimal],
    realised: dict[str, Decimal] | None = None,
    *,
    depth: int = 2,
) -> list[FungsiTotal]:
    """Fold amounts per sub-kegiatan code into functions (and sub-functions when ``depth`` is 2), in code
    order; amounts of a bidang the list lacks go to one ``UNMAPPED`` row at the end, so the rows' level-0
    totals always add up to the input's."""
    totals: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for index, source in enumerate((budget, realised or {})):
        for sub_kegiatan, amount in source.items():
            sub = mapping.sub_fungsi_of(sub_kegiatan)
            top = mapping.parent.get(sub, UNMAPPED)
            totals[top][index] += amount
            if depth > 1 and sub != UNMAPPED:
                totals[sub][index] += amount
    rows = []
    for code in sorted(totals, key=lambda c: (c == UNMAPPED, c)):
        b, r = totals[code]
        if code == UNMAPPED:
            rows.append(FungsiTotal("", _("Tanpa fungsi (bidang belum dipetakan)"), 0, b, r))
        else:
            rows.append(FungsiTotal(code, mapping.names.get(code, ""), code.count("."), b, r))
    return rows
