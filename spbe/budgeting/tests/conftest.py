"""A small, hand-made reference list for budget year 2028 (2027's bundled lists are preloaded per session;
tests that load their own data use 2028), and budget personas beyond the shared ``world``."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from spbe.reference.codes import ACCOUNT_LEVELS, nomenclature_parent
from spbe.reference.models import Account, FundingSource, Nomenclature

YEAR = 2028
SUB_KEGIATAN = (
    "1.03.02.2.01.0001",  # PU: jalan
    "1.03.02.2.01.0002",
    "1.03.03.2.01.0001",
    "1.01.02.2.01.0001",  # pendidikan
    "X.XX.01.2.02.0001",  # program penunjang, written with each agency's bidang
)
LEAF_ACCOUNTS = (
    "4.1.01.09.01.0001",  # pajak reklame
    "4.2.01.01.01.0001",  # DAU
    "5.1.01.01.01.0001",  # gaji pokok PNS
    "5.1.02.01.01.0024",  # alat tulis kantor
    "5.2.04.01.01.0001",  # jalan
    "6.1.01.01.01.0001",  # SiLPA
    "6.2.02.01.01.0001",  # penyertaan modal
)
COLUMNS = [
    "kode_skpd",
    "nama_skpd",
    "kode_sub_kegiatan",
    "kode_rekening",
    "uraian",
    "volume",
    "satuan",
    "harga_satuan",
    "jumlah",
]
UNIT_A = "1.03.0.00.0.00.02.0000"  # world.unit_a, Dinas PU
UNIT_A2 = "1.01.0.00.0.00.01.0000"  # world.unit_a2, Dinas Pendidikan


def _nomenclature_rows() -> list[Nomenclature]:
    levels = {1: "urusan", 2: "bidang", 3: "program", 5: "kegiatan", 6: "sub_kegiatan"}
    codes: set[str] = set()
    for code in SUB_KEGIATAN:
        while code:
            codes.add(code)
            code = nomenclature_parent(code)
    return [
        Nomenclature(
            year=YEAR,
            code=c,
            parent_code=nomenclature_parent(c),
            level=levels[c.count(".") + 1],
            name=f"N {c}",
        )
        for c in sorted(codes)
    ]


def _account_rows() -> list[Account]:
    codes: set[str] = set()
    for code in LEAF_ACCOUNTS:
        parts = code.split(".")
        codes.update(".".join(parts[:n]) for n in range(1, len(parts) + 1))
    return [
        Account(
            year=YEAR,
            code=c,
            parent_code=c.rsplit(".", 1)[0] if "." in c else "",
            level=ACCOUNT_LEVELS[c.count(".")],
            name=f"R {c}",
        )
        for c in sorted(codes)
    ]


@pytest.fixture
def ref2028(db) -> int:
    Nomenclature.objects.bulk_create(_nomenclature_rows())
    Account.objects.bulk_create(_account_rows())
    FundingSource.objects.bulk_create(
        [
            FundingSource(year=YEAR, scope="daerah", code="PAD", name="Pendapatan Asli Daerah"),
            FundingSource(year=YEAR, scope="daerah", code="DAU", name="Dana Alokasi Umum"),
        ]
    )
    return YEAR


def write_csv(path: Path, rows: list[dict[str, str]], columns: list[str] | None = None) -> Path:
    columns = columns or COLUMNS
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})
    return path


def row(
    skpd: str,
    sub: str,
    rekening: str,
    volume: str,
    harga: str,
    jumlah: str = "",
    uraian: str = "Rincian",
    **more: str,
) -> dict[str, str]:
    return {
        "kode_skpd": skpd,
        "nama_skpd": more.get("nama_skpd", ""),
        "kode_sub_kegiatan": sub,
        "kode_rekening": rekening,
        "uraian": uraian,
        "volume": volume,
        "satuan": more.get("satuan", "paket"),
        "harga_satuan": harga,
        "jumlah": jumlah,
    }
