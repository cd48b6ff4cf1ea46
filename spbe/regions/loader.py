"""Load the bundled Kemendagri region list (or another folder with the same four CSV files) idempotently."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from spbe.core import audit
from spbe.core.actors import MaybeActor, require_platform
from spbe.core.errors import ImportFailed, RowError
from spbe.core.published import bump_version

from .models import Region

DATA_DIR = Path(__file__).resolve().parent / "data"
FILES = (
    ("provinces.csv", Region.Level.PROVINCE, None),
    ("regencies.csv", Region.Level.REGENCY, "province_code"),
    ("districts.csv", Region.Level.DISTRICT, "regency_code"),
    ("villages.csv", Region.Level.VILLAGE, "district_code"),
)
SEGMENTS = {
    Region.Level.PROVINCE: 1,
    Region.Level.REGENCY: 2,
    Region.Level.DISTRICT: 3,
    Region.Level.VILLAGE: 4,
}
BATCH = 2000

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class LoadResult:
    provinces: int
    regencies: int
    districts: int
    villages: int
    desa: int
    kelurahan: int

    @property
    def total(self) -> int:
        return self.provinces + self.regencies + self.districts + self.villages


def region_kind(level: str, code: str, name: str) -> str:
    """Tell the kind of a region from its level, code and name (Kemendagri conventions)."""
    if level == Region.Level.PROVINCE:
        return Region.Kind.PROVINSI
    if level == Region.Level.REGENCY:
        return Region.Kind.KOTA if name.startswith("Kota ") else Region.Kind.KABUPATEN
    if level == Region.Level.DISTRICT:
        return Region.Kind.KECAMATAN
    # In a village code's last segment a leading 1 is a kelurahan, 2 a desa and 3 a desa adat.
    return {"1": Region.Kind.KELURAHAN, "2": Region.Kind.DESA, "3": Region.Kind.DESA_ADAT}[
        code.rsplit(".", 1)[1][0]
    ]


def read_regions(data_dir: Path = DATA_DIR) -> list[Region]:
    """Read and check the four files; raise ImportFailed listing every bad row, before anything is written."""
    errors: list[RowError] = []
    regions: list[Region] = []
    known: set[str] = set()
    for filename, level, parent_column in FILES:
        path = data_dir / filename
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            for row_number, row in enumerate(reader, start=2):
                code = (row.get("code") or "").strip()
                name = (row.get("name") or "").strip()
                parent = (row.get(parent_column) or "").strip() if parent_column else None
                parts = code.split(".")
                if len(parts) != SEGMENTS[level] or not all(p.isdigit() for p in parts):
                    errors.append(
                        RowError(row_number, f"kode '{code}' tidak sesuai format", "code", filename)
                    )
                    continue
                if level == Region.Level.VILLAGE and parts[3][0] not in "123":
                    errors.append(RowError(row_number, f"kode desa '{code}' tidak dikenal", "code", filename))
                    continue
                if not name:
                    errors.append(RowError(row_number, "nama kosong", "name", filename))
                    continue
                if parent is not None and (parent not in known or code.rsplit(".", 1)[0] != parent):
                    errors.append(
                        RowError(
                            row_number,
                            f"induk '{parent}' tidak ada atau tidak cocok",
                            parent_column,
                            filename,
                        )
                    )
                    continue
                if code in known:
                    errors.append(RowError(row_number, f"kode '{code}' ganda", "code", filename))
                    continue
                known.add(code)
                regions.append(
                    Region(
                        code=code,
                        name=name,
                        level=level,
                        kind=region_kind(level, code, name),
                        parent_id=parent,
                    )
                )
    if errors:
        raise ImportFailed(f"Data wilayah di {data_dir} tidak dimuat: {len(errors)} baris salah.", errors)
    _count_children(regions)
    return regions


def _count_children(regions: list[Region]) -> None:
    districts: Counter[str] = Counter()
    desa: Counter[str] = Counter()
    kelurahan: Counter[str] = Counter()
    for region in regions:
        ancestors = [region.code.rsplit(".", n)[0] for n in range(1, region.code.count(".") + 1)]
        if region.level == Region.Level.DISTRICT:
            districts.update(ancestors)
        elif region.kind == Region.Kind.DESA:
            desa.update(ancestors)
        elif region.kind == Region.Kind.KELURAHAN:
            kelurahan.update(ancestors)
    for region in regions:
        region.district_count = districts[region.code]
        region.desa_count = desa[region.code]
        region.kelurahan_count = kelurahan[region.code]


def load_regions(
    data_dir: Path | None = None, *, actor: MaybeActor, progress: Progress | None = None
) -> LoadResult:
    """Insert or update every region; running it again changes nothing.

    Every row is checked before the first write. The writes then commit batch by batch so that a
    background job can show its progress to other connections; an interrupted load is finished by running
    it again, since each batch is an upsert of the same official rows.
    """
    require_platform(actor)
    data_dir = data_dir or DATA_DIR
    regions = read_regions(data_dir)
    total = len(regions)
    fields = ["name", "level", "kind", "parent", "district_count", "desa_count", "kelurahan_count"]
    for start in range(0, total, BATCH):
        batch = regions[start : start + BATCH]
        with transaction.atomic():
            Region.objects.bulk_create(
                batch, update_conflicts=True, unique_fields=["code"], update_fields=fields
            )
        if progress:
            progress(start + len(batch), total, batch[-1].code)
    levels = Counter(r.level for r in regions)
    kinds = Counter(r.kind for r in regions)
    result = LoadResult(
        provinces=levels[Region.Level.PROVINCE],
        regencies=levels[Region.Level.REGENCY],
        districts=levels[Region.Level.DISTRICT],
        villages=levels[Region.Level.VILLAGE],
        desa=kinds[Region.Kind.DESA],
        kelurahan=kinds[Region.Kind.KELURAHAN],
    )
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="regions.load",
            object_type="regions.region",
            after={"source": data_dir.name, **result.__dict__},
        )
        bump_version("regions")
    return result
