"""Load the bundled reference lists for a budget year, and import official lists from CSV or XLSX.

Both paths check every row before anything is written (format per kind, level against the code's depth,
parent present, no duplicates, name present) and raise :class:`ImportFailed` listing every bad row; the
write is one transaction with one audit entry per list, and running it again changes nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from spbe.core import audit, tabular
from spbe.core.actors import MaybeActor, require_platform
from spbe.core.errors import Conflict, ImportFailed, RowError, ValidationFailed
from spbe.core.text import InvalidText, clean_name

from . import codes
from .models import (
    CODE_LENGTH,
    MAX_YEAR,
    MIN_YEAR,
    NAME_LENGTH,
    Account,
    FundingSource,
    Nomenclature,
    ReferenceRow,
    VillageAccount,
    VillageActivity,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
BATCH = 1000

Actor = MaybeActor

NOMENKLATUR = "nomenklatur"
REKENING = "rekening"
REKENING_DESA = "rekening_desa"
KEGIATAN_DESA = "kegiatan_desa"
SUMBER_DANA = "sumber_dana"
KINDS = (NOMENKLATUR, REKENING, REKENING_DESA, KEGIATAN_DESA, SUMBER_DANA)

# The 1317/2023 list governs budget years 2024-2026; from 2027 the SIPD "pemutakhiran 2027" list applies.
NOMENCLATURE_FILES = (
    (2027, "nomenklatur_kabkota.csv"),
    (2024, "nomenklatur_kabkota_kepmendagri_1317_2023.csv"),
)
BUNDLED_FILES: dict[str, tuple[str, ...]] = {
    REKENING: ("kode_rekening.csv", "kode_rekening_pendapatan_pembiayaan.csv"),
    REKENING_DESA: ("apbdes_rekening.csv",),
    KEGIATAN_DESA: ("apbdes_kegiatan.csv",),
    SUMBER_DANA: ("sumber_dana.csv",),
}

# Header names as users write them in spreadsheets, mapped to the column they mean.
COLUMN_ALIASES = {
    "kode": "kode",
    "kode_rekening": "kode",
    "level": "level",
    "tingkat": "level",
    "nama": "nama",
    "uraian": "nama",
    "kinerja": "kinerja",
    "indikator": "indikator",
    "satuan": "satuan",
    "lingkup": "lingkup",
    "scope": "lingkup",
}
LEVEL_ALIASES = {
    "subkegiatan": "sub_kegiatan",
    "bidang_urusan": "bidang",
    "subbidang": "sub_bidang",
    "rincian": "rincian_objek",
    "sub_rincian": "sub_rincian_objek",
    "subrincian_objek": "sub_rincian_objek",
}
SATUAN_LENGTH = 100
FUNDING_CODE_LENGTH = 20
# Longest cell read per column, before any other check: the stored length where the model has one.
COLUMN_LENGTHS = {
    "kode": CODE_LENGTH,
    "level": 40,
    "nama": NAME_LENGTH,
    "satuan": SATUAN_LENGTH,
    "lingkup": 20,
}


@dataclass(frozen=True)
class TreeSpec:
    """How one hierarchical list is read and checked."""

    kind: str
    model: type[ReferenceRow]
    parse: Callable[[str], tuple[str, str]]
    parent_of: Callable[[str], str]
    levels: tuple[str, ...]
    extra_columns: tuple[str, ...] = ()


TREES: dict[str, TreeSpec] = {
    NOMENKLATUR: TreeSpec(
        NOMENKLATUR,
        Nomenclature,
        codes.parse_nomenclature_code,
        codes.nomenclature_parent,
        codes.NOMENCLATURE_LEVELS,
        ("kinerja", "indikator", "satuan"),
    ),
    REKENING: TreeSpec(
        REKENING, Account, codes.parse_account_code, codes.drop_last_segment, codes.ACCOUNT_LEVELS
    ),
    REKENING_DESA: TreeSpec(
        REKENING_DESA,
        VillageAccount,
        codes.parse_village_account_code,
        codes.drop_last_segment,
        codes.VILLAGE_ACCOUNT_LEVELS,
    ),
    KEGIATAN_DESA: TreeSpec(
        KEGIATAN_DESA,
        VillageActivity,
        codes.parse_village_activity_code,
        codes.drop_last_segment,
        codes.VILLAGE_ACTIVITY_LEVELS,
    ),
}


# One non-blank data row of an input file, with the row number the user sees in the spreadsheet.
SourceRow = tabular.TableRow


@dataclass(frozen=True)
class ImportSummary:
    kind: str
    year: int
    files: tuple[str, ...]
    rows: int
    created: int
    updated: int
    unchanged: int
    deleted: int
    by_level: dict[str, int] = field(default_factory=dict)

    def as_audit(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "files": list(self.files),
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deleted": self.deleted,
            "by_level": dict(self.by_level),
        }


@dataclass(frozen=True)
class LoadSummary:
    year: int
    lists: dict[str, ImportSummary]
    skipped: dict[str, str] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(s.rows for s in self.lists.values())


# ---------------------------------------------------------------------------------------------- reading


def read_rows(path: Path, required: Sequence[str], optional: Sequence[str] = ()) -> list[SourceRow]:
    """Read a CSV or XLSX file whose header row names the columns (any case, aliases allowed)."""
    columns = [
        *(
            tabular.Column(key, max_length=COLUMN_LENGTHS.get(key, tabular.MAX_CELL_CHARS))
            for key in required
        ),
        *(
            tabular.Column(key, required=False, max_length=COLUMN_LENGTHS.get(key, tabular.MAX_CELL_CHARS))
            for key in optional
        ),
    ]
    return tabular.read_table(path, columns, COLUMN_ALIASES)


# ------------------------------------------------------------------------------------------- validation


def _normalise_level(text: str) -> str:
    level = "_".join(text.lower().replace("-", " ").split())
    return LEVEL_ALIASES.get(level, level)


def _check_tree(
    spec: TreeSpec, rows: Iterable[SourceRow], year: int, *, parents_in_db: bool
) -> list[ReferenceRow]:
    """Check every row of a hierarchical list; return unsaved rows, or raise ImportFailed with all errors.

    Every row is checked and every error counted; the messages kept are capped by the collector.
    """
    errors = tabular.ErrorCollector()
    first_seen: dict[str, SourceRow] = {}
    checked: list[tuple[SourceRow, ReferenceRow]] = []
    for source in rows:
        values = source.values
        row_errors: list[tuple[str, str]] = []
        raw_code = values["kode"]
        code, code_level = "", ""
        if not raw_code:
            row_errors.append((_("kode kosong"), "kode"))
        else:
            try:
                code, code_level = spec.parse(raw_code)
            except codes.InvalidCode as exc:
                row_errors.append((exc.message, "kode"))
        level = _normalise_level(values["level"])
        if not level:
            row_errors.append(
                (
                    _("tingkat kosong; isi salah satu dari: %(levels)s") % {"levels": ", ".join(spec.levels)},
                    "level",
                )
            )
        elif level not in spec.levels:
            message = _("tingkat '%(level)s' tidak dikenal; yang sah: %(levels)s") % {
                "level": values["level"],
                "levels": ", ".join(spec.levels),
            }
            row_errors.append((message, "level"))
        elif code_level and level != code_level:
            message = _(
                "tingkat '%(level)s' tidak cocok dengan kode '%(code)s', yang merupakan %(expected)s"
            ) % {
                "level": level,
                "code": code,
                "expected": code_level,
            }
            row_errors.append((message, "level"))
        name = ""
        try:
            name = clean_name(values["nama"], max_length=NAME_LENGTH)
        except InvalidText as exc:
            row_errors.append((exc.message, "nama"))
        satuan = " ".join(values.get("satuan", "").split())
        if len(satuan) > SATUAN_LENGTH:
            row_errors.append((_("satuan lebih dari %(max)d karakter") % {"max": SATUAN_LENGTH}, "satuan"))
        if code:
            earlier = first_seen.get(code)
            if earlier is not None:
                elsewhere = "" if earlier.file == source.file else f" ({earlier.file})"
                message = _("kode '%(code)s' ganda: sudah ada di baris %(row)d%(file)s") % {
                    "code": code,
                    "row": earlier.row,
                    "file": elsewhere,
                }
                row_errors.append((message, "kode"))
            else:
                # A row with other faults still counts as present, so its children do not report a
                # missing parent on top of the row's own error.
                first_seen[code] = source
        if row_errors:
            for message, column in row_errors:
                errors.add(RowError(source.row, message, column, source.file))
            continue
        fields: dict[str, Any] = {
            column: " ".join(values.get(column, "").split()) for column in spec.extra_columns
        }
        fields.update(year=year, code=code, parent_code=spec.parent_of(code), level=code_level, name=name)
        checked.append((source, spec.model(**fields)))

    wanted_parents = {i.parent_code for _s, i in checked if i.parent_code and i.parent_code not in first_seen}
    known_in_db: set[str] = set()
    if parents_in_db and wanted_parents:
        known_in_db = set(
            spec.model._default_manager.filter(year=year, code__in=wanted_parents).values_list(
                "code", flat=True
            )
        )
    for source, instance in checked:
        parent = instance.parent_code
        if parent and parent not in first_seen and parent not in known_in_db:
            where = (
                _("di berkas maupun di data tahun %(year)d") % {"year": year}
                if parents_in_db
                else _("di berkas (dengan --replace induk harus ada di berkas yang sama)")
            )
            errors.add(
                RowError(
                    source.row,
                    _("induk '%(parent)s' dari kode '%(code)s' tidak ada %(where)s")
                    % {"parent": parent, "code": instance.code, "where": where},
                    "kode",
                    source.file,
                )
            )
    if errors:
        raise errors.failure(
            _("Data %(kind)s tidak disimpan: %(count)d kesalahan. Perbaiki semua baris lalu ulangi.")
            % {"kind": spec.kind, "count": errors.total}
        )
    return [instance for _s, instance in checked]


def _check_funding(rows: Iterable[SourceRow], year: int) -> list[FundingSource]:
    errors = tabular.ErrorCollector()
    first_seen: dict[tuple[str, str], SourceRow] = {}
    result: list[FundingSource] = []
    scopes = FundingSource.Scope.values
    for source in rows:
        values = source.values
        before = errors.total
        code = values["kode"].upper()
        if not code:
            errors.add(RowError(source.row, _("kode kosong"), "kode", source.file))
        elif (
            len(code) > FUNDING_CODE_LENGTH
            or not code.isascii()
            or not code[0].isalnum()
            or not all(ch.isalnum() or ch in "._-" for ch in code)
        ):
            errors.add(
                RowError(
                    source.row,
                    _("kode '%(code)s' harus huruf/angka (boleh . _ -), paling panjang %(max)d karakter")
                    % {"code": values["kode"], "max": FUNDING_CODE_LENGTH},
                    "kode",
                    source.file,
                )
            )
        scope = values["lingkup"].lower()
        if scope not in scopes:
            errors.add(
                RowError(
                    source.row,
                    _("lingkup '%(scope)s' tidak dikenal; isi 'daerah' atau 'desa'")
                    % {"scope": values["lingkup"]},
                    "lingkup",
                    source.file,
                )
            )
        name = ""
        try:
            name = clean_name(values["nama"], max_length=NAME_LENGTH)
        except InvalidText as exc:
            errors.add(RowError(source.row, exc.message, "nama", source.file))
        key = (scope, code)
        if code and scope in scopes:
            earlier = first_seen.setdefault(key, source)
            if earlier is not source:
                errors.add(
                    RowError(
                        source.row,
                        _("kode '%(code)s' untuk lingkup %(scope)s ganda: sudah ada di baris %(row)d")
                        % {"code": code, "scope": scope, "row": earlier.row},
                        "kode",
                        source.file,
                    )
                )
        if errors.total == before:
            result.append(FundingSource(year=year, scope=scope, code=code, name=name))
    if errors:
        raise errors.failure(
            _("Data sumber dana tidak disimpan: %(count)d kesalahan. Perbaiki semua baris lalu ulangi.")
            % {"count": errors.total}
        )
    return result


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationFailed(
            _("Tahun anggaran %(year)s di luar rentang %(min)d-%(max)d.")
            % {"year": year, "min": MIN_YEAR, "max": MAX_YEAR},
            field="year",
        )


def _columns(kind: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if kind == SUMBER_DANA:
        return ("kode", "nama", "lingkup"), ()
    return ("kode", "level", "nama"), TREES[kind].extra_columns


def _check(kind: str, rows: list[SourceRow], year: int, *, parents_in_db: bool) -> list[models.Model]:
    if kind == SUMBER_DANA:
        return list(_check_funding(rows, year))
    return list(_check_tree(TREES[kind], rows, year, parents_in_db=parents_in_db))


# ---------------------------------------------------------------------------------------------- writing


def _keys_and_values(kind: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if kind == SUMBER_DANA:
        return ("scope", "code"), ("name",)
    return ("code",), ("parent_code", "level", "name", *TREES[kind].extra_columns)


def _model(kind: str) -> type[models.Model]:
    return FundingSource if kind == SUMBER_DANA else TREES[kind].model


def _write(
    kind: str, year: int, objects: list[models.Model], files: tuple[str, ...], *, replace: bool
) -> ImportSummary:
    """Upsert the rows that are new or changed, optionally delete the year's rows absent from the input."""
    model = _model(kind)
    key_fields, value_fields = _keys_and_values(kind)
    existing: dict[tuple[Any, ...], tuple[tuple[Any, ...], int]] = {}
    for row in model._default_manager.filter(year=year).values_list(*key_fields, *value_fields, "pk"):
        existing[tuple(row[: len(key_fields)])] = (tuple(row[len(key_fields) : -1]), row[-1])
    changed: list[models.Model] = []
    created = updated = 0
    seen: set[tuple[Any, ...]] = set()
    for obj in objects:
        key = tuple(getattr(obj, f) for f in key_fields)
        seen.add(key)
        current = existing.get(key)
        if current is None:
            created += 1
            changed.append(obj)
        elif current[0] != tuple(getattr(obj, f) for f in value_fields):
            updated += 1
            changed.append(obj)
    for start in range(0, len(changed), BATCH):
        model._default_manager.bulk_create(
            changed[start : start + BATCH],
            update_conflicts=True,
            unique_fields=["year", *key_fields],
            update_fields=[*value_fields, "updated_at"],
        )
    deleted = 0
    if replace:
        stale = [pk for key, (_values, pk) in existing.items() if key not in seen]
        try:
            for start in range(0, len(stale), BATCH):
                deleted += model._default_manager.filter(pk__in=stale[start : start + BATCH]).delete()[0]
        except (ProtectedError, RestrictedError) as exc:
            raise Conflict(
                _(
                    "Baris lama tahun %(year)d yang tidak ada di berkas masih dipakai data lain, "
                    "sehingga tidak dapat dihapus. Impor tanpa --replace atau lepaskan pemakaiannya dahulu."
                )
                % {"year": year}
            ) from exc
    levels = Counter(str(getattr(o, "scope" if kind == SUMBER_DANA else "level")) for o in objects)
    return ImportSummary(
        kind=kind,
        year=year,
        files=files,
        rows=len(objects),
        created=created,
        updated=updated,
        unchanged=len(objects) - created - updated,
        deleted=deleted,
        by_level=dict(levels),
    )


