"""Files for the lounge's import tests."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook

SERVICE_HEADER = [
    "kode_layanan",
    "nama",
    "kode_skpd",
    "nama_skpd",
    "dasar_hukum",
    "persyaratan",
    "prosedur",
    "waktu",
    "biaya",
    "produk",
    "pengaduan",
    "loket",
]
PU = "1.03.0.00.0.00.02.0000"  # unit A of the world fixture
EDU = "1.01.0.00.0.00.01.0000"  # unit A2


def service_row(kode: str, nama: str, skpd: str = PU, nama_skpd: str = "", **extra: str) -> list[str]:
    values = {
        "dasar_hukum": "Perda 1/2020",
        "persyaratan": "KTP\nKartu Keluarga",
        "prosedur": "Ambil nomor antrean",
        "waktu": "3 hari kerja",
        "biaya": "Gratis",
        "produk": "Surat izin",
        "pengaduan": "SP4N-LAPOR!",
        "loket": "Loket 1",
        **extra,
    }
    return [kode, nama, skpd, nama_skpd, *(values[k] for k in SERVICE_HEADER[4:])]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


SURVEY_HEADER = ["kode_layanan", "tanggal", *(f"u{i}" for i in range(1, 10))]


def survey_row(kode: str, tanggal: str, answers: list[int] | list[str]) -> list[str]:
    return [kode, tanggal, *(str(a) for a in answers)]
