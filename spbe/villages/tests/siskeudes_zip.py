"""Build Siskeudes export zips for the tests: one CSV per table, the columns Siskeudes writes."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

COLUMNS: dict[str, list[str]] = {
    "Ta_RABRinci": [
        "Tahun",
        "Kd_Desa",
        "Kd_Keg",
        "Kd_Rincian",
        "Kd_SubRinci",
        "No_Urut",
        "SumberDana",
        "Uraian",
        "Satuan",
        "JmlSatuan",
        "HrgSatuan",
        "Anggaran",
        "JmlSatuanPAK",
        "HrgSatuanPAK",
        "AnggaranStlhPAK",
        "AnggaranPAK",
    ],
    "Ta_TBP": ["Tahun", "No_Bukti", "Tgl_Bukti", "Kd_Desa", "Uraian", "Jumlah"],
    "Ta_TBPRinci": [
        "Tahun",
        "No_Bukti",
        "Kd_Desa",
        "Kd_Keg",
        "Kd_Rincian",
        "RincianSD",
        "SumberDana",
        "Nilai",
    ],
    "Ta_SPP": ["Tahun", "No_SPP", "Tgl_SPP", "Jn_SPP", "Kd_Desa", "Keterangan", "Jumlah", "Potongan"],
    "Ta_SPPRinci": ["Tahun", "No_SPP", "Kd_Desa", "Kd_Keg", "Kd_Rincian", "Sumberdana", "Nilai"],
    "Ta_SPJ": ["Tahun", "No_SPJ", "Tgl_SPJ", "Kd_Desa", "No_SPP", "Keterangan", "Jumlah"],
    "Ta_SPJRinci": [
        "Tahun",
        "No_SPJ",
        "Kd_Keg",
        "Kd_Rincian",
        "Sumberdana",
        "Kd_Desa",
        "No_SPP",
        "JmlCair",
        "Nilai",
        "Sisa",
    ],
    "Ta_Mutasi": [
        "Tahun",
        "Kd_Desa",
        "No_Bukti",
        "Tgl_Bukti",
        "Keterangan",
        "Kd_Bank",
        "Kd_Rincian",
        "Kd_Keg",
        "Sumberdana",
        "Kd_Mutasi",
        "Nilai",
    ],
    "Ta_JurnalUmum": [
        "Tahun",
        "KdBuku",
        "Kd_Desa",
        "Tanggal",
        "JnsBukti",
        "NoBukti",
        "Keterangan",
        "DK",
        "Debet",
        "Kredit",
        "Jenis",
        "Posted",
    ],
    "Ta_JurnalUmumRinci": [
        "Tahun",
        "NoBukti",
        "Kd_Keg",
        "RincianSD",
        "NoID",
        "Kd_Desa",
        "Akun",
        "Kd_Rincian",
        "Sumberdana",
        "DK",
        "Debet",
        "Kredit",
    ],
    "Ref_Rek4": ["Jenis", "Obyek", "Nama_Obyek", "Peraturan"],
}

Rows = dict[str, list[dict[str, str]]]


def write_zip(
    path: Path, tables: Rows, *, drop_tables: tuple[str, ...] = (), drop_columns: dict[str, str] | None = None
) -> Path:
    """Write ``tables`` (rows as dicts; missing cells empty) as a Siskeudes export zip at ``path``."""
    drop_columns = drop_columns or {}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, columns in COLUMNS.items():
            if name in drop_tables:
                continue
            header = [c for c in columns if c != drop_columns.get(name)]
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\r\n")
            writer.writerow(header)
            for row in tables.get(name, []):
                writer.writerow([row.get(c, "") for c in header])
            archive.writestr(f"{name}.csv", buffer.getvalue())
    return path