def _record(actor: Actor, action: str, kind: str, summary: ImportSummary, **extra: Any) -> None:
    audit.record(
        actor=actor,
        action=action,
        object_type=_model(kind)._meta.label_lower,
        object_id=summary.year,
        after={"kind": kind, **summary.as_audit(), **extra},
    )


# ----------------------------------------------------------------------------------------- entry points


def nomenclature_file_for(year: int) -> str | None:
    """The bundled nomenclature file that governs ``year``, or None when none is bundled for it."""
    for first_year, filename in NOMENCLATURE_FILES:
        if year >= first_year:
            return filename
    return None


def bundled_files(year: int) -> dict[str, tuple[str, ...]]:
    """The bundled files loaded for ``year``, by kind."""
    files: dict[str, tuple[str, ...]] = {}
    nomenclature = nomenclature_file_for(year)
    if nomenclature:
        files[NOMENKLATUR] = (nomenclature,)
    files.update(BUNDLED_FILES)
    return files


def load_bundled_reference(year: int, *, actor: Actor, data_dir: Path = DATA_DIR) -> LoadSummary:
    """Insert or update every bundled list for ``year`` in one transaction; a second run changes nothing.

    Rows added by an earlier import are left alone: the bundle only adds and corrects.
    """
    require_platform(actor)
    _check_year(year)
    checked: dict[str, tuple[tuple[str, ...], list[models.Model]]] = {}
    errors = tabular.ErrorCollector()
    for kind, filenames in bundled_files(year).items():
        required, optional = _columns(kind)
        rows = [row for name in filenames for row in read_rows(data_dir / name, required, optional)]
        try:
            checked[kind] = (filenames, _check(kind, rows, year, parents_in_db=True))
        except ImportFailed as exc:
            errors.extend(exc)
    if errors:
        raise errors.failure(
            _("Data referensi bawaan tahun %(year)d tidak dimuat: %(count)d kesalahan.")
            % {"year": year, "count": errors.total}
        )
    summaries: dict[str, ImportSummary] = {}
    with transaction.atomic():
        for kind, (filenames, objects) in checked.items():
            summaries[kind] = _write(kind, year, objects, filenames, replace=False)
            _record(actor, "reference.load", kind, summaries[kind])
    skipped: dict[str, str] = {}
    if NOMENKLATUR not in checked:
        skipped[NOMENKLATUR] = _(
            "Tidak ada nomenklatur bawaan untuk tahun %(year)d (bawaan berlaku mulai 2024); "
            "impor daftar resmi."
        ) % {"year": year}
    return LoadSummary(year=year, lists=summaries, skipped=skipped)


def import_reference(
    kind: str, path: Path | str, year: int, *, actor: Actor, replace: bool = False
) -> ImportSummary:
    """Import an official list from a CSV or XLSX file, all rows or none.

    Columns (first row, any case): ``kode``, ``level``, ``nama`` and, for ``nomenklatur``, the optional
    ``kinerja``, ``indikator``, ``satuan``; for ``sumber_dana``: ``kode``, ``nama``, ``lingkup``
    (``daerah``/``desa``). With ``replace`` the year's rows of this kind that are not in the file are
    deleted, so every parent must then be in the file itself.
    """
    require_platform(actor)
    if kind not in KINDS:
        raise ValidationFailed(
            _("Jenis data '%(kind)s' tidak dikenal; pilih salah satu dari: %(kinds)s")
            % {"kind": kind, "kinds": ", ".join(KINDS)},
            field="kind",
        )
    _check_year(year)
    path = Path(path)
    if not path.is_file():
        raise ValidationFailed(_("Berkas %(file)s tidak ditemukan.") % {"file": path}, field="file")
    required, optional = _columns(kind)
    rows = read_rows(path, required, optional)
    if not rows:
        raise ImportFailed(
            _("Berkas %(file)s tidak berisi data.") % {"file": path.name},
            [RowError(2, _("tidak ada baris data di bawah judul kolom"), None, path.name)],
        )
    with transaction.atomic():
        # Parents already in the database are looked up inside the transaction that relies on them.
        objects = _check(kind, rows, year, parents_in_db=not replace)
        summary = _write(kind, year, objects, (path.name,), replace=replace)
        _record(actor, "reference.import", kind, summary, replace=replace)
    return summary
